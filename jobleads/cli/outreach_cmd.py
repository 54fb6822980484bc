"""`leads followups` and `leads hidden`: what to do next with the people you know."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Optional

import typer

from jobleads.cli import app
from jobleads.cli.output import Column, Format, emit
from jobleads.cli.state import scored_reader, state

FOLLOWUP_COLUMNS = [
    Column("kind", "What"),
    Column("days", "Days", justify="right"),
    Column("title", "Lead", max_width=34),
    Column("company", "Company", max_width=20),
    Column("contact", "Contact", lambda v: v or ""),
    Column("lead_id", "Lead id"),
]
HIDDEN_COLUMNS = [
    Column("company", "Company", max_width=22),
    Column("past_postings", "Past roles", justify="right"),
    Column("ask", "Ask"),
    Column("suggestion", "Suggestion", max_width=46),
]


@app.command()
def followups(
    days: Optional[int] = typer.Option(None, "--days", min=1, help="Quiet this many days (default: [network] followup_days)."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table, json or csv."),
) -> None:
    """Referrals offered and applications sent with nothing since (no touch, no status change): follow up."""
    from warehouse.outreach import followups as due

    days = days or state.config().network.followup_days
    with scored_reader() as con:
        rows = due(con, days, datetime.now(timezone.utc))
    emit(rows, fmt, FOLLOWUP_COLUMNS, title=f"Follow-ups (quiet {days}+ days)", empty="no follow-up is due")


@app.command()
def hidden(
    limit: int = typer.Option(30, "--limit", "-n", min=1, help="At most this many companies."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table, json or csv."),
) -> None:
    """Companies where you know someone well but no open lead fits: jobs not (yet) posted, and whom to ask."""
    from warehouse.outreach import hidden_openings

    config = state.config()
    with scored_reader() as con:
        rows = hidden_openings(con, config, limit)
    emit(rows, fmt, HIDDEN_COLUMNS, title="Hidden openings",
         empty="none: add target titles to [profile] and import your contacts (close or known)")
