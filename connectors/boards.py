"""Board probes for `leads discover`: does provider P host a public board under token T, and what is on it?

One GET per candidate, through the shared client (its per-host gate spaces the requests). A 404, or a 200
that lists nothing and names no one (SmartRecruiters answers so for any unknown id), is "no board" and the
client never retries it. Anything else that fails (a host down, a bad body) is raised, so the caller can
leave the company unchecked and ask again next time instead of remembering a false "no board".
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from connectors.base import ExtractResult, Source, SourceSpec
from connectors.errors import SourceConfigError
from connectors.http import HttpClient

# How many job texts a probe keeps to look for the company's name in (boards that name no company).
TEXTS_KEPT = 20
TEXT_CHARS = 4000


@dataclass(frozen=True)
class BoardKey:
    provider: str  # connector name
    region: str | None  # None: the provider's default host; "eu" for Greenhouse's and Lever's EU hosts
    token: str


@dataclass
class BoardFacts:
    """What one existing board showed: the name it gives itself (if its API has one), its open jobs."""

    key: BoardKey
    name: str | None
    jobs: int
    titles: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # descriptions, cut short: where an unnamed board names its employer


def discoverable_providers() -> list[tuple[str, str | None]]:
    """(connector name, region) for every ATS whose boards belong to one employer each, default hosts first."""
    from connectors.registry import SOURCES

    providers = [(name, region) for name, cls in SOURCES.items() if cls.discoverable for region in cls.regions]
    return sorted(providers, key=lambda p: p[1] is not None)


_TOKEN = {True: re.compile(r"^[a-z0-9][a-z0-9-]*[a-z0-9]$"), False: re.compile(r"^[a-z0-9]{2,}$")}


def token_fits(provider: str, token: str) -> bool:
    """Whether `token` can be a board token on `provider` (Greenhouse's and SmartRecruiters' hold no hyphen)."""
    from connectors.registry import SOURCES

    return bool(_TOKEN[SOURCES[provider].hyphen_tokens].match(token))


def source_for(key: BoardKey) -> Source:
    from connectors.registry import make_source

    return make_source(SourceSpec(type=key.provider, board=key.token,
                                  options={"region": key.region} if key.region else {}))


def probe(client: HttpClient, key: BoardKey) -> BoardFacts | None:
    """The board at `key`, or None when there is none."""
    source = source_for(key)
    try:
        fetched = client.get_json(source.url(), params=dict(source.probe_params) or None,
                                  headers=source.headers(), policy=source.policy, shared_host=source.shared_host)
    except SourceConfigError:  # 404 (or another 4xx): no such board
        return None
    payload = fetched.data
    parsed = ExtractResult(source=key.provider, source_key=key.token)
    jobs = source.parse_payload(payload, parsed)  # raises BadPayload for a body that is no listing
    name = source.board_name(payload)
    if not jobs and not name:
        return None
    postings = parsed.postings
    return BoardFacts(
        key=key, name=name, jobs=_total(payload, len(postings)),
        titles=[p.title for p in postings],
        texts=[(p.description or "")[:TEXT_CHARS] for p in postings[:TEXTS_KEPT] if p.description],
    )


def _total(payload: object, listed: int) -> int:
    """The board's own count when it states one (SmartRecruiters lists 100 at a time), else what it listed."""
    if isinstance(payload, dict):
        stated = payload.get("totalFound") or (payload.get("meta") or {}).get("total")
        if isinstance(stated, int) and stated >= listed:
            return stated
    return listed
