"""The one HTTP client every connector goes through: timeouts, retries, per-host limits, politeness.

Connectors never build their own httpx client. Tests and `leads demo` hand in an
`httpx.MockTransport` (or respx) so the same code path runs offline.
"""
from __future__ import annotations

import email.utils
import json
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

import httpx
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from jobleads import __version__

USER_AGENT = f"jobleads/{__version__} (personal job-lead pipeline; +https://github.com/jobleads/jobleads)"


class SourceError(Exception):
    """A source could not be read; the message is one line meant for the user."""

    retryable = False


class SourceConfigError(SourceError):
    """The configuration names something the source does not have (404, 401, 403 ...). Never retried."""


class SourceUnavailable(SourceError):
    """The source kept failing (5xx, 429, timeouts) after every retry."""

    retryable = True


class BadPayload(SourceError):
    """The body was not the JSON the connector expects (truncated, HTML error page ...)."""


class _Retryable(Exception):
    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


@dataclass
class HostPolicy:
    """How hard one host may be pushed."""

    concurrency: int = 4
    min_interval: float = 0.0  # seconds between request starts to this host


@dataclass
class ClientSettings:
    timeout: float = 20.0
    attempts: int = 4
    backoff_initial: float = 1.0
    backoff_max: float = 30.0
    max_retry_after: float = 120.0
    default_policy: HostPolicy = field(default_factory=HostPolicy)
    host_policies: dict[str, HostPolicy] = field(default_factory=dict)


class _HostGate:
    """Caps concurrent requests to one host and spaces their starts; shared across threads."""

    def __init__(self, policy: HostPolicy):
        self.policy = policy
        self._slots = threading.BoundedSemaphore(max(1, policy.concurrency))
        self._lock = threading.Lock()
        self._next_start = 0.0

    def __enter__(self) -> None:
        self._slots.acquire()
        if self.policy.min_interval > 0:
            with self._lock:
                now = time.monotonic()
                start = max(now, self._next_start)
                self._next_start = start + self.policy.min_interval
            if start > now:
                time.sleep(start - now)

    def __exit__(self, *exc: object) -> None:
        self._slots.release()


_GATES: dict[tuple[str, int, float], _HostGate] = {}
_GATES_LOCK = threading.Lock()


def _gate_for(host: str, policy: HostPolicy) -> _HostGate:
    # Process-wide, so that concurrent extract tasks share one limit per host.
    key = (host, policy.concurrency, policy.min_interval)
    with _GATES_LOCK:
        gate = _GATES.get(key)
        if gate is None:
            gate = _GATES[key] = _HostGate(policy)
        return gate


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


@dataclass
class Fetched:
    """A response body the connector can parse, with what conditional requests need next time."""

    url: str
    status: int
    data: Any
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False


class HttpClient:
    """Thread-safe wrapper over one httpx.Client."""

    def __init__(
        self,
        settings: ClientSettings | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep=time.sleep,
    ):
        self.settings = settings or ClientSettings()
        self._sleep = sleep
        self._client = httpx.Client(
            transport=transport,
            timeout=self.settings.timeout,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            follow_redirects=True,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def policy_for(self, host: str) -> HostPolicy:
        return self.settings.host_policies.get(host, self.settings.default_policy)

    def get_json(
        self,
        url: str,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> Fetched:
        """GET a JSON document, retrying what is worth retrying; raise a SourceError otherwise."""
        request_headers = dict(headers or {})
        if etag:
            request_headers["If-None-Match"] = etag
        if last_modified:
            request_headers["If-Modified-Since"] = last_modified
        host = urlsplit(url).hostname or ""
        gate = _gate_for(host, self.policy_for(host))
        retrying = Retrying(
            stop=stop_after_attempt(max(1, self.settings.attempts)),
            wait=self._wait,
            retry=retry_if_exception(lambda e: isinstance(e, _Retryable)),
            sleep=self._sleep,
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    with gate:
                        response = self._send(url, params, request_headers)
                    return self._interpret(url, response)
        except _Retryable as exc:
            raise SourceUnavailable(
                f"{_short(url)}: gave up after {self.settings.attempts} attempts: {exc}"
            ) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _send(self, url: str, params: dict | None, headers: dict) -> httpx.Response:
        try:
            return self._client.get(url, params=params, headers=headers)
        except httpx.TimeoutException as exc:
            raise _Retryable(f"timed out ({type(exc).__name__})") from exc
        except httpx.TransportError as exc:
            raise _Retryable(f"connection failed ({type(exc).__name__}: {exc})") from exc

    def _interpret(self, url: str, response: httpx.Response) -> Fetched:
        status = response.status_code
        if status == 304:
            return Fetched(url=str(response.url), status=status, data=None, not_modified=True,
                           etag=response.headers.get("ETag"),
                           last_modified=response.headers.get("Last-Modified"))
        if status == 429 or status >= 500:
            raise _Retryable(f"HTTP {status}", parse_retry_after(response.headers.get("Retry-After")))
        if status == 404:
            raise SourceConfigError(f"{_short(url)}: not found (HTTP 404): check the board/site name")
        if status >= 400:
            raise SourceConfigError(f"{_short(url)}: refused (HTTP {status})")
        try:
            data = json.loads(response.content)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            kind = "truncated JSON" if response.content.strip()[:1] in (b"{", b"[") else "not JSON"
            raise BadPayload(f"{_short(url)}: body is {kind} ({exc.msg if hasattr(exc, 'msg') else exc})") from None
        return Fetched(
            url=str(response.url),
            status=status,
            data=data,
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
        )

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is not None:
            return min(retry_after, self.settings.max_retry_after) + random.uniform(0, 0.25)
        backoff = wait_exponential_jitter(
            initial=self.settings.backoff_initial, max=self.settings.backoff_max
        )
        return backoff(state)


def _short(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.netloc}{parts.path}"
