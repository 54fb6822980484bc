"""`leads sources`: what is configured, with last run status and counts."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import typer

from jobleads.cli import app
from jobleads.cli.output import Column, Format, emit
from jobleads.cli.state import state
from jobleads.config import Config
from warehouse.db import reader
from warehouse.runs import last_source_runs



def _when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime) else str(value or "")


SOURCE_COLUMNS = [
    Column("type", "Type"),
    Column("board", "Board"),
    Column("status", "Last status"),
    Column("last_run_at", "Last run (UTC)", _when),
    Column("last_ok_at", "Last OK (UTC)", _when),
    Column("parsed", "Parsed", justify="right"),
    Column("quarantined", "Quar.", justify="right"),
    Column("complete", "Complete", lambda v: "" if v is None else ("yes" if v else "no")),
    Column("note", "Note", max_width=48),
]


def source_rows(config: Config, db_path: Path) -> list[dict[str, Any]]:
    """One row per configured source, joined with what the last run recorded for it."""
    history: dict[tuple[str, str], dict[str, Any]] = {}
    last_ok: dict[tuple[str, str], Any] = {}
    if db_path.exists():
        with reader(db_path) as con:
            history, last_ok = last_source_runs(con)
    from connectors import SOURCES  # the connector modules load here, not for every `leads` command

    rows = []
    for spec in config.sources:
        key = (spec.type, spec.board or "")
        last = history.get(key, {})
        cls = SOURCES.get(spec.type)
        notes = []
        if cls is None:
            notes.append(f"unknown source type (known: {', '.join(sorted(SOURCES))})")
        else:
            missing = [name for name in cls.required_env if not _env(name)]
            if missing:
                notes.append(f"needs {' and '.join(missing)}")
        if not spec.enabled:
            notes.append("disabled")
        if last.get("error"):
            notes.append(str(last["error"]))
        rows.append({
            "type": spec.type,
            "board": spec.board,
            "company": spec.company,
            "enabled": spec.enabled,
            "options": spec.options(),
            "status": last.get("status") or "never run",
            "last_run_at": last.get("last_run_at"),
            "last_ok_at": last_ok.get(key),
            "fetched": last.get("fetched"),
            "parsed": last.get("parsed"),
            "quarantined": last.get("quarantined"),
            "pages": last.get("pages"),
            "complete": last.get("complete"),
            "seconds": last.get("seconds"),
            "note": "; ".join(notes) or None,
        })
    return rows


def _env(name: str) -> str:
    import os

    return os.environ.get(name, "")


@app.command()
def sources(fmt: Format = typer.Option(Format.table, "--format", "-f", help="table, json or csv.")) -> None:
    """The configured sources, with the last run's status and counts for each."""
    rows = source_rows(state.config(), state.db)
    if fmt == Format.json:
        rows = [{**r, "last_run_at": _iso(r["last_run_at"]), "last_ok_at": _iso(r["last_ok_at"])} for r in rows]
    emit(rows, fmt, SOURCE_COLUMNS, title=f"Sources in {state.config_path}",
         empty=f"no [[sources]] in {state.config_path} (run `leads init` for a commented example)")


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value
