"""Hacker News "Ask HN: Who is hiring?": the latest thread's top-level comments, through Algolia's API.

A posting's first line is by convention `Company | Role | Location | REMOTE | $salary | ...`; the parts
come in any order after the company, so each one is recognised by what it looks like.
"""
from __future__ import annotations

import html
import re
from typing import Any

from connectors.base import Source
from connectors.http import HttpClient, SourceConfigError
from connectors.models import Posting
from connectors.salary import NO_SALARY, parse_salary_text
from connectors.text import clean_line, html_to_text, workplace_from_text

SEARCH = "https://hn.algolia.com/api/v1/search_by_date"
PAGE_SIZE = 500

_EMPLOYMENT = re.compile(r"\b(full[- ]?time|part[- ]?time|contract\w*|permanent|intern\w*|freelance|fte)\b", re.I)
_MONEY = re.compile(r"[$€£]\s?\d|\d\s?[kK]\b|\b(USD|EUR|GBP|CAD)\b|\bsalary\b|\bequity\b", re.I)
_NOISE = re.compile(r"\b(visa|sponsor\w*|equity|relocation|apply|https?://|www\.|@)", re.I)
_ROLE = re.compile(
    r"\b(engineer\w*|developer\w*|dev|sre|devops|architect\w*|scientist\w*|designer\w*|manager\w*|lead\w*|"
    r"head|director\w*|vp|cto|founding|advocate|specialist\w*|analyst\w*|researcher\w*|recruiter\w*|"
    r"product|marketing|sales|support|operations|administrator\w*|consultant\w*|writer|programmer\w*|"
    r"hacker\w*|intern\w*|staff|principal|senior|junior|frontend|backend|full[- ]?stack|ml|ai|data)\b",
    re.I,
)
_PLACE_HINT = re.compile(r",|\b(remote|onsite|on-site|hybrid|usa?|uk|eu|emea|europe|americas|apac|worldwide|anywhere)\b"
                         r"|\([A-Z]{2,}\)|\bUTC", re.I)


class HackerNews(Source):
    name = "hn"
    endpoint = SEARCH
    needs_board = False
    max_pages = 10

    def __init__(self, spec):
        super().__init__(spec)
        self.story_id: str | None = str(self.option("thread")) if self.option("thread") else None

    def prepare(self, client: HttpClient) -> None:
        """Find the newest "Who is hiring?" story, unless the config pins one with `thread`."""
        if self.story_id:
            return
        fetched = client.get_json(SEARCH, params={"tags": "story,author_whoishiring", "hitsPerPage": 20})
        for hit in (fetched.data or {}).get("hits") or []:
            if "who is hiring" in str(hit.get("title", "")).lower():
                self.story_id = str(hit["objectID"])
                return
        raise SourceConfigError("hn: no 'Ask HN: Who is hiring?' thread found (set `thread` to a story id)")

    def first_params(self) -> dict[str, Any]:
        return {"tags": f"comment,story_{self.story_id}", "hitsPerPage": PAGE_SIZE, "page": 0}

    def next_params(self, payload: Any, params: dict[str, Any], count: int) -> dict[str, Any] | None:
        return self.numbered_page(params, pages=payload.get("nbPages", 0), at=payload.get("page"))

    def follow(self, payload: Any, url: str, params: dict[str, Any], count: int) -> tuple[str, dict | None]:
        # Pages are counted in hits, replies included: an empty page of postings is not the end.
        hits = len(payload.get("hits") or []) if isinstance(payload, dict) else 0
        return url, (self.next_params(payload, params, hits) if hits else None)

    def items(self, payload: Any):
        if "children" in payload:  # the items endpoint: the story with its reply tree
            story = str(payload.get("id"))
            return [dict(c, story_id=story, parent_id=story) for c in payload["children"] if isinstance(c, dict)]
        story = str(payload.get("story_id") or self.story_id or "")
        # Only replies to the story itself are postings; replies to replies are conversation.
        return [h for h in payload["hits"] if str(h.get("parent_id")) == str(h.get("story_id") or story)]

    def item_id(self, item: dict[str, Any]) -> str | None:
        value = item.get("objectID") or item.get("id")
        return str(value) if value is not None else None

    def to_posting(self, hit: dict[str, Any]) -> Posting | None:
        markup = hit.get("comment_text") or hit.get("text")
        if not markup:
            return None  # deleted or flagged comment
        header = parse_first_line(markup)
        item_id = self.item_id(hit)
        return self.posting(
            item_id,
            title=header["title"],
            company=header["company"],
            locations=header["locations"],
            remote=header["remote"],
            description=html_to_text(markup),
            url=f"https://news.ycombinator.com/item?id={item_id}",
            posted_at=hit.get("created_at_i") or hit.get("created_at"),
            employment_type=header["employment_type"],
            note=header["first_line"],
            **header["salary"].as_fields(),
        )


def first_line(markup: str) -> tuple[str, str | None]:
    """The comment's first line as text, and the line after it (for posts that name the role there)."""
    lines = [clean_line(html.unescape(re.sub(r"<[^>]+>", " ", part)))
             for part in re.split(r"<p>|\n", markup, maxsplit=2)]
    lines = [x for x in lines if x]
    return (lines[0] if lines else ""), (lines[1] if len(lines) > 1 else None)


def parse_first_line(markup: str) -> dict[str, Any]:
    line, following = first_line(markup)
    parts = [p.strip() for p in re.split(r"\s+\|\s+|\s*\|\s*", line) if p.strip()]
    company = parts[0] if parts else None
    title = None
    locations: list[str] = []
    remote = None
    employment = None
    salary = NO_SALARY
    for part in parts[1:]:
        workplace = workplace_from_text(part)
        if _EMPLOYMENT.search(part) and not _ROLE.search(_EMPLOYMENT.sub("", part)):
            employment = employment or part
        elif _MONEY.search(part) and salary is NO_SALARY and parse_salary_text(part) != NO_SALARY:
            salary = parse_salary_text(part, default_currency="USD")
        elif workplace and (len(part.split()) <= 2 or "(" in part or "," in part) and not _ROLE.search(part):
            remote = remote or workplace
            if re.sub(r"[^a-z]", "", part.lower()) not in ("remote", "onsite", "hybrid", "remoteonly", "fullyremote"):
                locations.append(part)
        elif _NOISE.search(part):
            continue
        elif title is None and (_ROLE.search(part) or not _PLACE_HINT.search(part)):
            title = part
        elif _PLACE_HINT.search(part) or part[:1].isupper():
            if not _ROLE.search(part) or _PLACE_HINT.search(part):
                locations.append(part)
    if title is None and following and len(parts) <= 1:
        title = following[:160]
    return {
        "company": company,
        "title": title,
        "locations": locations,
        "remote": remote or workplace_from_text(" | ".join(locations)),
        "employment_type": employment,
        "salary": salary,
        "first_line": line[:500] or None,
    }
