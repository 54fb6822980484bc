"""Every real capture in ../shared/corpus/api/ parses with its connector; fields checked against values read by eye."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from jobleads.importers import read_postings
from tests.conftest import CORPUS_API

pytestmark = pytest.mark.acceptance

FOLDER_FORMAT = {"hn_algolia": "hn"}  # every other folder is named after its connector
# Boards the captures came from (the README says which), for sources whose payload names no company.
BOARD = {"careerkit_lever_idealistconsulting.json": "idealistconsulting",
         "breteai_ashby_notion.json": "notion", "careerkit_ashby_highlightta.json": "HighlightTA"}


def utc(*parts):
    return datetime(*parts, tzinfo=timezone.utc)


# file -> {source_id: {field: expected}}; values copied by eye from the captures.
EXPECTED = {
    "greenhouse/breteai_greenhouse_gitlab.json": {
        "8503792002": dict(title="Account Executive - Italy", company="GitLab", remote="remote",
                           locations=["Remote, Italy", "Italy"], posted_at=utc(2026, 4, 17, 9, 58, 3),
                           url="https://job-boards.greenhouse.io/gitlab/jobs/8503792002", department="EMEA - Commercial"),
        "8556658002": dict(title="AI Engineer", locations=["Remote, Bangalore", "India"], remote="remote"),
    },
    "greenhouse/careerkit_greenhouse_amplitude.json": {
        "8636903002": dict(title="Customer Data Scientist - Experimentation", company="Amplitude",
                           locations=["London, UK", "London, England, United Kingdom"], remote=None,
                           posted_at=utc(2026, 7, 16, 15, 55, 32)),
    },
    "lever/careerkit_lever_idealistconsulting.json": {
        "a24ec4e5-5caa-473d-abd4-b71f09a8167b": dict(
            title="(1099 Contract) Nonprofit Salesforce Consultant: Enterprise Project Manager",
            company="idealistconsulting", locations=["Chicago, IL"], remote="remote", employment_type="Contract",
            posted_at=utc(2025, 11, 27, 1, 2, 41, 939000),
            apply_url="https://jobs.lever.co/idealistconsulting/a24ec4e5-5caa-473d-abd4-b71f09a8167b/apply"),
        "5d54d69b-e940-452e-b892-1170aa60f095": dict(locations=["Washington, D.C."], department="Services Team"),
    },
    "ashby/careerkit_ashby_highlightta.json": {
        "fc2f1f85-46a0-4a31-b165-683e39c07c04": dict(
            title="Senior Site Reliability Engineer", company="HighlightTA", locations=["Toronto, Ontario"],
            remote="hybrid", salary_min=102800, salary_max=137000, salary_currency="CAD", salary_period="year",
            posted_at=utc(2026, 7, 8, 19, 48, 19, 767000)),
        "90fb3621-899e-4b59-925d-25080ec91e18": dict(title="Senior Technical Recruiter", remote="remote",
                                                     locations=["Canada"], salary_min=None),
    },
    "ashby/breteai_ashby_notion.json": {
        "05e14247-17c4-4e98-9a13-53828a4e2f13": dict(
            title="Business Development Representative, New York", company="notion", remote="hybrid",
            locations=["New York, New York"], department="Early Career"),
    },
    "smartrecruiters/careerkit_smartrecruiters_knight.json": {
        "743999671674844": dict(title="CNA / LPN - Consistent Hours. Start Next Week.", company="Knight Gayles",
                                locations=["St. Louis, MO, United States"], remote="onsite",
                                employment_type="Part-time", posted_at=utc(2018, 6, 8, 2, 11, 28)),
    },
    "recruitee/careerkit_recruitee_sanitized.json": {
        "2700825": dict(title="(Senior) Financial Accountant (f/m/d) - Berlin/Brandenburg Region, Germany",
                        company="Acme", locations=["Berlin, Germany"], remote="hybrid", salary_min=60000,
                        salary_max=75000, salary_currency="EUR", posted_at=utc(2026, 8, 5, 10, 10, 39),
                        department="Finance"),
        "2697184": dict(salary_min=75000, salary_max=90000, salary_currency="EUR"),
    },
    "workable/apply-engine_workable_zego.json": {
        "B76C11B977": dict(title="Analytics Engineer", company="Zego", locations=["London, England, United Kingdom"],
                           remote=None, posted_at=utc(2026, 7, 10), department="Data and Engineering",
                           apply_url="https://apply.workable.com/j/B76C11B977/apply"),
        "450EC5C378": dict(title="Claims Handler - Third Party", locations=["Halifax, England, United Kingdom"]),
    },
    "remotive/breteai_remotive.json": {
        "2091093": dict(title="Face Deduplication Collection", company="TELUS Digital", locations=["USA"],
                        remote="remote", salary_min=None, posted_at=utc(2026, 8, 13, 6, 25, 53)),
        "1680495": dict(company="Coalition Technologies", salary_min=31200, salary_max=52000, salary_currency="USD",
                        locations=["Worldwide"]),
    },
    "remotive/remote-jobs-collector_remotive_envelope.json": {
        "2091048": dict(title="Product Sales Specialist - Pet Health", company="Tribe Wellness",
                        salary_min=55000, salary_max=100000, salary_currency="USD",
                        locations=["USA, CST (UTC-6)"], posted_at=utc(2026, 7, 9, 8, 1, 56)),
        "2086540": dict(salary_min=25000, salary_max=35000),
    },
    "remoteok/breteai_remoteok.json": {
        "1136719": dict(title="Shop Assistant Cammeray", company="Harris Farm Markets", locations=["Cammeray"],
                        remote="remote", salary_min=None, salary_max=None, posted_at=utc(2026, 8, 14, 17, 36, 11)),
        "1136747": dict(title="Store Manager", company="Wolt", locations=["Marsa"]),
    },
    "arbeitnow/breteai_arbeitnow.json": {
        "praktikant-marketing-event-student-in-offenburg-442686": dict(
            title="Praktikant Marketing/Event (m/w/d) - Student: in", company="Georg Kuhn GmbH",
            locations=["Offenburg"], remote=None, posted_at=utc(2026, 8, 15, 15, 30, 24)),
        "remote-senior-account-executive-enterprise-165386": dict(company="veeamsoftware", remote="remote"),
    },
    "himalayas/breteai_himalayas.json": {
        "https://himalayas.app/companies/alignment-health/jobs/inpatient-review-nurse-remote-california-rn-lvn-license-required-pacific-ti-9255085839":
            dict(company="Alignment Health", salary_min=77905, salary_max=116858, salary_currency="USD",
                 locations=["United States"], remote="remote", posted_at=utc(2026, 8, 15, 17, 0, 32)),
    },
    "himalayas/remote-jobs-collector_himalayas_envelope.json": {
        "https://himalayas.app/companies/nvidia/jobs/senior-system-software-engineer-nvsci":
            dict(title="Senior System Software Engineer, NvSci", company="NVIDIA", salary_min=184000,
                 salary_max=356500, locations=["Canada", "United States"]),
        "https://himalayas.app/companies/binance/jobs/product-manager-web3-defi":
            dict(company="Binance", locations=["Hong Kong", "Singapore", "Taiwan"], salary_min=None),
    },
    "hn_algolia/remote-jobs-collector_hn_search_by_date.json": {
        "48843116": dict(company="Wave", title="On-Premises SRE", locations=["Remote (EMEA)"], remote="remote",
                         salary_min=None, salary_max=185500, salary_currency="USD",  # "Salary up to $185,500"
                         posted_at=utc(2026, 7, 9, 9, 17, 40)),
        "48868436": dict(company="ResortPass", title="Senior Software Engineer, Frontend", locations=["New York, NY"],
                         remote="onsite", salary_min=160000, salary_max=180000),
        "48860201": dict(company="Qase", title="Developer Advocate", remote="remote"),
    },
}


def corpus_files() -> list[Path]:
    if not CORPUS_API.is_dir():
        return []
    return sorted(CORPUS_API.glob("*/*.json"))


def parse(path: Path):
    fmt = FOLDER_FORMAT.get(path.parent.name, path.parent.name)
    return read_postings(path, fmt, board=BOARD.get(path.name))


def test_corpus_present_or_skip():
    if not CORPUS_API.is_dir():
        pytest.skip(f"{CORPUS_API} is absent")
    assert set(EXPECTED) <= {f"{p.parent.name}/{p.name}" for p in corpus_files()}


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_capture_parses_cleanly(path):
    result = parse(path)
    assert result.postings, "no postings"
    assert not result.quarantined, [q.reason for q in result.quarantined]
    for posting in result.postings:
        assert posting.title and posting.company
        assert posting.posted_at is None or posting.posted_at.utcoffset().total_seconds() == 0
        assert posting.url is None or "utm_" not in posting.url
        assert posting.description is None or "<p" not in posting.description
        if posting.salary_min is not None:
            assert posting.salary_currency and posting.salary_min >= 1000


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_capture_fields_match_what_the_file_says(name):
    path = CORPUS_API / name
    if not path.exists():
        pytest.skip(f"{path} is absent")
    postings = {p.source_id: p for p in parse(path).postings}
    for source_id, fields in EXPECTED[name].items():
        assert source_id in postings, f"{source_id} missing from {name}"
        got = {field: getattr(postings[source_id], field) for field in fields}
        assert got == fields, source_id


def test_hn_capture_drops_replies_to_comments():
    path = CORPUS_API / "hn_algolia" / "remote-jobs-collector_hn_search_by_date.json"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    result = parse(path)
    assert "48859053" not in {p.source_id for p in result.postings}  # "@janpieterz do you support ..." reply
    assert len(result.raw) == len(result.postings)


def test_remoteok_capture_skips_its_legal_notice():
    path = CORPUS_API / "remoteok" / "breteai_remoteok.json"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    result = parse(path)
    assert len(result.postings) == 3 and all(p.credit and "remoteOK.com" in p.credit for p in result.postings)
