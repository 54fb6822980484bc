"""The user's pipeline of applications (`leads status`), look-alikes of jobs already applied to, and reading
while another process writes (the read copy)."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from jobleads.usecases import set_status
from tests.conftest import run_leads
from warehouse import statuses
from warehouse.db import connect, read_copy_path, writer_lock
from warehouse.queries import LeadFilter, leads

FIX = Path(__file__).resolve().parent / "fixtures" / "dashboard"
LEADS = Path(sys.executable).parent / "leads"
NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)


def add(con, lead_id, title, company="Northwind Cloud"):
    con.execute("INSERT INTO leads (lead_id, title, company, company_id, locations, first_seen, last_seen, status) "
                "VALUES (?, ?, ?, ?, ['Berlin'], ?, ?, 'open')", [lead_id, title, company, company.lower(), NOW, NOW])


@pytest.fixture
def con(tmp_path):
    connection = connect(tmp_path / "s.duckdb")
    yield connection
    connection.close()


def test_a_status_has_a_history_and_the_latest_is_on_the_lead(con):
    add(con, "Labc123", "Backend Engineer")
    assert statuses.set_status(con, "Labc", "Applied", "via Priya", NOW) == ("Labc123", "applied")
    statuses.set_status(con, "Labc123", "not-interested", None, NOW)
    assert [(h["status"], h["note"]) for h in statuses.history(con, "Labc123")] == [
        ("applied", "via Priya"), ("not_interested", None)]
    row = leads(con, LeadFilter(lead_ids=["Labc123"]))[0]
    assert row["user_status"] == "not_interested" and row["user_note"] == "via Priya"  # the note stays
    assert leads(con, LeadFilter(limit=None)) == []  # not interested: out of the ranking
    assert [r["lead_id"] for r in leads(con, LeadFilter(limit=None, include_hidden=True))] == ["Labc123"]
    assert con.execute("SELECT count(*) FROM ranked_leads").fetchone()[0] == 0
    assert statuses.pipeline(con)[0]["applied_at"] is not None


@pytest.mark.parametrize("ref, status, message", [
    ("Labc123", "maybe", "unknown status 'maybe'; use one of: new, saved, applied"),
    ("Lnope", "applied", "no lead with id 'Lnope'"),
    ("L", "applied", "is the start of several lead ids"),
])
def test_unknown_statuses_and_leads_are_named(con, ref, status, message):
    add(con, "Labc123", "Backend Engineer")
    add(con, "Labd456", "Nurse")
    with pytest.raises(statuses.StatusError, match=message):
        statuses.set_status(con, ref, status, None, NOW)
    assert con.execute("SELECT count(*) FROM lead_status_events").fetchone()[0] == 0


def test_a_similar_job_at_a_company_you_applied_to_is_flagged(con):
    add(con, "Lapplied", "Senior Backend Engineer (Python)")
    add(con, "Lagain", "Senior Backend Engineer - Python")
    add(con, "Lother", "Registered Nurse")
    add(con, "Lelsewhere", "Senior Backend Engineer (Python)", company="Lumen Health")
    statuses.set_status(con, "Lapplied", "applied", None, NOW)
    rows = {r["lead_id"]: r for r in leads(con, LeadFilter(limit=None))}
    assert rows["Lagain"]["applied_before"]["lead_id"] == "Lapplied"
    assert rows["Lagain"]["applied_before"]["status"] == "applied"
    assert rows["Lother"]["applied_before"] is None and rows["Lelsewhere"]["applied_before"] is None
    assert rows["Lapplied"]["applied_before"] is None  # it has a status of its own


def test_statuses_survive_re_imports_and_a_new_copy_of_the_job(tmp_path, capsys):
    db = tmp_path / "leads.duckdb"
    assert run_leads(capsys, "--db", str(db), "import", str(FIX / "postings.jsonl"), "-f", "jsonl")[0] == 0
    code, out, _ = run_leads(capsys, "--db", str(db), "top", "-f", "json", "-n", "20")
    lead = next(r for r in json.loads(out) if r["title"] == "Senior Backend Engineer")
    code, out, err = run_leads(capsys, "--db", str(db), "status", lead["lead_id"][:8], "applied", "--note", "sent CV")
    assert code == 0, err
    assert f"{lead['lead_id']}: applied (sent CV)" in out
    copy = tmp_path / "copy.jsonl"
    row = json.loads((FIX / "postings.jsonl").read_text().splitlines()[0])
    copy.write_text(json.dumps({**row, "source": "otherboard", "source_id": "x9", "title": "Sr. Backend Engineer"}) + "\n")
    for path in (FIX / "postings.jsonl", copy):
        assert run_leads(capsys, "--db", str(db), "import", str(path), "-f", "jsonl")[0] == 0
    code, out, _ = run_leads(capsys, "--db", str(db), "status", "--list", "-f", "json")
    listed = json.loads(out)
    assert [(r["lead_id"], r["user_status"], r["note"]) for r in listed] == [(lead["lead_id"], "applied", "sent CV")]
    code, out, _ = run_leads(capsys, "--db", str(db), "explain", lead["lead_id"], "-f", "json")
    assert len(json.loads(out)["records"]) == 2  # the new copy joined the lead that has the status


def test_a_bad_status_on_the_command_line_is_one_line_and_exit_2(tmp_path, capsys):
    db = tmp_path / "leads.duckdb"
    run_leads(capsys, "--db", str(db), "import", str(FIX / "postings.jsonl"), "-f", "jsonl")
    code, out, err = run_leads(capsys, "--db", str(db), "status", "Lnothing", "applied")
    assert code == 2 and err.strip() == "leads: no lead with id 'Lnothing'"
    code, out, err = run_leads(capsys, "--db", str(db), "status", "--list", "Lx")
    assert code == 2 and "either a lead or --list" in err


def test_a_change_during_a_refresh_is_queued_then_applied_when_the_writer_lets_go(tmp_path, capsys):
    db = tmp_path / "leads.duckdb"
    run_leads(capsys, "--db", str(db), "import", str(FIX / "postings.jsonl"), "-f", "jsonl")
    con = connect(read_copy_path(db), read_only=True)
    lead_id = con.execute("SELECT lead_id FROM leads ORDER BY lead_id LIMIT 1").fetchone()[0]
    con.close()
    with writer_lock(db, "refresh"):
        done = set_status(db, lead_id, "saved", "look at it tonight", origin="dashboard")
        assert "queued" in done.message and len(statuses.queued(db)) == 1
    assert statuses.queued(db) == []
    con = connect(db)
    assert con.execute("SELECT status, note, origin FROM lead_status_events").fetchall() == [
        ("saved", "look at it tonight", "queued")]
    con.close()


HOLD_THE_WRITER = textwrap.dedent("""
    import sys, time
    from warehouse.db import writer
    with writer(sys.argv[1], "refresh") as con:
        con.execute("BEGIN TRANSACTION")
        con.execute("UPDATE leads SET title = 'half-written' ")
        print("holding", flush=True)
        time.sleep(float(sys.argv[2]))
        con.execute("ROLLBACK")
""")


def test_readers_see_the_published_state_while_another_process_writes(tmp_path, capsys):
    db = tmp_path / "leads.duckdb"
    run_leads(capsys, "--db", str(db), "import", str(FIX / "postings.jsonl"), "-f", "jsonl")
    code, before, _ = run_leads(capsys, "--db", str(db), "top", "-f", "json")
    holder = subprocess.Popen([sys.executable, "-c", HOLD_THE_WRITER, str(db), "30"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        started = time.monotonic()
        done = subprocess.run([str(LEADS), "--db", str(db), "top", "-f", "json"], capture_output=True, text=True,
                              timeout=60, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == json.loads(before)  # the last published state, not the half-written one
        assert time.monotonic() - started < 20
        lead_id = json.loads(before)[0]["lead_id"]
        done = subprocess.run([str(LEADS), "--db", str(db), "status", lead_id, "applied"], capture_output=True,
                              text=True, timeout=60, cwd=tmp_path)
        assert done.returncode == 0 and "queued" in done.stdout, done.stderr
    finally:
        holder.kill()
        holder.wait()
