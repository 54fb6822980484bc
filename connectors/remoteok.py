"""RemoteOK: one array, element 0 a legal notice; every job is remote; salary 0 means unknown."""
from __future__ import annotations

from typing import Any

from connectors.base import Source
from connectors.http import HostPolicy
from connectors.models import Posting
from connectors.salary import annualize
from connectors.text import clean_line, html_to_text


class RemoteOK(Source):
    name = "remoteok"
    endpoint = "https://remoteok.com/api"
    needs_board = False
    max_pages = 1
    policy = HostPolicy(concurrency=1, min_interval=10.0, jitter=0.5)
    credit_text = "Source: Remote OK (remoteok.com)"

    def items(self, payload: Any):
        if not isinstance(payload, list):
            raise TypeError("expected a JSON array")
        # The legal notice (and any other non-job element) has no position.
        return [item for item in payload if not (isinstance(item, dict) and "legal" in item and "position" not in item)]

    def to_posting(self, job: dict[str, Any]) -> Posting:
        location = clean_line((job.get("location") or "").strip().strip(",").strip())
        return self.posting(
            job["id"],
            title=clean_line(job.get("position")),
            company=clean_line(job.get("company")),
            locations=[location] if location else [],
            remote="remote",
            description=html_to_text(job.get("description")),
            url=job.get("url"),
            apply_url=job.get("apply_url"),
            posted_at=job.get("date") or job.get("epoch"),
            tags=[str(t) for t in job.get("tags") or []],
            **annualize(job.get("salary_min"), job.get("salary_max"), "USD", "year").as_fields(),
        )
