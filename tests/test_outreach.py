"""`leads followups` and `leads hidden`: what to do next with the people you know."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from tests.conftest import run_leads
from warehouse.db import connect

PROFILE = '[profile]\ntitles = ["Backend Engineer", "Site Reliability Engineer"]\nskills = { Python = "expert" }\n[network]\nfollowup_days = 7\n'
POSTINGS = [
    {"source": "mine", "source_id": "1", "title": "Backend Engineer", "company": "Northwind Cloud", "locations": ["Berlin"]},
    {"source": "mine", "source_id": "2", "title": "Store Manager", "company": "Northwind Cloud", "locations": ["Berlin"]},
    {"source": "mine", "source_id": "3", "title": "Site Reliability Engineer", "company": "Lumen Health", "locations": ["Remote"]},
    {"source": "mine", "source_id": "4", "title": "Registered Nurse", "company": "City Hospital", "locations": ["Berlin"]},
]
CONTACTS = "name,company,strength\nDana Whitfield,Northwind Cloud,close\nPriya Raman,Lumen Health,known\n" \
           "Tom Ortega,City Hospital,weak\nAna Lee,Corner Shop,known\n"


@pytest.fixture
def world(tmp_path, capsys):
    (tmp_path / "leads.toml").write_text(PROFILE)
    (tmp_path / "jobs.jsonl").write_text("".join(json.dumps(p) + "\n" for p in POSTINGS))
    (tmp_path / "people.csv").write_text(CONTACTS)
    base = ["--db", str(tmp_path / "leads.duckdb"), "--config", str(tmp_path / "leads.toml")]
    for path, fmt in (("jobs.jsonl", "jsonl"), ("people.csv", "contacts")):
        assert run_leads(capsys, *base, "import", str(tmp_path / path), "-f", fmt)[0] == 0
    return base, tmp_path / "leads.duckdb"


def json_of(capsys, *args):
    code, out, err = run_leads(capsys, *args, "-f", "json")
    assert code == 0, err
    return json.loads(out)


def test_hidden_openings_are_companies_you_know_without_an_open_fitting_lead(world, capsys):
    base, db = world
    con = connect(db)
    con.execute("UPDATE leads SET status = 'closed' WHERE title = 'Backend Engineer'")  # posted before, gone now
    con.close()
    found = json_of(capsys, *base, "hidden")
    companies = [row["company"] for row in found]
    assert companies[0] == "Northwind Cloud" and found[0]["past_postings"] == 1  # a backend role before
    assert found[0]["ask"] == "Dana Whitfield"
    assert found[0]["suggestion"] == "ask Dana whether the team is planning to hire a backend engineer"
    assert "Lumen Health" not in companies  # an open SRE lead fits: not hidden
    assert "City Hospital" not in companies  # only a weak contact there
    assert "Corner Shop" in companies  # a known contact, no fitting lead ever seen


def test_referrals_and_applications_quiet_for_days_are_due(world, capsys):
    base, db = world
    assert run_leads(capsys, *base, "referral", "add", "--company", "Lumen Health", "--title",
                     "Site Reliability Engineer", "--contact", "Priya Raman", "--location", "Remote")[0] == 0
    lead = next(r for r in json_of(capsys, *base, "top") if r["title"] == "Backend Engineer")
    assert run_leads(capsys, *base, "status", lead["lead_id"], "applied")[0] == 0
    assert json_of(capsys, *base, "followups") == []  # nothing is old yet
    long_ago = datetime.now(timezone.utc) - timedelta(days=9)
    con = connect(db)
    con.execute("UPDATE referral_contacts SET logged_at = ?", [long_ago])
    con.execute("UPDATE lead_status_events SET changed_at = ?", [long_ago])
    con.close()
    due = json_of(capsys, *base, "followups")
    assert sorted((d["kind"], d["title"], d["days"]) for d in due) == [
        ("application", "Backend Engineer", 9), ("referral", "Site Reliability Engineer", 9)]
    assert any("Priya Raman offered to refer you" in d["suggestion"] for d in due)
    assert json_of(capsys, *base, "followups", "--days", "10") == []
    # a touch with Priya after the referral: nothing to follow up there any more
    assert run_leads(capsys, *base, "touch", "Priya Raman", "--note", "asked about it")[0] == 0
    assert [d["kind"] for d in json_of(capsys, *base, "followups")] == ["application"]
    # a newer status (an interview!) ends the application's follow-up too
    assert run_leads(capsys, *base, "status", lead["lead_id"], "interviewing")[0] == 0
    assert json_of(capsys, *base, "followups") == []
