"""The shared HTTP client and the Source machinery, against replayed responses (no network, no real sleeping)."""
from __future__ import annotations

import threading
import time

import httpx
import pytest

from connectors import make_source
from connectors.base import Source, SourceSpec
from connectors.http import (
    BadPayload,
    ClientSettings,
    HostPolicy,
    HttpClient,
    SourceConfigError,
    SourceUnavailable,
    parse_retry_after,
)
from connectors.models import Posting


class FakeSleep:
    def __init__(self):
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def client_for(handler, sleep=None, **settings) -> HttpClient:
    return HttpClient(ClientSettings(backoff_initial=1.0, backoff_max=8.0, **settings),
                      transport=httpx.MockTransport(handler), sleep=sleep or FakeSleep())


def scripted(*responses):
    """A handler answering with the given responses in turn (an exception instance is raised)."""
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        item = responses[min(len(calls), len(responses)) - 1]
        if isinstance(item, Exception):
            raise item
        return item

    handler.calls = calls
    return handler


def test_429_waits_as_long_as_retry_after_says_then_succeeds():
    handler = scripted(httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200, json={"jobs": []}))
    sleep = FakeSleep()
    fetched = client_for(handler, sleep).get_json("https://boards-api.greenhouse.io/v1/boards/acme/jobs")
    assert fetched.data == {"jobs": []}
    assert len(handler.calls) == 2
    assert 7 <= sleep.calls[0] <= 7.25  # Retry-After plus a little jitter


def test_5xx_and_timeouts_retried_with_growing_backoff_then_given_up():
    handler = scripted(httpx.Response(503), httpx.ReadTimeout("slow"), httpx.Response(502), httpx.Response(500))
    sleep = FakeSleep()
    with pytest.raises(SourceUnavailable, match="gave up after 4 attempts: HTTP 500"):
        client_for(handler, sleep, attempts=4).get_json("https://api.lever.co/v0/postings/acme")
    assert len(handler.calls) == 4
    assert len(sleep.calls) == 3
    assert all(0 < s <= 8 + 1 for s in sleep.calls)
    assert sleep.calls[2] >= sleep.calls[0]  # exponential, jittered


def test_timeout_then_success():
    handler = scripted(httpx.ConnectTimeout("no route"), httpx.Response(200, json=[1]))
    assert client_for(handler).get_json("https://x.example/api").data == [1]


def test_404_is_a_configuration_error_and_never_retried():
    handler = scripted(httpx.Response(404, json={"error": "no such board"}))
    sleep = FakeSleep()
    with pytest.raises(SourceConfigError, match="not found .*check the board"):
        client_for(handler, sleep).get_json("https://boards-api.greenhouse.io/v1/boards/nope/jobs")
    assert len(handler.calls) == 1 and sleep.calls == []


@pytest.mark.parametrize(
    "body, content_type, expected",
    [
        (b'{"jobs": [{"id": 1, "title": "Eng', "application/json", "truncated JSON"),
        (b"<html><body>Service down</body></html>", "text/html", r"not JSON \(text/html\)"),
        (b"", "application/json", "empty"),
    ],
)
def test_bad_bodies_are_reported_not_retried(body, content_type, expected):
    handler = scripted(httpx.Response(200, content=body, headers={"Content-Type": content_type}))
    with pytest.raises(BadPayload, match=expected):
        client_for(handler).get_json("https://remotive.com/api/remote-jobs")
    assert len(handler.calls) == 1


def test_retry_after_http_date_and_garbage():
    assert parse_retry_after("120") == 120
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0  # in the past: no wait
    assert parse_retry_after("soon") is None


def test_per_host_concurrency_limit_holds_across_threads():
    active, peak, lock = [0], [0], threading.Lock()

    def handler(request):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.02)
        with lock:
            active[0] -= 1
        return httpx.Response(200, json={"ok": True})

    client = client_for(handler, default_policy=HostPolicy(concurrency=3))
    threads = [threading.Thread(target=client.get_json, args=(f"https://limit-test.example/{i}",)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak[0] == 3


def test_polite_interval_spaces_request_starts():
    handler = scripted(httpx.Response(200, json={}))
    sleep = FakeSleep()
    client = client_for(handler, sleep)
    policy = HostPolicy(concurrency=1, min_interval=50.0)
    for _ in range(3):
        client.get_json("https://polite-test.example/api", policy=policy)
    # The first request goes at once; the next two wait their turn (~50 s and ~100 s from the start).
    assert len(sleep.calls) == 2
    assert 49 < sleep.calls[0] <= 50.01 and 99 < sleep.calls[1] <= 100.01


def test_user_host_policy_overrides_the_source_declared_one():
    client = client_for(scripted(httpx.Response(200, json={})),
                        host_policies={"remotive.com": HostPolicy(concurrency=2, min_interval=0)})
    assert client.policy_for("remotive.com", HostPolicy(min_interval=60)).min_interval == 0
    assert client.policy_for("other.example", HostPolicy(min_interval=60)).min_interval == 60


def test_conditional_request_reuses_cached_body_on_304(tmp_path):
    seen_headers = []

    def handler(request):
        seen_headers.append(dict(request.headers))
        if request.headers.get("If-None-Match") == '"v1"':
            return httpx.Response(304, headers={"ETag": '"v1"'})
        return httpx.Response(200, json={"jobs": [{"id": 1}]}, headers={"ETag": '"v1"'})

    client = client_for(handler, cache_dir=str(tmp_path / "cache"))
    first = client.get_json("https://boards-api.greenhouse.io/v1/boards/acme/jobs", params={"content": "true"})
    second = client.get_json("https://boards-api.greenhouse.io/v1/boards/acme/jobs", params={"content": "true"})
    assert not first.not_modified and second.not_modified
    assert second.data == {"jobs": [{"id": 1}]}
    assert "if-none-match" not in seen_headers[0] and seen_headers[1]["if-none-match"] == '"v1"'


# ---- the Source machinery ---------------------------------------------------------------------------


class Paged(Source):
    """A minimal paged source: `page` numbers, three items a page, the last page shorter."""

    name = "paged"
    endpoint = "https://paged.example/jobs"
    needs_board = False

    def first_params(self):
        return {"page": 1}

    def items(self, payload):
        return payload["items"]

    def next_params(self, payload, params, count):
        return {"page": params["page"] + 1} if count == 3 else None

    def to_posting(self, item):
        return Posting(source=self.name, source_id=item["id"], title=item["title"], company="Acme")


def paged_handler(pages: dict[int, list]):
    def handler(request):
        page = int(request.url.params["page"])
        return httpx.Response(200, json={"items": pages.get(page, [])}, headers={"ETag": f'"p{page}"'})

    return handler


def items(*ids):
    return [{"id": i, "title": f"Job {i}"} for i in ids]


def test_paging_to_the_end_is_complete():
    client = client_for(paged_handler({1: items("a", "b", "c"), 2: items("d", "e", "f"), 3: items("g")}))
    result = Paged(SourceSpec("paged")).fetch(client)
    assert result.status == "ok" and result.complete
    assert result.pages == 3
    assert [p.source_id for p in result.postings] == list("abcdefg")


def test_page_cap_leaves_result_incomplete():
    client = client_for(paged_handler({1: items("a", "b", "c"), 2: items("d", "e", "f"), 3: items("g")}))
    result = Paged(SourceSpec("paged", options={"max_pages": 2})).fetch(client)
    assert result.pages == 2 and not result.complete
    assert len(result.postings) == 6


def test_a_failure_mid_paging_is_reported_and_incomplete():
    def handler(request):
        if request.url.params["page"] == "2":
            return httpx.Response(404)
        return httpx.Response(200, json={"items": items("a", "b", "c")})

    result = Paged(SourceSpec("paged")).fetch(client_for(handler))
    assert result.status == "failed" and not result.complete
    assert result.error_kind == "SourceConfigError"
    assert len(result.postings) == 3  # what was read is kept for the record, the warehouse retires nothing


def test_bare_304_without_cache_retires_nothing():
    handler = scripted(httpx.Response(304, headers={"ETag": '"p1"'}))
    result = Paged(SourceSpec("paged")).fetch(client_for(handler), validators={"etag": '"p1"'})
    assert handler.calls[0].headers["If-None-Match"] == '"p1"'
    assert result.status == "ok" and result.not_modified and not result.complete and result.postings == []


def test_304_with_cache_rereads_every_page_and_is_complete(tmp_path):
    pages = {1: items("a", "b", "c"), 2: items("d")}
    calls = []

    def handler(request):
        calls.append(request.headers.get("If-None-Match"))
        page = int(request.url.params["page"])
        if request.headers.get("If-None-Match") == f'"p{page}"':
            return httpx.Response(304)
        return httpx.Response(200, json={"items": pages[page]}, headers={"ETag": f'"p{page}"'})

    client = client_for(handler, cache_dir=str(tmp_path))
    first = Paged(SourceSpec("paged")).fetch(client)
    second = Paged(SourceSpec("paged")).fetch(client)
    assert first.complete and second.complete and second.not_modified
    assert [p.source_id for p in second.postings] == ["a", "b", "c", "d"]
    assert calls == [None, None, '"p1"', '"p2"']


def test_one_malformed_item_is_quarantined_and_the_rest_load():
    handler = scripted(httpx.Response(200, json={"items": [{"id": "a", "title": "Good"}, {"id": "b", "title": ""},
                                                            {"id": "c"}, {"id": "d", "title": "Also good"}]}))
    result = Paged(SourceSpec("paged")).fetch(client_for(handler))
    assert [p.source_id for p in result.postings] == ["a", "d"]
    assert [(q.source, q.source_id) for q in result.quarantined] == [("paged", "b"), ("paged", "c")]
    assert "title" in result.quarantined[0].reason and "KeyError" in result.quarantined[1].reason
    assert '"id": "c"' in result.quarantined[1].payload
    assert len(result.raw) == 4


def test_keyed_source_without_keys_is_skipped_with_a_note(monkeypatch):
    monkeypatch.delenv("USAJOBS_API_KEY", raising=False)
    monkeypatch.setenv("USAJOBS_EMAIL", "me@example.org")
    handler = scripted(httpx.Response(200, json={}))
    result = make_source(SourceSpec("usajobs", options={"keyword": "python"})).fetch(client_for(handler))
    assert result.status == "skipped" and "USAJOBS_API_KEY" in result.error
    assert handler.calls == []


def test_unknown_board_fails_the_source_as_configuration():
    handler = scripted(httpx.Response(404))
    result = make_source(SourceSpec("greenhouse", board="nosuchco")).fetch(client_for(handler))
    assert result.status == "failed" and result.error_kind == "SourceConfigError"
    assert "boards-api.greenhouse.io/v1/boards/nosuchco/jobs" in result.error


def test_replayed_runs_skip_polite_spacing_but_keep_host_limits(tmp_path):
    from connectors.extract import client_settings

    live = HttpClient(client_settings({"per_host_concurrency": 3}))
    replay_settings = client_settings({"per_host_concurrency": 3})
    replay_settings.polite = False
    replay = HttpClient(replay_settings)
    declared = HostPolicy(concurrency=1, min_interval=60.0)
    assert live.policy_for("remotive.com", declared).min_interval == 60.0
    assert replay.policy_for("remotive.com", declared).min_interval == 0
    assert replay.policy_for("remotive.com", declared).concurrency == 1
    assert live.policy_for("other.example").concurrency == 3


def test_cache_dir_from_environment(monkeypatch, tmp_path):
    from connectors.extract import client_settings

    monkeypatch.setenv("LEADS_HTTP_CACHE", str(tmp_path / "cache"))
    assert client_settings({}).cache_dir == str(tmp_path / "cache")


def test_a_page_without_paging_fields_is_a_bad_payload_not_a_crash():
    class Strict(Paged):
        def next_params(self, payload, params, count):
            return {"page": payload["meta"]["next"]}

    handler = scripted(httpx.Response(200, json={"items": items("a", "b", "c")}))
    result = Strict(SourceSpec("paged")).fetch(client_for(handler))
    assert result.status == "failed" and result.error_kind == "BadPayload" and "page 2" in result.error
    assert not result.complete


def test_truncated_board_fails_the_source_with_a_clear_reason():
    handler = scripted(httpx.Response(200, content=b'{"jobs": [{"id": 1, "title": "Eng'))
    result = make_source(SourceSpec("greenhouse", board="acme")).fetch(client_for(handler))
    assert result.status == "failed" and result.error_kind == "BadPayload"
    assert "truncated JSON" in result.error and not result.complete
