"""The network end to end: contacts linked to leads, warmth, referrals as leads, warm companies, reconnect."""
from __future__ import annotations

import json
import os
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from connectors.base import ExtractResult
from jobleads.cli import app
from jobleads.cli.state import UsageError
from jobleads.config import Config
from warehouse import network
from warehouse.db import reader, writer
from warehouse.publish import publish

NETWORK = Path(__file__).resolve().parent / "fixtures" / "network"
runner = CliRunner()

WARM_AT_START = {"Northwind Cloud", "Lumen Health GmbH", "US Bank", "Elise AI"}


def leads(db: Path, *args: str, ok: bool = True):
    result = runner.invoke(app, ["--db", str(db), *args])
    if ok:
        assert result.exit_code == 0, (result.output, result.exception)
    return result


def warm_json(db: Path) -> list[dict]:
    return json.loads(leads(db, "warm", "--format", "json").stdout)


@pytest.fixture
def world(db_path: Path) -> Path:
    """Public postings (tricky company spellings) and a LinkedIn export, imported through the CLI."""
    leads(db_path, "import", str(NETWORK / "postings.jsonl"), "--format", "jsonl")
    out = leads(db_path, "import", str(NETWORK / "Connections.csv"), "--format", "linkedin").output
    assert "11 contacts read, 11 new, 0 updated, 3 warnings" in out
    return db_path


def test_warm_lists_exactly_the_companies_where_a_contact_works(world):
    rows = warm_json(world)
    assert {r["company"] for r in rows} == WARM_AT_START
    northwind = next(r for r in rows if r["company"] == "Northwind Cloud")
    assert northwind["open_leads"] == 2
    assert northwind["best_score"] == max(
        lead["score"] for lead in json.loads(leads(world, "top", "--format", "json").stdout)
        if lead["company"].startswith("Northwind"))
    assert {c["name"] for c in northwind["contacts"]} == {"Dana Whitfield", "Priya Raman"}
    assert set(northwind["contacts"][0]) == {"name", "position", "strength", "last_touch"}
    # the engineering manager is the likely hiring manager for the engineering role
    assert northwind["suggested_ask"] == (
        "ask Priya Raman (Engineering Manager, Platform), likely the hiring manager, about Senior Backend Engineer")
    us_bank = next(r for r in rows if r["company"] == "US Bank")
    assert us_bank["suggested_ask"] == "ask Chris Park (Senior Software Engineer) for a referral to Backend Engineer"


def test_user_alias_makes_a_parent_company_warm(world):
    leads(world, "company", "alias", "Meta Platforms", "Meta")
    rows = warm_json(world)
    assert {r["company"] for r in rows} == WARM_AT_START | {"Meta"}
    meta = next(r for r in rows if r["company"] == "Meta")
    assert meta["open_leads"] == 1 and meta["contacts"][0]["name"] == "Sam Lee"  # not Meta Financial's lead


def test_reimport_and_generic_contacts_update_in_place(world):
    out = leads(world, "import", str(NETWORK / "Connections.csv"), "--format", "linkedin").output
    assert "0 new, 11 updated" in out
    out = leads(world, "import", str(NETWORK / "contacts.csv"), "--format", "contacts").output
    assert "1 new, 1 updated" in out  # Dana by name + company; Robin is new
    people = json.loads(leads(world, "contacts", "list", "--format", "json").stdout)
    assert len(people) == 12
    dana = next(p for p in people if p["name"] == "Dana Whitfield")
    assert (dana["strength"], dana["position"], dana["last_touch"]) == ("close", "Principal Engineer", "2026-10-01")
    assert {r["company"] for r in warm_json(world)} == WARM_AT_START | {"Acme Robotics"}


def test_lead_json_and_top_warm(world):
    warm_leads = json.loads(leads(world, "top", "--warm", "--format", "json").stdout)
    assert {lead["company"] for lead in warm_leads} == {
        "Northwind Cloud", "Northwind Cloud GmbH", "Lumen Health GmbH", "US Bank", "Elise AI"}
    assert all(lead["warm"] and lead["contacts"] for lead in warm_leads)
    everything = json.loads(leads(world, "top", "--format", "json", "--limit", "50").stdout)
    cold = [lead for lead in everything if not lead["warm"]]
    assert {lead["company"] for lead in cold} == {
        "Meta Financial Group", "Meta Platforms, Inc.", "Square Enix", "Rampart Security", "Boxed", "Summit Group",
        "Acme Robotics"}
    assert all(lead["contacts"] == [] for lead in cold)


def test_referral_becomes_a_lead_merged_with_the_public_posting(world):
    before = len(json.loads(leads(world, "top", "--format", "json", "--limit", "50").stdout))
    out = leads(world, "import", str(NETWORK / "referrals.csv"), "--format", "referrals").output
    assert "1 referrals logged as 1 leads" in out
    leads(world, "import", str(NETWORK / "referrals.csv"), "--format", "referrals")  # again: nothing new
    everything = json.loads(leads(world, "top", "--format", "json", "--limit", "50").stdout)
    assert len(everything) == before
    lumen = next(lead for lead in everything if lead["title"] == "Backend Engineer II")
    assert {s["source"] for s in lumen["sources"]} == {"board", "referral"}
    lumen_row = next(r for r in warm_json(world) if r["company"] == "Lumen Health GmbH")
    assert lumen_row["suggested_ask"] == (
        "Tomás Ortega (Technical Recruiter) offered to refer you to Backend Engineer II: take them up on it")
    explained = leads(world, "explain", lumen["lead_id"]).stdout
    assert "Tomás Ortega offered to refer you" in explained
    detail = json.loads(leads(world, "explain", lumen["lead_id"], "--format", "json").stdout)
    assert detail["referred_by"] == ["Tomás Ortega"]
    with reader(world) as con:
        (warmth, is_referral), = con.execute(
            "SELECT warmth, is_referral FROM lead_contacts WHERE lead_id = ? AND name = 'Tomás Ortega'",
            [lumen["lead_id"]]).fetchall()
    assert is_referral and warmth >= network.REFERRAL_WARMTH
    # the public posting disappears from its board: the referral keeps the lead open
    with writer(world) as con:
        con.execute("UPDATE postings SET active = FALSE WHERE source = 'board'")
        publish(con, [ExtractResult(source="jsonl", source_key="postings.jsonl", complete=True)], Config())
        status = con.execute("SELECT status FROM leads WHERE lead_id = ?", [lumen["lead_id"]]).fetchone()[0]
        board_active = con.execute("SELECT bool_or(active) FROM postings WHERE source = 'board'").fetchone()[0]
    assert status == "open" and board_active is False
    with reader(world) as con:  # while the board-only leads close
        closed = con.execute("SELECT count(*) FROM leads WHERE status = 'closed'").fetchone()[0]
    assert closed == before - 1


def test_referral_add_finds_the_contact_by_first_name_at_that_company(world):
    out = leads(world, "referral", "add", "--company", "Northwind Cloud", "--title", "Staff Platform Engineer",
                "--contact", "Dana", "--url", "https://jobs.example.com/northwind/9").output
    assert "Dana offered to refer you to Staff Platform Engineer at Northwind Cloud: lead L" in out
    people = json.loads(leads(world, "contacts", "list", "--format", "json").stdout)
    assert len(people) == 11  # Dana Whitfield, not a new "Dana"
    lead = next(x for x in json.loads(leads(world, "top", "--format", "json", "--limit", "50").stdout)
                if x["title"] == "Staff Platform Engineer")
    assert lead["warm"] and lead["contacts"][0]["name"] in {"Dana Whitfield", "Priya Raman"}
    out = leads(world, "referral", "add", "--company", "Globex", "--title", "SRE", "--contact", "Ana Lima").output
    assert "lead L" in out
    assert len(json.loads(leads(world, "contacts", "list", "--format", "json").stdout)) == 12  # Ana is new


def test_contacts_crud_and_touch(world):
    leads(world, "contacts", "add", "Ana Lima", "--company", "Square Enix", "--position", "Producer",
          "--strength", "close")
    assert "Square Enix" in {r["company"] for r in warm_json(world)}
    leads(world, "contacts", "edit", "Ana Lima", "--company", "Square")
    assert "Square Enix" not in {r["company"] for r in warm_json(world)}
    csv_out = leads(world, "contacts", "list", "--strength", "close", "--format", "csv").stdout
    assert csv_out.splitlines()[0].startswith("contact_id,name,company") and "Ana Lima" in csv_out
    leads(world, "touch", "Ana", "--note", "coffee", "--date", "2026-01-05")
    ana = json.loads(leads(world, "contacts", "list", "--company", "Square", "--format", "json").stdout)
    assert {(a["name"], a["last_touch"]) for a in ana} == {("Ana Lima", "2026-01-05"), ("Alex Kim", None)}
    leads(world, "contacts", "remove", "Ana Lima")
    assert "Ana Lima" not in leads(world, "contacts", "list", "--format", "csv").stdout
    with reader(world) as con:
        assert con.execute("SELECT count(*) FROM interactions").fetchone()[0] == 0


@pytest.mark.parametrize("args,message", [
    (["touch", "Nobody Here"], "no contact matches 'Nobody Here'"),
    (["touch", "r"], "'r' could be several contacts"),
    (["touch", "Dana", "--date", "2026-13-01"], "--date: '2026-13-01' is not a date"),
    (["touch", "Dana", "--date", "01/02/2026"], "--date: '01/02/2026' is not a date"),
    (["contacts", "add", "X Y", "--strength", "bestie"], "--strength: 'bestie' is not one of close, known, weak"),
    (["contacts", "edit", "Dana"], "nothing to change"),
    (["company", "alias", "Meta Inc.", "Meta"], "already the same company"),
])
def test_bad_input_is_one_line_and_writes_nothing(world, args, message):
    with reader(world) as con:
        before = con.execute("SELECT count(*), max(updated_at) FROM contacts").fetchone()
    result = leads(world, *args, ok=False)
    assert isinstance(result.exception, UsageError) and message in str(result.exception)
    with reader(world) as con:
        assert con.execute("SELECT count(*), max(updated_at) FROM contacts").fetchone() == before


def test_reconnect_lists_untouched_contacts_at_strong_leads(world):
    rows = json.loads(leads(world, "reconnect", "--min-score", "0", "--format", "json").stdout)
    assert {r["name"] for r in rows} == {"Dana Whitfield", "Priya Raman", "Tomás Ortega", "Chris Park", "Riley Nguyen"}
    assert all(r["days_since_touch"] is None and r["strong_leads"] >= 1 for r in rows)
    leads(world, "touch", "Priya Raman", "--note", "caught up")
    names = {r["name"] for r in json.loads(leads(world, "reconnect", "--min-score", "0", "--format", "json").stdout)}
    assert "Priya Raman" not in names and "Dana Whitfield" in names
    assert json.loads(leads(world, "reconnect", "--min-score", "1", "--format", "json").stdout) == []


def test_warmth_decays_with_time_since_last_touch(db_path):
    now = datetime(2026, 11, 1, 12, tzinfo=timezone.utc)
    config = Config.model_validate({"network": {"warmth_half_life_days": 100}})
    with writer(db_path) as con:
        publish(con, [ExtractResult(source="board", source_key="k", postings=[])], config)
        leads_rows = [("L1", "Backend Engineer", "Acme", "C1")]
        con.executemany("INSERT INTO leads (lead_id, title, company, company_id, first_seen, last_seen) "
                        "VALUES (?, ?, ?, ?, now(), now())", leads_rows)
        con.execute("INSERT INTO companies VALUES ('C1', 'Acme', 'acme')")
        con.execute("INSERT INTO company_aliases VALUES ('acme', 'C1', 'Acme', 'rule')")
        for cid, strength, touched in (("K1", "close", now.date()), ("K2", "close", (now - timedelta(days=100)).date()),
                                       ("K3", "known", (now - timedelta(days=200)).date()), ("K4", "weak", None),
                                       ("K5", "known", (now - timedelta(days=1000)).date())):
            con.execute("INSERT INTO contacts (contact_id, name, company, company_id, strength, last_touch, created_at, "
                        "updated_at) VALUES (?, ?, 'Acme', 'C1', ?, ?, now(), now())", [cid, cid, strength, touched])
        network.link_contacts(con, config, now)
        warmth = dict(con.execute("SELECT contact_id, warmth FROM lead_contacts").fetchall())
        ranks = dict(con.execute("SELECT contact_id, strength_rank FROM lead_contacts").fetchall())
    assert warmth == {"K1": 1.0, "K2": 0.5, "K3": 0.15, "K4": 0.15, "K5": 0.12}  # K5: cooled to the floor
    assert ranks == {"K1": 3, "K2": 3, "K3": 2, "K4": 1, "K5": 2}


def _pair(name, position, strength, lead_id="L1", warmth=0.5, referral=False):
    return {"lead_id": lead_id, "name": name, "position": position, "strength": strength, "warmth": warmth,
            "is_referral": referral}


def test_suggested_ask_prefers_function_and_hiring_managers_over_weak_ties():
    lead = [{"lead_id": "L1", "title": "Backend Engineer", "score": 0.6}]
    weak_elsewhere = _pair("Kim", "Account Executive", "weak")
    close_same = _pair("Dana", "Staff Engineer", "close")
    manager = _pair("Pat", "Engineering Manager", "known")
    assert network.suggested_ask([weak_elsewhere, close_same], lead) == \
        "ask Dana (Staff Engineer) for a referral to Backend Engineer"
    assert network.suggested_ask([weak_elsewhere, manager], lead) == \
        "ask Pat (Engineering Manager), likely the hiring manager, about Backend Engineer"
    assert network.suggested_ask([close_same, manager, _pair("Lee", None, "weak", referral=True)], lead) == \
        "Lee offered to refer you to Backend Engineer: take them up on it"
    # a product manager is not an engineering hiring manager; a close engineer still wins
    assert network.suggested_ask([_pair("Max", "Product Manager", "known"), close_same], lead).startswith("ask Dana")
    assert network.suggested_ask([], lead) is None


def test_database_stays_private(world):
    assert stat.S_IMODE(os.stat(world).st_mode) == 0o600


def test_weak_company_matches_only_when_asked(tmp_path, world):
    assert "Meta Financial Group" not in {r["company"] for r in warm_json(world)}
    config = tmp_path / "leads.toml"
    config.write_text("[network]\nweak_company_matches = true\n")
    result = runner.invoke(app, ["--db", str(world), "--config", str(config), "contacts", "edit", "Sam Lee",
                                 "--strength", "close"])
    assert result.exit_code == 0, result.exception
    rows = warm_json(world)
    assert {"Meta Financial Group", "Meta Platforms, Inc."} <= {r["company"] for r in rows}
    assert "Square Enix" in {r["company"] for r in rows}  # Square / Square Enix share "square"
    assert "Rampart Security" not in {r["company"] for r in rows}  # Ramp shares no word with Rampart
    result = runner.invoke(app, ["--db", str(world), "--config", str(config), "touch", "Sam Lee"])
    assert result.exit_code == 0, result.exception
    with reader(world) as con:
        warmth = {w for (w,) in con.execute("SELECT warmth FROM lead_contacts WHERE name = 'Sam Lee'").fetchall()}
    assert warmth == {0.5}  # close and touched today, but only a weak company match: half as warm
