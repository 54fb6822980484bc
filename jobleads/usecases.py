"""The write side: what a user does to their own data, each one transaction that includes the rebuild it
needs. Every face (CLI, dashboard, MCP) calls these; none opens a transaction of its own.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import duckdb

from connectors.http import BadPayload
from connectors.models import Referral
from jobleads.config import Config
from warehouse.db import transaction as db_transaction
from warehouse.db import writer


@contextmanager
def transaction(db_path: Path, what: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """The single writer's lock and one transaction (`warehouse.db.transaction`) around a use case."""
    with writer(db_path, what) as con, db_transaction(con):
        yield con


@contextmanager
def network_change(db_path: Path, config: Config, what: str, full: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A change to the network (a contact added, edited, removed or touched; a company alias), then in the
    same transaction companies re-resolved (`full`), contacts re-linked to leads and the leads re-scored."""
    from warehouse.network import refresh_network

    with transaction(db_path, what) as con:
        yield con
        refresh_network(con, config, datetime.now(timezone.utc), full=full)


@dataclass
class Outcome:
    """What a use case did, in a line for the user, and what they should know (warnings)."""

    message: str
    warnings: list[str] = field(default_factory=list)
    lead_ids: list[str | None] = field(default_factory=list)


def import_contacts(db_path: Path, config: Config, path: Path, reader_name: str) -> Outcome:
    """A LinkedIn export or a contacts CSV: parsed fully first, then stored and the network rebuilt at once."""
    from connectors import contacts as parse
    from warehouse.network import refresh_network, upsert_contacts

    if not Path(path).exists():
        raise BadPayload(f"{path}: no such file")
    found = getattr(parse, reader_name)(Path(path))
    now = datetime.now(timezone.utc)
    with transaction(db_path, "import") as con:
        new, updated = upsert_contacts(con, [c for _, c in found.contacts], Path(path).name, now)
        refresh_network(con, config, now)
    message = (f"{Path(path).name}: {len(found.contacts)} contacts read, {new} new, {updated} updated"
               + (f", {len(found.warnings)} warnings" if found.warnings else ""))
    return Outcome(message, list(found.warnings))


def log_referrals(db_path: Path, config: Config, referrals: list[Referral], source_key: str | None = None) -> Outcome:
    """Referrals become postings (source `referral`) linked to their contacts, in one transaction with the
    rebuild: a failure leaves neither a contact link nor a posting behind."""
    from connectors.contacts import referrals_result
    from warehouse import network
    from warehouse.load import posting_uid
    from warehouse.publish import publish

    result = referrals_result(referrals, [network.referral_source_id(r) for r in referrals], source_key)
    now = datetime.now(timezone.utc)
    with transaction(db_path, "referral") as con:
        for referral, posting in zip(referrals, result.postings):
            if referral.contact:
                cid = network.ensure_contact(con, referral.contact, referral.company, now)
                network.link_referral(con, posting_uid(posting.source, posting.source_id), cid, now)
        publish(con, [result], config, kind="referral", own_transaction=False)
        uids = [posting_uid(p.source, p.source_id) for p in result.postings]
        found = dict(con.execute("SELECT posting_uid, lead_id FROM postings WHERE list_contains($u, posting_uid)",
                                 {"u": uids}).fetchall())
    lead_ids = [found.get(uid) for uid in uids]
    return Outcome(f"{len(referrals)} referrals logged as {len(set(filter(None, lead_ids)))} leads", lead_ids=lead_ids)


def import_referrals(db_path: Path, config: Config, path: Path) -> Outcome:
    from connectors.contacts import read_referrals_csv

    if not Path(path).exists():
        raise BadPayload(f"{path}: no such file")
    referrals = [r for _, r in read_referrals_csv(Path(path))]
    done = log_referrals(db_path, config, referrals, source_key=Path(path).name)
    return Outcome(f"{Path(path).name}: {done.message}", lead_ids=done.lead_ids)


def set_status(db_path: Path, lead_ref: str, status: str, note: str | None = None, origin: str = "cli") -> Outcome:
    """The user's status for a lead (`applied`, `not_interested` ...), with an optional note, kept in its
    history. While a refresh holds the database the change is queued beside it and applied when the refresh
    lets go: never lost, never refused. Raises StatusError for an unknown status or lead."""
    from warehouse import statuses
    from warehouse.db import WarehouseBusy
    from warehouse.read_side import published_reader

    status = statuses.parse_status(status)
    shown = status.replace("_", " ")
    try:
        with transaction(db_path, "status change") as con:
            lead_id, _ = statuses.set_status(con, lead_ref, status, note, datetime.now(timezone.utc), origin)
        return Outcome(f"{lead_id}: {shown}" + (f" ({note.strip()})" if note and note.strip() else ""),
                       lead_ids=[lead_id])
    except WarehouseBusy:
        with published_reader(db_path) as con:  # the lead must exist in the published state
            lead_id = statuses.resolve_lead(con, lead_ref)
        statuses.queue_status(db_path, lead_id, status, note, origin)
        return Outcome(f"{lead_id}: {shown}, queued: a refresh is writing the database; it is applied as the "
                       f"refresh finishes", lead_ids=[lead_id])
