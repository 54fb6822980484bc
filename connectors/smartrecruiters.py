"""SmartRecruiters: a paged list without descriptions, then one detail call per posting for the job ad."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from connectors.base import Source
from connectors.http import HttpClient, SourceError
from connectors.models import Posting
from connectors.text import clean_line, html_to_text, join_place, workplace_from_text

PAGE_SIZE = 100  # the API's maximum
_SECTIONS = ("companyDescription", "jobDescription", "qualifications", "additionalInformation")


class SmartRecruiters(Source):
    name = "smartrecruiters"
    endpoint = "https://api.smartrecruiters.com/v1/companies/{board}/postings"
    params = {"limit": PAGE_SIZE, "offset": 0}
    discoverable = True
    probe_params = {"limit": PAGE_SIZE}
    hyphen_tokens = False

    def board_name(self, payload: Any) -> str | None:
        # An unknown company id answers 200 with no postings, so a board shows only through its postings.
        return next((clean_line((j.get("company") or {}).get("name")) for j in payload.get("content") or []
                     if (j.get("company") or {}).get("name")), None)

    def items(self, payload: Any):
        return payload["content"]

    def next_params(self, payload: Any, params: dict[str, Any], count: int) -> dict[str, Any] | None:
        return self.offset_page(params, count, total=payload.get("totalFound"), at=payload.get("offset"),
                                page_size=payload.get("limit", params.get("limit", PAGE_SIZE)))

    def expand(self, client: HttpClient, payload: Any) -> Any:
        """Merge each posting's detail (job ad, posting and apply URLs) into its list entry."""
        if str(self.option("details", "true")).lower() in ("false", "0", "no"):
            return payload
        content = payload.get("content") if isinstance(payload, dict) else None
        if not content:
            return payload

        def detail(item: dict[str, Any]) -> dict[str, Any]:
            if not isinstance(item, dict) or not item.get("id"):
                return item
            try:
                fetched = client.get_json(f"{self.url()}/{item['id']}", headers=self.headers(), policy=self.policy)
            except SourceError:
                return item  # the list entry still makes a posting, only without its description
            return {**item, **fetched.data} if isinstance(fetched.data, dict) else item

        workers = client.policy_for("api.smartrecruiters.com", self.policy).concurrency
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            return {**payload, "content": list(pool.map(detail, content))}

    def to_posting(self, job: dict[str, Any]) -> Posting:
        location = job.get("location") or {}
        place = clean_line(location.get("fullLocation")) or join_place(
            location.get("city"), location.get("region"), str(location.get("country") or "").upper() or None)
        if location.get("remote"):
            remote = "remote"
        elif location.get("hybrid"):
            remote = "hybrid"
        else:
            remote = workplace_from_text(place, job.get("name")) or ("onsite" if "remote" in location else None)
        sections = ((job.get("jobAd") or {}).get("sections")) or {}
        description = "\n\n".join(
            t for t in (html_to_text((sections.get(k) or {}).get("text")) for k in _SECTIONS) if t
        )
        company = job.get("company") or {}
        return self.posting(
            job["id"],
            title=clean_line(job.get("name")),
            company=self.spec.company or clean_line(company.get("name")),
            locations=[place] if place else [],
            remote=remote,
            description=description or None,
            url=job.get("postingUrl") or _public_url(company.get("identifier") or self.spec.board, job),
            apply_url=job.get("applyUrl"),
            posted_at=job.get("releasedDate"),
            department=clean_line((job.get("department") or {}).get("label")),
            employment_type=clean_line((job.get("typeOfEmployment") or {}).get("label")),
        )


def _public_url(company: str | None, job: dict[str, Any]) -> str | None:
    return f"https://jobs.smartrecruiters.com/{company}/{job['id']}" if company else None
