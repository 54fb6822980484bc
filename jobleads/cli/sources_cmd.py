"""`leads sources`: what is configured, with last run status and counts."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import typer

from jobleads.cli import app
from jobleads.cli.output import Column, Format, emit
from jobleads.cli.state import state
from jobleads.config import Config
from warehouse.db import reader

_LAST_RUN = """
SELECT rs.source, coalesce(rs.source_key, '') AS source_key,
       arg_max(rs.status, r.started_at) AS status,
       arg_max(rs.complete, r.started_at) AS complete,
       arg_max(rs.fetched, r.started_at) AS fetched,
       arg_max(rs.parsed, r.started_at) AS parsed,
       arg_max(rs.quarantined, r.started_at) AS quarantined,
       arg_max(rs.pages, r.started_at) AS pages,
       arg_max(rs.seconds, r.started_at) AS seconds,
       arg_max(rs.error, r.started_at) AS error,
       max(r.started_at) AS last_run_at
FROM run_sources rs JOIN runs r USING (run_id)
GROUP BY ALL
"""


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
            try:
                cursor = con.execute(_LAST_RUN)
                names = [d[0] for d in cursor.description]
                for row in cursor.fetchall():
                    record = dict(zip(names, row))
                    history[(record["source"], record["source_key"])] = record
                for source, key, ok_at in con.execute(
                        "SELECT source, source_key, last_ok_at FROM source_state").fetchall():
                    last_ok[(source, key)] = ok_at
            except duckdb.CatalogException:
                pass  # a database from before these tables: nothing recorded yet
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
