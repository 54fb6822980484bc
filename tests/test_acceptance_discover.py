"""`leads discover` on the real recorded board responses in ../shared/corpus/api (skipped when absent).

The captures are served where each provider's API would answer, every other candidate gets a 404; the
network is people at the companies those boards belong to. Real payloads decide: Greenhouse's
`company_name` (with its trailing space), Workable's account name, the texts of Lever and Ashby postings.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone

import httpx
import pytest

from connectors.models import Contact
from flows.discovery import discover
from jobleads.config import parse_config
from tests.conftest import CORPUS_API
from warehouse.companies import resolve_companies
from warehouse.db import connect
from warehouse.network import upsert_contacts

pytestmark = pytest.mark.skipif(not CORPUS_API.is_dir(), reason="../shared/corpus/api is not here")

BOARDS = {  # (host, path) -> capture
    ("boards-api.greenhouse.io", "/v1/boards/gitlab/jobs"): "greenhouse/breteai_greenhouse_gitlab.json",
    ("boards-api.greenhouse.io", "/v1/boards/amplitude/jobs"): "greenhouse/careerkit_greenhouse_amplitude.json",
    ("api.lever.co", "/v0/postings/idealistconsulting"): "lever/careerkit_lever_idealistconsulting.json",
    ("api.ashbyhq.com", "/posting-api/job-board/notion"): "ashby/breteai_ashby_notion.json",
    ("api.ashbyhq.com", "/posting-api/job-board/highlightta"): "ashby/careerkit_ashby_highlightta.json",
    ("apply.workable.com", "/api/v1/widget/accounts/zego"): "workable/apply-engine_workable_zego.json",
    ("api.smartrecruiters.com", "/v1/companies/knight/postings"): "smartrecruiters/careerkit_smartrecruiters_knight.json",
}
PEOPLE = {"GitLab Inc.": "Ana", "Amplitude": "Ben", "Idealist Consulting": "Cleo", "Notion Labs": "Dev",
          "HighlightTA": "Eve", "Zego": "Finn", "Knight": "Gus"}


def _answer(request: httpx.Request) -> httpx.Response:
    capture = BOARDS.get((request.url.host, request.url.path.lower().rstrip("/")))
    if capture is None:
        return httpx.Response(404, json={"error": "no board"})
    return httpx.Response(200, json=json.loads((CORPUS_API / capture).read_text(encoding="utf-8")))


def test_discover_confirms_the_real_boards_of_the_networks_companies(tmp_path):
    db = tmp_path / "leads.duckdb"
    con = connect(db)
    upsert_contacts(con, [Contact(name=f"{first} Doe", company=company) for company, first in PEOPLE.items()], "test",
                    datetime.now(timezone.utc))
    resolve_companies(con, full=True)
    con.close()
    config = parse_config({"profile": {"titles": ["Backend Engineer"]}, "http": {"attempts": 1}})
    report = discover(db, config, transport=httpx.MockTransport(_answer), replay_dir=None)
    found = {(r["provider"], r["token"]): r for r in report.boards}
    confirmed = {key for key, row in found.items() if row["confirmed"]}
    assert confirmed == {("greenhouse", "gitlab"), ("greenhouse", "amplitude"), ("lever", "idealistconsulting"),
                         ("ashby", "notion"), ("ashby", "highlightta"), ("workable", "zego")}
    # SmartRecruiters' "Knight" board belongs to "Knight Gayles": shown, not taken for the contact's Knight
    assert not found[("smartrecruiters", "knight")]["confirmed"]
    assert "Knight Gayles" in found[("smartrecruiters", "knight")]["evidence"]
    assert found[("greenhouse", "gitlab")]["board_name"] == "GitLab"
    assert report.failures == []
