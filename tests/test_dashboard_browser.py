"""`leads dashboard` in a real browser: the real command serves the page on 127.0.0.1, headless Debian
Chromium (driven by playwright, no downloaded browser) loads it, a lead's address opens that lead, and a
posting's `<script>`/`onerror` never runs. Saves docs/dashboard.png and docs/dashboard-lead.png for the README.

Chromium comes from Debian (`apt-get install -y chromium`; `make test` installs it when run as root)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.dashboard_seed import seed

CHROMIUM = Path("/usr/bin/chromium")
DOCS = Path(__file__).resolve().parents[1] / "docs"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
         "--no-first-run", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed "
                                "(`apt-get install -y chromium`; `make test` does it when run as root)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, server: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"leads dashboard exited with {server.returncode}: {server.stderr.read()[-2000:]}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"nothing listens on 127.0.0.1:{port} after {seconds} s")


@pytest.fixture
def served(tmp_path):
    base, db, hostile = seed(tmp_path)
    port = free_port()
    server = subprocess.Popen([*base, "dashboard", "--port", str(port)], cwd=tmp_path, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        wait_for_port(port, server)
        yield f"http://127.0.0.1:{port}", hostile, server
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the CLI and the Streamlit server it started, by PID
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=15)


def test_the_page_lists_leads_opens_one_by_its_address_and_runs_no_posting_script(served, tmp_path):
    from playwright.sync_api import sync_playwright

    address, hostile, server = served
    first_line = server.stdout.readline()
    assert address in first_line  # `leads dashboard` prints where it listens
    dialogs = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS,
                                     env={**os.environ, "HOME": str(tmp_path)})
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.goto(address, wait_until="networkidle", timeout=90_000)
            page.get_by_text("Ranked leads").first.wait_for(timeout=90_000)
            page.get_by_text("leads match").first.wait_for(timeout=90_000)
            page.wait_for_timeout(1500)  # the grid draws its rows
            html = page.content()
            for title in ("Senior Backend Engineer", "Site Reliability Engineer", "Registered Nurse"):
                assert title in html, f"{title} is not on the page"
            DOCS.mkdir(exist_ok=True)
            page.screenshot(path=str(DOCS / "dashboard.png"))

            page.goto(f"{address}/?lead={hostile}", wait_until="networkidle", timeout=90_000)
            page.get_by_role("heading", name="Platform Engineer").wait_for(timeout=90_000)
            page.get_by_text("Build our").first.wait_for(timeout=90_000)
            page.wait_for_timeout(1500)  # time for anything injected to run, if it could
            assert page.evaluate("() => window.__pwned === undefined"), "a posting's script ran"
            assert page.title() != "PWNED" and not dialogs
            html = page.content()
            assert "Requirements: Python, Terraform." in html
            assert "onerror" not in html and "window.__pwned" not in html
            assert "Priya Raman" in html  # whom to ask
            page.screenshot(path=str(DOCS / "dashboard-lead.png"), full_page=True)
        finally:
            browser.close()
