"""Workable accounts: one call with details; the account's name is the company."""
from __future__ import annotations

from typing import Any

from connectors.base import Source
from connectors.models import Posting
from connectors.text import clean_line, html_to_text, join_place, workplace_from_text


class Workable(Source):
    name = "workable"
    endpoint = "https://apply.workable.com/api/v1/widget/accounts/{board}"
    params = {"details": "true"}
    discoverable = True

    def board_name(self, payload: Any) -> str | None:
        return clean_line(payload.get("name")) if isinstance(payload, dict) else None

    def items(self, payload: Any):
        self._account = clean_line(payload.get("name"))
        return payload["jobs"]

    def item_id(self, item: dict[str, Any]) -> str | None:
        return item.get("shortcode") or item.get("id")

    def to_posting(self, job: dict[str, Any]) -> Posting:
        locations = [
            join_place(loc.get("city"), loc.get("region"), loc.get("country"))
            for loc in job.get("locations") or []
            if not loc.get("hidden")
        ] or [join_place(job.get("city"), job.get("state"), job.get("country"))]
        remote = "remote" if job.get("telecommuting") else workplace_from_text(job.get("title"))
        return self.posting(
            job["shortcode"],
            title=clean_line(job.get("title")),
            company=self.spec.company or getattr(self, "_account", None),
            locations=[x for x in locations if x],
            remote=remote,
            description=html_to_text(job.get("description")),
            url=job.get("url") or job.get("shortlink"),
            apply_url=job.get("application_url") or job.get("url"),
            posted_at=job.get("published_on") or job.get("created_at"),
            department=clean_line(job.get("department")),
            employment_type=clean_line(job.get("employment_type")),
        )
