"""`leads sources`: configured sources with the last run's status and counts, in table/json/csv."""
from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone

from typer.testing import CliRunner

from jobleads.cli import app
from warehouse.db import connect

CONFIG = """
[[sources]]
type = "greenhouse"
board = "acme"

[[sources]]
type = "remotive"
search = "python"

[[sources]]
type = "adzuna"
country = "gb"

[[sources]]
type = "lever"
board = "globex"
enabled = false
"""


def record_runs(db_path):
    """Two runs: greenhouse failed in the newer one; remotive only ran in the older one."""
    con = connect(db_path)
    old, new = datetime(2026, 11, 1, 3, tzinfo=timezone.utc), datetime(2026, 11, 2, 3, tzinfo=timezone.utc)
    con.execute("INSERT INTO runs (run_id, kind, started_at, status) VALUES ('r1', 'refresh', ?, 'ok'), "
                "('r2', 'refresh', ?, 'partial')", [old, new])
    con.execute("""INSERT INTO run_sources (run_id, source, source_key, status, complete, fetched, parsed, quarantined,
                   pages, seconds, error, error_kind) VALUES
                   ('r1', 'greenhouse', 'acme', 'ok', TRUE, 12, 11, 1, 1, 0.4, NULL, NULL),
                   ('r1', 'remotive', NULL, 'ok', TRUE, 30, 30, 0, 1, 1.2, NULL, NULL),
                   ('r2', 'greenhouse', 'acme', 'failed', FALSE, 0, 0, 0, 0, 20.0,
                    'boards-api.greenhouse.io/v1/boards/acme/jobs: gave up after 4 attempts: HTTP 503', 'SourceUnavailable')""")
    con.execute("""INSERT INTO source_state (source, source_key, last_run_id, last_status, last_ok_at) VALUES
                   ('greenhouse', 'acme', 'r2', 'failed', ?), ('remotive', '', 'r1', 'ok', ?)""", [old, old])
    con.close()


def run(tmp_path, *args):
    (tmp_path / "leads.toml").write_text(CONFIG, encoding="utf-8")
    return CliRunner().invoke(app, ["--db", str(tmp_path / "leads.duckdb"), "--config", str(tmp_path / "leads.toml"),
                                    "sources", *args])


def test_sources_json_joins_config_with_the_last_run(tmp_path, monkeypatch):
    monkeypatch.delenv("ADZUNA_APP_ID", raising=False)
    monkeypatch.delenv("ADZUNA_APP_KEY", raising=False)
    record_runs(tmp_path / "leads.duckdb")
    result = run(tmp_path, "--format", "json")
    assert result.exit_code == 0, result.output
    rows = {r["type"]: r for r in json.loads(result.output)}
    assert list(rows) == ["greenhouse", "remotive", "adzuna", "lever"]
    greenhouse = rows["greenhouse"]
    assert greenhouse["status"] == "failed" and greenhouse["parsed"] == 0 and greenhouse["complete"] is False
    assert "HTTP 503" in greenhouse["note"]
    assert greenhouse["last_ok_at"].startswith("2026-11-01T03:00")
    assert greenhouse["last_run_at"].startswith("2026-11-02T03:00")
    remotive = rows["remotive"]
    assert remotive["status"] == "ok" and remotive["parsed"] == 30 and remotive["options"] == {"search": "python"}
    assert rows["adzuna"]["status"] == "never run" and "ADZUNA_APP_ID" in rows["adzuna"]["note"]
    assert rows["lever"]["enabled"] is False and "disabled" in rows["lever"]["note"]


def test_sources_table_and_csv(tmp_path):
    record_runs(tmp_path / "leads.duckdb")
    table = run(tmp_path)
    assert table.exit_code == 0 and "Sources in" in table.output and "never" in table.output  # cells wrap at 80 columns
    rows = list(csv.DictReader(io.StringIO(run(tmp_path, "--format", "csv").output)))
    assert [r["type"] for r in rows] == ["greenhouse", "remotive", "adzuna", "lever"]
    assert rows[1]["parsed"] == "30"


def test_sources_without_a_database_lists_the_config(tmp_path):
    result = run(tmp_path, "--format", "json")
    assert result.exit_code == 0
    assert {r["status"] for r in json.loads(result.output)} == {"never run"}
    assert not (tmp_path / "leads.duckdb").exists()  # a query command creates nothing
