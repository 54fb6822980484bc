"""`leads discover` and `leads company target`: the job boards of the companies your network reaches."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import List, Optional

import typer

from jobleads.cli import app
from jobleads.cli.network import company_app
from jobleads.cli.output import Column, Format, console, emit, err_console
from jobleads.cli.state import UsageError, state


def _where(row: dict) -> str:
    region = f" ({row['region'].upper()})" if row.get("region") else ""
    return f"{row['provider']}{region}: {row['token']}"


def _status(row: dict) -> str:
    if row["added"]:
        return "added"
    if row["watched"]:
        return "watched"
    return "new" if row["confirmed"] else "unconfirmed"


BOARD_COLUMNS = [
    Column("company", "Company", max_width=24),
    Column("provider", "Board", lambda v: v, max_width=40),
    Column("open_jobs", "Open jobs", justify="right"),
    Column("matching", "Fit you", justify="right"),
    Column("know", "You know", lambda v: ", ".join(v or []), max_width=30),
    Column("status", "Status"),
]


@app.command()
def discover(
    add: bool = typer.Option(False, "--add", help="Append the confirmed boards not yet watched to leads.toml."),
    company: Optional[List[str]] = typer.Option(None, "--company", "-c", help="Only this company (repeatable)."),
    recheck: bool = typer.Option(False, "--recheck", help="Ask again about companies checked within [discover] recheck_days."),
    limit: Optional[int] = typer.Option(None, "--limit", "-n", min=1, help="Check at most this many companies."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table, json or csv."),
    replay: Optional[Path] = typer.Option(None, "--replay", hidden=True, help="Folder of recorded responses."),
) -> None:
    """Find the public job boards (Greenhouse, Lever, Ashby, Workable, SmartRecruiters, Recruitee) of your
    contacts' employers, your referrals' companies and your target companies.

    A board counts only when it names itself as the same company (or, where the API names none, its job texts
    do). Companies checked within `[discover] recheck_days` are skipped. `--add` appends the new boards to
    leads.toml (comments kept, nothing listed twice); the next `leads refresh` fetches their jobs.
    """
    from flows.discovery import DiscoveryInterrupted, discover as run_discovery
    from jobleads.config import append_sources
    from warehouse.discovery import sources_to_add

    if replay is not None and not replay.is_dir():
        raise UsageError(f"--replay {replay}: not a folder of recordings")
    if not state.db.exists():
        raise UsageError(f"{state.db}: no database yet: import your contacts first "
                         "(`leads import Connections.csv --format linkedin`)")
    config = state.config()
    with err_console.status("asking the job boards ...") as status:
        done = [0]

        def tick(name: str) -> None:
            done[0] += 1
            status.update(f"asking the job boards ... {done[0]} companies checked (last: {name})")

        try:
            report = run_discovery(state.db, config, only=company or (), recheck=recheck, limit=limit,
                                   replay_dir=str(replay) if replay else None, on_company=tick)
        except LookupError as exc:
            raise UsageError(str(exc)) from None
        except DiscoveryInterrupted as stopped:
            saved = stopped.report.checked - len(stopped.report.failures)
            err_console.print(f"stopped: {max(saved, 0)} companies checked and saved; the rest are asked next time",
                              markup=False, highlight=False)
            raise typer.Exit(130) from None
    added: list[dict] = []
    if add:
        when = datetime.now(timezone.utc).date().isoformat()
        added = append_sources(state.config_path, sources_to_add(report.boards),
                               comment=f"found by `leads discover` on {when}")
    added_keys = {(a["type"], a.get("region"), a["board"]) for a in added}
    rows = [{**r, "added": (r["provider"], r["region"], r["token"]) in added_keys} for r in report.boards]
    rows = [{**r, "status": _status(r)} for r in rows]
    shown = [{**r, "provider": _where(r)} for r in rows] if fmt == Format.table else rows
    emit(shown, fmt, BOARD_COLUMNS, title="Job boards of your network",
         empty="no board found yet for the companies of your network")
    skipped = f" ({report.skipped_recent} checked within {config.discover.recheck_days} days skipped)" \
        if report.skipped_recent else ""
    err_console.print(
        f"checked {report.checked} companies{skipped}: {report.candidates} candidate boards "
        f"({report.per_company:.1f} per company), {report.requests} requests, "
        f"{report.remembered} answered from earlier checks, in {report.seconds:.1f} s",
        markup=False, highlight=False)
    for failure in report.failures:
        err_console.print(f"not checked, will retry next time: {failure}", markup=False, highlight=False)
    if add:
        if added:
            err_console.print(f"added {len(added)} source{'s' if len(added) != 1 else ''} to {state.config_path}: "
                              "`leads refresh` fetches their jobs", markup=False, highlight=False)
        else:
            err_console.print(f"nothing to add to {state.config_path}", markup=False, highlight=False)


@company_app.command("target")
def company_target(
    name: Optional[str] = typer.Argument(None, help="A company you want to work for, e.g. 'Northwind Cloud'."),
    remove: bool = typer.Option(False, "--remove", help="Stop targeting NAME."),
    list_: bool = typer.Option(False, "--list", help="List your target companies."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table, json or csv (with --list)."),
) -> None:
    """Mark a company as a target: `leads discover` looks for its job board though nobody you know works there."""
    from jobleads.usecases import transaction
    from warehouse import discovery
    from warehouse.db import reader

    if list_:
        if not state.db.exists():
            rows = []
        else:
            with reader(state.db) as con:
                rows = discovery.target_rows(con)
        emit(rows, fmt, [Column("company", "Company"), Column("added_at", "Added", lambda v: (v or "")[:10]),
                         Column("boards", "Boards found", justify="right")],
             title="Target companies", empty="no target companies (add one: `leads company target NAME`)")
        return
    if not name or not name.strip():
        raise UsageError("name a company: `leads company target NAME` (or --list)")
    with transaction(state.db, "company target") as con:
        try:
            if remove:
                removed = discovery.remove_target(con, name)
                message = f"'{removed}' is no longer a target"
            else:
                _cid, company = discovery.add_target(con, name, datetime.now(timezone.utc))
                message = f"{company} is a target: `leads discover` looks for its job board"
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    console.print(message, markup=False, highlight=False)
