"""`leads import PATH --format NAME`: every saved format goes through the same parser as its live source.

Posting formats yield an ExtractResult that is published like a nightly run. Formats that
are not postings (contacts, ...) register a handler in NON_POSTING_IMPORTERS.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from connectors import SOURCES, make_source
from connectors.base import ExtractResult, SourceSpec
from connectors.files import read_generic, read_generic_bulk
from connectors.http import BadPayload
from connectors.jobspy import read_jobspy

# name -> reader(path, company) for posting files that are not a connector's API payload.
FILE_READERS: dict[str, Callable[[Path, str | None], ExtractResult]] = {
    "jsonl": lambda path, company: read_generic(path, "jsonl", company),
    "csv": lambda path, company: read_generic(path, "csv", company),
    "jobspy": read_jobspy,
}

# name -> handler(db_path, path, options) -> one-line message; for contacts and other non-postings.
NON_POSTING_IMPORTERS: dict[str, Callable[..., str]] = {}


def posting_formats() -> list[str]:
    return sorted(set(SOURCES) | set(FILE_READERS))


def all_formats() -> list[str]:
    return sorted(set(posting_formats()) | set(NON_POSTING_IMPORTERS))


# Generic jsonl files from this size on are read by DuckDB in bulk instead of one pydantic model per line.
BULK_JSONL_BYTES = 16 * 1024 * 1024


def read_postings(path: Path, fmt: str, company: str | None = None, board: str | None = None) -> ExtractResult:
    if not path.exists():
        raise BadPayload(f"{path}: no such file")
    if fmt == "jsonl" and path.stat().st_size >= BULK_JSONL_BYTES:
        table, quarantined = read_generic_bulk(path, company)
        return ExtractResult(source="jsonl", source_key=path.name, bulk=table, quarantined=quarantined, pages=1)
    if fmt in FILE_READERS:
        return FILE_READERS[fmt](path, company)
    if fmt in SOURCES:
        spec = SourceSpec(type=fmt, board=board or company or path.stem, company=company)
        return make_source(spec).parse_file(path)
    raise BadPayload(f"unknown format '{fmt}' (known: {', '.join(all_formats())})")


# ---- the network: contacts and referrals (connectors/contacts.py parses, warehouse/network.py stores) ----

def _import_contacts(reader_name: str) -> Callable[..., str]:
    def handler(db_path: Path, path: Path, options: dict) -> str:
        from datetime import datetime, timezone

        from connectors import contacts as parse
        from jobleads.cli.output import err_console
        from warehouse.db import writer
        from warehouse.network import refresh_network, upsert_contacts

        if not Path(path).exists():
            raise BadPayload(f"{path}: no such file")
        found = getattr(parse, reader_name)(Path(path))  # parse fully before touching the db
        for warning in found.warnings[:10]:
            err_console.print(f"[yellow]warning[/yellow] {warning}")
        if len(found.warnings) > 10:
            err_console.print(f"[yellow]... and {len(found.warnings) - 10} more warnings[/yellow]")
        now = datetime.now(timezone.utc)
        with writer(db_path, "import") as con:
            con.execute("BEGIN TRANSACTION")
            try:
                new, updated = upsert_contacts(con, [c for _, c in found.contacts], Path(path).name, now)
                refresh_network(con, options["config"], now)
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise
        return (f"{Path(path).name}: {len(found.contacts)} contacts read, {new} new, {updated} updated"
                + (f", {len(found.warnings)} warnings" if found.warnings else ""))

    return handler


def _import_referrals(db_path: Path, path: Path, options: dict) -> str:
    from connectors.contacts import read_referrals_csv
    from jobleads.cli.network import log_referrals

    if not Path(path).exists():
        raise BadPayload(f"{path}: no such file")
    referrals = [r for _, r in read_referrals_csv(Path(path))]
    lead_ids = log_referrals(db_path, referrals, source_key=Path(path).name)
    return f"{Path(path).name}: {len(referrals)} referrals logged as {len(set(filter(None, lead_ids)))} leads"


NON_POSTING_IMPORTERS.update({
    "linkedin": _import_contacts("read_linkedin"),
    "contacts": _import_contacts("read_contacts_csv"),
    "referrals": _import_referrals,
})
