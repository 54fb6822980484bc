"""Aggregators and keyed APIs: Remotive, RemoteOK, Arbeitnow, Himalayas, The Muse, HN, USAJobs, Adzuna; JobSpy CSV."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from connectors import make_source
from connectors.base import ExtractResult, SourceSpec
from connectors.hn import parse_first_line
from connectors.http import BadPayload
from jobleads.importers import read_postings
from tests.conftest import FIXTURES, load_fixture
from tests.test_connector_ats import by_id, fetch


def test_remotive_one_polite_call_with_filters_credit_and_free_text_salary():
    result, calls = fetch(SourceSpec("remotive", options={"search": "python", "category": "software-dev"}),
                          {("remotive.com/api/remote-jobs", ()): load_fixture("remotive", "jobs.json")})
    assert len(calls) == 1 and calls[0].url.params["search"] == "python"
    assert result.complete
    job = by_id(result)["900001"]
    assert job.company == "Northwind Cloud" and job.remote == "remote" and job.locations == ["Europe"]
    assert (job.salary_min, job.salary_max, job.salary_currency) == (80000, 105000, "EUR")
    assert job.posted_at == datetime(2026, 11, 10, 14, 0, tzinfo=timezone.utc)
    assert "Remotive" in job.credit and job.url in job.credit
    assert by_id(result)["900002"].salary_min is None


def test_remotive_declares_a_slow_polite_rate():
    from connectors.remotive import Remotive

    assert Remotive.policy.concurrency == 1 and Remotive.policy.min_interval >= 30 and Remotive.max_pages == 1


def test_remoteok_skips_legal_notice_and_zero_salaries():
    result, _ = fetch(SourceSpec("remoteok"), {("remoteok.com/api", ()): load_fixture("remoteok", "api.json")})
    jobs = by_id(result)
    assert set(jobs) == {"200001", "200002"} and not result.quarantined
    devops = jobs["200001"]
    assert devops.salary_min is None and devops.salary_max is None  # 0 means unknown
    assert devops.locations == ["Lisbon"] and devops.remote == "remote"
    assert devops.apply_url == "https://remoteOK.com/remote-jobs/remote-devops-engineer-acme-200001"
    assert devops.credit and "Remote OK" in devops.credit
    assert (jobs["200002"].salary_min, jobs["200002"].salary_max) == (90000, 120000)


def test_arbeitnow_follows_links_next_to_the_end():
    routes = {
        ("www.arbeitnow.com/api/job-board-api", (("page", 1),)): load_fixture("arbeitnow", "page1.json"),
        ("www.arbeitnow.com/api/job-board-api", (("page", 2),)): load_fixture("arbeitnow", "page2.json"),
    }
    result, calls = fetch(SourceSpec("arbeitnow"), routes)
    assert [c.url.params["page"] for c in calls] == ["1", "2"]
    assert result.complete and result.pages == 2
    jobs = by_id(result)
    assert jobs["remote-dev-2"].remote == "remote"
    assert jobs["python-dev-1"].remote is None
    assert jobs["hybrid-dev-3"].remote == "hybrid"  # said so in the title
    assert jobs["python-dev-1"].posted_at == datetime(2025, 11, 4, 10, 0, tzinfo=timezone.utc)


def test_himalayas_cursor_paging_placeholder_company_and_salary():
    routes = {
        ("himalayas.app/jobs/api", ()): load_fixture("himalayas", "page1.json"),
        ("himalayas.app/jobs/api", (("cursor", "c2"),)): load_fixture("himalayas", "page2.json"),
    }
    result, calls = fetch(SourceSpec("himalayas"), routes)
    assert len(calls) == 2 and calls[1].url.params["cursor"] == "c2"
    assert result.complete and len(result.postings) == 3
    first, second = result.postings[0], result.postings[1]
    assert (first.salary_min, first.salary_max, first.salary_currency) == (90000, 110000, "EUR")
    assert first.locations == ["Germany", "Poland"] and first.remote == "remote"
    assert second.company == "Globex Corp"  # companyName "name" is a placeholder
    assert first.credit and "Himalayas" in first.credit


def test_himalayas_page_cap_marks_incomplete():
    routes = {("himalayas.app/jobs/api", ()): load_fixture("himalayas", "page1.json")}
    result, calls = fetch(SourceSpec("himalayas", options={"max_pages": 1}), routes)
    assert len(calls) == 1 and not result.complete


def test_themuse_pages_and_remote_location():
    routes = {
        ("www.themuse.com/api/public/jobs", (("page", 0),)): load_fixture("themuse", "page0.json"),
        ("www.themuse.com/api/public/jobs", (("page", 1),)): load_fixture("themuse", "page1.json"),
    }
    result, calls = fetch(SourceSpec("themuse", options={"category": "Data and Analytics"}), routes)
    assert [c.url.params["page"] for c in calls] == ["0", "1"]
    assert calls[0].url.params["category"] == "Data and Analytics"
    assert result.complete
    jobs = by_id(result)
    assert jobs["8000"].company == "Initech" and jobs["8000"].remote is None
    assert jobs["8001"].remote == "remote"
    assert jobs["8000"].url == "https://www.themuse.com/jobs/initech/analyst-0"


def test_hn_finds_latest_hiring_thread_and_keeps_top_level_postings():
    routes = {
        ("hn.algolia.com/api/v1/search_by_date", (("tags", "story,author_whoishiring"),)): load_fixture("hn", "threads.json"),
        ("hn.algolia.com/api/v1/search_by_date", (("tags", "comment,story_45000000"),)): load_fixture("hn", "comments.json"),
    }
    result, calls = fetch(SourceSpec("hn"), routes)
    assert result.status == "ok" and result.complete
    jobs = by_id(result)
    assert set(jobs) == {"45000101", "45000102"}  # the reply and the deleted comment are not postings
    northwind = jobs["45000101"]
    assert (northwind.company, northwind.title) == ("Northwind Cloud", "Senior Backend Engineer (Python)")
    assert northwind.locations == ["Berlin, Germany", "REMOTE (EU)"] and northwind.remote == "remote"
    assert (northwind.salary_min, northwind.salary_max, northwind.salary_currency) == (80000, 105000, "EUR")
    assert northwind.url == "https://news.ycombinator.com/item?id=45000101"
    globex = jobs["45000102"]
    assert globex.title == "Staff Site Reliability Engineer" and globex.remote == "onsite"
    assert globex.locations == ["New York, NY"] and globex.employment_type == "Full-time"
    assert (globex.salary_min, globex.salary_max) == (180000, 220000)


def test_hn_without_thread_is_a_config_error():
    routes = {("hn.algolia.com/api/v1/search_by_date", (("tags", "story,author_whoishiring"),)): {"hits": []}}
    result, _ = fetch(SourceSpec("hn"), routes)
    assert result.status == "failed" and result.error_kind == "SourceConfigError"


@pytest.mark.parametrize("line, expected", [
    ("Acme | Backend Engineer | Remote | $120k-$150k",
     {"company": "Acme", "title": "Backend Engineer", "remote": "remote", "locations": [], "salary": (120000, 150000)}),
    ("Initech | London, UK | ONSITE | Data Scientist",
     {"company": "Initech", "title": "Data Scientist", "remote": "onsite", "locations": ["London, UK"], "salary": (None, None)}),
    ("Globex (YC W21) | Founding Engineer | Hybrid (SF) | Full-time | $45/hr",
     {"company": "Globex (YC W21)", "title": "Founding Engineer", "remote": "hybrid", "locations": ["Hybrid (SF)"],
      "salary": (93600, 93600)}),
])
def test_hn_first_line_parts_in_any_order(line, expected):
    header = parse_first_line(line + "<p>More text.")
    got = {k: header[k] for k in ("company", "title", "remote", "locations")}
    got["salary"] = (header["salary"].minimum, header["salary"].maximum)
    assert got == expected


def test_usajobs_with_keys_sends_them_as_headers(monkeypatch):
    monkeypatch.setenv("USAJOBS_API_KEY", "secret-key")
    monkeypatch.setenv("USAJOBS_EMAIL", "me@example.org")
    result, calls = fetch(SourceSpec("usajobs", options={"keyword": "data"}),
                          {("data.usajobs.gov/api/Search", ()): load_fixture("usajobs", "search.json")})
    assert calls[0].headers["Authorization-Key"] == "secret-key"
    assert calls[0].headers["User-Agent"] == "me@example.org"
    assert "secret-key" not in str(calls[0].url)
    assert result.complete
    job = result.postings[0]
    assert job.title == "IT Specialist (DATAMGT)" and job.company == "U.S. Census Bureau"
    assert job.locations == ["Washington, District of Columbia", "Denver, Colorado"]
    assert (job.salary_min, job.salary_max, job.salary_currency) == (117962, 153354, "USD")


def test_adzuna_skipped_without_keys_and_never_leaks_them(monkeypatch):
    monkeypatch.delenv("ADZUNA_APP_ID", raising=False)
    monkeypatch.delenv("ADZUNA_APP_KEY", raising=False)
    result, calls = fetch(SourceSpec("adzuna"), {})
    assert result.status == "skipped" and calls == [] and "ADZUNA_APP_ID" in result.error

    monkeypatch.setenv("ADZUNA_APP_ID", "id-123")
    monkeypatch.setenv("ADZUNA_APP_KEY", "key-456")
    result, calls = fetch(SourceSpec("adzuna", options={"country": "gb", "what": "python"}),
                          {("api.adzuna.com/v1/api/jobs/gb/search/1", ()): load_fixture("adzuna", "page1.json")})
    assert calls[0].url.params["what"] == "python" and result.complete
    jobs = by_id(result)
    dev = jobs["4900000001"]
    assert dev.title == "Python Developer" and dev.company == "Initech Ltd"
    assert (dev.salary_min, dev.salary_max, dev.salary_currency) == (60000, 70000, "GBP")
    assert dev.url == "https://www.adzuna.co.uk/jobs/land/ad/4900000001?se=abc&v=1"
    assert jobs["4900000002"].salary_min is None  # a predicted salary is not the employer's

    failing, _ = fetch(SourceSpec("adzuna", options={"country": "gb"}), {})
    assert failing.status == "failed" and "key-456" not in failing.error and "id-123" not in failing.error


def test_jobspy_csv_rows_sites_salary_and_direct_apply_url():
    result = read_postings(FIXTURES / "jobspy" / "jobs.csv", "jobspy")
    jobs = by_id(result)
    assert set(jobs) == {"li-4012345678", "in-abc123def", "in-remote1"}
    assert len(result.quarantined) == 1 and "line 7" in result.quarantined[0].reason  # after a 3-line description
    backend = jobs["li-4012345678"]
    assert backend.source == "jobspy" and backend.source_key == "linkedin"
    assert backend.apply_url == "https://boards.greenhouse.io/northwindcloud/jobs/7100001"
    assert (backend.salary_min, backend.salary_max, backend.salary_currency) == (80000, 105000, "EUR")
    assert "**APIs**" in backend.description and backend.posted_at == datetime(2026, 11, 10, tzinfo=timezone.utc)
    warehouse = jobs["in-abc123def"]
    assert (warehouse.salary_min, warehouse.salary_max, warehouse.salary_period) == (38480, 45760, "hour")
    assert jobs["in-remote1"].remote == "remote" and jobs["in-remote1"].posted_at is None


def test_jobspy_rejects_a_csv_of_another_shape(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("name,email\nA,a@example.org\n", encoding="utf-8")
    with pytest.raises(BadPayload, match="other.csv: line 1: not a JobSpy CSV"):
        read_postings(path, "jobspy")


@pytest.mark.parametrize("fmt, parts, count", [
    ("remotive", ("remotive", "jobs.json"), 2), ("remoteok", ("remoteok", "api.json"), 2),
    ("arbeitnow", ("arbeitnow", "page1.json"), 2), ("himalayas", ("himalayas", "page1.json"), 2),
    ("themuse", ("themuse", "page0.json"), 1), ("hn", ("hn", "comments.json"), 2),
    ("usajobs", ("usajobs", "search.json"), 1), ("adzuna", ("adzuna", "page1.json"), 2),
])
def test_every_aggregator_format_imports_from_a_saved_file(fmt, parts, count):
    result = read_postings(FIXTURES.joinpath(*parts), fmt)
    assert len(result.postings) == count and not result.quarantined


def test_hn_items_endpoint_shape_keeps_direct_children_only():
    story = {"id": 45000000, "title": "Ask HN: Who is hiring?", "children": [
        {"id": 1, "text": "Acme | Backend Engineer | Remote<p>Python.", "created_at_i": 1762250400,
         "children": [{"id": 2, "text": "Acme | a reply that looks | like a posting"}]},
        {"id": 3, "text": None, "children": []},
    ]}
    result = ExtractResult("hn", None)
    make_source(SourceSpec("hn")).parse_payload(story, result)
    assert [p.source_id for p in result.postings] == ["1"]  # the nested reply and the deleted comment are not
    posting = result.postings[0]
    assert (posting.company, posting.title, posting.remote) == ("Acme", "Backend Engineer", "remote")
