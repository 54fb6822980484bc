"""Normalized forms of postings that dedupe, the company resolver and scoring compare.

Pure functions per value, plus `normalize_table` for the bulk path (Arrow in, Arrow out).
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import parse_qs, urlsplit

import pyarrow as pa

from connectors.text import strip_tracking

_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w\s]")
_LEGAL = re.compile(
    r"\b(incorporated|inc|llc|l\.l\.c|ltd|limited|corp|corporation|co|company|gmbh|ag|s\.?a|plc|bv|b\.v|oy|ab|pty|sarl|srl|llp|lp)\b\.?",
    re.I,
)


def fold(text: str | None) -> str:
    """Lowercase ASCII-folded text with punctuation turned to spaces."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = _NON_WORD.sub(" ", text.lower())
    return _SPACES.sub(" ", text).strip()


def company_key(name: str | None) -> str:
    if not name:
        return ""
    text = re.sub(r"\(.*?\)", " ", name)
    text = text.replace(".", "")
    text = _LEGAL.sub(" ", fold(text))
    return _SPACES.sub(" ", text).strip()


def title_key(title: str | None) -> str:
    return fold(title)


def location_keys(locations: list[str] | None) -> list[str]:
    return sorted({fold(loc) for loc in locations or [] if fold(loc)})


_ATS_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("greenhouse", re.compile(r"greenhouse\.io/(?:[^/]+/)?(?:[^/]+/)?jobs/(\d+)")),
    ("lever", re.compile(r"lever\.co/[^/]+/([0-9a-f-]{36})")),
    ("ashby", re.compile(r"ashbyhq\.com/[^/]+/([0-9a-f-]{36})")),
]


def ats_job(url: str | None) -> tuple[str | None, str | None]:
    """(ats, job id) when the URL identifies a job on a known applicant tracking system."""
    if not url:
        return None, None
    for ats, pattern in _ATS_PATTERNS:
        match = pattern.search(url)
        if match:
            return ats, match.group(1)
    query = parse_qs(urlsplit(url).query)
    if "gh_jid" in query:
        return "greenhouse", query["gh_jid"][0]
    return None, None


def canonical_url(url: str | None) -> str | None:
    cleaned = strip_tracking(url)
    if not cleaned:
        return None
    parts = urlsplit(cleaned)
    path = parts.path.rstrip("/")
    for suffix in ("/apply", "/application"):
        if path.endswith(suffix):
            path = path[: -len(suffix)]
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.netloc.lower().removeprefix('www.')}{path}{query}"


def content_hash(title: str, company: str, description: str | None) -> str:
    digest = hashlib.sha1(f"{title}\x1f{company}\x1f{description or ''}".encode()).hexdigest()
    return digest[:16]


def normalize_table(table: pa.Table) -> pa.Table:
    """Add the normalized columns to a table of postings."""
    rows = table.to_pylist()
    company_norm, title_norm, location_norm, canon, ats, ats_id, hashes = [], [], [], [], [], [], []
    for row in rows:
        company_norm.append(company_key(row["company"]))
        title_norm.append(title_key(row["title"]))
        location_norm.append(location_keys(row["locations"]))
        url = row.get("apply_url") or row.get("url")
        canon.append(canonical_url(url))
        kind, job_id = ats_job(url)
        ats.append(kind)
        ats_id.append(job_id)
        hashes.append(content_hash(row["title"], row["company"], row.get("description")))
    for name, values, kind in (
        ("company_norm", company_norm, pa.string()),
        ("title_norm", title_norm, pa.string()),
        ("location_norm", location_norm, pa.list_(pa.string())),
        ("canonical_url", canon, pa.string()),
        ("ats", ats, pa.string()),
        ("ats_job_id", ats_id, pa.string()),
        ("content_hash", hashes, pa.string()),
    ):
        table = table.append_column(name, pa.array(values, type=kind))
    return table
