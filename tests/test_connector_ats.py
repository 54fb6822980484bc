"""ATS board connectors (Greenhouse, Lever, Ashby, Workable, SmartRecruiters, Recruitee): paging and mapping quirks."""
from __future__ import annotations

from datetime import datetime, timezone

import httpx
import pytest

from connectors import make_source
from connectors.base import SourceSpec
from connectors.http import ClientSettings, HttpClient
from jobleads.importers import read_postings
from tests.conftest import FIXTURES, load_fixture


def router(routes):
    """(host+path, {param: value}) -> body; the most specific matching route wins; the rest are 404."""
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        key = request.url.host + request.url.path
        best = None
        for (path, params), body in routes.items():
            wanted = dict(params)
            if path == key and all(request.url.params.get(k) == str(v) for k, v in wanted.items()):
                if best is None or len(wanted) > best[0]:
                    best = (len(wanted), body)
        if best is None:
            return httpx.Response(404, json={"error": "unknown"})
        return httpx.Response(200, json=best[1])

    handler.calls = calls
    return handler


def fetch(spec: SourceSpec, routes):
    handler = router(routes)
    client = HttpClient(ClientSettings(attempts=1), transport=httpx.MockTransport(handler), sleep=lambda s: None)
    return make_source(spec).fetch(client), handler.calls


def by_id(result):
    return {p.source_id: p for p in result.postings}


def test_greenhouse_remote_from_location_pay_range_and_tracking(tmp_path):
    board = {"jobs": [
        {"id": 1, "title": "Platform Engineer", "company_name": "Acme Corp  ", "location": {"name": "Remote, Italy"},
         "offices": [{"name": "Italy", "location": None}], "departments": [{"name": "Infra"}],
         "content": "&lt;p&gt;Run &amp;amp; grow our &lt;b&gt;platform&lt;/b&gt;.&lt;/p&gt;",
         "first_published": "2026-10-01T09:00:00-04:00", "updated_at": "2026-10-02T09:00:00-04:00",
         "absolute_url": "https://acme.example/careers?gh_jid=1&utm_source=linkedin&gh_src=abc",
         "pay_input_ranges": [{"min_cents": 9000000, "max_cents": 11000000, "currency_type": "EUR", "title": "Italy"},
                              {"min_cents": 8500000, "max_cents": 10000000, "currency_type": "EUR", "title": "Spain"}]},
        {"id": 2, "title": "Office Manager", "company_name": "Acme Corp", "location": {"name": "Milan, Italy"},
         "offices": [], "content": None, "updated_at": "2026-10-03T00:00:00Z", "absolute_url": None},
    ]}
    result, _ = fetch(SourceSpec("greenhouse", board="acme"),
                      {("boards-api.greenhouse.io/v1/boards/acme/jobs", ()): board})
    jobs = by_id(result)
    assert result.complete
    one = jobs["1"]
    assert one.company == "Acme Corp" and one.remote == "remote"
    assert one.locations == ["Remote, Italy", "Italy"]
    assert one.description == "Run & grow our platform."
    assert one.url == "https://acme.example/careers?gh_jid=1"
    assert (one.salary_min, one.salary_max, one.salary_currency) == (85000, 110000, "EUR")
    assert one.posted_at == datetime(2026, 10, 1, 13, 0, tzinfo=timezone.utc)
    assert jobs["2"].remote is None and jobs["2"].posted_at.day == 3


def test_greenhouse_eu_host():
    result, calls = fetch(SourceSpec("greenhouse", board="acme", options={"region": "eu"}),
                          {("boards-api.eu.greenhouse.io/v1/boards/acme/jobs", ()): {"jobs": []}})
    assert result.status == "ok" and calls[0].url.host == "boards-api.eu.greenhouse.io"


def test_lever_pages_with_skip_and_maps_salary_and_workplace():
    page = load_fixture("lever", "acme.json")
    full_page = [dict(page[0], id=f"id-{i}") for i in range(100)]
    routes = {
        ("api.eu.lever.co/v0/postings/acme", (("skip", 0),)): full_page,
        ("api.eu.lever.co/v0/postings/acme", (("skip", 100),)): page,
    }
    result, calls = fetch(SourceSpec("lever", board="acme", company="Acme", options={"region": "eu"}), routes)
    assert [c.url.params["skip"] for c in calls] == ["0", "100"]
    assert result.complete and len(result.postings) == 102
    assert len(result.quarantined) == 1 and "KeyError" in result.quarantined[0].reason
    jobs = by_id(result)
    senior = jobs["11111111-aaaa-4bbb-8ccc-000000000001"]
    assert senior.company == "Acme" and senior.remote == "hybrid"
    assert senior.locations == ["Berlin, Germany", "Hamburg, Germany"]
    assert (senior.salary_min, senior.salary_max, senior.salary_currency, senior.salary_period) == (70000, 90000, "EUR", "year")
    assert senior.url == "https://jobs.lever.co/acme/11111111-aaaa-4bbb-8ccc-000000000001"
    assert senior.apply_url.endswith("/apply")
    assert "What you bring" in senior.description and "PostgreSQL" in senior.description
    assert senior.posted_at == datetime(2025, 11, 4, 10, 0, tzinfo=timezone.utc)
    hourly = jobs["11111111-aaaa-4bbb-8ccc-000000000002"]
    assert (hourly.salary_min, hourly.salary_max, hourly.salary_period) == (52000, 62400, "hour")
    assert hourly.remote == "remote"  # "unspecified" type: the location says Remote


def test_lever_import_uses_company_option_or_board():
    result = read_postings(FIXTURES / "lever" / "acme.json", "lever", company="Acme Inc")
    assert {p.company for p in result.postings} == {"Acme Inc"}
    result = read_postings(FIXTURES / "lever" / "acme.json", "lever")
    assert {p.company for p in result.postings} == {"acme"}  # the file stem stands in for the site


def test_ashby_prefers_workplace_type_drops_unlisted_and_reads_salary_component():
    result, _ = fetch(SourceSpec("ashby", board="acme", company="Acme"),
                      {("api.ashbyhq.com/posting-api/job-board/acme", (("includeCompensation", "true"),)):
                       load_fixture("ashby", "acme.json")})
    jobs = by_id(result)
    assert set(jobs) == {"ash-1", "ash-2"}  # isListed: false is dropped
    staff = jobs["ash-1"]
    assert staff.remote == "hybrid"  # isRemote is true, the workplace type says hybrid
    assert staff.title == "Staff Data Engineer"
    assert staff.locations == ["Toronto, Ontario", "Vancouver, BC"]
    assert (staff.salary_min, staff.salary_max, staff.salary_currency) == (150000, 180000, "CAD")
    assert staff.description == "Own our pipelines."
    assert staff.apply_url == "https://jobs.ashbyhq.com/acme/ash-1/application"
    assert staff.posted_at == datetime(2026, 10, 1, 10, 30, tzinfo=timezone.utc)
    designer = jobs["ash-2"]
    assert designer.remote == "remote" and (designer.salary_min, designer.salary_period) == (60000, "month")


def test_workable_company_from_account_and_all_locations():
    result, _ = fetch(SourceSpec("workable", board="acme"),
                      {("apply.workable.com/api/v1/widget/accounts/acme", (("details", "true"),)):
                       load_fixture("workable", "acme.json")})
    jobs = by_id(result)
    backend = jobs["AB12CD34EF"]
    assert backend.company == "Acme Insurance"
    assert backend.locations == ["London, England, United Kingdom", "Lisbon, Portugal"]
    assert backend.remote is None and backend.description == "About the role\n\nAPIs & data."
    assert backend.posted_at == datetime(2026, 9, 30, tzinfo=timezone.utc)
    claims = jobs["ZZ99"]
    assert claims.remote == "remote" and claims.locations == ["United Kingdom"]


def test_smartrecruiters_pages_by_offset_and_fetches_details():
    base = "api.smartrecruiters.com/v1/companies/acmeco/postings"
    routes = {
        (base, (("offset", 0),)): load_fixture("smartrecruiters", "page1.json"),
        (base, (("offset", 2),)): load_fixture("smartrecruiters", "page2.json"),
        (base + "/7000", ()): load_fixture("smartrecruiters", "detail_7000.json"),
    }
    spec = SourceSpec("smartrecruiters", board="acmeco")
    result, calls = fetch(spec, routes)
    assert result.status == "ok" and result.complete and result.pages == 2
    jobs = by_id(result)
    assert set(jobs) == {"7000", "7001", "7002"}
    data = jobs["7000"]
    assert data.company == "Acme Co" and data.remote == "remote"
    assert data.description.startswith("Acme makes anvils.") and "SQL" in data.description
    assert data.url == "https://jobs.smartrecruiters.com/AcmeCo/7000-data-engineer"
    assert data.apply_url == "https://jobs.smartrecruiters.com/AcmeCo/7000-data-engineer?oga=true"
    # A detail call that fails (404 here) still leaves a posting, without description.
    assert jobs["7001"].description is None and jobs["7001"].remote == "hybrid"
    assert jobs["7002"].remote == "onsite" and jobs["7002"].url == "https://jobs.smartrecruiters.com/AcmeCo/7002"


def test_recruitee_string_salaries_and_flags():
    result, _ = fetch(SourceSpec("recruitee", board="acme"),
                      {("acme.recruitee.com/api/offers/", ()): load_fixture("recruitee", "acme.json")})
    jobs = by_id(result)
    dev = jobs["501"]
    assert dev.company == "Acme GmbH" and dev.remote == "hybrid" and dev.locations == ["Berlin, Germany"]
    assert (dev.salary_min, dev.salary_max, dev.salary_currency, dev.salary_period) == (54000, 66000, "EUR", "month")
    assert dev.description == "Build services.\n\n* Python"
    assert dev.posted_at == datetime(2026, 10, 5, 9, 15, tzinfo=timezone.utc)
    ops = jobs["502"]
    assert ops.remote == "onsite" and ops.salary_min is None and ops.locations == ["Munich, Germany"]


@pytest.mark.parametrize("fmt, fixture, count", [
    ("ashby", ("ashby", "acme.json"), 2), ("workable", ("workable", "acme.json"), 2),
    ("smartrecruiters", ("smartrecruiters", "page1.json"), 2), ("recruitee", ("recruitee", "acme.json"), 2),
])
def test_saved_board_files_import_through_the_same_parser(fmt, fixture, count):
    result = read_postings(FIXTURES.joinpath(*fixture), fmt, company="Acme")
    assert len(result.postings) == count and not result.complete
