"""The nightly schedule on a real `prefect server start`, not the test harness.

A server on 127.0.0.1 with its own PREFECT_HOME; `leads schedule --no-serve` creates the deployment;
the server's own scheduler must create scheduled runs for it (this is what SQLAlchemy 2.1 broke);
then `leads schedule` serves it and one scheduled run executes end to end against recorded responses,
landing leads in the database and a row in `leads runs`. Everything is stopped by PID at the end.
The cron is every minute so that a scheduled run falls due within the test.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import httpx
import pytest

from flows.prefect_api import free_port

pytestmark = pytest.mark.flow

BIN = Path(sys.executable).parent
DEMO = Path(__file__).resolve().parent.parent / "jobleads" / "demo_data"
STARTUP_SECONDS = 300


def stop_group(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="module")
def real_server(tmp_path_factory):
    home = tmp_path_factory.mktemp("prefect-server-home")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1",
               # The real scheduler, looking every 5 s instead of every 60 s so the test is short.
               PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS="5")
    log = open(home / "server.log", "wb")
    server = subprocess.Popen([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            assert server.poll() is None, (home / "server.log").read_text()[-2000:]
            assert time.monotonic() < deadline, "prefect server start did not answer"
            try:
                if httpx.get(f"{url}/health", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        yield {"url": url, "home": home, "env": {**env, "PREFECT_API_URL": url}, "log": home / "server.log"}
    finally:
        stop_group(server)
        log.close()
    assert server.poll() is not None


def flow_runs(url: str, deployment_id: str, state_type: str) -> list[dict]:
    body = {"deployments": {"id": {"any_": [deployment_id]}},
            "flow_runs": {"state": {"type": {"any_": [state_type]}}}, "limit": 50}
    return httpx.post(f"{url}/flow_runs/filter", json=body, timeout=10).json()


def test_a_real_server_schedules_the_deployment_and_a_served_run_lands_leads(real_server, tmp_path):
    url, env = real_server["url"], real_server["env"]
    config = tmp_path / "leads.toml"
    shutil.copy(DEMO / "leads.toml", config)
    text = config.read_text()
    assert "[schedule]" not in text
    config.write_text(text + '\n[schedule]\ncron = "* * * * *"\ntimezone = "UTC"\n')
    db = tmp_path / "data" / "leads.duckdb"
    leads = [str(BIN / "leads"), "--db", str(db), "--config", str(config)]

    created = subprocess.run([*leads, "schedule", "--no-serve", "--replay", str(DEMO / "http")], cwd=tmp_path,
                             env=env, capture_output=True, text=True, timeout=300)
    assert created.returncode == 0, created.stderr
    deployment = httpx.get(f"{url}/deployments/name/nightly_refresh/nightly", timeout=10).json()
    assert deployment["schedules"][0]["schedule"]["cron"] == "* * * * *"
    assert json.dumps(deployment["parameters"]).count(str(DEMO / "http")) == 1

    deadline = time.monotonic() + 180
    scheduled: list[dict] = []
    while not scheduled:
        assert time.monotonic() < deadline, "the server's scheduler created no runs: " + \
            real_server["log"].read_text()[-1500:]
        time.sleep(2)
        scheduled = flow_runs(url, deployment["id"], "SCHEDULED")
    assert all(run["auto_scheduled"] for run in scheduled)  # made by the scheduler service, not by us

    serve = subprocess.Popen([*leads, "schedule", "--replay", str(DEMO / "http")], cwd=tmp_path, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        completed: list[dict] = []
        while not completed:
            assert serve.poll() is None, serve.communicate()[0][-2000:]
            assert time.monotonic() < deadline, "no scheduled run completed"
            failed = flow_runs(url, deployment["id"], "FAILED") + flow_runs(url, deployment["id"], "CRASHED")
            assert not failed, failed[0]["state"]
            time.sleep(2)
            completed = flow_runs(url, deployment["id"], "COMPLETED")
    finally:
        stop_group(serve)
    assert completed[0]["auto_scheduled"]

    con = duckdb.connect(str(db), read_only=True)
    try:
        open_leads = con.execute("SELECT count(*) FROM leads WHERE status = 'open'").fetchone()[0]
        runs = con.execute("SELECT kind, status, sources_ok, seconds FROM run_history").fetchall()
    finally:
        con.close()
    assert open_leads == 11  # the demo's recorded boards, merged
    assert runs[-1][:3] == ("refresh", "ok", 5) and runs[-1][3] > 0
    listed = subprocess.run([*leads, "runs", "--format", "json"], cwd=tmp_path, capture_output=True, text=True,
                            timeout=60)
    assert listed.returncode == 0 and json.loads(listed.stdout)[0]["status"] == "ok"
