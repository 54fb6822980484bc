"""Run one configured source: build the shared client (live or replayed), fetch, parse."""
from __future__ import annotations

import os
from typing import Any

from connectors import make_source
from connectors.base import ExtractResult, SourceSpec
from connectors.http import MIB, ClientSettings, HostPolicy, HttpClient, SourceError
from connectors.replay import ReplayTransport

CACHE_ENV = "LEADS_HTTP_CACHE"


def client_settings(http: dict[str, Any] | None, cache_dir: str | None = None,
                    source_type: str | None = None) -> ClientSettings:
    http = http or {}
    defaults = ClientSettings()
    return ClientSettings(
        timeout=http.get("timeout", defaults.timeout),
        attempts=http.get("attempts", defaults.attempts),
        request_deadline=http.get("request_deadline", defaults.request_deadline),
        source_deadline=http.get("source_deadline", defaults.source_deadline),
        max_response_bytes=int(http.get("max_response_mb", defaults.max_response_bytes / MIB) * MIB),
        base_url=(http.get("base_urls") or {}).get(source_type or ""),
        default_policy=HostPolicy(concurrency=http.get("per_host_concurrency", 4),
                                  min_interval=http.get("min_interval", 0.0)),
        cache_dir=cache_dir or http.get("cache_dir") or os.environ.get(CACHE_ENV) or None,
    )


def extract(
    spec: SourceSpec,
    http: dict[str, Any] | None = None,
    replay_dir: str | None = None,
    validators: dict[str, str] | None = None,
    cache_dir: str | None = None,
) -> ExtractResult:
    """Fetch one source; every failure is reported in the result, never raised.

    `cache_dir` (or `http["cache_dir"]`, or $LEADS_HTTP_CACHE) keeps response bodies so that a 304
    re-reads the listing in full; without it a 304 yields an incomplete result that retires nothing.
    """
    try:
        source = make_source(spec)
    except SourceError as exc:
        return ExtractResult(source=spec.type, source_key=spec.board, status="failed",
                             error=str(exc), error_kind=type(exc).__name__)
    transport = ReplayTransport(replay_dir) if replay_dir else None
    settings = client_settings(http, None if replay_dir else cache_dir, spec.type)
    if replay_dir:
        settings.cache_dir = None  # recordings are the whole truth in a replay
        settings.polite = False  # and no remote host needs sparing
    with HttpClient(settings, transport=transport) as client:
        return source.fetch(client, validators)
