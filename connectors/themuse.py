"""The Muse public jobs: numbered pages (from 0) with `page_count`; 500 calls an hour without a key."""
from __future__ import annotations

from typing import Any

from connectors.base import Source
from connectors.http import HostPolicy
from connectors.models import Posting
from connectors.text import clean_line, html_to_text, workplace_from_text

_FILTERS = ("category", "level", "location", "company")


class TheMuse(Source):
    name = "themuse"
    endpoint = "https://www.themuse.com/api/public/jobs"
    needs_board = False
    max_pages = 5
    policy = HostPolicy(concurrency=2, min_interval=1.0, jitter=0.3)
    credit_text = "Source: The Muse (themuse.com)"

    def first_params(self) -> dict[str, Any]:
        return {"page": 0, **self.option_params(_FILTERS)}

    def items(self, payload: Any):
        return payload["results"]

    def next_params(self, payload: Any, params: dict[str, Any], count: int) -> dict[str, Any] | None:
        return self.numbered_page(params, pages=payload.get("page_count", 0), at=payload.get("page"))

    def to_posting(self, job: dict[str, Any]) -> Posting:
        locations = [clean_line(loc.get("name")) for loc in job.get("locations") or []]
        locations = [x for x in locations if x]
        levels = [clean_line(level.get("name")) for level in job.get("levels") or [] if level.get("name")]
        return self.posting(
            job["id"],
            title=clean_line(job.get("name")),
            company=clean_line((job.get("company") or {}).get("name")),
            locations=locations,
            remote=workplace_from_text(*locations),  # The Muse lists "Flexible / Remote" as a location
            description=html_to_text(job.get("contents")),
            url=(job.get("refs") or {}).get("landing_page"),
            posted_at=job.get("publication_date"),
            department=clean_line(((job.get("categories") or [{}])[0] or {}).get("name")),
            tags=[x for x in levels if x],
        )
