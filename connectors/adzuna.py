"""Adzuna search (keys required: ADZUNA_APP_ID and ADZUNA_APP_KEY); pages are numbered in the path."""
from __future__ import annotations

import re
from typing import Any

from connectors.base import Source
from connectors.http import HostPolicy, SourceConfigError
from connectors.models import Posting
from connectors.salary import annualize
from connectors.text import clean_line, html_to_text, workplace_from_text

PAGE_SIZE = 50
_CURRENCY = {"gb": "GBP", "us": "USD", "de": "EUR", "fr": "EUR", "nl": "EUR", "at": "EUR", "it": "EUR",
             "es": "EUR", "be": "EUR", "ca": "CAD", "au": "AUD", "nz": "NZD", "in": "INR", "pl": "PLN",
             "br": "BRL", "za": "ZAR", "sg": "SGD", "ch": "CHF", "mx": "MXN"}
_FILTERS = ("what", "where", "what_or", "what_exclude", "max_days_old", "category", "salary_min")


class Adzuna(Source):
    name = "adzuna"
    endpoint = "https://api.adzuna.com/v1/api/jobs/{country}/search/{page}"
    needs_board = False
    max_pages = 5  # the free quota is small
    required_env = ("ADZUNA_APP_ID", "ADZUNA_APP_KEY")
    policy = HostPolicy(concurrency=1, min_interval=1.0, jitter=0.3)
    credit_text = "Jobs by Adzuna (adzuna.com)"

    def country(self) -> str:
        country = str(self.option("country", "gb")).lower()
        if not re.fullmatch(r"[a-z]{2}", country):
            raise SourceConfigError(f"adzuna: country must be a two-letter code, not {country!r}")
        return country

    def url(self, page: int = 1) -> str:
        return self.endpoint.format(country=self.country(), page=page)

    def first_params(self) -> dict[str, Any]:
        # Keys go in the query string (the API allows nothing else); errors and logs only show host and path.
        return {"app_id": self.env("ADZUNA_APP_ID"), "app_key": self.env("ADZUNA_APP_KEY"),
                "results_per_page": PAGE_SIZE, "content-type": "application/json", **self.option_params(_FILTERS)}

    def follow(self, payload: Any, url: str, params: dict[str, Any], count: int) -> tuple[str, dict | None]:
        page = int(url.rstrip("/").rsplit("/", 1)[-1])
        total = int(payload.get("count") or 0)
        if count < int(params.get("results_per_page", PAGE_SIZE)) or page * PAGE_SIZE >= total:
            return url, None
        return self.url(page + 1), params

    def items(self, payload: Any):
        return payload["results"]

    def to_posting(self, job: dict[str, Any]) -> Posting:
        location = clean_line((job.get("location") or {}).get("display_name"))
        predicted = str(job.get("salary_is_predicted")) in ("1", "True", "true")
        salary = {} if predicted else annualize(job.get("salary_min"), job.get("salary_max"),
                                                _CURRENCY.get(self.option("country", "gb").lower()), "year").as_fields()
        title = html_to_text(job.get("title"))  # titles carry <strong> highlights
        return self.posting(
            job["id"],
            title=clean_line(title),
            company=clean_line((job.get("company") or {}).get("display_name")),
            locations=[location] if location else [],
            remote=workplace_from_text(location, title),
            description=html_to_text(job.get("description")),
            url=job.get("redirect_url"),
            posted_at=job.get("created"),
            department=clean_line((job.get("category") or {}).get("label")),
            employment_type=clean_line(job.get("contract_time")),
            **salary,
        )
