"""Generic posting files (`jsonl`, `csv`) in the design's format."""
from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, Iterator

from pydantic import ValidationError

from connectors.base import ExtractResult
from connectors.http import BadPayload
from connectors.models import Posting, QuarantinedItem, RawItem
from connectors.salary import annualize

GENERIC_FIELDS = {
    "source", "source_id", "title", "company", "locations", "location", "url", "description",
    "posted_at", "remote", "salary_min", "salary_max", "salary_currency", "salary_period",
}


def read_generic(path: Path, fmt: str, company: str | None = None) -> ExtractResult:
    """Read a generic jsonl/csv postings file; invalid records are quarantined by line number."""
    path = Path(path)
    rows = _jsonl_rows(path) if fmt == "jsonl" else _csv_rows(path)
    result = ExtractResult(source=fmt, source_key=path.name)
    for line_no, row in rows:
        raw_text = json.dumps(row, ensure_ascii=False, sort_keys=True, default=str)
        source = str(row.get("source") or fmt)
        source_id = row.get("source_id")
        result.raw.append(RawItem(source=source, source_key=path.name, source_id=_text(source_id), payload=raw_text))
        try:
            result.postings.append(generic_posting(row, company))
        except ValidationError as exc:
            reason = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'record'}: {e['msg']}" for e in exc.errors())
            result.quarantined.append(_quarantined(source, path, source_id, f"{path.name} line {line_no}: {reason}", raw_text))
        except (TypeError, ValueError) as exc:
            result.quarantined.append(_quarantined(source, path, source_id, f"{path.name} line {line_no}: {exc}", raw_text))
    result.pages = 1
    return result


def generic_posting(row: dict[str, Any], company: str | None = None) -> Posting:
    unknown = set(row) - GENERIC_FIELDS
    locations = row.get("locations")
    if isinstance(locations, str):
        locations = [p for p in (s.strip() for s in locations.split(";")) if p]
    if not locations and row.get("location"):
        locations = [row["location"]]
    salary = annualize(row.get("salary_min"), row.get("salary_max"), row.get("salary_currency"),
                       row.get("salary_period") or "year")
    remote = row.get("remote")
    if isinstance(remote, str):
        remote = {"true": "remote", "yes": "remote", "1": "remote", "false": None, "no": None, "0": None,
                  "": None, "on-site": "onsite", "on_site": "onsite"}.get(remote.strip().lower(), remote.strip().lower())
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


def _jsonl_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise BadPayload(f"{path}: cannot read ({exc.strerror})") from None
    with handle:
        try:
            for line_no, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise BadPayload(f"{path}: line {line_no}: not valid JSON ({exc.msg})") from None
                if not isinstance(row, dict):
                    raise BadPayload(f"{path}: line {line_no}: expected a JSON object")
                yield line_no, row
        except UnicodeDecodeError as exc:
            raise BadPayload(f"{path}: not UTF-8 text (byte {exc.start})") from None


def _csv_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadPayload(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise BadPayload(f"{path}: cannot read ({exc.strerror})") from None
    reader = csv.DictReader(text.splitlines(keepends=True))
    if not reader.fieldnames or not {"title", "company"} <= set(reader.fieldnames):
        raise BadPayload(f"{path}: line 1: header must name at least source, source_id, title, company")
    for row in reader:
        clean = {k: (v if v != "" else None) for k, v in row.items() if k is not None}
        yield reader.line_num, clean


def _quarantined(source: str, path: Path, source_id: Any, reason: str, raw_text: str) -> QuarantinedItem:
    return QuarantinedItem(source=source, source_key=path.name, source_id=_text(source_id), reason=reason, payload=raw_text)
