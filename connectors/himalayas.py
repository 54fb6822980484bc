"""Himalayas remote jobs: cursor paging (offset on older responses); every job is remote."""
from __future__ import annotations

from typing import Any

from connectors.base import Source
from connectors.http import HostPolicy
from connectors.models import Posting
from connectors.salary import annualize
from connectors.text import clean_line, html_to_text

PAGE_SIZE = 20  # the API's maximum


class Himalayas(Source):
    name = "himalayas"
    endpoint = "https://himalayas.app/jobs/api"
    needs_board = False
    max_pages = 10  # the feed holds ~100k jobs: read the newest few hundred unless max_pages says more
    policy = HostPolicy(concurrency=2, min_interval=1.0, jitter=0.3)
    credit_text = "Source: Himalayas (himalayas.app)"

    def first_params(self) -> dict[str, Any]:
        return {"limit": PAGE_SIZE}

    def items(self, payload: Any):
        return payload["jobs"]

    def item_id(self, item: dict[str, Any]) -> str | None:
        return item.get("guid") or item.get("applicationLink")

    def next_params(self, payload: Any, params: dict[str, Any], count: int) -> dict[str, Any] | None:
        base = {"limit": params.get("limit", PAGE_SIZE)}
        if "nextCursor" in payload:  # present and empty: the end
            return self.cursor_page(base, payload["nextCursor"])
        # older responses: offset paging, and without a total no way to tell there is more
        total = payload.get("totalCount")
        return self.offset_page(base, count, total=total, at=payload.get("offset", params.get("offset", 0))) \
            if total is not None else None

    def to_posting(self, job: dict[str, Any]) -> Posting:
        return self.posting(
            job.get("guid") or job["applicationLink"],
            title=clean_line(job.get("title")),
            company=_company(job),
            locations=[clean_line(x) for x in job.get("locationRestrictions") or [] if clean_line(x)],
            remote="remote",
            description=html_to_text(job.get("description")) or clean_line(job.get("excerpt")),
            url=job.get("applicationLink") or job.get("guid"),
            posted_at=job.get("pubDate"),
            employment_type=clean_line(job.get("employmentType")),
            tags=[str(t) for t in (job.get("seniority") or [])],
            **annualize(job.get("minSalary"), job.get("maxSalary"), job.get("currency"),
                        job.get("salaryPeriod")).as_fields(),
        )


def _company(job: dict[str, Any]) -> str | None:
    """companyName, unless it is a template placeholder ("name"): then the slug, made readable."""
    name = clean_line(job.get("companyName"))
    slug = clean_line(job.get("companySlug"))
    if name and not (name.lower() == "name" and slug):
        return name
    return slug.replace("-", " ").title() if slug else None
