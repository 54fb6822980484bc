"""The one HTTP client every connector goes through: timeouts, retries, per-host limits, politeness.

Connectors never build their own httpx client. Tests and `leads demo` hand in an
`httpx.MockTransport` (or respx) so the same code path runs offline.
"""
from __future__ import annotations

import email.utils
import hashlib
import json
import logging
import os
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from connectors.errors import BadPayload, DeadlineExceeded, SourceConfigError, SourceError, SourceUnavailable  # noqa: F401
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("jobleads")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "0"


USER_AGENT = f"jobleads/{_version()} (personal job-lead pipeline; +https://github.com/jobleads/jobleads)"

# httpx logs every request URL at INFO; Adzuna's keys travel in the query string and must never reach a log.
logging.getLogger("httpx").setLevel(logging.WARNING)


class _Retryable(Exception):
    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


@dataclass
class HostPolicy:
    """How hard one host may be pushed."""

    concurrency: int = 4
    min_interval: float = 0.0  # seconds between request starts to this host
    jitter: float = 0.0  # up to this fraction of min_interval added at random, so runs do not beat in step


MIB = 1024 * 1024


@dataclass
class ClientSettings:
    """Limits of one source's client. Retries live here and only here (the flow does not retry a source).

    A source therefore sends at most `attempts` requests for each URL it needs, and stops once
    `source_deadline` seconds have passed since its first request, whatever is left.
    """

    timeout: float = 20.0  # connect / each read: how long the host may stay silent
    attempts: int = 3
    request_deadline: float = 120.0  # one request, from connect to the last byte, retries not included
    source_deadline: float = 600.0  # every request and retry wait of one source
    max_response_bytes: int = 64 * MIB
    backoff_initial: float = 1.0
    backoff_max: float = 30.0
    max_retry_after: float = 120.0
    base_url: str | None = None  # "http://127.0.0.1:8080": replaces the scheme and host of every URL (mirrors, tests)
    default_policy: HostPolicy = field(default_factory=HostPolicy)
    host_policies: dict[str, HostPolicy] = field(default_factory=dict)
    cache_dir: str | None = None  # where response bodies are kept for conditional requests (None: off)
    polite: bool = True  # False for replayed recordings: no host to spare, so no spacing between calls


class _HostGate:
    """Caps concurrent requests to one host and spaces their starts; shared across threads."""

    def __init__(self, policy: HostPolicy):
        self.policy = policy
        self._slots = threading.BoundedSemaphore(max(1, policy.concurrency))
        self._lock = threading.Lock()
        self._next_start = 0.0

    def acquire(self, sleep=time.sleep) -> None:
        self._slots.acquire()
        if self.policy.min_interval > 0:
            spacing = self.policy.min_interval * (1 + random.uniform(0, max(0.0, self.policy.jitter)))
            with self._lock:
                now = time.monotonic()
                start = max(now, self._next_start)
                self._next_start = start + spacing
            if start > now:
                sleep(start - now)

    def release(self) -> None:
        self._slots.release()


_GATES: dict[tuple[str, int, float, float], _HostGate] = {}
_GATES_LOCK = threading.Lock()


def _gate_for(host: str, policy: HostPolicy) -> _HostGate:
    # Process-wide, so that concurrent extract tasks share one limit per host.
    key = (host, policy.concurrency, policy.min_interval, policy.jitter)
    with _GATES_LOCK:
        gate = _GATES.get(key)
        if gate is None:
            gate = _GATES[key] = _HostGate(policy)
        return gate


def politeness_key(url: str, shared_host: str | None = None) -> str:
    """Whom a request burdens: its host (and port: two local servers are two hosts), or `shared_host` for a
    service whose every customer has a subdomain ("acme.recruitee.com" and "beta.recruitee.com" are one
    Recruitee, however many companies it hosts)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if shared_host and (host == shared_host or host.endswith("." + shared_host)):
        host = shared_host
    return f"{host}:{parts.port}" if parts.port else host


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
    not_modified: bool = False  # 304: `data` is the cached body when a cache had one, else None


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
        self._source_ends = time.monotonic() + self.settings.source_deadline
        self.requests_sent = 0
        self.cache = ResponseCache(self.settings.cache_dir) if self.settings.cache_dir else None
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

    def policy_for(self, host: str, declared: HostPolicy | None = None) -> HostPolicy:
        """The user's per-host setting wins, then what the source declares, then the default."""
        policy = self.settings.host_policies.get(host) or declared or self.settings.default_policy
        if not self.settings.polite and policy.min_interval:
            policy = HostPolicy(concurrency=policy.concurrency)
        return policy

    def get_json(
        self,
        url: str,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        policy: HostPolicy | None = None,
        shared_host: str | None = None,
    ) -> Fetched:
        """GET a JSON document, retrying what is worth retrying; raise a SourceError otherwise.

        With a cache, a body seen before is asked for conditionally and a 304 hands back the
        cached body, so an unchanged listing is re-read in full without being re-downloaded.
        """
        request_headers = dict(headers or {})
        if self.settings.base_url:
            # A mirror serving several hosts (Recruitee's board is the subdomain) learns which was meant.
            request_headers["X-Forwarded-Host"] = urlsplit(url).netloc
        # The gate spares the host the request is meant for, routed to a mirror or not.
        gate_key, host = politeness_key(url, shared_host), urlsplit(url).hostname or ""
        url = self.routed(url)
        cached = self.cache.get(url, params) if self.cache else None
        if cached is not None:
            etag, last_modified = cached.etag, cached.last_modified
        if etag:
            request_headers["If-None-Match"] = etag
        if last_modified:
            request_headers["If-Modified-Since"] = last_modified
        gate = _gate_for(gate_key, self.policy_for(host, policy))
        retrying = Retrying(
            stop=stop_after_attempt(max(1, self.settings.attempts)) | self._out_of_time,
            wait=self._wait,
            retry=retry_if_exception(lambda e: isinstance(e, _Retryable)),
            sleep=self._sleep,
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    gate.acquire(self._sleep)
                    try:
                        response, body = self._send(url, params, request_headers)
                    finally:
                        gate.release()
                    fetched = self._interpret(url, response, body)
                    if self.cache is not None:
                        if fetched.not_modified and cached is not None:
                            fetched.data = cached.data
                        elif not fetched.not_modified and (fetched.etag or fetched.last_modified):
                            self.cache.put(url, params, fetched)
                    return fetched
        except _Retryable as exc:
            tries = retrying.statistics.get("attempt_number", self.settings.attempts)
            attempts = f"{tries} attempt{'s' if tries != 1 else ''}"
            if self._remaining() <= 0:
                raise DeadlineExceeded(
                    f"{_short(url)}: gave up after {attempts}: the source's "
                    f"{self.settings.source_deadline:g} s deadline passed ({exc})"
                ) from None
            raise SourceUnavailable(f"{_short(url)}: gave up after {attempts}: {exc}") from None
        raise AssertionError("unreachable")  # pragma: no cover

    def routed(self, url: str) -> str:
        """The URL with the configured base URL's scheme and host in place of the provider's own."""
        if not self.settings.base_url:
            return url
        base, parts = urlsplit(self.settings.base_url), urlsplit(url)
        return parts._replace(scheme=base.scheme or parts.scheme, netloc=base.netloc or parts.netloc).geturl()

    def _remaining(self) -> float:
        return self._source_ends - time.monotonic()

    def _out_of_time(self, state: RetryCallState) -> bool:
        return self._remaining() <= 0

    def _send(self, url: str, params: dict | None, headers: dict) -> tuple[httpx.Response, bytes]:
        """One GET, read in chunks so that a drip-feeding host or an endless body cannot hold the source."""
        remaining = self._remaining()
        if remaining <= 0:
            raise _Retryable("no time left")
        budget = min(self.settings.request_deadline, remaining)
        ends = time.monotonic() + budget
        limit = self.settings.max_response_bytes
        self.requests_sent += 1
        try:
            # {} as params would drop a query already in the URL, hence `or None`.
            with self._client.stream("GET", url, params=params or None, headers=headers,
                                     timeout=min(self.settings.timeout, budget)) as response:
                declared = response.headers.get("Content-Length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise BadPayload(f"{_short(url)}: response of {int(declared) / MIB:.1f} MiB is over the "
                                     f"{limit / MIB:g} MiB limit")
                body = bytearray()
                for chunk in response.iter_bytes():  # decoded: a gzip bomb meets the limit too
                    body += chunk
                    if len(body) > limit:
                        raise BadPayload(f"{_short(url)}: response is over the {limit / MIB:g} MiB limit")
                    if time.monotonic() > ends:
                        raise _Retryable(f"no complete response within {budget:g} s")
                return response, bytes(body)
        except httpx.TimeoutException as exc:
            raise _Retryable(f"timed out ({type(exc).__name__})") from exc
        except httpx.TransportError as exc:
            raise _Retryable(f"connection failed ({type(exc).__name__}: {exc})") from exc

    def _interpret(self, url: str, response: httpx.Response, content: bytes) -> Fetched:
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
            data = json.loads(content)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            body = content.strip()
            if not body:
                kind = "empty"
            elif body[:1] in (b"{", b"["):
                kind = "truncated JSON"
            else:
                kind = f"not JSON ({response.headers.get('Content-Type', 'no content type')})"
            detail = f"{exc.msg} at byte {exc.pos}" if isinstance(exc, json.JSONDecodeError) else str(exc)
            raise BadPayload(f"{_short(url)}: body is {kind}: {detail} ({len(body)} bytes)") from None
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
            wait = min(retry_after, self.settings.max_retry_after) + random.uniform(0, 0.25)
        else:
            wait = wait_exponential_jitter(initial=self.settings.backoff_initial, max=self.settings.backoff_max)(state)
        return max(0.0, min(wait, self._remaining()))  # never sleep past the source's deadline


@dataclass
class CachedBody:
    etag: str | None
    last_modified: str | None
    data: Any


class ResponseCache:
    """JSON bodies kept on disk by URL, with the validators the server sent for them.

    One file per URL (hashed name), written atomically, so concurrent extract threads and a
    crash mid-write never leave a half file that a later 304 would hand back.
    """

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def _path(self, url: str, params: dict[str, Any] | None) -> Path:
        key = url + "?" + "&".join(f"{k}={v}" for k, v in sorted((params or {}).items()))
        return self.folder / (hashlib.sha256(key.encode()).hexdigest()[:32] + ".json")

    def get(self, url: str, params: dict[str, Any] | None) -> CachedBody | None:
        try:
            entry = json.loads(self._path(url, params).read_text(encoding="utf-8"))
            return CachedBody(entry.get("etag"), entry.get("last_modified"), entry["data"])
        except (OSError, ValueError, KeyError):
            return None

    def put(self, url: str, params: dict[str, Any] | None, fetched: Fetched) -> None:
        path = self._path(url, params)
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # what the user watches is their own
            tmp = path.with_suffix(f".{threading.get_ident()}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(json.dumps({"etag": fetched.etag, "last_modified": fetched.last_modified,
                                      "data": fetched.data}))
            os.replace(tmp, path)
        except OSError:
            pass  # a cache that cannot be written only costs a full download next time


def _short(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.netloc}{parts.path}"
