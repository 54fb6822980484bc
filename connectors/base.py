"""The machinery every source shares; a source module only says what differs.

A source declares where to fetch (`endpoint`, `params`), how pages follow each other
(`next_params` or `follow`, each one call of a paging helper: offset, page number, cursor or next
link), where the items sit in a response (`items`) and how one item maps to a `Posting`
(`to_posting`, through `posting()`, which fills what every source shares). Fetching a live response
and reading a saved file end in the same `parse_payload`, so `leads import` and the nightly run cannot
drift apart.
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Iterable, Literal

from pydantic import ValidationError

from connectors.http import BadPayload, HostPolicy, HttpClient, SourceError
from connectors.models import Posting, QuarantinedItem, RawItem
from connectors.text import strip_tracking
from jobleads.validation import reasons

Status = Literal["ok", "failed", "skipped"]


@dataclass
class SourceSpec:
    """One configured source: which connector, which board/site/account, and its options."""

    type: str
    board: str | None = None
    company: str | None = None
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.type}:{self.board}" if self.board else self.type


@dataclass
class ExtractResult:
    """What one source yielded in one run; plain data so it can cross threads and processes."""

    source: str
    source_key: str | None
    status: Status = "ok"
    postings: list[Posting] = field(default_factory=list)
    raw: list[RawItem] = field(default_factory=list)
    quarantined: list[QuarantinedItem] = field(default_factory=list)
    error: str | None = None
    error_kind: str | None = None
    pages: int = 0
    seconds: float = 0.0
    # True only when the whole listing was read: the warehouse closes leads only on complete results.
    complete: bool = False
    not_modified: bool = False
    validators: dict[str, str] = field(default_factory=dict)  # etag/last-modified for next time
    # Postings already in an Arrow table (connectors.models.POSTING_SCHEMA), from a bulk file reader that
    # skips one pydantic model per row; loaded beside `postings`.
    bulk: Any = None
    bulk_rows: int = 0  # rows of `bulk`, kept when the table is let go once stored (`release_bulk`)
    # Each row of `bulk` as the file wrote it (an Arrow string array, row for row): its raw payload, stored
    # first and let go before the postings are normalized.
    bulk_payloads: Any = None

    @property
    def fetched(self) -> int:
        return len(self.raw) + self._bulk_count()

    @property
    def parsed(self) -> int:
        return len(self.postings) + self._bulk_count()

    def _bulk_count(self) -> int:
        return self.bulk.num_rows if self.bulk is not None else self.bulk_rows

    def release_bulk(self) -> None:
        """Let go of the bulk table once the warehouse holds it: a million postings are a gigabyte that the
        rest of the run (dedupe, scoring) would otherwise carry."""
        if self.bulk is not None:
            self.bulk_rows, self.bulk = self.bulk.num_rows, None
            self.release_payloads()

    def release_payloads(self) -> None:
        """Let go of `bulk_payloads` once stored (0.3 GB at a million lines), before the postings are normalized."""
        import pyarrow as pa

        self.bulk_payloads = None
        pa.default_memory_pool().release_unused()  # Arrow's allocator keeps freed memory unless told

    @property
    def label(self) -> str:
        return f"{self.source}:{self.source_key}" if self.source_key else self.source


class Source:
    """Base class of every connector."""

    name: ClassVar[str]
    endpoint: ClassVar[str] = ""
    params: ClassVar[dict[str, Any]] = {}
    needs_board: ClassVar[bool] = True
    max_pages: ClassVar[int] = 200
    # How hard this source's host may be pushed (its terms of use); None: the client's default.
    policy: ClassVar[HostPolicy | None] = None
    # A service that gives every customer a subdomain: its hosts share one politeness gate ("recruitee.com").
    shared_host: ClassVar[str | None] = None
    # Environment variables a keyed source needs; when one is unset the source is skipped, not failed.
    required_env: ClassVar[tuple[str, ...]] = ()
    # Attribution the source's terms ask for, kept on every posting (Posting.credit).
    credit_text: ClassVar[str | None] = None
    # `leads discover`: an ATS whose boards belong to one employer each. `probe_params` is the cheapest request
    # that lists a board's jobs; `regions` are the hosts a board may live on (None: the default one).
    discoverable: ClassVar[bool] = False
    probe_params: ClassVar[dict[str, Any]] = {}
    regions: ClassVar[tuple[str | None, ...]] = (None,)
    hyphen_tokens: ClassVar[bool] = True  # may a board token hold a hyphen ("northwind-cloud")?

    def __init__(self, spec: SourceSpec):
        if self.needs_board and not spec.board:
            raise SourceError(f"source '{self.name}' needs a board/site/account name ('board' in the config)")
        self.spec = spec

    def option(self, key: str, default: Any = None) -> Any:
        value = self.spec.options.get(key)
        return default if value is None or value == "" else value

    def page_limit(self) -> int:
        try:
            return max(1, int(self.option("max_pages", self.max_pages)))
        except (TypeError, ValueError):
            raise SourceError(f"{self.spec.label}: max_pages must be a whole number") from None

    def missing_env(self) -> list[str]:
        return [name for name in self.required_env if not os.environ.get(name)]

    def env(self, name: str) -> str:
        return os.environ.get(name, "")

    def credit(self, url: str | None = None) -> str | None:
        if not self.credit_text:
            return None
        return f"{self.credit_text} ({url})" if url else self.credit_text

    # ---- what a source module overrides -------------------------------------------------
    def url(self) -> str:
        return self.endpoint.format(board=self.spec.board or "", **self.spec.options)

    def first_params(self) -> dict[str, Any]:
        return dict(self.params)

    def headers(self) -> dict[str, str]:
        return {}

    def prepare(self, client: HttpClient) -> None:
        """Live fetches only: look up what the first request needs (HN's latest thread ...)."""

    def expand(self, client: HttpClient, payload: Any) -> Any:
        """Live fetches only: complete one page with extra calls (SmartRecruiters' detail) before parsing."""
        return payload

    def next_params(self, payload: Any, params: dict[str, Any], count: int) -> dict[str, Any] | None:
        """Parameters of the next page, or None when this was the last one."""
        return None

    def items(self, payload: Any) -> Iterable[dict[str, Any]]:
        raise NotImplementedError

    def board_name(self, payload: Any) -> str | None:
        """The employer a board names for itself (`leads discover` checks it); None when the API names none."""
        return None

    def item_id(self, item: dict[str, Any]) -> str | None:
        value = item.get("id") if isinstance(item, dict) else None
        return str(value) if value is not None else None

    def to_posting(self, item: dict[str, Any]) -> Posting | None:
        """One item to one Posting; None to skip an item on purpose (unlisted, notice ...)."""
        raise NotImplementedError

    def company_name(self, fallback: str | None = None) -> str | None:
        """The company for payloads that carry none: --company, else the board name."""
        return self.spec.company or fallback or self.spec.board

    def posting(self, source_id: Any, *, url: str | None = None, company: str | None = None,
                **fields: Any) -> Posting:
        """A Posting with what every source's postings share filled in: the source and its board, the id as
        text, the company (else --company or the board name), the URL without tracking parameters (also the
        apply URL unless the item has its own) and the credit the source's terms ask for."""
        url = strip_tracking(url)
        if "apply_url" in fields:
            fields["apply_url"] = strip_tracking(fields["apply_url"]) or url
        else:
            fields["apply_url"] = url
        return Posting(source=self.name, source_key=self.spec.board, source_id=None if source_id is None else str(source_id),
                       company=company or self.company_name(), url=url, credit=self.credit(url), **fields)

    def option_params(self, keys: Iterable[str]) -> dict[str, Any]:
        """The options the user set among `keys`, as query parameters (unset and empty ones left out)."""
        return {key: self.spec.options[key] for key in keys if self.spec.options.get(key) not in (None, "")}

    # ---- machinery ----------------------------------------------------------------------
    def parse_payload(self, payload: Any, result: ExtractResult) -> int:
        """Parse one response body into result; returns how many items it held."""
        try:
            items = list(self.items(payload))
        except (KeyError, TypeError, AttributeError) as exc:
            raise BadPayload(f"{self.spec.label}: response is not a {self.name} listing ({exc!r})") from None
        for item in items:
            raw_text = json.dumps(item, ensure_ascii=False, sort_keys=True, default=str)
            item_id = self._safe_id(item)
            result.raw.append(RawItem(source=self.name, source_key=self.spec.board, source_id=item_id, payload=raw_text))
            try:
                posting = self.to_posting(item)
            except ValidationError as exc:
                reason = reasons(exc)
                result.quarantined.append(self._quarantine(item_id, reason, raw_text))
                continue
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                result.quarantined.append(self._quarantine(item_id, f"{type(exc).__name__}: {exc}", raw_text))
                continue
            if posting is not None:
                result.postings.append(posting)
        return len(items)

    def fetch(self, client: HttpClient, validators: dict[str, str] | None = None) -> ExtractResult:
        """Fetch every page and parse it; never raises for source trouble, reports it instead."""
        started = time.monotonic()
        result = ExtractResult(source=self.name, source_key=self.spec.board)
        missing = self.missing_env()
        if missing:
            result.status = "skipped"
            result.error = f"{self.spec.label}: skipped: set {' and '.join(missing)} to use this source"
            result.error_kind = "MissingKey"
            return result
        validators = validators or {}
        try:
            self.prepare(client)
            params: dict[str, Any] | None = self.first_params()
            url = self.url()
            limit = self.page_limit()
            while params is not None and result.pages < limit:
                first = result.pages == 0
                fetched = client.get_json(
                    url,
                    params=params,
                    headers=self.headers(),
                    etag=validators.get("etag") if first else None,
                    last_modified=validators.get("last_modified") if first else None,
                    policy=self.policy,
                    shared_host=self.shared_host,
                )
                if first:
                    result.validators = {
                        k: v for k, v in (("etag", fetched.etag), ("last_modified", fetched.last_modified)) if v
                    }
                if fetched.not_modified:
                    result.not_modified = True
                    if fetched.data is None:
                        # Unchanged, but no copy to re-read: nothing is listed, so nothing may be retired.
                        break
                result.pages += 1
                payload = self.expand(client, fetched.data)
                count = self.parse_payload(payload, result)
                try:
                    url, params = self.follow(payload, url, params, count)
                except (KeyError, TypeError, ValueError, AttributeError) as exc:
                    raise BadPayload(f"{self.spec.label}: cannot tell where page {result.pages + 1} is "
                                     f"({type(exc).__name__}: {exc})") from None
            # Complete only when the last page said so: a page cap or a bare 304 leaves listings unread.
            result.complete = params is None and result.pages > 0
        except SourceError as exc:
            result.status = "failed"
            result.error = str(exc)
            result.error_kind = type(exc).__name__
            result.complete = False
        result.seconds = round(time.monotonic() - started, 3)
        return result

    def follow(self, payload: Any, url: str, params: dict[str, Any], count: int) -> tuple[str, dict | None]:
        """Where the next page is: same URL with new parameters by default."""
        return url, (self.next_params(payload, params, count) if count else None)

    # ---- paging helpers: `next_params` or `follow` picks the one its API speaks -----------------
    @staticmethod
    def offset_page(params: dict[str, Any], count: int, *, total: Any = None, page_size: int | None = None,
                    key: str = "offset", at: Any = None) -> dict[str, Any] | None:
        """Offset paging: the next offset is this one (`at`, else the parameter) plus the items read. The end
        is the total when the API states one, else a page shorter than `page_size`."""
        offset = int(at if at is not None else params.get(key, 0)) + count
        if total is not None:
            return {**params, key: offset} if offset < int(total) else None
        if page_size is not None and count < int(page_size):
            return None
        return {**params, key: offset} if count else None

    @staticmethod
    def numbered_page(params: dict[str, Any], *, pages: Any = None, count: int | None = None,
                      page_size: int | None = None, key: str = "page", at: Any = None,
                      first: int = 0) -> dict[str, Any] | None:
        """Page-number paging: the next number is this one (`at`, else the parameter, else `first`) plus one.
        The end is the page count when the API states one (numbered from `first`), else a short page."""
        page = int(at if at is not None else params.get(key, first))
        if pages is not None:
            return {**params, key: page + 1} if page + 1 - first < int(pages) else None
        if count is not None and page_size is not None and count < int(page_size):
            return None
        return {**params, key: page + 1}

    @staticmethod
    def cursor_page(params: dict[str, Any], cursor: Any, *, key: str = "cursor") -> dict[str, Any] | None:
        """Cursor paging: the cursor the response gave, or the end when it gave none."""
        return {**params, key: cursor} if cursor else None

    @staticmethod
    def next_link(url: str, link: str | None, count: int) -> tuple[str, dict[str, Any] | None]:
        """Next-link paging: the URL the response names (its own query string included), or the end."""
        return (link, {}) if link and count else (url, None)

    def parse_file(self, path: Path) -> ExtractResult:
        """Read a saved response body from disk through the same parser as a live fetch."""
        result = ExtractResult(source=self.name, source_key=self.spec.board)
        try:
            payload = json.loads(Path(path).read_text(encoding="utf-8-sig"))  # a BOM is no JSON error
        except json.JSONDecodeError as exc:
            raise BadPayload(f"{path}: line {exc.lineno}: not valid JSON ({exc.msg})") from None
        except UnicodeDecodeError as exc:
            raise BadPayload(f"{path}: not UTF-8 text (byte {exc.start})") from None
        except OSError as exc:
            raise BadPayload(f"{path}: cannot read ({exc.strerror or exc})") from None
        result.pages = 1
        self.parse_payload(payload, result)
        # A saved file is one snapshot, not a promise that it lists every open job.
        result.complete = False
        return result

    def _safe_id(self, item: Any) -> str | None:
        try:
            return self.item_id(item)
        except Exception:  # noqa: BLE001 - an id is only a label for the quarantine
            return None

    def _quarantine(self, item_id: str | None, reason: str, raw_text: str) -> QuarantinedItem:
        return QuarantinedItem(
            source=self.name, source_key=self.spec.board, source_id=item_id, reason=reason, payload=raw_text
        )
