"""`leads import PATH --format NAME`: every saved format goes through the same parser as its live source.

Posting formats yield an ExtractResult that is published like a nightly run. Formats that
are not postings (contacts, ...) register a handler in NON_POSTING_IMPORTERS.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from connectors import SOURCES, make_source
from connectors.base import ExtractResult, SourceSpec
from connectors.files import read_generic
from connectors.files_bulk import read_generic_bulk
from connectors.http import BadPayload
from connectors.jobspy import read_jobspy
from jobleads import usecases
from jobleads.usecases import Outcome
from warehouse.staging import skip_pandas_probe

# name -> reader(path, company) for posting files that are not a connector's API payload.
FILE_READERS: dict[str, Callable[[Path, str | None], ExtractResult]] = {
    "jsonl": lambda path, company: read_generic(path, "jsonl", company),
    "csv": lambda path, company: read_generic(path, "csv", company),
    "jobspy": read_jobspy,
}

# name -> handler(db_path, path, options) -> one-line message; for contacts and other non-postings.
NON_POSTING_IMPORTERS: dict[str, Callable[..., Outcome]] = {}


def posting_formats() -> list[str]:
    return sorted(set(SOURCES) | set(FILE_READERS))


def all_formats() -> list[str]:
    return sorted(set(posting_formats()) | set(NON_POSTING_IMPORTERS))


# Generic jsonl files from this size on are read by DuckDB in bulk instead of one pydantic model per line
# (the same postings and quarantine either way). The bulk reader costs ~0.2 s to set up and then little per
# line; the per-line one ~45 us a line. Reading alone breaks even near 5,000 lines (1.5 MB), the whole import
# sooner, as a bulk table is stored without building models: 10k postings into a million, 7.1 -> 6.7 s.
BULK_JSONL_BYTES = 1024 * 1024


def read_postings(path: Path, fmt: str, company: str | None = None, board: str | None = None) -> ExtractResult:
    """The postings of a saved file; a file of which no record is a posting (another tool's field names, the
    wrong format) is refused with the first record's reason, before anything is stored."""
    skip_pandas_probe()  # the readers' Arrow tables come before the writer, which would spare it too late
    result = _read(path, fmt, company, board)
    if result.quarantined and not result.parsed:
        first = result.quarantined[0].reason
        raise BadPayload(f"{path}: not one of its {len(result.quarantined)} records is a posting ({fmt}); {first}")
    return result


def _read(path: Path, fmt: str, company: str | None, board: str | None) -> ExtractResult:
    if not path.exists():
        raise BadPayload(f"{path}: no such file")
    if fmt == "jsonl" and path.stat().st_size >= BULK_JSONL_BYTES:
        return read_generic_bulk(path, company)
    if fmt in FILE_READERS:
        return FILE_READERS[fmt](path, company)
    if fmt in SOURCES:
        spec = SourceSpec(type=fmt, board=board or company or path.stem, company=company)
        return make_source(spec).parse_file(path)
    raise BadPayload(f"unknown format '{fmt}' (known: {', '.join(all_formats())})")


# ---- the network: contacts and referrals (use cases in jobleads/usecases.py) ----------------------

def _contacts(reader_name: str) -> Callable[..., Outcome]:
    def handler(db_path: Path, path: Path, options: dict) -> Outcome:
        return usecases.import_contacts(db_path, options["config"], path, reader_name)

    return handler


NON_POSTING_IMPORTERS.update({
    "linkedin": _contacts("read_linkedin"),
    "contacts": _contacts("read_contacts_csv"),
    "referrals": lambda db_path, path, options: usecases.import_referrals(db_path, options["config"], path),
})
