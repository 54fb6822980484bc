"""Greenhouse job boards: the whole board in one call, pay ranges when published."""
from __future__ import annotations

from typing import Any

from connectors.base import Source
from connectors.models import Posting
from connectors.salary import annualize
from connectors.text import clean_line, html_to_text, workplace_from_text


class Greenhouse(Source):
    name = "greenhouse"
    endpoint = "https://boards-api.greenhouse.io/v1/boards/{board}/jobs"
    params = {"content": "true", "pay_transparency": "true"}
    discoverable = True
    regions = (None, "eu")
    hyphen_tokens = False

    def board_name(self, payload: Any) -> str | None:
        return next((clean_line(j.get("company_name")) for j in payload.get("jobs") or [] if j.get("company_name")), None)

    def url(self) -> str:
        if self.spec.options.get("region") == "eu":
            return f"https://boards-api.eu.greenhouse.io/v1/boards/{self.spec.board}/jobs"
        return super().url()

    def items(self, payload: Any):
        return payload["jobs"]

    def to_posting(self, job: dict[str, Any]) -> Posting:
        location = clean_line((job.get("location") or {}).get("name"))
        offices = [clean_line(o.get("location") or o.get("name")) for o in job.get("offices") or []]
        locations = [loc for loc in [location, *offices] if loc]
        departments = [d.get("name") for d in job.get("departments") or [] if d.get("name")]
        pay = _pay_range(job.get("pay_input_ranges") or [])
        return self.posting(
            job["id"],
            title=clean_line(job.get("title")),
            company=clean_line(job.get("company_name")),
            locations=locations,
            # "Remote, Italy" in the location, or an office named "Remote-India (PEO)": no flag exists.
            remote=workplace_from_text(location, job.get("title"), *offices),
            description=html_to_text(job.get("content")),
            url=job.get("absolute_url"),
            posted_at=job.get("first_published") or job.get("updated_at"),
            department=departments[0] if departments else None,
            **pay,
        )


def _pay_range(ranges: list[dict[str, Any]]) -> dict[str, Any]:
    """The widest published range: several ranges usually mean several locations."""
    lows = [r["min_cents"] / 100 for r in ranges if r.get("min_cents")]
    highs = [r["max_cents"] / 100 for r in ranges if r.get("max_cents")]
    if not lows and not highs:
        return {}
    currency = next((r.get("currency_type") for r in ranges if r.get("currency_type")), None)
    period = next((r.get("title") for r in ranges if "hour" in str(r.get("title", "")).lower()), None)
    salary = annualize(min(lows) if lows else None, max(highs) if highs else None, currency, period or "year")
    return salary.as_fields()
