"""A run's new titles and texts read ahead in a second process (warehouse/scoring_ahead.py): the stored
occupations, skills and scores are those of reading them in scoring, also when the second process fails."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import run_leads
from warehouse import scoring_ahead

TITLES = ["Senior Backend Engineer (Python)", "Registered Nurse - Night Shift", "Sous Chef", "Site Reliability Engineer",
          "Data Analyst", "Store Manager", "Care Assistant", "Frontend Developer React", "QA Engineer", "Line Cook"]
DESCRIPTIONS = [
    "You will build APIs in Python and Django on PostgreSQL. Must have: Kubernetes, Docker. Nice to have: Go.",
    "Requirements: NMC registration, venepuncture, medication administration. We offer free parking.",
    "We need knife skills, menu planning and food hygiene. Experience in a busy kitchen is essential.",
    "Own our Terraform and AWS estate; on-call for Kubernetes; Prometheus and Grafana preferred.",
    None,
]
PROFILE = """[profile]
titles = ["Backend Engineer"]
skills = { Python = "expert", PostgreSQL = "advanced", Docker = "advanced" }
locations = ["Berlin", "Remote"]
"""
STORED = {
    "title_occupations": "SELECT title, occupation FROM title_occupations ORDER BY title",
    "skill_extractions": "SELECT content_key, required, preferred, mentioned, years_asked, seniority, evidence "
                         "FROM skill_extractions ORDER BY content_key",
    "lead_scores": "SELECT lead_id, occupation, skills_matched, skills_missing, details FROM lead_scores ORDER BY lead_id",
    "lead_skills": "SELECT lead_id, skill, importance, has_skill, evidence FROM lead_skills ORDER BY ALL",
}


def _postings(path: Path, n: int = 60) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            out.write(json.dumps({
                "source": "file", "source_id": f"p{i}", "title": f"{TITLES[i % len(TITLES)]} {i // len(TITLES) or ''}".strip(),
                "company": f"Company {i % 7}", "locations": ["Berlin, Germany"], "url": f"https://example.com/jobs/{i}",
                "description": DESCRIPTIONS[i % len(DESCRIPTIONS)], "posted_at": "2026-11-20T10:00:00Z"}) + "\n")
    return path


def _import(capsys, tmp_path: Path, name: str) -> dict[str, list]:
    config = tmp_path / "leads.toml"
    config.write_text(PROFILE, encoding="utf-8")
    db = tmp_path / f"{name}.duckdb"
    code, _, err = run_leads(capsys, "--db", str(db), "--config", str(config), "import",
                             str(_postings(tmp_path / "postings.jsonl")), "--format", "jsonl")
    assert code == 0, err
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {table: con.execute(query).fetchall() for table, query in STORED.items()}
    finally:
        con.close()


@pytest.fixture
def reads(monkeypatch):
    """What each ScoringAhead.done() handed scoring: (titles, texts) counts."""
    seen: list[tuple[int, int]] = []
    original = scoring_ahead.ScoringAhead.done

    def done(self):
        occupations, extractions = original(self)
        seen.append((len(occupations), len(extractions)))
        return occupations, extractions

    monkeypatch.setattr(scoring_ahead.ScoringAhead, "done", done)
    return seen


def test_reading_ahead_stores_what_scoring_would_have_read(capsys, tmp_path, monkeypatch, reads):
    monkeypatch.setattr(scoring_ahead, "AHEAD_MIN_ITEMS", 10**9)  # too few to go ahead: scoring reads all
    alone = _import(capsys, tmp_path, "alone")
    monkeypatch.setattr(scoring_ahead, "AHEAD_MIN_ITEMS", 1)
    ahead = _import(capsys, tmp_path, "ahead")
    assert reads[0] == (0, 0)
    assert reads[1][0] >= 10 and reads[1][1] >= 10  # the second process read the titles and texts
    assert ahead == alone
    assert any(skills for _, _, skills, _, _ in ahead["lead_scores"])  # the comparison covers real content
    assert any(occupation for _, occupation in ahead["title_occupations"])


def test_a_second_process_that_fails_leaves_scoring_to_read_everything(capsys, tmp_path, monkeypatch, reads):
    alone = _import(capsys, tmp_path, "alone")
    monkeypatch.setattr(scoring_ahead, "AHEAD_MIN_ITEMS", 1)
    monkeypatch.setattr(scoring_ahead, "worker_command", lambda: [sys.executable, "-c", "import sys; sys.exit(3)"])
    assert _import(capsys, tmp_path, "failed") == alone
    assert reads[-1] == (0, 0)


def test_stopping_ends_the_second_process(tmp_path, monkeypatch):
    from jobleads.config import parse_config

    con = duckdb.connect(str(tmp_path / "x.duckdb"))
    con.execute("CREATE TABLE postings (title VARCHAR, description VARCHAR, company VARCHAR, last_seen TIMESTAMPTZ)")
    con.execute("CREATE TABLE title_occupations (title VARCHAR, classifier_version VARCHAR)")
    con.execute("CREATE TABLE skill_extractions (content_key VARCHAR, taxonomy_version VARCHAR)")
    now = con.execute("INSERT INTO postings SELECT 'Title ' || range, NULL, 'Acme', now() FROM range(5) RETURNING last_seen"
                      ).fetchone()[0]
    monkeypatch.setattr(scoring_ahead, "AHEAD_MIN_ITEMS", 1)
    monkeypatch.setattr(scoring_ahead, "worker_command", lambda: [sys.executable, "-c", "import time; time.sleep(60)"])
    ahead = scoring_ahead.ScoringAhead(con, parse_config({}), now)
    process = ahead._process
    assert process is not None and process.poll() is None
    started = time.monotonic()
    ahead.stop()
    assert process.poll() is not None and time.monotonic() - started < 10
    assert ahead.done() == ({}, {})


def test_a_warehouse_folder_where_the_user_works_is_not_what_the_second_process_imports(
        capsys, tmp_path, monkeypatch, reads):
    own = tmp_path / "work" / "warehouse"
    own.mkdir(parents=True)
    (own / "__init__.py").write_text("raise SystemExit('the user folder was imported')\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path / "work")
    monkeypatch.setattr(scoring_ahead, "AHEAD_MIN_ITEMS", 1)
    _import(capsys, tmp_path, "ahead")
    assert reads[-1][0] >= 10


def test_a_run_that_is_a_small_part_of_the_database_reads_in_scoring(capsys, tmp_path, monkeypatch, reads):
    monkeypatch.setattr(scoring_ahead, "AHEAD_MIN_ITEMS", 1)
    first = _import(capsys, tmp_path, "ahead")  # a first import: the whole database is new
    assert reads[-1][0] >= 10
    monkeypatch.setattr(scoring_ahead, "AHEAD_MIN_SHARE", 1.01)  # the same run now counts as too small a part
    assert _import(capsys, tmp_path, "small") == first
    assert reads[-1] == (0, 0)
