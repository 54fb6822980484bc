"""Issue 2's acceptance: the real Greenhouse captures import and list as leads in the design's JSON shape.

Reads ../shared/corpus/api/greenhouse/ when present; skips otherwise (the captures are not ours to copy).
"""
from __future__ import annotations

import json

import pytest

from tests.conftest import CORPUS_API
from tests.test_cli import LEAD_KEYS, leads

GREENHOUSE = CORPUS_API / "greenhouse"
pytestmark = [
    pytest.mark.acceptance,
    pytest.mark.skipif(not GREENHOUSE.exists(), reason="../shared/corpus/api/greenhouse not present"),
]


def test_import_real_greenhouse_captures_then_top_json(capsys):
    for capture in sorted(GREENHOUSE.glob("*.json")):
        code, out, err = leads(capsys, "import", str(capture), "--format", "greenhouse")
        assert code == 0, err
    code, out, _ = leads(capsys, "top", "--format", "json", "--limit", "50")
    assert code == 0
    rows = json.loads(out)
    expected = sum(len(json.loads(p.read_text())["jobs"]) for p in GREENHOUSE.glob("*.json"))
    assert len(rows) == expected
    for row in rows:
        assert set(row) == LEAD_KEYS
        assert row["status"] == "open" and row["sources"][0]["source"] == "greenhouse"
    by_title = {r["title"]: r for r in rows}
    italy = by_title["Account Executive - Italy"]
    assert italy["company"] == "GitLab"
    assert italy["remote"] == "remote"
    assert "Remote, Italy" in italy["locations"]
    assert italy["url"] == "https://job-boards.greenhouse.io/gitlab/jobs/8503792002"
    assert italy["posted_at"].startswith("2026-04-17T09:58:03")
    amplitude = by_title["Customer Data Scientist - Experimentation"]
    assert amplitude["company"] == "Amplitude"  # trailing space in company_name trimmed
    assert "London, UK" in amplitude["locations"]


def test_descriptions_are_clean_text(capsys):
    capture = GREENHOUSE / "breteai_greenhouse_gitlab.json"
    leads(capsys, "import", str(capture), "--format", "greenhouse")
    lead_id = json.loads(leads(capsys, "top", "--format", "json")[1])[0]["lead_id"]
    detail = json.loads(leads(capsys, "explain", lead_id, "--format", "json")[1])
    text = detail["description"]
    assert "GitLab" in text
    assert "&lt;" not in text and "<p>" not in text and "&amp;" not in text
