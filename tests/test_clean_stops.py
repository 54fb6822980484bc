"""Stopping a refresh: SIGTERM / Ctrl-C end it within 10 s with the database as it was and nothing left
running; after SIGKILL no Prefect server outlives it. Real processes: `leads refresh` with its own local
Prefect server, fetching from a host on 127.0.0.1 that never finishes its answer.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.test_http_limits import Behaviour, local_host  # noqa: F401 - the fixture

pytestmark = pytest.mark.flow

LEADS = Path(sys.executable).parent / "leads"
FIX = Path(__file__).resolve().parent / "fixtures" / "cli"
OWNER_ENV = "JOBLEADS_SERVER_OWNER"


@pytest.fixture(scope="module")
def prefect_home(tmp_path_factory) -> Path:
    """One Prefect home for these runs: its database is migrated once, by the first."""
    return tmp_path_factory.mktemp("prefect-home")


def owned_servers(owner: int) -> list[int]:
    """PIDs of Prefect servers started by `leads` process `owner` (it tags their environment)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if f"{OWNER_ENV}={owner}".encode() in environ.split(b"\0"):
            found.append(int(entry.name))
    return found


def state_of(db: Path) -> tuple:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return (con.execute("SELECT lead_id, title, status FROM leads ORDER BY lead_id").fetchall(),
                con.execute("SELECT run_id, status FROM runs ORDER BY run_id").fetchall(),
                con.execute("SELECT count(*) FROM raw_postings").fetchone()[0])
    finally:
        con.close()


def start_refresh(tmp_path: Path, host: Behaviour, prefect_home: Path) -> tuple[subprocess.Popen, Path, tuple]:
    """A seeded database, then `leads refresh` until it is fetching; returns (process, db, state before)."""
    db = tmp_path / "data" / "leads.duckdb"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(PREFECT_HOME=str(prefect_home), LEADS_DB=str(db))
    seeded = subprocess.run([str(LEADS), "import", str(FIX / "postings.jsonl"), "--format", "jsonl"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert seeded.returncode == 0, seeded.stderr
    (tmp_path / "leads.toml").write_text(
        '[[sources]]\ntype = "greenhouse"\nboard = "acme"\n\n'
        f'[http]\nattempts = 1\ntimeout = 5\n\n[http.base_urls]\ngreenhouse = "{host.base_url}"\n')
    host.mode = "drip"
    before = state_of(db)
    process = subprocess.Popen([str(LEADS), "refresh"], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 240
    while not host.requests:  # the flow is fetching: Prefect is up, the run is under way
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the refresh never reached the source"
        time.sleep(0.2)
    return process, db, before


def finish(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_ends_the_run_within_10_s_leaving_the_database_and_no_process(
        tmp_path, local_host, prefect_home, signum):  # noqa: F811
    process, db = None, None
    try:
        process, db, before = start_refresh(tmp_path, local_host, prefect_home)
        servers = owned_servers(process.pid)
        assert servers, "the run's own Prefect server should be running"
        sent = time.monotonic()
        process.send_signal(signum)
        out, err = process.communicate(timeout=30)
        took = time.monotonic() - sent
    finally:
        if process is not None:
            finish(process)
    assert took < 10, f"took {took:.1f} s"
    assert process.returncode == 128 + signum
    assert "Traceback" not in err
    assert "run stopped; the database is as it was before this run" in err
    assert [pid for pid in servers if Path(f"/proc/{pid}").exists()] == []
    assert state_of(db) == before  # leads, runs and raw payloads: the refresh stored nothing
    again = subprocess.run([str(LEADS), "--db", str(db), "runs", "--format", "json"], cwd=tmp_path,
                           capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stderr  # the lock and the file are free


def test_after_sigkill_no_prefect_server_outlives_the_run(tmp_path, local_host, prefect_home):  # noqa: F811
    process = None
    try:
        process, db, before = start_refresh(tmp_path, local_host, prefect_home)
        servers = owned_servers(process.pid)
        assert servers
        process.kill()
        process.wait(timeout=10)
        deadline = time.monotonic() + 15
        while [pid for pid in servers if Path(f"/proc/{pid}").exists() and not _zombie(pid)]:
            assert time.monotonic() < deadline, "the Prefect server outlived the killed run"
            time.sleep(0.2)
        after = state_of(db)
    finally:
        if process is not None:
            finish(process)
    assert after == before  # the killed refresh committed nothing


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z")
    except (OSError, IndexError):
        return False


def test_two_refreshes_the_second_is_refused_at_once(tmp_path, local_host, prefect_home):  # noqa: F811
    process = None
    try:
        process, db, _ = start_refresh(tmp_path, local_host, prefect_home)
        started = time.monotonic()
        second = subprocess.run([str(LEADS), "--db", str(db), "refresh"], cwd=tmp_path, capture_output=True,
                                text=True, timeout=60)
        took = time.monotonic() - started
    finally:
        if process is not None:
            finish(process)
    assert second.returncode == 2
    assert f"another refresh is running (pid {process.pid})" in second.stderr
    assert took < 5 and "Traceback" not in second.stderr
