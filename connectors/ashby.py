"""Ashby job boards: one call, compensation on request; the board name is the company."""
from __future__ import annotations

from typing import Any

from connectors.base import Source
from connectors.models import Posting
from connectors.salary import annualize
from connectors.text import clean_line, html_to_text, join_place, workplace_word


class Ashby(Source):
    name = "ashby"
    endpoint = "https://api.ashbyhq.com/posting-api/job-board/{board}"
    params = {"includeCompensation": "true"}
    discoverable = True  # the board names no company: its descriptions must

    def items(self, payload: Any):
        return payload["jobs"]

    def to_posting(self, job: dict[str, Any]) -> Posting | None:
        if job.get("isListed") is False:
            return None
        locations = [clean_line(job.get("location"))]
        for extra in job.get("secondaryLocations") or []:
            locations.append(clean_line(extra.get("location") if isinstance(extra, dict) else extra))
        if not any(locations):
            address = ((job.get("address") or {}).get("postalAddress")) or {}
            locations = [join_place(address.get("addressLocality"), address.get("addressRegion"),
                                    address.get("addressCountry"))]
        # isRemote is true on hybrid jobs too: the workplace type says what is meant.
        remote = workplace_word(job.get("workplaceType")) or ("remote" if job.get("isRemote") else None)
        return self.posting(
            job["id"],
            title=clean_line(job.get("title")),
            locations=[x for x in locations if x],
            remote=remote,
            description=(job.get("descriptionPlain") or "").strip() or html_to_text(job.get("descriptionHtml")),
            url=job.get("jobUrl"),
            apply_url=job.get("applyUrl"),
            posted_at=job.get("publishedAt"),
            department=clean_line(job.get("department") or job.get("team")),
            employment_type=clean_line(job.get("employmentType")),
            **_compensation(job.get("compensation")),
        )


def _compensation(compensation: dict[str, Any] | None) -> dict[str, Any]:
    """The salary component of summaryComponents (equity and bonus components are not pay ranges)."""
    components = (compensation or {}).get("summaryComponents") or []
    salary = next((c for c in components if str(c.get("compensationType", "")).lower() == "salary"), None)
    if salary is None:
        return {}
    return annualize(salary.get("minValue"), salary.get("maxValue"), salary.get("currencyCode"),
                     salary.get("interval")).as_fields()
