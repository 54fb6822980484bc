"""Generic posting files (`jsonl`, `csv`) in the design's format, one record at a time through the Posting
model. Large jsonl files are read in bulk by `connectors.files_bulk`, to the same postings."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

from pydantic import ValidationError

from connectors.base import ExtractResult
from connectors.csvfile import read_csv
from connectors.http import BadPayload
from connectors.models import Posting, QuarantinedItem, RawItem
from connectors.salary import annualize, parse_salary_text
from jobleads.validation import reasons

# How a generic file's `remote` reads, lower-cased; any other word is refused by the Posting model.
REMOTE_VALUES = {"true": "remote", "yes": "remote", "1": "remote", "false": None, "no": None, "0": None, "": None,
                 "remote": "remote", "hybrid": "hybrid", "onsite": "onsite", "on-site": "onsite", "on_site": "onsite"}

GENERIC_FIELDS = {
    "source", "source_id", "title", "company", "locations", "location", "url", "description",
    "posted_at", "remote", "salary_min", "salary_max", "salary_currency", "salary_period", "salary",
}


def read_generic(path: Path, fmt: str, company: str | None = None) -> ExtractResult:
    """Read a generic jsonl/csv postings file; invalid records are quarantined by line number."""
    path = Path(path)
    rows = _jsonl_rows(path) if fmt == "jsonl" else _csv_rows(path)
    result = ExtractResult(source=fmt, source_key=path.name)
    for line_no, row, text in rows:
        if row is None:  # a line that is no JSON object: the line itself is kept
            result.quarantined.append(_quarantined(fmt_source(text), path, None,
                                                   f"{path.name} line {line_no}: {NOT_AN_OBJECT}", text))
            continue
        read_row(path, fmt, line_no, row, company, result, text)
    result.pages = 1
    return result


NOT_AN_OBJECT = "not a JSON object"


def read_row(path: Path, fmt: str, line_no: int, row: dict[str, Any], company: str | None,
             result: ExtractResult, raw_text: str | None = None) -> None:
    """One record through the Posting model: a posting, or quarantined with the model's reason and its line.
    Both generic readers (per line and bulk) end here for every record they cannot vouch for themselves.
    `raw_text`: the record as the file wrote it (a JSONL line), kept as its raw payload; a CSV record is
    kept as JSON."""
    if raw_text is None:
        raw_text = json.dumps(row, ensure_ascii=False, sort_keys=True, default=str)
    source = str(row.get("source") or fmt)
    source_id = row.get("source_id")
    result.raw.append(RawItem(source=source, source_key=path.name, source_id=_text(source_id), payload=raw_text))
    try:
        result.postings.append(generic_posting(row, company))
    except ValidationError as exc:
        reason = reasons(exc)
        result.quarantined.append(_quarantined(source, path, source_id, f"{path.name} line {line_no}: {reason}", raw_text))
    except (TypeError, ValueError) as exc:
        result.quarantined.append(_quarantined(source, path, source_id, f"{path.name} line {line_no}: {exc}", raw_text))


def generic_posting(row: dict[str, Any], company: str | None = None) -> Posting:
    unknown = set(row) - GENERIC_FIELDS
    locations = row.get("locations")
    if isinstance(locations, str):
        locations = [p for p in (s.strip() for s in locations.split(";")) if p]
    if not locations and row.get("location"):
        locations = [row["location"]]
    salary = annualize(row.get("salary_min"), row.get("salary_max"), row.get("salary_currency"),
                       row.get("salary_period") or "year")
    if salary.minimum is None and salary.maximum is None and row.get("salary"):
        # Free text ("£25k-30k", "12 to 13 per hour"): the reader that also finds pay in descriptions.
        salary = parse_salary_text(str(row["salary"]), _text(row.get("salary_currency")), is_salary=True)
    remote = row.get("remote")
    if isinstance(remote, str):
        remote = REMOTE_VALUES.get(remote.strip().lower(), remote.strip().lower())
    elif remote is True:
        remote = "remote"
    elif remote is False:
        remote = None
    extra = {k: row[k] for k in unknown}
    return Posting(
        source=_text(row.get("source")) or "",
        source_id=_text(row.get("source_id")) or "",
        title=_text(row.get("title")) or "",
        company=_text(row.get("company")) or company or "",
        locations=locations or [],
        url=_text(row.get("url")),
        apply_url=_text(row.get("url")),
        description=_text(row.get("description")),
        posted_at=_text(row.get("posted_at")) if not isinstance(row.get("posted_at"), (int, float)) else row["posted_at"],
        remote=remote,
        note=json.dumps(extra, sort_keys=True, default=str) if extra else None,
        **salary.as_fields(),
    )


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _jsonl_rows(path: Path) -> Iterator[tuple[int, dict[str, Any] | None, str]]:
    """(line number, the JSON object or None, the line as written) of every line that is not blank."""
    try:
        handle = path.open(encoding="utf-8-sig")  # a BOM (Notepad, Excel) is no part of the first record
    except OSError as exc:
        raise BadPayload(f"{path}: cannot read ({exc.strerror})") from None
    with handle:
        try:
            for line_no, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError:
                    row = None
                # quarantined by the caller, as the bulk reader does: one bad line loses nothing else
                yield line_no, row if isinstance(row, dict) else None, line.rstrip("\r\n")
        except UnicodeDecodeError as exc:
            raise BadPayload(f"{path}: not UTF-8 text (byte {exc.start})") from None


def _csv_rows(path: Path) -> Iterator[tuple[int, dict[str, Any], None]]:
    table = read_csv(path)
    if not {"title", "company"} <= set(table.header):
        raise BadPayload(f"{path}: line 1: header must name at least source, source_id, title, company")
    for line_no, row in table.records():
        yield line_no, row, None


def _quarantined(source: str, path: Path, source_id: Any, reason: str, raw_text: str) -> QuarantinedItem:
    return QuarantinedItem(source=source, source_key=path.name, source_id=_text(source_id), reason=reason, payload=raw_text)


# ------------------------------------------------------------------------------- bulk path (large jsonl files)



def fmt_source(line: str) -> str:
    try:
        return str(json.loads(line).get("source") or "jsonl")
    except (ValueError, AttributeError):
        return "jsonl"


