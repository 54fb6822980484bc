"""Recruitee careers sites: every published offer in one call; salary values arrive as strings."""
from __future__ import annotations

from typing import Any

from connectors.base import Source
from connectors.models import Posting
from connectors.salary import annualize
from connectors.text import clean_line, html_to_text, join_place, workplace_from_text


class Recruitee(Source):
    name = "recruitee"
    endpoint = "https://{board}.recruitee.com/api/offers/"
    discoverable = True
    shared_host = "recruitee.com"  # every company a subdomain, one service to spare

    def board_name(self, payload: Any) -> str | None:
        return next((clean_line(o.get("company_name")) for o in payload.get("offers") or [] if o.get("company_name")), None)

    def items(self, payload: Any):
        return payload["offers"]

    def to_posting(self, offer: dict[str, Any]) -> Posting | None:
        if offer.get("status") not in (None, "published"):
            return None
        locations = [join_place(loc.get("city") or loc.get("name"), loc.get("state"), loc.get("country"))
                     for loc in offer.get("locations") or []] or [clean_line(offer.get("location"))]
        if offer.get("remote"):
            remote = "remote"
        elif offer.get("hybrid"):
            remote = "hybrid"
        elif offer.get("on_site"):
            remote = "onsite"
        else:
            remote = workplace_from_text(offer.get("location"), offer.get("title"))
        description = "\n\n".join(
            t for t in (html_to_text(offer.get("description")), html_to_text(offer.get("requirements"))) if t
        )
        salary = offer.get("salary") or {}
        return self.posting(
            offer["id"],
            title=clean_line(offer.get("title")),
            company=self.spec.company or clean_line(offer.get("company_name")),
            locations=[x for x in locations if x],
            remote=remote,
            description=description or None,
            url=offer.get("careers_url"),
            apply_url=offer.get("careers_apply_url"),
            posted_at=offer.get("published_at") or offer.get("created_at"),
            department=clean_line(offer.get("department")),
            employment_type=clean_line(offer.get("employment_type_code")),
            tags=[str(t) for t in offer.get("tags") or []],
            **annualize(salary.get("min"), salary.get("max"), salary.get("currency"), salary.get("period")).as_fields(),
        )
