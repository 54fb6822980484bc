"""Market insight (issue 6): `leads skills gap [--resume]`, `leads pay`, `leads profile from-resume`,
and the demo's extra section."""
from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest

from jobleads.config import parse_config
from tests.test_scoring import NOW, add_lead
from warehouse import gaps as gap_queries, scoring
from warehouse.db import connect
from tests.conftest import run_leads

CONFIG = """
[profile]
titles = ["Backend Engineer"]
skills = { Python = "expert", Postgres = "advanced", Docker = "advanced" }
salary_currency = "EUR"
current_pay = 70000
"""


leads = run_leads


@pytest.fixture
def market(tmp_path):
    """Open leads: Kafka asked by three good backend leads, Rust by one, pay quoted in EUR and USD."""
    config_path = tmp_path / "leads.toml"
    config_path.write_text(CONFIG, encoding="utf-8")
    db = tmp_path / "leads.duckdb"
    con = connect(db)
    add_lead(con, "k1", "Backend Engineer", "Requirements:\n- Python, PostgreSQL, Kafka", salary=(60000, 80000, "EUR"))
    add_lead(con, "k2", "Senior Backend Engineer", "Requirements:\n- Python and Kafka", salary=(80000, 100000, "EUR"))
    add_lead(con, "k3", "Backend Engineer (Payments)", "Requirements:\n- Docker, Kafka\nNice to have: Rust",
             salary=(90000, 90000, "EUR"))
    add_lead(con, "plain", "Backend Engineer", "Requirements:\n- Python, Docker, PostgreSQL", salary=(None, 120000, "USD"))
    add_lead(con, "sales", "Account Executive", "Requirements:\n- Salesforce, negotiation", salary=(50000, 50000, "EUR"))
    add_lead(con, "gone", "Backend Engineer", "Requirements: Scala", status="closed", salary=(1, 1, "EUR"))
    scoring.score_leads(con, parse_config({"profile": {"titles": ["Backend Engineer"], "skills": {
        "Python": "expert", "Postgres": "advanced", "Docker": "advanced"}}}), NOW)
    con.close()
    return db, config_path


def test_skill_gaps_rank_missing_skills_with_share_moving_up(capsys, market):
    db, config = market
    code, out, err = leads(capsys, "--db", str(db), "--config", str(config), "skills", "gap", "--format", "json")
    assert code == 0, err
    rows = json.loads(out)
    assert [r["skill"] for r in rows][:2] == ["Kafka", "Salesforce"] or rows[0]["skill"] == "Kafka"
    kafka = rows[0]
    assert kafka["kind"] == "gap" and kafka["leads_asking"] == 3 and kafka["required_by"] == 3
    assert 0 <= kafka["share_moving_up"] <= 1 and kafka["avg_score_gain"] > 0
    skills = {r["skill"] for r in rows}
    assert "Scala" not in skills  # closed leads ask for nothing
    assert not skills & {"Python", "PostgreSQL", "Docker"}  # the profile has them


def test_learning_a_skill_moves_leads_up_only_when_it_changes_their_rank(tmp_path):
    con = connect(tmp_path / "x.duckdb")
    add_lead(con, "top", "Backend Engineer", "Requirements: Python, Go")
    add_lead(con, "second", "Backend Engineer", "Requirements: Python, Kafka", posted_at=NOW - timedelta(days=7))
    add_lead(con, "third", "Backend Engineer", "Requirements: Python, Kafka, Scala, Rust", posted_at=NOW - timedelta(days=30))
    cfg = parse_config({"profile": {"titles": ["Backend Engineer"], "skills": {"Python": "expert"}}})
    scoring.score_leads(con, cfg, NOW)
    gaps = {g["skill"]: g for g in gap_queries.skill_gaps(con, cfg, best=3)}
    assert gaps["Kafka"]["share_moving_up"] == 0.5  # "second" would pass "top"; "third" would not
    assert gaps["Go"]["share_moving_up"] == 0.0     # "top" is already first
    assert gaps["Kafka"]["leads_asking"] == 2 and gaps["Scala"]["share_moving_up"] == 0.0  # "third" stays last
    assert list(gaps)[0] == "Kafka"  # most asked first
    con.close()


def test_a_gain_is_measured_with_the_profile_in_use_even_when_the_scores_came_from_another(tmp_path):
    """`leads --db data/demo.duckdb skills gap` run outside the demo's folder reads scores made with the demo's
    profile through the default one: every gain had come out negative."""
    con = connect(tmp_path / "x.duckdb")
    add_lead(con, "a", "Backend Engineer", "Requirements: Python, Go, PostgreSQL")
    add_lead(con, "b", "Backend Engineer", "Requirements: Python, Kafka", posted_at=NOW - timedelta(days=7))
    scoring.score_leads(con, parse_config({"profile": {"titles": ["Backend Engineer"], "skills": {
        "Python": "expert", "PostgreSQL": "expert"}}}), NOW)
    other = parse_config({"profile": {"titles": ["Backend Engineer"], "skills": {"Docker": "beginner"}}})
    gaps = gap_queries.skill_gaps(con, other, best=2)
    assert gaps and all(g["avg_score_gain"] > 0 for g in gaps), gaps
    con.close()


def test_resume_keywords_list_profile_skills_the_resume_never_names(capsys, market, tmp_path):
    db, config = market
    resume = tmp_path / "cv.txt"
    resume.write_text("Python engineer. Built APIs with Docker.", encoding="utf-8")
    code, out, err = leads(capsys, "--db", str(db), "--config", str(config), "skills", "gap", "--resume", str(resume),
                           "-f", "json")
    assert code == 0, err
    keywords = [r for r in json.loads(out) if r["kind"] == "resume_keyword"]
    assert [k["skill"] for k in keywords] == ["PostgreSQL"]
    assert keywords[0]["leads_asking"] == 2
    code, out, _ = leads(capsys, "--db", str(db), "--config", str(config), "skills", "gap", "--resume", str(resume))
    assert code == 0 and "Keywords to add to cv.txt" in out and "PostgreSQL" in out


def test_skill_gap_with_unreadable_resume_is_a_usage_error(capsys, market, tmp_path):
    db, config = market
    code, _, err = leads(capsys, "--db", str(db), "--config", str(config), "skills", "gap", "--resume",
                         str(tmp_path / "missing.pdf"))
    assert code == 2 and err.startswith("leads: ") and "missing.pdf: no such file" in err


def test_pay_benchmark_by_currency_with_current_pay_percentile(capsys, market):
    db, config = market
    code, out, err = leads(capsys, "--db", str(db), "--config", str(config), "pay", "--format", "json")
    assert code == 0, err
    rows = {r["currency"]: r for r in json.loads(out)}
    eur = rows["EUR"]  # midpoints 70k, 90k, 90k; the Account Executive and the closed lead do not count
    assert eur["leads"] == 3 and eur["median"] == 90000 and eur["p25"] == 80000 and eur["p75"] == 90000
    assert eur["current_pay_percentile"] == pytest.approx(100 * 0 / 3 + 100 * 0.5 / 3, abs=0.1)
    assert rows["USD"]["leads"] == 1 and rows["USD"]["current_pay_percentile"] is None
    code, out, _ = leads(capsys, "--db", str(db), "--config", str(config), "pay", "--title", "Account Executive",
                         "-f", "csv")
    parsed = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and [(r["currency"], r["leads"], r["median"]) for r in parsed] == [("EUR", "1", "50000.0")]
    code, out, _ = leads(capsys, "--db", str(db), "--config", str(config), "pay")
    assert code == 0 and "your current pay EUR 70,000" in out


def test_pay_view_matches_the_mart(market):
    db, _ = market
    con = connect(db, read_only=True)
    assert con.execute("SELECT currency, leads, median FROM pay_benchmark WHERE currency = 'EUR'").fetchone() == (
        "EUR", 4, 80000.0)  # midpoints 50k, 70k, 90k, 90k: the mart does not filter titles
    con.close()


def test_profile_from_resume_proposes_skills(capsys, tmp_path):
    resume = tmp_path / "cv.txt"
    resume.write_text("Kubernetes, k8s operators, Python and Postgres", encoding="utf-8")
    config = tmp_path / "leads.toml"
    config.write_text(CONFIG, encoding="utf-8")
    code, out, err = leads(capsys, "--config", str(config), "profile", "from-resume", str(resume), "-f", "json")
    assert code == 0, err
    rows = json.loads(out)
    assert rows[0] == {"skill": "Kubernetes", "category": "software", "mentions": 2, "level": "intermediate",
                       "in_profile": False}
    assert {r["skill"]: r["level"] for r in rows}["Python"] == "expert"
    code, out, _ = leads(capsys, "--config", str(config), "profile", "from-resume", str(resume))
    assert code == 0 and 'skills = { "Kubernetes" = "intermediate"' in out and "[profile]" in out


def test_demo_extra_prints_score_parts_and_gaps(capsys, market):
    from jobleads.cli.insight import demo_insight  # `leads demo` calls it after the top leads (no registry)
    from jobleads.cli.state import configure

    db, config = market
    configure(str(db), str(config))
    demo_insight(Path(db))
    out = capsys.readouterr().out
    assert "Score parts of the top leads" in out and "Skill gaps" in out and "Kafka" in out
