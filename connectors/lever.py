"""Lever postings (US and EU hosts): paged with skip/limit; the site name is the company."""
from __future__ import annotations

from typing import Any

from connectors.base import Source
from connectors.models import Posting
from connectors.salary import annualize
from connectors.text import clean_line, html_to_text, workplace_from_text, workplace_word

PAGE_SIZE = 100


class Lever(Source):
    name = "lever"
    endpoint = "https://api.lever.co/v0/postings/{board}"
    params = {"mode": "json", "skip": 0, "limit": PAGE_SIZE}
    discoverable = True
    probe_params = {"mode": "json"}  # every posting, descriptions included: the text is how the company shows
    regions = (None, "eu")

    def url(self) -> str:
        if self.option("region") == "eu":
            return f"https://api.eu.lever.co/v0/postings/{self.spec.board}"
        return super().url()

    def items(self, payload: Any):
        if isinstance(payload, dict):  # some saved files wrap the list
            payload = payload.get("data") or payload.get("postings")
        if not isinstance(payload, list):
            raise TypeError("expected a list of postings")
        return payload

    def next_params(self, payload: Any, params: dict[str, Any], count: int) -> dict[str, Any] | None:
        return self.offset_page(params, count, page_size=params.get("limit", PAGE_SIZE), key="skip")

    def to_posting(self, job: dict[str, Any]) -> Posting:
        categories = job.get("categories") or {}
        location = clean_line(categories.get("location"))
        locations = [clean_line(x) for x in categories.get("allLocations") or []] or [location]
        return self.posting(
            job["id"],
            title=clean_line(job.get("text")),
            locations=[x for x in locations if x],
            remote=workplace_word(job.get("workplaceType")) or workplace_from_text(location, job.get("text")),
            description=_description(job),
            url=job.get("hostedUrl"),
            apply_url=job.get("applyUrl"),
            posted_at=job.get("createdAt"),
            department=clean_line(categories.get("team") or categories.get("department")),
            employment_type=clean_line(categories.get("commitment")),
            **_salary(job.get("salaryRange")),
        )


def _description(job: dict[str, Any]) -> str | None:
    """Lever splits a posting into opening, body, titled lists and a closing part: put them back together."""
    parts = [job.get("descriptionPlain") or html_to_text(job.get("description"))]
    for block in job.get("lists") or []:
        body = html_to_text(block.get("content"))
        heading = clean_line(block.get("text"))
        parts.append("\n".join(p for p in (heading, body) if p))
    parts.append(job.get("additionalPlain") or html_to_text(job.get("additional")))
    text = "\n\n".join(p.strip() for p in parts if p and p.strip())
    return text or None


def _salary(salary_range: dict[str, Any] | None) -> dict[str, Any]:
    if not salary_range:
        return {}
    return annualize(salary_range.get("min"), salary_range.get("max"), salary_range.get("currency"),
                     salary_range.get("interval")).as_fields()
