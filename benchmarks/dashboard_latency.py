"""How soon the dashboard's first page is usable, in a real browser, on a database of many leads.

    .venv/bin/python benchmarks/dashboard_latency.py --db data/leads.duckdb [--config leads.toml] [--repeat 5]

Starts `leads dashboard` on a free loopback port (the real command), then in headless Debian Chromium
(playwright) opens the page repeatedly, each time in a new tab of one browser (its cache kept, as a
user's is), and times from navigation to the
ranked table's caption and rows being on the page ("interactive": the filters and the table answer). The
first load after the server starts is reported apart (cold: the read copy opened, nothing cached). Then
the same with a filter typed (title contains "engineer"), which reruns the script and the query.
"""
from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

LEADS = Path(sys.executable).parent / "leads"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
         "--no-first-run", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True)
    parser.add_argument("--config", default=None)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    port = free_port()
    command = [str(LEADS), "--db", args.db] + (["--config", args.config] if args.config else []) + [
        "dashboard", "--port", str(port)]
    started = time.perf_counter()
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if server.poll() is not None or time.perf_counter() - started > 120:
                sys.exit("leads dashboard did not start")
            time.sleep(0.05)
        print(f"cores {os.cpu_count()}, load average {os.getloadavg()[0]:.2f}; server listening after "
              f"{time.perf_counter() - started:.1f} s", flush=True)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
            times = []
            context = browser.new_context(viewport={"width": 1400, "height": 1000})  # one browser, its cache kept
            for i in range(args.repeat):
                page = context.new_page()
                began = time.perf_counter()
                page.goto(f"http://127.0.0.1:{port}/", wait_until="commit")
                page.get_by_text("leads match").first.wait_for(timeout=120_000)
                page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=120_000)
                times.append(time.perf_counter() - began)
                caption = page.get_by_text("leads match").first.inner_text()
                if i == 0:
                    print(f"first page, cold: {times[0]:.2f} s ({caption})", flush=True)
                    box = page.get_by_label("Title contains")
                    began = time.perf_counter()
                    box.fill("engineer")
                    box.press("Enter")
                    page.wait_for_function("() => [...document.querySelectorAll('p')].some(p => "
                                           "p.innerText.includes('leads match') && p.innerText !== "
                                           f"{caption!r})", timeout=120_000)
                    print(f"filter typed -> table updated: {time.perf_counter() - began:.2f} s", flush=True)
                page.close()
            warm = times[1:] or times
            print(f"first page, warm (n={len(warm)}): median {statistics.median(warm):.2f} s, max {max(warm):.2f} s")
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
