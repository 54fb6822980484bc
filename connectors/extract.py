"""Run one configured source: build the shared client (live or replayed), fetch, parse."""
from __future__ import annotations

from typing import Any

from connectors import make_source
from connectors.base import ExtractResult, SourceSpec
from connectors.http import ClientSettings, HostPolicy, HttpClient, SourceError
from connectors.replay import ReplayTransport


def client_settings(http: dict[str, Any] | None) -> ClientSettings:
    http = http or {}
    return ClientSettings(
        timeout=http.get("timeout", 20.0),
        attempts=http.get("attempts", 4),
        default_policy=HostPolicy(concurrency=http.get("per_host_concurrency", 4)),
    )


def extract(
    spec: SourceSpec,
    http: dict[str, Any] | None = None,
    replay_dir: str | None = None,
    validators: dict[str, str] | None = None,
) -> ExtractResult:
    """Fetch one source; every failure is reported in the result, never raised."""
    try:
        source = make_source(spec)
    except SourceError as exc:
        return ExtractResult(source=spec.type, source_key=spec.board, status="failed",
                             error=str(exc), error_kind=type(exc).__name__)
    transport = ReplayTransport(replay_dir) if replay_dir else None
    with HttpClient(client_settings(http), transport=transport) as client:
        return source.fetch(client, validators)
