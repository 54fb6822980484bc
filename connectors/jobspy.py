"""JobSpy's CSV (`jobs.to_csv("jobs.csv", index=False)`): LinkedIn, Indeed, Glassdoor ... results a user scraped.

Each row keeps the site it came from as `source_key`; `job_url_direct` (the employer's own link, often an
ATS URL) becomes the apply URL so the posting can meet its ATS copy in dedupe.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from connectors.base import ExtractResult
from connectors.csvfile import read_csv
from connectors.http import BadPayload
from connectors.models import Posting, QuarantinedItem, RawItem
from connectors.salary import annualize
from connectors.text import clean_line, strip_tracking, workplace_from_text
from jobleads.validation import reasons

NAME = "jobspy"
REQUIRED = {"id", "site", "job_url", "title", "company"}
_INTERVAL = {"yearly": "year", "monthly": "month", "weekly": "week", "daily": "day", "hourly": "hour"}
_TRUE = {"true", "1", "yes"}


def read_jobspy(path: Path, company: str | None = None) -> ExtractResult:
    path = Path(path)
    table = read_csv(path)  # descriptions span lines inside quotes
    missing = REQUIRED - set(table.header)
    if missing:
        raise BadPayload(f"{path}: line 1: not a JobSpy CSV (missing columns: {', '.join(sorted(missing))})")
    result = ExtractResult(source=NAME, source_key=path.name, pages=1)
    for line_no, row in table.records():
        row = {k: (v if v not in ("nan", "NaN", "None") else None) for k, v in row.items()}  # pandas' empty cells
        raw_text = json.dumps(row, ensure_ascii=False, sort_keys=True)
        site = (row.get("site") or "").strip().lower() or None
        result.raw.append(RawItem(source=NAME, source_key=site, source_id=row.get("id"), payload=raw_text))
        try:
            result.postings.append(jobspy_posting(row, company))
        except ValidationError as exc:
            reason = reasons(exc)
            result.quarantined.append(_quarantine(site, row, f"{path.name} line {line_no}: {reason}", raw_text))
        except (TypeError, ValueError) as exc:
            result.quarantined.append(_quarantine(site, row, f"{path.name} line {line_no}: {exc}", raw_text))
    return result


def jobspy_posting(row: dict[str, Any], company: str | None = None) -> Posting:
    location = clean_line(row.get("location"))
    is_remote = str(row.get("is_remote") or "").strip().lower()
    remote = "remote" if is_remote in _TRUE else workplace_from_text(row.get("work_from_home_type"), location)
    period = _INTERVAL.get(str(row.get("interval") or "").strip().lower(), row.get("interval"))
    salary = annualize(row.get("min_amount"), row.get("max_amount"), row.get("currency"), period or "year")
    return Posting(
        source=NAME,
        source_key=(row.get("site") or "").strip().lower() or None,
        source_id=str(row.get("id") or ""),
        title=clean_line(row.get("title")) or "",
        company=clean_line(row.get("company")) or company or "",
        locations=[location] if location else [],
        remote=remote,
        description=(row.get("description") or "").strip() or None,
        url=strip_tracking(row.get("job_url")),
        apply_url=strip_tracking(row.get("job_url_direct") or row.get("job_url")),
        posted_at=row.get("date_posted"),
        employment_type=clean_line(row.get("job_type")),
        department=clean_line(row.get("job_function")),
        tags=[t.strip() for t in str(row.get("skills") or "").split(",") if t.strip()],
        **salary.as_fields(),
    )


def _quarantine(site: str | None, row: dict[str, Any], reason: str, raw_text: str) -> QuarantinedItem:
    return QuarantinedItem(source=NAME, source_key=site, source_id=row.get("id"), reason=reason, payload=raw_text)
