"""Remotive: every job is remote. Its terms ask for very few calls a day and a link back to the job."""
from __future__ import annotations

from typing import Any

from connectors.base import Source
from connectors.http import HostPolicy
from connectors.models import Posting
from connectors.salary import parse_salary_text
from connectors.text import clean_line, html_to_text

_FILTERS = ("category", "company_name", "search", "limit")


class Remotive(Source):
    name = "remotive"
    endpoint = "https://remotive.com/api/remote-jobs"
    needs_board = False
    max_pages = 1  # the whole (filtered) list comes in one response; more calls would break the terms
    policy = HostPolicy(concurrency=1, min_interval=60.0, jitter=0.5)
    credit_text = "Source: Remotive (remotive.com)"

    def first_params(self) -> dict[str, Any]:
        return self.option_params(_FILTERS)

    def items(self, payload: Any):
        return payload["jobs"]  # envelope keys such as "00-warning" and "0-legal-notice" are not jobs

    def to_posting(self, job: dict[str, Any]) -> Posting:
        where = clean_line(job.get("candidate_required_location"))
        return self.posting(
            job["id"],
            title=clean_line(job.get("title")),
            company=clean_line(job.get("company_name")),
            locations=[where] if where else [],
            remote="remote",
            description=html_to_text(job.get("description")),
            url=job.get("url"),
            posted_at=job.get("publication_date"),  # no zone given: UTC
            department=clean_line(job.get("category")),
            employment_type=clean_line(job.get("job_type")),
            tags=[str(t) for t in job.get("tags") or []],
            **parse_salary_text(job.get("salary")).as_fields(),
        )
