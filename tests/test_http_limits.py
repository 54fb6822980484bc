"""Limits that bound what one host can cost a run: a whole-request deadline, a source deadline, a size cap.

These run against a real socket server on 127.0.0.1 (a drip-feeding host cannot be faked with a
MockTransport: the point is httpx's per-read timeout never firing while the body crawls in).
"""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from connectors.base import SourceSpec
from connectors.extract import client_settings, extract
from connectors.http import BadPayload, ClientSettings, DeadlineExceeded, HttpClient, SourceUnavailable

BOARD = {"jobs": [{"id": 1, "title": "Backend Engineer", "company_name": "Acme", "location": {"name": "Berlin"},
                   "absolute_url": "https://example.org/jobs/1", "updated_at": "2026-11-30T10:00:00Z",
                   "content": "&lt;p&gt;Python&lt;/p&gt;"}], "meta": {"total": 1}}


class Behaviour:
    """What the local host does with each request; counts requests by path."""

    def __init__(self):
        self.mode = "ok"
        self.requests: list[str] = []


def make_handler(behaviour: Behaviour):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def do_GET(self):  # noqa: N802 - http.server's naming
            behaviour.requests.append(self.path)
            if behaviour.mode == "drip":  # one byte every 0.3 s, forever: each read is quick, the whole never ends
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                try:
                    for _ in range(200):
                        self.wfile.write(b" ")
                        self.wfile.flush()
                        time.sleep(0.3)
                except OSError:
                    pass
                return
            if behaviour.mode == "huge":  # no Content-Length, an endless body
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                try:
                    self.wfile.write(b'{"jobs": [')
                    for _ in range(4096):
                        self.wfile.write(b'"' + b"x" * 1022 + b'",')
                except OSError:
                    pass
                return
            if behaviour.mode == "500":
                self.send_response(500)
                self.end_headers()
                return
            body = json.dumps(BOARD).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


@pytest.fixture
def local_host():
    behaviour = Behaviour()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(behaviour))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    behaviour.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield behaviour
    finally:
        server.shutdown()
        server.server_close()


def test_a_drip_feeding_host_is_cut_off_at_the_request_deadline(local_host):
    local_host.mode = "drip"
    client = HttpClient(ClientSettings(timeout=3, attempts=1, request_deadline=1.5))
    started = time.monotonic()
    with pytest.raises(SourceUnavailable, match="no complete response within 1.5 s"):
        client.get_json(f"{local_host.base_url}/v1/boards/acme/jobs")
    assert time.monotonic() - started < 1.5 + 3  # deadline plus at most one read timeout


def test_the_source_deadline_bounds_every_request_and_retry_together(local_host):
    local_host.mode = "500"
    # The first wait is 0.2 s plus up to 1 s of jitter: a second request always falls before the deadline.
    client = HttpClient(ClientSettings(attempts=10, backoff_initial=0.2, source_deadline=2.0))
    started = time.monotonic()
    with pytest.raises(DeadlineExceeded, match="2 s deadline passed"):
        client.get_json(f"{local_host.base_url}/v1/boards/acme/jobs")
    assert time.monotonic() - started < 3.5
    assert 1 < len(local_host.requests) < 10  # retried, but stopped by time, not by the attempt count


def test_a_dead_host_costs_exactly_the_stated_attempts(local_host):
    local_host.mode = "500"
    client = HttpClient(ClientSettings(attempts=3, backoff_initial=0.01, backoff_max=0.02))
    with pytest.raises(SourceUnavailable, match="gave up after 3 attempts: HTTP 500"):
        client.get_json(f"{local_host.base_url}/v1/boards/acme/jobs")
    assert len(local_host.requests) == 3


def test_a_body_over_the_size_cap_fails_clearly_without_growing(local_host):
    local_host.mode = "huge"
    client = HttpClient(ClientSettings(attempts=3, max_response_bytes=1024 * 1024))
    with pytest.raises(BadPayload, match="over the 1 MiB limit"):
        client.get_json(f"{local_host.base_url}/v1/boards/acme/jobs")
    assert len(local_host.requests) == 1  # a limit is not worth retrying


def test_a_declared_content_length_over_the_cap_is_refused_before_reading():
    def handler(request):
        return httpx.Response(200, headers={"Content-Length": str(200 * 1024 * 1024)}, content=b"{}")

    client = HttpClient(ClientSettings(max_response_bytes=1024 * 1024), transport=httpx.MockTransport(handler))
    with pytest.raises(BadPayload, match="200.0 MiB is over the 1 MiB limit"):
        client.get_json("https://boards-api.greenhouse.io/v1/boards/acme/jobs")


def test_base_url_from_the_config_replaces_scheme_and_host_and_keeps_the_path(local_host):
    settings = client_settings({"base_urls": {"greenhouse": local_host.base_url}, "attempts": 1}, None, "greenhouse")
    result = extract(SourceSpec(type="greenhouse", board="acme"), {"base_urls": {"greenhouse": local_host.base_url},
                                                                    "attempts": 1})
    assert settings.base_url == local_host.base_url
    assert result.status == "ok", result.error
    assert [p.title for p in result.postings] == ["Backend Engineer"]
    assert local_host.requests[0].startswith("/v1/boards/acme/jobs")


def test_base_url_applies_only_to_its_own_connector():
    assert client_settings({"base_urls": {"lever": "http://127.0.0.1:9"}}, None, "greenhouse").base_url is None
