"""`leads status`: where each application stands (new, saved, applied, interviewing, offer, rejected,
not interested, archived), with notes and a history."""
from __future__ import annotations

import json
import sys
from typing import Optional

import typer

from jobleads.cli import app
from jobleads.cli.output import Column, Format, console, emit
from jobleads.cli.state import UsageError, scored_reader, state

PIPELINE_COLUMNS = [
    Column("user_status", "Status", lambda v: (v or "").replace("_", " ")),
    Column("since", "Since", lambda v: (v or "")[:10]),
    Column("title", "Title", max_width=40),
    Column("company", "Company", max_width=22),
    Column("note", "Note", max_width=30),
    Column("lead_open", "Open", lambda v: "" if v else "closed"),
    Column("lead_id", "Lead"),
]
HISTORY_COLUMNS = [
    Column("at", "When", lambda v: (v or "")[:16].replace("T", " ")),
    Column("status", "Status", lambda v: (v or "").replace("_", " ")),
    Column("note", "Note"),
    Column("origin", "From"),
]


@app.command()
def status(
    lead_id: Optional[str] = typer.Argument(None, help="A lead id (or a unique start of one) from `leads top`."),
    new_status: Optional[str] = typer.Argument(
        None, metavar="STATUS",
        help="new, saved, applied, interviewing, offer, rejected, not-interested or archived."),
    note: Optional[str] = typer.Option(None, "--note", help="A note kept with this status."),
    list_: bool = typer.Option(False, "--list", help="Every lead you gave a status, latest change first."),
    only: Optional[list[str]] = typer.Option(None, "--only", help="With --list: only these statuses."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table, json or csv."),
) -> None:
    """Record where an application stands, or show it: `leads status LEAD applied --note "via Anna"`,
    `leads status LEAD` (its history), `leads status --list`."""
    from warehouse import statuses

    try:
        if list_ or lead_id is None:
            if lead_id is not None:
                raise UsageError("give either a lead or --list, not both")
            with scored_reader() as con:
                rows = statuses.pipeline(con, only)
            waiting = statuses.queued(state.db)
            emit(rows, fmt, PIPELINE_COLUMNS, title="Your applications",
                 empty="no lead has a status yet: `leads status LEAD_ID applied`")
            if waiting and fmt == Format.table:
                console.print(f"{len(waiting)} status changes wait for the running refresh to finish", style="dim")
            return
        if new_status is None:
            with scored_reader() as con:
                events = statuses.history(con, lead_id)
            if fmt == Format.json:
                sys.stdout.write(json.dumps(events, indent=2, ensure_ascii=False) + "\n")
            else:
                emit(events, fmt, HISTORY_COLUMNS, title=f"Status of {lead_id}",
                     empty=f"{lead_id}: no status yet (new)")
            return
        from jobleads.usecases import set_status

        if note is not None and len(note) > 2000:
            raise UsageError("--note: at most 2000 characters")
        done = set_status(state.db, lead_id, new_status, note, origin="cli")
    except statuses.StatusError as exc:
        raise UsageError(str(exc)) from None
    console.print(done.message, markup=False, highlight=False)
