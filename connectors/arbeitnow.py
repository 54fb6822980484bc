"""Arbeitnow job board: 100 jobs a page, the next page's address in `links.next`."""
from __future__ import annotations

from typing import Any

from connectors.base import Source
from connectors.models import Posting
from connectors.text import clean_line, html_to_text, workplace_from_text


class Arbeitnow(Source):
    name = "arbeitnow"
    endpoint = "https://www.arbeitnow.com/api/job-board-api"
    needs_board = False
    max_pages = 20
    credit_text = "Source: Arbeitnow (arbeitnow.com)"

    def first_params(self) -> dict[str, Any]:
        return {"page": 1}

    def items(self, payload: Any):
        return payload["data"]

    def item_id(self, item: dict[str, Any]) -> str | None:
        return item.get("slug")

    def follow(self, payload: Any, url: str, params: dict[str, Any], count: int) -> tuple[str, dict | None]:
        return self.next_link(url, (payload.get("links") or {}).get("next"), count)

    def to_posting(self, job: dict[str, Any]) -> Posting:
        location = clean_line(job.get("location"))
        remote = "remote" if job.get("remote") else workplace_from_text(location, job.get("title"))
        return self.posting(
            job["slug"],
            title=clean_line(job.get("title")),
            company=clean_line(job.get("company_name")),
            locations=[location] if location else [],
            remote=remote,
            description=html_to_text(job.get("description")),
            url=job.get("url"),
            posted_at=job.get("created_at"),
            employment_type=", ".join(job.get("job_types") or []) or None,
            tags=[str(t) for t in job.get("tags") or []],
        )
