"""The user's network: contacts, touches, referrals, companies, warm companies, reconnect.

Everything here stays on this machine: no command sends contacts anywhere. The warehouse modules are
imported inside the commands, so that `leads top` and the other queries do not pay for them.
"""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from typing import Optional

import typer
from pydantic import ValidationError

from jobleads.cli import app
from jobleads.cli.output import Column, Format, console, emit
from jobleads.cli.state import UsageError, scored_reader, state
from jobleads.validation import reasons
from warehouse.db import reader

contacts_app = typer.Typer(help="People you know: add, list, edit, remove.", no_args_is_help=True)
referral_app = typer.Typer(help="Referrals people offered you: they become leads.", no_args_is_help=True)
company_app = typer.Typer(help="Companies: aliases for parents and rebrands, targets for `leads discover`.", no_args_is_help=True)
app.add_typer(contacts_app, name="contacts")
app.add_typer(referral_app, name="referral")
app.add_typer(company_app, name="company")

STRENGTHS = ("close", "known", "weak")

CONTACT_COLUMNS = [
    Column("name", "Name"), Column("company", "Company", max_width=28), Column("position", "Position", max_width=32),
    Column("strength", "Strength"), Column("last_touch", "Last touch"), Column("contact_id", "Id"),
]
WARM_COLUMNS = [
    Column("company", "Company", max_width=24),
    Column("contacts", "Contacts", lambda v: "; ".join(
        f"{c['name']} ({c['position'] or '?'}, {c['strength']})" for c in v or []), max_width=48),
    Column("open_leads", "Open leads", justify="right"),
    Column("best_score", "Best", lambda v: f"{v:.2f}" if v is not None else "", justify="right"),
    Column("suggested_ask", "Suggested ask", max_width=60),
]
RECONNECT_COLUMNS = [
    Column("name", "Name"), Column("company", "Company", max_width=24), Column("position", "Position", max_width=28),
    Column("strength", "Strength"),
    Column("days_since_touch", "Days since touch", lambda v: "never" if v is None else str(v), justify="right"),
    Column("strong_leads", "Strong leads", justify="right"), Column("best_lead", "Best lead", max_width=36),
]


def _now() -> datetime:
    return datetime.now(timezone.utc)


def network_change(what: str, full: bool = False):
    """The use case's one transaction: the change, then companies re-resolved, contacts re-linked, leads re-scored."""
    from jobleads.usecases import network_change as change

    return change(state.db, state.config(), what, full=full)


def _strength(value: Optional[str]) -> Optional[str]:
    if value is not None and value.lower() not in STRENGTHS:
        raise UsageError(f"--strength: '{value}' is not one of {', '.join(STRENGTHS)}")
    return value.lower() if value else None


def _find(con, ref: str) -> dict:
    from warehouse import network

    try:
        return network.find_contact(con, ref)
    except network.ContactNotFound as exc:
        raise UsageError(str(exc)) from None


# ---- contacts ---------------------------------------------------------------------------------------

@contacts_app.command("add")
def contacts_add(
    name: str = typer.Argument(..., help="Full name."),
    company: Optional[str] = typer.Option(None, "--company", help="Where they work."),
    position: Optional[str] = typer.Option(None, "--position", help="Their job title."),
    url: Optional[str] = typer.Option(None, "--url", help="Profile URL (identifies them on re-import)."),
    email: Optional[str] = typer.Option(None, "--email"),
    strength: str = typer.Option("known", "--strength", help="close, known or weak."),
    notes: Optional[str] = typer.Option(None, "--notes"),
) -> None:
    """Add a contact (or update the one with the same profile URL, email, or name and company)."""
    from warehouse import network
    from connectors.models import Contact

    fields = {k: v for k, v in dict(name=name, company=company, position=position, url=url, email=email,
                                    strength=_strength(strength), notes=notes).items() if v is not None}
    try:
        contact = Contact(**fields)
    except ValidationError as exc:
        raise UsageError(reasons(exc, first_only=True)) from None
    with network_change("contacts") as con:
        new, _ = network.upsert_contacts(con, [contact], "manual", _now())
    console.print(f"{'added' if new else 'updated'} {contact.name}")


@contacts_app.command("list")
def contacts_list(
    company: Optional[str] = typer.Option(None, "--company", help="Only contacts at this company."),
    strength: Optional[str] = typer.Option(None, "--strength", help="Only close, known or weak."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table, json or csv."),
) -> None:
    """Everyone in your network, with strength and last touch."""
    from warehouse import network

    with reader(state.db) as con:
        rows = network.contact_rows(con, company=company, strength=_strength(strength))
    emit(rows, fmt, CONTACT_COLUMNS, title="Contacts", empty="no contacts (leads import Connections.csv --format linkedin)")


@contacts_app.command("edit")
def contacts_edit(
    contact: str = typer.Argument(..., help="Id, full name or a unique part of the name."),
    name: Optional[str] = typer.Option(None, "--name"),
    company: Optional[str] = typer.Option(None, "--company"),
    position: Optional[str] = typer.Option(None, "--position"),
    url: Optional[str] = typer.Option(None, "--url"),
    email: Optional[str] = typer.Option(None, "--email"),
    strength: Optional[str] = typer.Option(None, "--strength", help="close, known or weak."),
    notes: Optional[str] = typer.Option(None, "--notes"),
) -> None:
    """Change a contact's fields (the strength of the tie is yours to set)."""
    from warehouse import network

    changes = dict(name=name, company=company, position=position, url=url, email=email,
                   strength=_strength(strength), notes=notes)
    if all(v is None for v in changes.values()):
        raise UsageError("nothing to change: give at least one of --name, --company, --position, --url, "
                         "--email, --strength, --notes")
    with network_change("contacts") as con:
        found = _find(con, contact)
        try:
            network.edit_contact(con, found["contact_id"], changes, _now())
        except ValidationError as exc:
            raise UsageError(reasons(exc, first_only=True)) from None
    console.print(f"updated {name or found['name']}")


@contacts_app.command("remove")
def contacts_remove(contact: str = typer.Argument(..., help="Id, full name or a unique part of the name.")) -> None:
    """Forget a contact and their logged touches."""
    from warehouse import network

    with network_change("contacts") as con:
        found = _find(con, contact)
        network.remove_contact(con, found["contact_id"])
    console.print(f"removed {found['name']}")


@app.command()
def touch(
    contact: str = typer.Argument(..., help="Id, full name or a unique part of the name."),
    note: Optional[str] = typer.Option(None, "--note", help="What you talked about."),
    on: Optional[str] = typer.Option(None, "--date", help="When (YYYY-MM-DD; default today)."),
) -> None:
    """Log a conversation with a contact: it resets how warm the tie is."""
    from warehouse import network

    when = _now()
    if on:
        try:
            when = datetime.combine(date.fromisoformat(on), time(12), tzinfo=timezone.utc)
        except ValueError:
            raise UsageError(f"--date: '{on}' is not a date (YYYY-MM-DD)") from None
        if when.date() > _now().date():
            raise UsageError(f"--date: {on} is in the future")
    with network_change("contacts") as con:
        found = _find(con, contact)
        network.touch(con, found["contact_id"], note, when)
    console.print(f"logged a touch with {found['name']} on {when.date().isoformat()}")


# ---- referrals --------------------------------------------------------------------------------------

@referral_app.command("add")
def referral_add(
    company: str = typer.Option(..., "--company", help="The company of the job."),
    title: str = typer.Option(..., "--title", help="The job title."),
    contact: str = typer.Option(..., "--contact", help="Who offered to refer you (a contact, or a new one)."),
    url: Optional[str] = typer.Option(None, "--url", help="The job's URL, if you have it (merges with its posting)."),
    location: Optional[str] = typer.Option(None, "--location"),
    note: Optional[str] = typer.Option(None, "--note"),
) -> None:
    """Log a referral someone offered: it becomes a lead (merged with the public posting of the same job)."""
    from connectors.models import Referral
    from warehouse import network

    try:
        referral = Referral(company=company, title=title, contact=contact, url=url, location=location, note=note,
                            logged_at=_now())
    except ValidationError as exc:
        raise UsageError(f"--{reasons(exc, first_only=True)}") from None
    from jobleads.usecases import log_referrals

    try:
        lead_id = log_referrals(state.db, state.config(), [referral]).lead_ids[0]
    except network.ContactNotFound as exc:
        raise UsageError(str(exc)) from None
    console.print(f"{contact} offered to refer you to {title} at {company}: lead {lead_id}")


# ---- companies --------------------------------------------------------------------------------------

@company_app.command("alias")
def company_alias(
    alias: str = typer.Argument(..., help="The other name, e.g. 'Meta Platforms' or an old name."),
    canonical: str = typer.Argument(..., help="The company it is, e.g. 'Meta'."),
) -> None:
    """Tell the resolver two names are one company (parents, rebrands: what rules cannot know)."""
    from warehouse import companies

    with network_change("company alias", full=True) as con:
        try:
            _cid, name = companies.add_alias(con, alias, canonical)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    console.print(f"'{alias}' now resolves to {name}")


@company_app.command("unalias")
def company_unalias(
    name: str = typer.Argument(..., help="A name that was matched to the wrong company, e.g. 'Amplitude Ventures'."),
) -> None:
    """Undo a wrong match: NAME becomes a company of its own (contacts and leads written so move with it)."""
    from warehouse import companies

    with network_change("company unalias", full=True) as con:
        try:
            _cid, left = companies.remove_alias(con, name)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    console.print(f"'{name}' is a company of its own now, no longer {left}", markup=False, highlight=False)


@company_app.command("list")
def company_list(fmt: Format = typer.Option(Format.table, "--format", "-f", help="table, json or csv.")) -> None:
    """Companies the resolver knows, with their aliases, open leads and contacts."""
    from warehouse import companies

    with reader(state.db) as con:
        rows = companies.company_rows(con)
    emit(rows, fmt, [Column("company", "Company"), Column("aliases", "Aliases", lambda v: "; ".join(v or []), max_width=60),
                     Column("open_leads", "Open leads", justify="right"), Column("contacts", "Contacts", justify="right")],
         title="Companies", empty="no companies yet")


# ---- warm companies, reconnect ----------------------------------------------------------------------

@app.command()
def warm(
    limit: Optional[int] = typer.Option(None, "--limit", "-n", min=1, help="At most this many companies."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table, json or csv."),
) -> None:
    """Companies with open leads where someone you know works, and whom to ask."""
    from warehouse import network

    with scored_reader() as con:
        rows = network.warm_companies(con, limit)
    emit(rows, fmt, WARM_COLUMNS, title="Warm companies", empty="no warm companies yet (import your contacts)")


@app.command()
def reconnect(
    days: Optional[int] = typer.Option(None, "--days", min=1, help="Not touched for this many days (default: config)."),
    min_score: Optional[float] = typer.Option(None, "--min-score", min=0.0, max=1.0,
                                              help="What counts as a strong lead (default: config)."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table, json or csv."),
) -> None:
    """Contacts at companies with strong leads whom you have not talked to lately: nurture before asking."""
    from warehouse import network

    config = state.config()
    days = days or config.network.reconnect_days
    threshold = config.network.reconnect_min_score if min_score is None else min_score
    with scored_reader() as con:
        rows = network.reconnect(con, days, threshold, _now())
    emit(rows, fmt, RECONNECT_COLUMNS, title=f"Reconnect (not touched in {days} days)",
         empty="nobody to reconnect with")


# ---- the demo ---------------------------------------------------------------------------------------

def load_demo_network(db_path, folder) -> None:
    """`leads demo`: a LinkedIn-style export and one logged referral, loaded like the user's own."""
    from jobleads import usecases
    from jobleads.cli.output import show_outcome

    show_outcome(usecases.import_contacts(db_path, state.config(), folder / "Connections.csv", "read_linkedin"),
                 "demo network: ")
    show_outcome(usecases.import_referrals(db_path, state.config(), folder / "referrals.csv"), "demo network: ")


def show_warm_companies(db_path) -> None:
    from warehouse import network

    with reader(db_path) as con:
        rows = network.warm_companies(con)
    emit(rows, Format.table, WARM_COLUMNS, title="Warm companies (leads warm)", empty="no warm companies")

