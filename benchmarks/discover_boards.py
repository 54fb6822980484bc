"""`leads discover` for a network of 1,000 companies against local job-board servers with latency.

    .venv/bin/python benchmarks/discover_boards.py [--companies 1000] [--with-board 0.1] [--latency 0.05]
                                                   [--rate 5] [--concurrency 2]

One server process per provider (Greenhouse, Lever, Ashby, Workable, SmartRecruiters, Recruitee), each on its
own 127.0.0.1 port, each answering in its provider's shape after `latency` seconds; the US and EU hosts of
Greenhouse and Lever and Recruitee's subdomains are told apart by the X-Forwarded-Host header the client sends
through `[http.base_urls]`. A share of the companies (`--with-board`) has a board, on a provider and under a
token drawn at random (the whole name run together, or without its generic words).

Timed: the whole command a user runs (`leads discover` in a fresh process, then again: everything is then
checked recently), plus the requests and candidates per company the command reports. Servers are stopped by
PID; a watchdog ends them after 30 minutes whatever happens.
"""
from __future__ import annotations

import argparse
import csv
import json
import multiprocessing
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LEADS = ROOT / ".venv" / "bin" / "leads"
WATCHDOG_SECONDS = 1800
PROVIDERS = ["greenhouse", "lever", "ashby", "workable", "smartrecruiters", "recruitee"]
FIRST = "amber birch cobalt delta ember fjord granite harbor indigo juniper kestrel lumen meadow north onyx " \
        "pine quartz raven summit tidal umber vale willow yarrow zephyr".split()
SECOND = "analytics robotics health cloud foods logistics energy studio bank media works metrics freight " \
         "dynamics labs systems".split()
SUFFIX = ["", "", " GmbH", " Inc.", " Ltd", " Technologies"]


def network(companies: int, with_board: float, seed: int = 7) -> tuple[list[str], dict[tuple[str, str, str], str]]:
    """Company names, and the boards that exist: (provider, region, token) -> the name the board gives itself."""
    rng = random.Random(seed)
    names, boards = [], {}
    for i in range(companies):
        name = f"{rng.choice(FIRST).title()} {rng.choice(SECOND).title()} {i}{rng.choice(SUFFIX)}"
        names.append(name)
        if rng.random() < with_board:
            provider = rng.choice(PROVIDERS)
            region = "eu" if provider in ("greenhouse", "lever") and rng.random() < 0.2 else ""
            words = name.lower().replace(".", "").split()
            words = [w for w in words if w not in ("gmbh", "inc", "ltd")]
            plain = [w for w in words if w not in ("analytics", "labs", "systems", "technologies")]
            token = "".join(words if rng.random() < 0.5 else plain)
            boards[(provider, region, token)] = " ".join(w for w in name.split() if w not in ("GmbH", "Inc.", "Ltd"))
    return names, boards


def _jobs(company: str) -> list[dict]:
    titles = ["Backend Engineer", "Site Reliability Engineer", "Account Executive", "Office Manager", "Data Analyst"]
    return [{"title": t, "text": f"{company} is hiring a {t}. We use Python and PostgreSQL."} for t in titles]


def body(provider: str, token: str, company: str) -> dict | list:
    jobs = _jobs(company)
    if provider == "greenhouse":
        return {"jobs": [{"id": i, "title": j["title"], "company_name": company, "location": {"name": "Berlin"},
                          "absolute_url": f"https://example.invalid/{token}/{i}"} for i, j in enumerate(jobs)],
                "meta": {"total": len(jobs)}}
    if provider == "lever":
        return [{"id": f"{token}-{i}", "text": j["title"], "descriptionPlain": j["text"], "categories": {"location": "Berlin"},
                 "hostedUrl": f"https://example.invalid/{token}/{i}", "createdAt": 1764000000000} for i, j in enumerate(jobs)]
    if provider == "ashby":
        return {"apiVersion": "1", "jobs": [{"id": f"{token}-{i}", "title": j["title"], "descriptionPlain": j["text"],
                                              "location": "Berlin", "jobUrl": f"https://example.invalid/{token}/{i}"}
                                             for i, j in enumerate(jobs)]}
    if provider == "workable":
        return {"name": company, "jobs": [{"shortcode": f"S{i}", "title": j["title"], "city": "Berlin",
                                           "url": f"https://example.invalid/{token}/{i}"} for i, j in enumerate(jobs)]}
    if provider == "smartrecruiters":
        return {"offset": 0, "limit": 100, "totalFound": len(jobs),
                "content": [{"id": f"{i}", "name": j["title"], "company": {"name": company, "identifier": token},
                             "location": {"city": "Berlin"}} for i, j in enumerate(jobs)]}
    return {"offers": [{"id": i, "title": j["title"], "company_name": company, "status": "published",
                        "description": j["text"], "city": "Berlin"} for i, j in enumerate(jobs)]}


def token_of(provider: str, host: str, path: str) -> tuple[str, str]:
    """(region, token) of a request as the client routed it."""
    region = "eu" if ".eu." in host else ""
    parts = [p for p in path.split("?")[0].split("/") if p]
    if provider == "recruitee":
        return region, host.split(".")[0]
    position = {"greenhouse": 2, "lever": 2, "ashby": 2, "workable": 4, "smartrecruiters": 2}[provider]
    return region, parts[position].lower() if len(parts) > position else ""


def serve(provider: str, boards: dict, latency: float, port_out, stop_at: float) -> None:
    counted = [0]
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self):
            super().setup()
            self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_GET(self):  # noqa: N802 - http.server's naming
            with lock:
                counted[0] += 1
            time.sleep(latency)
            region, token = token_of(provider, self.headers.get("X-Forwarded-Host", ""), self.path)
            company = boards.get((provider, region, token))
            if company is None and provider == "smartrecruiters":
                status, data = 200, {"offset": 0, "limit": 100, "totalFound": 0, "content": []}
            elif company is None:
                status, data = 404, {"error": "no such board"}
            else:
                status, data = 200, body(provider, token, company)
            raw = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port_out.put(server.server_address[1])
    threading.Thread(target=server.serve_forever, daemon=True).start()
    while time.time() < stop_at:
        time.sleep(0.5)
    server.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=1000)
    parser.add_argument("--with-board", type=float, default=0.1)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--rate", type=float, default=5.0, help="[discover] requests_per_second")
    parser.add_argument("--concurrency", type=int, default=2, help="[discover] per_host_concurrency")
    args = parser.parse_args()
    names, boards = network(args.companies, args.with_board)
    stop_at = time.time() + WATCHDOG_SECONDS
    ports, servers = {}, []
    for provider in PROVIDERS:
        queue = multiprocessing.Queue()
        process = multiprocessing.Process(target=serve, args=(provider, boards, args.latency, queue, stop_at), daemon=True)
        process.start()
        servers.append(process)
        ports[provider] = queue.get(timeout=30)
    try:
        with tempfile.TemporaryDirectory() as folder:
            work = Path(folder)
            with (work / "people.csv").open("w", newline="") as out:
                writer = csv.writer(out)
                writer.writerow(["name", "company", "strength"])
                writer.writerows([f"Person {i}", name, "known"] for i, name in enumerate(names))
            base_urls = "\n".join(f'{p} = "http://127.0.0.1:{port}"' for p, port in ports.items())
            (work / "leads.toml").write_text(
                '[profile]\ntitles = ["Backend Engineer"]\n'
                f"[discover]\nrequests_per_second = {args.rate}\nper_host_concurrency = {args.concurrency}\n"
                f"[http]\nattempts = 1\n[http.base_urls]\n{base_urls}\n")
            env = {**os.environ, "LEADS_CONFIG": str(work / "leads.toml"), "LEADS_DB": str(work / "leads.duckdb")}
            subprocess.run([str(LEADS), "import", str(work / "people.csv"), "-f", "contacts"], env=env, check=True,
                           capture_output=True)
            runs = []
            for label in ("first run", "second run (all checked recently)"):
                started = time.monotonic()
                done = subprocess.run([str(LEADS), "discover", "-f", "json"], env=env, capture_output=True, text=True)
                wall = time.monotonic() - started
                if done.returncode:
                    sys.exit(f"leads discover failed: {done.stderr.strip()}")
                found = json.loads(done.stdout)
                runs.append((label, wall, done.stderr.strip().splitlines()[-1], found))
    finally:
        for process in servers:
            process.kill()  # by PID, whatever state the run left them in
            process.join(timeout=5)
    exists = len(boards)
    confirmed = sum(1 for row in runs[0][3] if row["confirmed"])
    print(f"{args.companies} companies, {exists} with a board; latency {args.latency * 1000:.0f} ms; "
          f"{args.rate:g} requests/s and {args.concurrency} at once per host")
    for label, wall, summary, _found in runs:
        print(f"  {label}: {wall:.1f} s wall (the whole command) -- {summary}")
    print(f"  boards confirmed: {confirmed} of {exists}")


if __name__ == "__main__":
    main()
