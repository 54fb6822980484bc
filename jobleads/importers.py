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


def read_postings(path: Path, fmt: str, company: str | None = None, board: str | None = None) -> ExtractResult:
    if not path.exists():
        raise BadPayload(f"{path}: no such file")
    if fmt in FILE_READERS:
        return FILE_READERS[fmt](path, company)
    if fmt in SOURCES:
        spec = SourceSpec(type=fmt, board=board or company or path.stem, company=company)
        return make_source(spec).parse_file(path)
    raise BadPayload(f"unknown format '{fmt}' (known: {', '.join(all_formats())})")
