"""Shared fixtures. Every test is offline: HTTP is replayed through httpx.MockTransport or respx."""
from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"
CORPUS_API = SHARED / "corpus" / "api"
CORPUS_LISTINGS = SHARED / "corpus" / "listings" / "postings.jsonl"

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
# Derived tables (warehouse/disk_memo.py) go to a folder of this session's, not the user's ~/.cache.
_CACHE = tempfile.mkdtemp(prefix="jobleads-test-cache-")
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)
os.environ.setdefault("LEADS_CACHE_DIR", _CACHE)


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect server for every flow test (it takes seconds to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        yield


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "leads.duckdb"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):
    """Never read the developer's own leads.toml or database."""
    monkeypatch.delenv("LEADS_DB", raising=False)
    monkeypatch.delenv("LEADS_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)


def json_transport(routes: dict[str, object]) -> httpx.MockTransport:
    """A transport answering path -> JSON body (or a callable(request) -> httpx.Response)."""

    def handler(request: httpx.Request) -> httpx.Response:
        target = routes.get(request.url.path)
        if target is None:
            return httpx.Response(404, json={"error": "not found"})
        if callable(target):
            return target(request)
        return httpx.Response(200, json=target)

    return httpx.MockTransport(handler)


def run_leads(capsys, *args: str) -> tuple[int, str, str]:
    """Run the real `leads` entry point in-process; return (exit code, stdout, stderr)."""
    import sys

    from jobleads.cli import main

    old = sys.argv
    sys.argv = ["leads", *args]
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code or 0
    finally:
        sys.argv = old
    out = capsys.readouterr()
    return code, out.out, out.err


def load_fixture(*parts: str):
    return json.loads((FIXTURES.joinpath(*parts)).read_text(encoding="utf-8"))
