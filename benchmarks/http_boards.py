"""Fetch 500 Greenhouse-shaped boards from a local server with 50 ms latency, through the real client.

    .venv/bin/python benchmarks/http_boards.py [--boards 500] [--latency 0.05] [--per-host 8] [--workers 32]

The server runs in its own process (so it does not compete with the client for the GIL), listens on
127.0.0.1 only, answers at most `boards` + a few requests, and stops after the run or after a watchdog
timeout. Prints wall time against the ideal boards x latency / per-host.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import socket
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from connectors.base import SourceSpec  # noqa: E402
from connectors.greenhouse import Greenhouse  # noqa: E402
from connectors.http import ClientSettings, HostPolicy, HttpClient  # noqa: E402

WATCHDOG_SECONDS = 300


def board_body(board: str, jobs: int = 5) -> bytes:
    return json.dumps({"jobs": [
        {"id": i, "title": f"Engineer {i}", "company_name": board.title(), "location": {"name": "Remote, Germany"},
         "offices": [], "departments": [{"name": "Engineering"}], "updated_at": "2026-11-01T10:00:00Z",
         "first_published": "2026-10-01T10:00:00Z", "absolute_url": f"https://example.invalid/{board}/{i}",
         "content": "&lt;p&gt;Python, PostgreSQL and Kubernetes.&lt;/p&gt;",
         "pay_input_ranges": [{"min_cents": 8000000, "max_cents": 9000000, "currency_type": "EUR"}]}
        for i in range(jobs)], "meta": {"total": jobs}}).encode()


def make_server(latency: float, max_requests: int) -> ThreadingHTTPServer:
    served = [0]
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as real boards do

        def setup(self):
            super().setup()
            # Headers and body go out in two writes: without this, Nagle + delayed ACK add ~40 ms a response.
            self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_GET(self):  # noqa: N802 - http.server's naming
            with lock:
                served[0] += 1
                over = served[0] > max_requests
            time.sleep(latency)
            body = b'{"error": "request budget spent"}' if over else board_body(self.path.split("/")[3])
            self.send_response(429 if over else 200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.served = served
    return server


def serve(latency: float, max_requests: int, ports) -> None:
    server = make_server(latency, max_requests)
    watchdog = threading.Timer(WATCHDOG_SECONDS, server.shutdown)
    watchdog.daemon = True
    watchdog.start()
    ports.put(server.server_address[1])
    server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boards", type=int, default=500)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--per-host", type=int, default=8)
    parser.add_argument("--workers", type=int, default=32)
    args = parser.parse_args()

    ports = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(args.latency, args.boards + 10, ports), daemon=True)
    server.start()
    port = ports.get(timeout=30)

    class LocalGreenhouse(Greenhouse):
        endpoint = f"http://127.0.0.1:{port}/v1/boards/{{board}}/jobs"

    settings = ClientSettings(timeout=10, attempts=2, default_policy=HostPolicy(concurrency=args.per_host))
    try:
        with HttpClient(settings) as client:
            def one(i: int):
                return LocalGreenhouse(SourceSpec("greenhouse", board=f"board{i:04d}")).fetch(client)

            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=args.workers) as pool:
                results = list(pool.map(one, range(args.boards)))
            wall = time.perf_counter() - started
    finally:
        server.terminate()
        server.join(5)

    ok = sum(r.status == "ok" and r.complete for r in results)
    postings = sum(len(r.postings) for r in results)
    ideal = args.boards * args.latency / args.per_host
    print(f"boards fetched: {ok}/{args.boards} complete, {postings} postings")
    print(f"wall time: {wall:.3f} s; ideal {args.boards} x {args.latency} / {args.per_host} = {ideal:.3f} s; "
          + (f"ratio {wall / ideal:.2f}x (target <= 1.5x)" if ideal else "no latency: pure client overhead"))


if __name__ == "__main__":
    main()
