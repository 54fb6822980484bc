"""The nightly_refresh flow under the Prefect test harness, over replayed sources.

Fixture `flow_replay/`: boards orbitlabs and orbitlabseu answer, stormy answers HTTP 500 every time,
ghostboard is not recorded (HTTP 404, a configuration error that must not be retried).
"""
from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from tests.conftest import FIXTURES

pytestmark = pytest.mark.flow

REPLAY = FIXTURES / "flow_replay"


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    target = tmp_path / "leads.toml"
    shutil.copy(REPLAY / "leads.toml", target)
    return target


def run_flow(config_path: Path, db: Path, **options):
    from flows.nightly import configured_flow
    from jobleads.config import load_config

    return configured_flow(load_config(config_path))(
        config_path=str(config_path), db_path=str(db), replay_dir=str(REPLAY), return_state=True, **options,
    )


def leads_table(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT lead_id, title, company, status FROM leads ORDER BY lead_id").fetchall()
    finally:
        con.close()


def test_one_source_failing_never_fails_the_others(prefect_harness, config_path, db_path):
    state = run_flow(config_path, db_path)
    assert state.is_completed()
    summary = state.result()

    by_board = {s["source_key"]: s for s in summary["sources"]}
    assert by_board["orbitlabs"]["status"] == "ok" and by_board["orbitlabs"]["parsed"] == 3
    assert by_board["orbitlabseu"]["status"] == "ok" and by_board["orbitlabseu"]["parsed"] == 2
    assert by_board["stormy"]["error_kind"] == "SourceUnavailable"
    assert by_board["ghostboard"]["error_kind"] == "SourceConfigError"
    assert summary["status"] == "partial"
    assert sorted(f.split(":")[1] for f in summary["failures"]) == ["ghostboard", "stormy"]
    assert summary["postings_seen"] == 5
    assert summary["new_leads"] == len(leads_table(db_path)) >= 3
    assert summary["top_new_leads"][0]["title"] == "Backend Engineer"  # the profile's target title ranks first

    con = duckdb.connect(str(db_path), read_only=True)
    try:
        run = con.execute("SELECT status, sources_ok, sources_failed, failed_sources FROM run_history").fetchall()
    finally:
        con.close()
    assert run == [("partial", 2, 2, ["greenhouse:ghostboard", "greenhouse:stormy"])]


def flow_task_runs(state) -> dict:
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
    from prefect.utilities.asyncutils import run_coro_as_sync

    async def task_runs():
        async with get_client() as client:
            return await client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[state.state_details.flow_run_id])))

    return {r.name: r for r in run_coro_as_sync(task_runs())}


def test_the_http_client_alone_retries_and_never_a_configuration_error(prefect_harness, config_path, db_path):
    config_path.write_text(config_path.read_text().replace("attempts = 1 ", "attempts = 2 "))
    state = run_flow(config_path, db_path)

    summary = state.result()
    errors = {s["source_key"]: s["error"] for s in summary["sources"]}
    assert "gave up after 2 attempts: HTTP 500" in errors["stormy"]  # the client's own retries, its stated maximum
    assert "HTTP 404" in errors["ghostboard"] and "attempt" not in errors["ghostboard"]
    runs = flow_task_runs(state)
    assert runs["extract-greenhouse-stormy"].run_count == 1  # Prefect adds no retries on top
    assert runs["extract-greenhouse-stormy"].state.is_failed()  # a failed source shows as a failed task
    assert runs["extract-greenhouse-ghostboard"].run_count == 1
    assert runs["extract-greenhouse-orbitlabs"].state.is_completed()
    (load,) = [r for name, r in runs.items() if name.startswith("load-and-transform")]  # Prefect adds a suffix
    assert load.state.is_completed()


def test_a_run_whose_every_source_failed_ends_failed_and_is_recorded_with_its_whole_duration(
        prefect_harness, tmp_path, db_path):
    config = tmp_path / "dead.toml"
    config.write_text('[[sources]]\ntype = "greenhouse"\nboard = "stormy"\n\n'
                      '[[sources]]\ntype = "greenhouse"\nboard = "ghostboard"\n\n[http]\nattempts = 2\n')
    state = run_flow(config, db_path)

    assert state.is_failed()
    assert "every source failed" in state.message
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        status, seconds, started = con.execute("SELECT status, seconds, started_at FROM run_history").fetchone()
    finally:
        con.close()
    assert status == "failed"
    # The one retry of stormy waited about a second (backoff): the recorded time covers the fetch too.
    assert seconds >= 0.9
    assert abs((state.timestamp - started).total_seconds()) < seconds + 5


def test_run_summary_is_published_as_artifacts(prefect_harness, config_path, db_path):
    from prefect import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId
    from prefect.utilities.asyncutils import run_coro_as_sync

    state = run_flow(config_path, db_path)
    summary = state.result()

    async def artifacts():
        async with get_client() as client:
            return await client.read_artifacts(artifact_filter=ArtifactFilter(
                flow_run_id=ArtifactFilterFlowRunId(any_=[state.state_details.flow_run_id])))

    found = {a.type: a for a in run_coro_as_sync(artifacts())}
    assert set(found) == {"markdown", "table"}
    assert found["markdown"].key == "nightly-refresh"
    assert summary["run_id"] in found["markdown"].data
    assert "greenhouse:stormy" in found["markdown"].data
    table = found["table"].data
    rows = __import__("json").loads(table) if isinstance(table, str) else table
    assert {r["board"]: r["status"] for r in rows} == {
        "orbitlabs": "ok", "orbitlabseu": "ok", "stormy": "failed", "ghostboard": "failed"}


def test_two_runs_on_the_same_responses_are_idempotent(prefect_harness, config_path, db_path):
    first = run_flow(config_path, db_path).result()
    leads_after_first = leads_table(db_path)
    second = run_flow(config_path, db_path).result()

    assert leads_table(db_path) == leads_after_first
    assert second["new_leads"] == 0 and second["closed_leads"] == 0
    assert second["open_leads"] == first["open_leads"] == len(leads_after_first)
    assert second["postings_seen"] == first["postings_seen"]
    assert second["top_new_leads"] == []


def test_refresh_command_exits_1_when_a_source_failed(prefect_harness, config_path, db_path):
    from jobleads.cli import app

    result = CliRunner().invoke(app, ["--db", str(db_path), "--config", str(config_path), "refresh",
                                      "--replay", str(REPLAY)])
    assert result.exit_code == 1, result.output
    assert "greenhouse:stormy" in result.output and "greenhouse:ghostboard" in result.output
    assert len(leads_table(db_path)) >= 3  # the boards that answered landed


def test_refresh_command_exits_0_when_every_source_answered(prefect_harness, tmp_path, db_path):
    from jobleads.cli import app

    config = tmp_path / "ok.toml"
    config.write_text('[[sources]]\ntype = "greenhouse"\nboard = "orbitlabs"\n\n[http]\nattempts = 1\n')
    result = CliRunner().invoke(app, ["--db", str(db_path), "--config", str(config), "refresh",
                                      "--replay", str(REPLAY)])
    assert result.exit_code == 0, result.output
    assert len(leads_table(db_path)) == 3


def test_max_workers_from_the_config_sets_the_task_runner():
    from flows.nightly import configured_flow, nightly_refresh
    from jobleads.config import parse_config

    flow = configured_flow(parse_config({"http": {"max_workers": 7}}))
    assert flow.name == nightly_refresh.name
    assert flow.task_runner._max_workers == 7


def test_new_warm_companies_are_reported_once_and_without_contact_details(prefect_harness, tmp_path, config_path,
                                                                        db_path):
    from jobleads.cli import app

    contacts = tmp_path / "contacts.csv"
    contacts.write_text("name,company,position,email\nDana Whitfield,Orbit Labs,CTO,dana@example.org\n")
    imported = CliRunner().invoke(app, ["--db", str(db_path), "--config", str(config_path), "import", str(contacts),
                                        "--format", "contacts"])
    assert imported.exit_code == 0, imported.output

    first = run_flow(config_path, db_path).result()
    second = run_flow(config_path, db_path).result()

    assert first["new_warm_companies"] == ["Orbit Labs"]
    assert second["new_warm_companies"] == []  # still warm, no longer new
    stored = __import__("json").dumps([first, second])
    assert "Dana" not in stored and "dana@example.org" not in stored
