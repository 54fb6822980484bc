"""`leads runs` and `leads runs show`: the run history as stored by publish(), without Prefect."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from connectors.base import ExtractResult
from jobleads.cli import app
from jobleads.config import Config
from warehouse.db import writer
from warehouse.publish import publish


@pytest.fixture
def history(db_path):
    """Two runs: one where every source answered, then one where a board failed."""
    with writer(db_path) as con:
        ok = publish(con, [ExtractResult(source="greenhouse", source_key="orbitlabs", status="ok", complete=True,
                                         pages=1)], Config())
        partial = publish(con, [
            ExtractResult(source="greenhouse", source_key="orbitlabs", status="ok", complete=True, pages=1),
            ExtractResult(source="greenhouse", source_key="stormy", status="failed",
                          error="boards-api.greenhouse.io/v1/boards/stormy/jobs: gave up after 4 attempts: HTTP 500",
                          error_kind="SourceUnavailable"),
        ], Config())
    return ok, partial


def invoke(db_path, *args):
    return CliRunner().invoke(app, ["--db", str(db_path), *args])


def test_runs_lists_newest_first_with_failures(db_path, history):
    ok, partial = history
    result = invoke(db_path, "runs", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["run_id"] for r in rows] == [partial.run_id, ok.run_id]
    assert rows[0]["status"] == "partial" and rows[0]["sources_failed"] == 1
    assert rows[0]["failed_sources"] == ["greenhouse:stormy"]
    assert rows[1]["failed_sources"] == [] and rows[1]["seconds"] >= 0


def test_runs_limit_and_csv(db_path, history):
    result = invoke(db_path, "runs", "--limit", "1", "--format", "csv")
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("run_id,kind,started_at")
    assert history[1].run_id in lines[1]


def test_runs_show_prints_summary_sources_and_failures(db_path, history):
    ok, partial = history
    # a unique prefix is enough: the shortest one that the other run does not share (same-second ids differ late)
    prefix = next(partial.run_id[:n] for n in range(1, len(partial.run_id) + 1)
                  if not ok.run_id.startswith(partial.run_id[:n]))
    result = invoke(db_path, "runs", "show", prefix)
    assert result.exit_code == 0, result.output
    assert partial.run_id in result.output and "partial" in result.output
    assert "stormy" in result.output and "gave up after 4 attempts" in result.output

    detail = json.loads(invoke(db_path, "runs", "show", "latest", "--format", "json").output)
    assert detail["run_id"] == partial.run_id
    assert {s["source_key"]: s["status"] for s in detail["sources"]} == {"orbitlabs": "ok", "stormy": "failed"}
    assert detail["failures"] == [f"greenhouse:stormy: {partial.sources[1].error}"]


def test_runs_show_unknown_id_is_a_usage_error(db_path, history):
    from jobleads.cli.state import UsageError

    result = invoke(db_path, "runs", "show", "nope")
    assert isinstance(result.exception, UsageError) and "no run 'nope'" in str(result.exception)


def test_runs_does_not_import_prefect(db_path, history):
    code = (
        "import sys\n"
        "from jobleads.cli import main\n"
        f"sys.argv = ['leads', '--db', {str(db_path)!r}, 'runs']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('PREFECT' if 'prefect' in sys.modules else 'CLEAN')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip().endswith("CLEAN"), done.stdout + done.stderr
