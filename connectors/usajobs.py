"""USAJobs search API (key required: USAJOBS_API_KEY and USAJOBS_EMAIL in the environment)."""
from __future__ import annotations

from typing import Any

from connectors.base import Source
from connectors.http import HostPolicy
from connectors.models import Posting
from connectors.salary import annualize
from connectors.text import clean_line, html_to_text, workplace_from_text

PAGE_SIZE = 500
_RATE = {"PA": "year", "PH": "hour", "PD": "day", "PW": "week", "BW": "week", "PM": "month"}
_FILTERS = {"keyword": "Keyword", "location": "LocationName", "organization": "Organization",
            "remote": "RemoteIndicator", "days": "DatePosted"}


class USAJobs(Source):
    name = "usajobs"
    endpoint = "https://data.usajobs.gov/api/Search"
    needs_board = False
    max_pages = 10
    required_env = ("USAJOBS_API_KEY", "USAJOBS_EMAIL")
    policy = HostPolicy(concurrency=2, min_interval=0.5)

    def headers(self) -> dict[str, str]:
        # The API identifies callers by e-mail in User-Agent; the key travels in a header, never in a URL.
        return {"Host": "data.usajobs.gov", "User-Agent": self.env("USAJOBS_EMAIL"),
                "Authorization-Key": self.env("USAJOBS_API_KEY")}

    def first_params(self) -> dict[str, Any]:
        return {"ResultsPerPage": PAGE_SIZE, "Page": 1,
                **{_FILTERS[key]: value for key, value in self.option_params(_FILTERS).items()}}

    def items(self, payload: Any):
        return payload["SearchResult"]["SearchResultItems"]

    def item_id(self, item: dict[str, Any]) -> str | None:
        return item.get("MatchedObjectId")

    def next_params(self, payload: Any, params: dict[str, Any], count: int) -> dict[str, Any] | None:
        pages = ((payload.get("SearchResult") or {}).get("UserArea") or {}).get("NumberOfPages")
        return self.numbered_page(params, pages=pages, count=count, page_size=params.get("ResultsPerPage", PAGE_SIZE),
                                  key="Page", first=1)

    def to_posting(self, item: dict[str, Any]) -> Posting:
        job = item["MatchedObjectDescriptor"]
        locations = [clean_line(loc.get("LocationName")) for loc in job.get("PositionLocation") or []]
        pay = (job.get("PositionRemuneration") or [{}])[0] or {}
        details = (job.get("UserArea") or {}).get("Details") or {}
        remote = "remote" if str(details.get("RemoteIndicator")).lower() == "true" else workplace_from_text(
            job.get("PositionLocationDisplay"))
        apply = (job.get("ApplyURI") or [None])[0]
        summary = details.get("JobSummary") or job.get("QualificationSummary")
        return self.posting(
            item.get("MatchedObjectId") or job["PositionID"],
            title=clean_line(job.get("PositionTitle")),
            company=clean_line(job.get("OrganizationName") or job.get("DepartmentName")),
            locations=[x for x in locations if x],
            remote=remote,
            description=html_to_text(summary),
            url=job.get("PositionURI"),
            apply_url=apply,
            posted_at=job.get("PublicationStartDate"),
            department=clean_line(job.get("DepartmentName")),
            employment_type=clean_line(((job.get("PositionSchedule") or [{}])[0] or {}).get("Name")),
            **annualize(pay.get("MinimumRange"), pay.get("MaximumRange"), "USD",
                        _RATE.get(str(pay.get("RateIntervalCode", "")).upper(), pay.get("Description"))).as_fields(),
        )
