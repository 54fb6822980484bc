"""The `leads` command end to end: init, import, top (table/json/csv), export, explain, errors."""
from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest

from tests.conftest import run_leads

FIX = Path(__file__).resolve().parent / "fixtures" / "cli"
LEAD_KEYS = {"lead_id", "title", "company", "locations", "remote", "url", "posted_at", "first_seen", "last_seen", "user_status", "user_note", "applied_before",
             "status", "salary_min", "salary_max", "salary_currency", "occupation", "skills", "skills_matched", "skills_missing", "score",
             "score_parts", "warm", "contacts", "sources"}


leads = run_leads


@pytest.fixture
def imported(capsys, tmp_path):
    code, _, err = leads(capsys, "init")
    assert code == 0, err
    code, out, err = leads(capsys, "import", str(FIX / "greenhouse_acme.json"), "--format", "greenhouse")
    assert code == 0, err
    return out, err


def test_init_writes_config_and_refuses_to_overwrite(capsys, tmp_path):
    assert leads(capsys, "init")[0] == 0
    assert (tmp_path / "leads.toml").exists()
    code, _, err = leads(capsys, "init")
    assert code == 2 and "already exists" in err


def test_import_greenhouse_then_top_json_has_the_design_shape(capsys, imported):
    out, err = imported
    assert "2 postings parsed" in out and "1 quarantined" in out
    assert "quarantined" in err and "4003" in err
    code, out, _ = leads(capsys, "top", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert len(rows) == 2 and set(rows[0]) == LEAD_KEYS
    backend = next(r for r in rows if r["title"] == "Backend Engineer")
    assert backend["company"] == "Acme Robotics"
    assert backend["remote"] == "remote"
    assert backend["url"] == "https://acme.example/careers?gh_jid=4001"
    assert backend["salary_min"] == 90000 and backend["salary_max"] == 120000 and backend["salary_currency"] == "EUR"
    assert backend["posted_at"].startswith("2026-10-30T13:00:00")
    assert backend["sources"] == [{"source": "greenhouse", "source_id": "4001", "url": backend["url"]}]
    assert 0 <= backend["score"] <= 1 and all(0 <= v <= 1 for v in backend["score_parts"].values())
    assert rows[0]["score"] >= rows[1]["score"]


def test_top_filters_and_formats(capsys, imported):
    code, out, _ = leads(capsys, "top", "--remote", "--format", "json")
    assert [r["title"] for r in json.loads(out)] == ["Backend Engineer"]
    code, out, _ = leads(capsys, "top", "--company", "nomatch", "--format", "json")
    assert json.loads(out) == []
    code, out, _ = leads(capsys, "top", "--limit", "1", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 1 and rows[0]["lead_id"].startswith("L")
    code, out, _ = leads(capsys, "top", "--min-score", "0.99", "--format", "json")
    assert json.loads(out) == []
    code, out, _ = leads(capsys, "top")
    assert code == 0 and "Top leads" in out and "Backend" in out


def test_export_and_explain(capsys, imported):
    code, out, _ = leads(capsys, "export", "--format", "jsonl")
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 2 and all(r["sources"] for r in rows)
    lead_id = rows[0]["lead_id"]
    code, out, _ = leads(capsys, "explain", lead_id, "--format", "json")
    detail = json.loads(out)
    assert detail["lead_id"] == lead_id and detail["records"][0]["rule"]
    code, out, _ = leads(capsys, "explain", lead_id)
    assert code == 0 and "Score parts" in out
    code, _, err = leads(capsys, "explain", "Lnope")
    assert code == 2 and "no lead with id 'Lnope'" in err


def test_import_generic_jsonl_quarantines_bad_lines(capsys, tmp_path):
    code, out, err = leads(capsys, "import", str(FIX / "postings.jsonl"), "--format", "jsonl")
    assert code == 0 and "2 postings parsed" in out and "1 quarantined" in out
    assert "postings.jsonl line 3" in err and "title" in err
    rows = json.loads(leads(capsys, "top", "--format", "json")[1])
    dev = next(r for r in rows if r["title"] == "Python Developer")
    assert dev["salary_min"] == 60000 and dev["salary_max"] == 72000  # monthly figures annualized
    assert dev["remote"] == "hybrid" and dev["locations"] == ["Berlin, Germany"]
    assert dev["url"] == "https://beta.example/jobs/1"


def test_bad_input_exits_2_with_one_line_and_writes_nothing(capsys, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"jobs": [ {"id": 1,')
    code, _, err = leads(capsys, "import", str(broken), "--format", "greenhouse")
    assert code == 2 and str(broken) in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "data" / "leads.duckdb").exists()
    code, _, err = leads(capsys, "import", str(broken), "--format", "nosuch")
    assert code == 2 and "unknown format 'nosuch'" in err
    code, _, err = leads(capsys, "top")
    assert code == 2 and "no database yet" in err
    (tmp_path / "leads.toml").write_text('[profile]\nremote = "maybe"\n')
    code, _, err = leads(capsys, "import", str(FIX / "postings.jsonl"), "--format", "jsonl")
    assert code == 2 and "profile.remote" in err


def test_db_and_config_global_options_and_env(capsys, tmp_path, monkeypatch):
    other = tmp_path / "elsewhere" / "x.duckdb"
    code, _, err = leads(capsys, "--db", str(other), "import", str(FIX / "postings.jsonl"), "--format", "jsonl")
    assert code == 0 and other.exists()
    monkeypatch.setenv("LEADS_DB", str(other))
    rows = json.loads(leads(capsys, "top", "--format", "json")[1])
    assert len(rows) == 2


def test_query_commands_do_not_import_prefect(tmp_path):
    import subprocess

    code = "import sys; from jobleads.cli import app; assert 'prefect' not in sys.modules, 'prefect imported'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=tmp_path)


def test_starting_the_cli_does_not_import_numpy(tmp_path):
    """numpy costs 70 ms at every command; only writers and scoring need it (warehouse/file_patch.py imports
    it where it patches, not at the top, as every reader imports that module)."""
    import subprocess

    code = "import sys; from jobleads.cli import app; assert 'numpy' not in sys.modules, 'numpy imported'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=tmp_path)


LEADS_BIN = Path(sys.executable).parent / "leads"


@pytest.mark.parametrize("args, says", [
    (["top", "--limit", "abc"], "Invalid value for '--limit'"),
    (["top", "--output", "x"], "No such option: --output"),
    (["frobnicate"], "No such command 'frobnicate'"),
    (["import"], "Missing argument 'path'"),
    (["top", "--format", "yaml"], "Invalid value for '--format'"),
    (["--db"], "Option '--db' requires an argument"),
    (["runs", "show"], "Missing argument"),
    (["schedule", "--cron", "--systemd"], "choose one of --cron and --systemd"),
])
def test_every_usage_error_is_one_line_on_stderr_with_exit_2(tmp_path, args, says):
    import subprocess

    done = subprocess.run([str(LEADS_BIN), *args], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert done.stderr.startswith("leads: ") and says in done.stderr
    assert done.stdout == ""


def test_a_bad_base_url_in_the_config_names_the_key(capsys, tmp_path):
    (tmp_path / "leads.toml").write_text('[http.base_urls]\ngreenhouse = "127.0.0.1:8080"\n')
    code, _, err = leads(capsys, "import", str(FIX / "postings.jsonl"), "--format", "jsonl")
    assert code == 2 and "http.base_urls" in err and "scheme and host" in err


def test_a_changed_profile_rescores_on_the_next_query_and_nothing_else_is_needed(capsys, tmp_path):
    config = tmp_path / "leads.toml"
    config.write_text('[profile]\ntitles = ["Backend Engineer"]\nskills = ["Python"]\n')
    code, _, err = leads(capsys, "import", str(FIX / "postings.jsonl"), "--format", "jsonl")
    assert code == 0, err
    code, out, err = leads(capsys, "top", "--format", "json")
    assert code == 0 and "rescored" not in err  # scored at import with this very profile
    before = {r["lead_id"]: r["score"] for r in json.loads(out)}

    config.write_text('[profile]\ntitles = ["Registered Nurse"]\nskills = ["Patient care"]\n')
    code, out, err = leads(capsys, "top", "--format", "json")
    assert code == 0 and "changed since the last scoring: rescored 2 open leads" in err
    after = {r["lead_id"]: r["score"] for r in json.loads(out)}
    assert after.keys() == before.keys() and all(after[k] < before[k] for k in after)  # no longer the profession
    code, _, err = leads(capsys, "top", "--format", "json")
    assert code == 0 and "rescored" not in err  # fresh again: nothing to redo


def test_a_config_path_that_does_not_exist_is_an_error_not_the_defaults(capsys, tmp_path):
    code, _, err = leads(capsys, "import", str(FIX / "postings.jsonl"), "--format", "jsonl")
    assert code == 0, err
    code, _, err = leads(capsys, "--config", str(tmp_path / "nope.toml"), "top")
    assert code == 2 and "nope.toml: no such config file" in err


def test_the_lead_json_says_what_the_posting_asks_as_written(capsys, tmp_path):
    posting = {"source": "mine", "source_id": "s1", "title": "Platform Engineer", "company": "Acme",
               "description": "Requirements:\n- 3+ years with k8s and Postgres\nNice to have: Terraform"}
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(posting) + "\n")
    code, _, err = leads(capsys, "import", str(path), "--format", "jsonl")
    assert code == 0, err
    (row,) = json.loads(leads(capsys, "top", "--format", "json")[1])
    assert {"name": "Kubernetes", "importance": "required", "evidence": "k8s"} in row["skills"]
    assert {"name": "PostgreSQL", "importance": "required", "evidence": "Postgres"} in row["skills"]
    assert {"name": "Terraform", "importance": "preferred", "evidence": "Terraform"} in row["skills"]
    assert row["occupation"]["isco"] == "2512" and row["occupation"]["label"] == "software developer"


def test_a_database_of_an_older_jobleads_is_upgraded_before_a_query(capsys, tmp_path):
    import duckdb

    code, _, err = leads(capsys, "import", str(FIX / "postings.jsonl"), "--format", "jsonl")
    assert code == 0, err
    db = tmp_path / "data" / "leads.duckdb"
    con = duckdb.connect(str(db))  # as an older jobleads left it: no migration 006 yet
    con.execute("ALTER TABLE lead_skills DROP COLUMN evidence")
    con.execute("ALTER TABLE skill_extractions DROP COLUMN evidence")
    con.execute("ALTER TABLE leads DROP COLUMN inputs_hash")  # migration 013's
    con.execute("DELETE FROM schema_version WHERE version >= 6")
    con.close()
    code, out, err = leads(capsys, "top", "--format", "json")
    assert code == 0, err
    assert len(json.loads(out)) == 2


def test_every_csv_writes_lists_the_same_way_as_json_text(capsys, imported):
    code, out, _ = leads(capsys, "top", "--format", "csv")
    top = {r["lead_id"]: r for r in csv.DictReader(io.StringIO(out))}
    code, out, _ = leads(capsys, "export", "--format", "csv")
    exported = {r["lead_id"]: r for r in csv.DictReader(io.StringIO(out))}
    for lead_id, row in top.items():
        assert row["locations"] == exported[lead_id]["locations"]
        assert isinstance(json.loads(row["locations"]), list) and isinstance(json.loads(row["sources"]), list)


def test_an_import_on_a_terminal_shows_how_many_postings_it_loads():
    """The live display of `leads import` said "0 postings" through every load stage of a 400k-line file."""
    import io

    from rich.console import Console

    from jobleads.cli import running

    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120)
    original = running.err_console
    running.err_console = console
    try:
        with running.RunDisplay(live=True, plain_lines=False) as display:
            display.read_file(400_000)
            display.stage("storing postings")
            display._progress.refresh()
    finally:
        running.err_console = original
    assert "400000 postings" in screen.getvalue()
    assert "0 postings" not in screen.getvalue().replace("400000 postings", "")


def test_a_file_with_no_posting_in_it_is_refused_in_one_line_and_stores_nothing(capsys, tmp_path, imported):
    """JSONL written by another tool ("Job Title", "Company Name") quarantined every record with exit 0 and said
    "source: String should have at least 1 character"; it is bad input, named by its first record's reason."""
    other = tmp_path / "export.jsonl"
    other.write_text('{"Job Title": "Nurse", "Company Name": "St Mary"}\n{"Job Title": "Chef", "Company Name": "Ivy"}\n',
                     encoding="utf-8")
    before = json.loads(leads(capsys, "top", "--format", "json")[1])
    code, out, err = leads(capsys, "import", str(other), "-f", "jsonl")
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2 and len(lines) == 1, err
    assert "not one of its 2 records is a posting" in lines[0] and "source: required, missing or empty" in lines[0]
    assert json.loads(leads(capsys, "top", "--format", "json")[1]) == before
