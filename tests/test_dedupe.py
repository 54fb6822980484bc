"""Dedupe: the decision rule, clustering limits, stable leads across nights, and quality on real listings."""
from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from connectors.base import ExtractResult
from connectors.models import Posting, RawItem
from jobleads.config import parse_config
from tests.conftest import CORPUS_LISTINGS
from warehouse import db, dedupe, matching
from warehouse.publish import publish
from warehouse.queries import lead_detail

CONFIG = parse_config({"profile": {"titles": ["Backend Engineer"], "skills": ["Python"]}})
T0 = datetime(2024, 9, 2, 15, 4, 5, tzinfo=timezone.utc)


def post(source: str, source_id: str, title: str, company: str = "Acme", url: str | None = None,
         locations: list[str] | None = None, posted_at: datetime | None = T0, **extra) -> Posting:
    return Posting(source=source, source_key=source, source_id=source_id, title=title, company=company, url=url,
                   locations=locations or [], posted_at=posted_at, **extra)


def result(source: str, *postings: Posting, complete: bool = True, status: str = "ok") -> ExtractResult:
    return ExtractResult(source=source, source_key=source, postings=list(postings), complete=complete, status=status,
                         raw=[RawItem(source=source, source_key=source, source_id=p.source_id, payload="{}")
                              for p in postings])


def leads_by_uid(con) -> dict[str, str]:
    return dict(con.execute("SELECT posting_uid, lead_id FROM postings").fetchall())


@pytest.fixture
def con(db_path: Path):
    connection = db.connect(db_path)
    yield connection
    connection.close()


def test_one_job_from_ats_aggregator_and_referral_is_one_lead_with_every_source(con):
    gh = "https://boards.greenhouse.io/acme/jobs/4012345"
    publish(con, [
        result("greenhouse", post("greenhouse", "4012345", "Senior Backend Engineer", "Acme, Inc.", gh, ["New York, NY"])),
        result("remotive", post("remotive", "r-9", "Sr. Backend Eng.", "ACME", f"{gh}?utm_source=remotive", ["NYC"])),
        result("referral", post("referral", "ref-1", "Senior Backend Engineer (No Sponsorship)", "Acme Inc",
                                None, ["New York City"], description="Ask Dana")),
    ], CONFIG)
    leads = leads_by_uid(con)
    assert len(set(leads.values())) == 1
    detail = lead_detail(con, next(iter(leads.values())))
    rules = {r["source"]: r["rule"] for r in detail["records"]}
    assert rules["remotive"] == matching.RULE_SAME_ID
    assert rules["referral"] in (matching.RULE_TITLE_LOCATION, matching.RULE_TITLE_INSTANT)
    assert detail["url"] == gh  # the apply URL from the ATS survives
    referral = next(r for r in detail["records"] if r["source"] == "referral")
    assert referral["evidence"]["matched_with"] and referral["match_score"] >= matching.TITLE_MATCH


def test_two_ids_on_one_ats_are_never_one_lead_even_through_a_bridge(con):
    publish(con, [
        result("greenhouse",
               post("greenhouse", "1111111", "Software Engineer", url="https://boards.greenhouse.io/acme/jobs/1111111",
                    locations=["Berlin"]),
               post("greenhouse", "2222222", "Software Engineer", url="https://boards.greenhouse.io/acme/jobs/2222222",
                    locations=["Berlin"])),
        # matches both by title, place and time: clustering must refuse to join the two ids through it
        result("hn", post("hn", "c1", "Software Engineer", locations=["Berlin, Germany"])),
    ], CONFIG)
    leads = leads_by_uid(con)
    assert leads["greenhouse:1111111"] != leads["greenhouse:2222222"]
    assert leads["hn:c1"] in (leads["greenhouse:1111111"], leads["greenhouse:2222222"])


@pytest.mark.parametrize("left, right, same", [
    ("Software Engineer II", "Software Engineer III", False),
    ("Software Engineer Intern - Summer 2024", "Software Engineer Intern - Summer 2025", False),
    ("Software Engineer Intern - Summer 2025", "Software Engineer Intern - Fall 2025", False),
    ("Sr. Data Eng.", "Senior Data Engineer - Remote", True),
    ("Backend Engineer", "Frontend Engineer", False),
    # eligibility and sponsorship notes say nothing about which job it is
    ("Software Engineer Intern (Only F1 Sponsorship Available)", "Software Engineer Intern", True),
    ("Software Engineer Intern (undergraduate senior only)", "Software Engineer Intern", True),
    ("Data Analyst - Visa sponsorship available", "Data Analyst", True),
    ("Hardware Engineer Intern - US Citizens or Permanent Residents Only", "Hardware Engineer Intern", True),
    ("Security Engineer (TS/SCI Clearance Required)", "Security Engineer", True),
    ("Security Clearance Analyst", "Analyst", False),
])
def test_title_rule(left, right, same):
    from warehouse.normalize import title_parts

    def node(title):
        key, years, seasons, level = title_parts(title)
        return {"company": "acme", "title_norm": key, "title_years": years, "title_seasons": seasons,
                "title_level": level, "location_norm": ["berlin"], "posted_at": T0}
    assert matching.is_same_job(node(left), node(right))[0] is same


def test_far_apart_dates_make_a_repost_counted_on_the_new_lead(con):
    publish(con, [result("hn", post("hn", "a", "Platform Engineer", locations=["Austin, TX"], posted_at=T0))], CONFIG)
    publish(con, [result("hn", post("hn", "b", "Platform Engineer", locations=["Austin"],
                                    posted_at=T0 + timedelta(days=200)), complete=False)], CONFIG)
    leads = leads_by_uid(con)
    assert leads["hn:a"] != leads["hn:b"]
    row = con.execute("SELECT repost_count, repost_of FROM leads WHERE lead_id = ?", [leads["hn:b"]]).fetchone()
    assert row == (1, leads["hn:a"])


@pytest.mark.parametrize("share", [0.0, float("inf")], ids=["every lead read", "touched keys' leads only"])
def test_a_repost_is_found_the_same_whichever_records_are_read(con, monkeypatch, share):
    """Re-posts are looked for among every lead's records when a run touched most leads, else among the leads
    that can share a touched lead's key: both must find the same links. A lead's key is its first record's,
    also when a later record (the same Greenhouse job) names its company otherwise."""
    import warehouse.publish as publish_module

    monkeypatch.setattr(publish_module, "EVERY_LEAD_SHARE", share)
    gh = "https://boards.greenhouse.io/orbital/jobs/5550001"
    publish(con, [result("hn",
                         post("hn", "a", "Platform Engineer", locations=["Austin, TX"], posted_at=T0),
                         post("hn", "c", "Data Engineer", locations=["Austin, TX"], posted_at=T0),
                         post("hn", "d", "Platform Engineer", "Globex", locations=["Austin, TX"], posted_at=T0),
                         post("hn", "e", "Site Engineer", "Orbital Aerospace", gh, ["Denver, CO"], posted_at=T0))],
            CONFIG)
    publish(con, [result("adzuna", post("adzuna", "f", "Site Engineer", "Orbital", gh, ["Denver, CO"],
                                        posted_at=T0 + timedelta(days=1)))], CONFIG)
    later = T0 + timedelta(days=200)
    publish(con, [result("hn", post("hn", "b", "Platform Engineer", locations=["Austin"], posted_at=later),
                         post("hn", "g", "Site Engineer", "Orbital", locations=["Denver, CO"], posted_at=later),
                         complete=False)], CONFIG)
    leads = leads_by_uid(con)
    assert leads["hn:e"] == leads["adzuna:f"]  # one job id, two spellings of the employer
    reposts = dict(con.execute("SELECT lead_id, (repost_count, repost_of) FROM leads").fetchall())
    assert reposts[leads["hn:b"]] == (1, leads["hn:a"])
    # the Orbital lead's key is its first record's employer, Orbital Aerospace: not the new Orbital posting's
    assert reposts[leads["hn:g"]] == (0, None)
    assert all(reposts[leads[uid]] == (0, None) for uid in ("hn:a", "hn:c", "hn:d", "hn:e"))


def test_across_nights_only_new_records_are_matched_and_lead_ids_stay(con):
    night1 = [result("greenhouse", post("greenhouse", "77777777", "Data Scientist", url="https://boards.greenhouse.io/acme/jobs/77777777",
                                        locations=["London, UK"]))]
    publish(con, night1, CONFIG)
    first = leads_by_uid(con)["greenhouse:77777777"]
    stats = dedupe.DedupeStats()
    publish(con, night1 + [result("adzuna", post("adzuna", "z1", "Data Scientist", "Acme Ltd", locations=["London"]))], CONFIG)
    leads = leads_by_uid(con)
    assert leads["greenhouse:77777777"] == first == leads["adzuna:z1"]
    assert con.execute("SELECT count(*) FROM lead_sources WHERE lead_id = ?", [first]).fetchone()[0] == 2
    assert dedupe.assign_leads(con, T0, stats) == 0 and stats.pairs_considered == 0  # nothing new: nothing scored


def test_closed_only_when_every_source_listing_it_was_fetched_completely_and_dropped_it(con):
    gh = post("greenhouse", "5555555", "SRE", url="https://boards.greenhouse.io/acme/jobs/5555555")
    agg = post("adzuna", "q1", "SRE", url="https://boards.greenhouse.io/acme/jobs/5555555")
    publish(con, [result("greenhouse", gh), result("adzuna", agg)], CONFIG)
    lead = leads_by_uid(con)["greenhouse:5555555"]
    publish(con, [result("greenhouse"), result("adzuna", status="failed", complete=False)], CONFIG)
    assert con.execute("SELECT status FROM leads WHERE lead_id = ?", [lead]).fetchone()[0] == "open"
    publish(con, [result("greenhouse"), result("adzuna")], CONFIG)  # greenhouse empty twice: its copy closes
    assert con.execute("SELECT status FROM leads WHERE lead_id = ?", [lead]).fetchone()[0] == "open"
    publish(con, [result("greenhouse"), result("adzuna")], CONFIG)  # adzuna's listing empty twice too
    assert con.execute("SELECT status FROM leads WHERE lead_id = ?", [lead]).fetchone()[0] == "closed"


def test_company_identity_uses_company_id_when_the_resolver_set_one(con):
    publish(con, [result("hn", post("hn", "m1", "ML Engineer", "Meta Platforms", locations=["Menlo Park"]))], CONFIG)
    con.execute("UPDATE postings SET company_id = 'C-meta'")
    con.execute("""INSERT INTO postings (posting_uid, source, source_id, title, company, title_norm, company_norm,
                   company_id, location_norm, posted_at, first_seen, last_seen)
                   VALUES ('x:1', 'x', '1', 'ML Engineer', 'Meta', 'machine learning engineer', 'meta', 'C-meta',
                   ['menlo park'], ?, ?, ?)""", [T0, T0, T0])
    dedupe.assign_leads(con, T0)
    leads = leads_by_uid(con)
    assert leads["x:1"] == leads["hn:m1"]


@pytest.mark.skipif(not CORPUS_LISTINGS.exists(), reason="listings corpus not available")
def test_quality_on_labelled_corpus_pairs(tmp_path):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from dedupe_quality import lead_of_source_id, pairwise, read_pairs

    pairs = read_pairs()
    assert sum(p[2] for p in pairs) >= 300 and sum(1 - p[2] for p in pairs) >= 300
    got = pairwise(lead_of_source_id(CORPUS_LISTINGS, tmp_path), pairs)
    assert got["precision"] >= 0.98, got
    assert got["recall"] >= 0.95, got


def test_one_pair_is_judged_by_the_same_sql_and_numpy_as_the_bulk_path():
    base = {"company": "acme", "title_norm": "software engineer", "location_norm": ["berlin"], "posted_at": T0}
    same_id = matching.is_same_job({**base, "ats": "greenhouse", "ats_job_id": "1234567"},
                                   {**base, "ats": "site:acme", "ats_job_id": "1234567", "location_norm": ["paris"]})
    assert same_id == (True, matching.RULE_SAME_ID, 1.0)
    two_ids = matching.is_same_job({**base, "ats": "greenhouse", "ats_job_id": "1"},
                                   {**base, "ats": "greenhouse", "ats_job_id": "2"})
    assert two_ids[0] is False
    same_url = matching.is_same_job({**base, "canonical_url": "https://x.test/j/1", "title_norm": "chef"},
                                    {**base, "canonical_url": "https://x.test/j/1", "title_norm": "head chef"})
    assert same_url == (True, matching.RULE_SAME_URL, 0.99)
    # a shared apply link (same id, unrelated titles) falls back to the title rules, and fails them
    shared = matching.is_same_job({**base, "ats": "lever", "ats_job_id": "apply-now"},
                                  {**base, "ats": "lever", "ats_job_id": "apply-now", "title_norm": "nurse"})
    assert shared[0] is False
    other_company = matching.is_same_job(base, {**base, "company": "globex"})
    assert other_company == (False, None, 0.0)


@pytest.mark.parametrize("place, joins", [("United States", True), ("Texas", False)])  # Texas holds no Santa Clara
def test_a_referral_joins_the_posting_it_names_however_old_and_however_coarse_its_place(con, place, joins):
    months_ago = T0 - timedelta(days=150)
    publish(con, [result("greenhouse", post("greenhouse", "7001", "Senior System Software Engineer - NvSci", "Nvidia",
                                            "https://boards.greenhouse.io/nvidia/jobs/7001", ["Santa Clara, CA"],
                                            posted_at=months_ago))], CONFIG)
    publish(con, [result("referral", post("referral", "ref-1", "Senior System Software Engineer - NvSci", "NVIDIA",
                                          locations=[place], posted_at=T0), complete=False)], CONFIG)
    leads = leads_by_uid(con)
    if not joins:
        assert leads["referral:ref-1"] != leads["greenhouse:7001"]
        return
    assert leads["referral:ref-1"] == leads["greenhouse:7001"]
    detail = lead_detail(con, leads["greenhouse:7001"])
    referral = next(r for r in detail["records"] if r["source"] == "referral")
    assert referral["rule"] == matching.RULE_TITLE_LOCATION
    assert referral["evidence"]["why"] == "a referral joins the posting it names at any age (150 days apart)"


def test_two_postings_months_apart_still_make_a_repost_and_a_country_never_joins_two_cities():
    base = {"company": "acme", "title_norm": "data engineer"}  # each posted at its own time (no same-instant rule)
    austin = {**base, "location_norm": ["austin"], "locations": ["Austin, TX"], "posted_at": T0}
    seattle = {**base, "location_norm": ["seattle"], "locations": ["Seattle, WA"], "posted_at": T0 + timedelta(hours=1)}
    country = {**base, "location_norm": ["country:us"], "locations": ["United States"], "posted_at": T0 + timedelta(hours=2)}
    assert matching.is_same_job(austin, seattle)[0] is False
    assert matching.is_same_job(country, austin)[0] is True
    assert matching.is_same_job(country, {**austin, "posted_at": T0 + timedelta(days=200)})[0] is False  # a re-post
    referral = {**country, "source": "referral", "posted_at": T0 + timedelta(days=200)}
    assert matching.is_same_job(referral, austin)[0] is True  # the referral's date is when it was logged
    state = {**base, "location_norm": ["california"], "locations": ["California"], "posted_at": T0 + timedelta(hours=3)}
    assert matching.is_same_job(state, austin)[0] is False


@pytest.mark.parametrize("metro, city, same", [
    ("San Francisco Bay Area", "Oakland, CA", True), ("San Francisco Bay Area", "San Jose, CA", True),
    ("Greater London", "Croydon, UK", True), ("Greater Boston Area", "Cambridge, MA", True),
    ("Dallas-Fort Worth Metroplex", "Irving, TX", True), ("Greater Seattle Area", "Redmond, WA", True),
    ("San Francisco Bay Area", "Sacramento, CA", False), ("Greater London", "Manchester, UK", False),
    ("Greater Boston Area", "Cambridge, UK", False), ("Greater Seattle Area", "Portland, OR", False),
])
def test_a_metropolitan_area_holds_the_cities_around_its_first_city(metro, city, same):
    base = {"company": "acme", "title_norm": "data engineer"}
    area = {**base, "location_norm": [metro.lower()], "locations": [metro], "posted_at": T0}
    town = {**base, "location_norm": [city.split(",")[0].lower()], "locations": [city], "posted_at": T0 + timedelta(hours=1)}
    assert matching.is_same_job(area, town)[0] is same
    assert matching.is_same_job(town, area)[0] is same


@pytest.mark.parametrize("location", [
    "Santa Clara, CA", "Camridge, MA", "United States", "California", "Greater Boston Area", "San Francisco Bay Area",
    "New York, NY, United States", "London, UK", "Remote - US", "Multiple US Locations", "NYC", "",
])
def test_a_places_lists_are_sorted_without_repeats(location):
    """dedupe gives a node of one place that place's lists as they are, where a node of several gets them sorted
    and distinct: both must be the same lists."""
    from warehouse.places import place

    for lists in place(location):
        assert list(lists) == sorted(set(lists))


def test_two_cities_of_one_metro_stay_two_places():
    # a chain's stores in neighbouring towns are other jobs: being near is no containment
    base = {"company": "acme", "title_norm": "store manager"}
    oakland = {**base, "location_norm": ["oakland"], "locations": ["Oakland, CA"], "posted_at": T0}
    berkeley = {**base, "location_norm": ["berkeley"], "locations": ["Berkeley, CA"], "posted_at": T0 + timedelta(hours=1)}
    assert matching.is_same_job(oakland, berkeley)[0] is False


def test_a_copy_listed_under_its_metro_joins_and_explain_names_the_metro(con):
    publish(con, [result("greenhouse", post("greenhouse", "7002", "Data Engineer", "Acme",
                                            "https://boards.greenhouse.io/acme/jobs/7002", ["Oakland, CA"]))], CONFIG)
    publish(con, [result("remotive", post("remotive", "r-9", "Data Engineer", "Acme", "https://remotive.test/r-9",
                                          ["San Francisco Bay Area"]))], CONFIG)
    leads = leads_by_uid(con)
    assert leads["remotive:r-9"] == leads["greenhouse:7002"]
    record = next(r for r in lead_detail(con, leads["greenhouse:7002"])["records"] if r["source"] == "remotive")
    assert record["evidence"]["why"] == "metro:san francisco bay area holds the other record's place"


def test_one_global_job_id_is_one_job_however_the_company_is_spelt(con):
    publish(con, [result("greenhouse", post("greenhouse", "4455667", "Systems Engineer", "Lockheed Martin",
                                            "https://boards.greenhouse.io/lockheedmartin/jobs/4455667", ["Denver, CO"]))],
            CONFIG)
    publish(con, [
        result("simplify", post("simplify", "s1", "Systems Engineer (US Citizenship Required)", "Lockheed Martn",
                                "https://lockheedmartin.com/careers?gh_jid=4455667", ["Denver"])),
        result("hn", post("hn", "h1", "Systems Engineer", "LM Corp",
                          "https://boards.greenhouse.io/lockheedmartin/jobs/4455667?utm_source=hn", ["Denver, CO"])),
        # a Workday requisition number repeats across employers: two companies, two jobs
        result("jsonl", post("jsonl", "w1", "Analyst", "Globex", "https://globex.wd1.myworkdayjobs.com/x/job/US/Analyst_R10001")),
        result("jsonl", post("jsonl", "w2", "Analyst", "Initech", "https://initech.wd5.myworkdayjobs.com/y/job/US/Analyst_R10001")),
        # ... but not within one employer's tenant: the same requisition on Globex's host, the company misspelt
        result("jsonl", post("jsonl", "w3", "Analyst", "Glbex",
                             "https://globex.wd1.myworkdayjobs.com/en-US/x/job/US/Analyst_R10001")),
        result("jsonl", post("jsonl", "i1", "Nurse", "Umbrella Health",
                             "https://careers-umbrella.icims.com/jobs/4411/nurse/job")),
        result("jsonl", post("jsonl", "i2", "Nurse", "Umbrela Hlth",
                             "https://careers-umbrella.icims.com/jobs/4411/nurse/job?mode=view")),
        result("jsonl", post("jsonl", "i3", "Nurse", "Soylent", "https://careers-soylent.icims.com/jobs/4411/nurse/job")),
    ], CONFIG)
    leads = leads_by_uid(con)
    assert leads["simplify:s1"] == leads["hn:h1"] == leads["greenhouse:4455667"]
    assert leads["jsonl:w1"] != leads["jsonl:w2"]
    assert leads["jsonl:w1"] == leads["jsonl:w3"]
    assert leads["jsonl:i1"] == leads["jsonl:i2"] != leads["jsonl:i3"]


def test_a_workday_requisition_seen_nights_ago_joins_under_another_spelling_on_its_tenant(con):
    publish(con, [result("jsonl", post("jsonl", "w1", "Apprentice - Software Engineer", "Hewlett Packard (HP)",
                                       "https://hp.wd5.myworkdayjobs.com/Ext/job/Spring-TX/Apprentice_3141286-1"))],
            CONFIG)
    publish(con, [
        result("simplify", post("simplify", "s1", "Apprentice - Software Engineer", "Hewlett ackard (HP)",
                                "https://hp.wd5.myworkdayjobs.com/en-US/Ext/job/Spring-TX/Apprentice_3141286-1")),
        result("simplify", post("simplify", "s2", "Apprentice - Software Engineer", "Initech",
                                "https://initech.wd1.myworkdayjobs.com/Ext/job/Spring-TX/Apprentice_3141286-1")),
    ], CONFIG)
    leads = leads_by_uid(con)
    assert leads["simplify:s1"] == leads["jsonl:w1"] != leads["simplify:s2"]


def test_meta_is_not_meta_financial_without_a_shared_id(con):
    publish(con, [
        result("greenhouse", post("greenhouse", "100001", "Software Engineer", "Meta",
                                  "https://boards.greenhouse.io/meta/jobs/100001", ["Menlo Park, CA"])),
        result("greenhouse", post("greenhouse", "200002", "Software Engineer", "Meta Financial",
                                  "https://boards.greenhouse.io/metafinancial/jobs/200002", ["Menlo Park, CA"])),
    ], CONFIG)
    leads = leads_by_uid(con)
    assert leads["greenhouse:100001"] != leads["greenhouse:200002"]


def test_a_misspelt_city_is_the_city_it_means_but_two_cities_stay_two():
    base = {"company": "acme", "title_norm": "data engineer"}
    boston = {**base, "location_norm": ["boston"], "locations": ["Boston, MA"], "posted_at": T0}
    typo = {**base, "location_norm": ["bostn"], "locations": ["Bostn, MA"], "posted_at": T0 + timedelta(hours=5)}
    other = {**base, "location_norm": ["cambridge"], "locations": ["Cambridge, MA"], "posted_at": T0 + timedelta(hours=9)}
    assert matching.is_same_job(boston, typo)[0] is True
    assert matching.is_same_job(boston, other)[0] is False


def test_the_run_announces_only_leads_no_earlier_run_had(con):
    gh = "https://boards.greenhouse.io/acme/jobs/"
    night1 = [result("greenhouse", post("greenhouse", "501", "Data Scientist", url=gh + "501", locations=["London, UK"]),
                     post("greenhouse", "502", "Site Reliability Engineer", url=gh + "502", locations=["Berlin"]))]
    first = publish(con, night1, CONFIG)
    assert {lead["title"] for lead in first.top_new_leads} == {"Data Scientist", "Site Reliability Engineer"}
    night2 = [result("greenhouse", post("greenhouse", "501", "Data Scientist", url=gh + "501", locations=["London, UK"]),
                     post("greenhouse", "503", "Backend Engineer", url=gh + "503", locations=["Remote"])),
              result("adzuna", post("adzuna", "z1", "Site Reliability Engineer", "Acme Ltd", locations=["Berlin"]))]
    second = publish(con, night2, CONFIG)
    # seen again, or a new copy of an old job: not new; a job no earlier run had: new
    assert [lead["title"] for lead in second.top_new_leads] == ["Backend Engineer"]
    assert second.new_leads == 1
