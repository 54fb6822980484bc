"""`leads doctor`: what is wrong and what to do, exit 0 only when all is well."""
from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
import respx

from jobleads import doctor
from jobleads.config import parse_config
from tests.conftest import run_leads

FIX = Path(__file__).resolve().parent / "fixtures"


def findings(capsys, *args) -> tuple[int, dict[str, list[dict]]]:
    code, out, err = run_leads(capsys, *args, "doctor", "--offline", "-f", "json")
    by_check: dict[str, list[dict]] = {}
    for finding in json.loads(out):
        by_check.setdefault(finding["check"], []).append(finding)
    return code, by_check


def test_a_healthy_database_is_all_well_and_loose_modes_are_found_and_fixed(tmp_path, capsys):
    db = tmp_path / "data" / "leads.duckdb"
    assert run_leads(capsys, "--db", str(db), "import", str(FIX / "cli" / "postings.jsonl"), "-f", "jsonl")[0] == 0
    code, found = findings(capsys, "--db", str(db))
    assert code == 0 and {f["level"] for f in found["database"]} == {"ok"}
    assert "rows read without error" in found["database"][0]["message"]
    os.chmod(db, 0o644)
    code, found = findings(capsys, "--db", str(db))
    assert code == 1 and found["files"][0]["level"] == "fail" and "leads.duckdb (644)" in found["files"][0]["message"]
    assert run_leads(capsys, "--db", str(db), "doctor", "--offline", "--fix")[0] == 0
    assert oct(db.stat().st_mode & 0o777) == "0o600"


def test_a_damaged_database_fails_with_what_to_do(tmp_path, capsys):
    db = tmp_path / "data" / "leads.duckdb"
    run_leads(capsys, "--db", str(db), "import", str(FIX / "dashboard" / "postings.jsonl"), "-f", "jsonl")
    cut = tmp_path / "data" / "cut.duckdb"
    cut.write_bytes(db.read_bytes()[: db.stat().st_size // 2])
    os.chmod(cut, 0o600)
    code, found = findings(capsys, "--db", str(cut))
    assert code == 1 and found["database"][0]["level"] == "fail"
    assert "restore" in found["database"][0]["fix"]


def test_a_bad_config_fails(tmp_path, capsys):
    (tmp_path / "leads.toml").write_text("[profile]\nremote = 'sometimes'\n")
    code, found = findings(capsys, "--config", str(tmp_path / "leads.toml"), "--db", str(tmp_path / "x.duckdb"))
    assert code == 1 and found["config"][0]["level"] == "fail" and "profile.remote" in found["config"][0]["message"]


@respx.mock
def test_sources_hosts_are_reached_once_each():
    respx.head("https://boards-api.greenhouse.io").mock(return_value=httpx.Response(404))
    respx.head("https://api.lever.co").mock(side_effect=httpx.ConnectError("refused"))
    config = parse_config({"sources": [{"type": "greenhouse", "board": "acme"}, {"type": "greenhouse", "board": "beta"},
                                       {"type": "lever", "board": "gamma"}]})
    found = doctor.check_sources(config)
    assert [f.level for f in found] == ["ok", "fail"]
    assert "greenhouse:acme, greenhouse:beta" in found[0].message and "unreachable" in found[1].message


@respx.mock
def test_a_prefect_server_without_scheduled_runs_fails(monkeypatch):
    api = "http://127.0.0.1:4299/api"
    monkeypatch.setenv("PREFECT_API_URL", api)
    respx.get(f"{api}/health").mock(return_value=httpx.Response(200, json=True))
    respx.get(f"{api}/deployments/name/{doctor.DEPLOYMENT}").mock(
        return_value=httpx.Response(200, json={"id": "d1", "paused": False, "schedules": [{"cron": "0 3 * * *"}]}))
    runs = respx.post(f"{api}/flow_runs/filter").mock(return_value=httpx.Response(200, json=[]))
    assert doctor.check_prefect()[0].level == "fail"
    runs.mock(return_value=httpx.Response(200, json=[{"id": "r1"}, {"id": "r2"}]))
    found = doctor.check_prefect()[0]
    assert found.level == "ok" and "2 runs scheduled" in found.message


def test_a_key_that_names_two_rows_fails_the_database_check(tmp_path, capsys):
    import duckdb

    db = tmp_path / "data" / "leads.duckdb"
    assert run_leads(capsys, "--db", str(db), "import", str(FIX / "cli" / "postings.jsonl"), "-f", "jsonl")[0] == 0
    con = duckdb.connect(str(db))
    con.execute("INSERT INTO leads SELECT * FROM leads LIMIT 1")  # as a bug would
    con.close()
    code, found = findings(capsys, "--db", str(db))
    assert code == 1
    assert [f["message"].split(": ", 1)[1] for f in found["database"] if f["level"] == "fail"] == [
        "1 key of leads names more than one row"]
