"""Normalization: documented examples, and the vectorized bulk path agreeing with the pure functions."""
from __future__ import annotations

import pyarrow as pa
from hypothesis import HealthCheck, given, settings, strategies as st

from warehouse.normalize import (
    ats_job, canonical_url, company_key, company_key_aliases, location_keys, normalize_table, title_parts,
)


def test_company_key_examples():
    assert company_key("U.S. Bank") == company_key("US Bank") == company_key("US Bank, Inc.")
    assert company_key("EliseAI") == company_key("Elise AI")
    assert company_key("Acme GmbH") == company_key("ACME") == "acme"
    assert company_key("The Voleon Group") == "voleongroup"
    assert company_key_aliases("Navan (fka TripActions)") == ("navan", ["tripactions"])
    assert company_key_aliases("Hewlett Packard (HP)") == ("hewlettpackard", ["hp"])


def test_title_parts_keep_levels_and_separate_evidence():
    assert title_parts("Sr. Software Eng. II - Summer 2025 (No Sponsorship)") == (
        "senior software engineer 2", "2025", "summer", "2 senior")
    assert title_parts("Software Engineer II")[0] != title_parts("Software Engineer III")[0]
    assert title_parts("SWE Intern - Remote")[0] == title_parts("Software Engineer Internship")[0]
    assert title_parts("Software Engineer Intern (US Citizenship Required)")[0] == "software engineer intern"


def test_location_keys():
    assert location_keys(["NYC"]) == location_keys(["New York, NY"]) == location_keys(["New York City"]) == ["new york"]
    assert location_keys(["Remote (US)"]) == location_keys(["Remote in USA"]) == ["remote:us"]
    assert location_keys(["Canada"]) == ["country:ca"]
    assert location_keys(["Multiple Locations"]) == []


def test_ats_job_ids_and_canonical_url():
    assert ats_job("https://boards.greenhouse.io/acme/jobs/6925278002?gh_src=x") == ("greenhouse", "6925278002")
    assert ats_job("https://acme.com/careers?gh_jid=6925278002") == ("greenhouse", "6925278002")
    assert ats_job("https://jobs.lever.co/acme/f63b36b4-a5b6-4697-97cf-2af02a47e9d9/apply")[0] == "lever"
    assert ats_job("https://acme.wd1.myworkdayjobs.com/External/job/US/Engineer_R0106075") == ("workday", "r0106075")
    assert ats_job("https://jobs.smartrecruiters.com/Visa/744000019962855") == ("smartrecruiters", "744000019962855")
    assert ats_job("https://careers-acme.icims.com/jobs/13650/engineer/job") == ("icims", "13650")
    assert ats_job("https://acme.com/jobs/listing/engineer/5297261") == ("site:acme.com", "5297261")
    assert ats_job("https://acme.com/careers/Engineer-OR-97006/1057407200/") == ("site:acme.com", "1057407200")
    assert canonical_url("https://www.Acme.com/jobs/1/apply/?utm_source=x&gh_src=y&id=3#top") == "acme.com/jobs/1?id=3"
    assert canonical_url("not a url") is None


# Latin scripts, punctuation, controls and a few emoji. (Arrow's utf8proc and Python's unicodedata may be on
# different Unicode versions, so rare scripts can fold differently; job data is overwhelmingly Latin.)
_text = st.text(st.one_of(st.characters(max_codepoint=0x2FF, blacklist_categories=("Cs",)),
                          st.sampled_from(["🛂", "🇺", "🇸", "–", "—", "’", "\u00a0", "ﬁ", "№"])), max_size=40)
_words = st.lists(st.sampled_from(["Sr.", "Engineer", "II", "iii", "Summer", "2025", "(No Sponsorship)", "- Remote",
                                   "SWE", "co-op", "NYC", "Inc.", "U.S.", "Bank", "fka", "(", ")", "É", "ﬁ", " ",
                                   "(Only F1 Sponsorship Available)", "Must be a US Citizen", "senior only",
                                   "BE", "FE", "Dev", "TS/SCI Clearance", "OPT/CPT welcome", "or Green Card",
                                   "Early Career Programs", "University Recruiting", "Campus", "Careers"]),
                  max_size=8).map(" ".join)
_value = st.one_of(_text, _words)
_url = st.one_of(st.none(), _text, st.builds(lambda p, q: f"https://www.example.com/{p}?{q}", _text, _text),
                 st.sampled_from(["https://boards.greenhouse.io/a/jobs/123456", "https://x.co/j?gh_jid=99&utm_x=1"]))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_value, _value, st.lists(_value, max_size=3), _url), min_size=1, max_size=8))
def test_bulk_path_equals_pure_functions(rows):
    table = pa.table({
        "title": [r[0] for r in rows], "company": [r[1] for r in rows],
        "locations": pa.array([r[2] for r in rows], pa.list_(pa.string())), "url": [r[3] for r in rows],
    })
    out = normalize_table(table).to_pylist()
    for (title, company, locations, url), got in zip(rows, out):
        key, years, seasons, level = title_parts(title)
        assert (got["title_norm"], got["title_years"], got["title_seasons"], got["title_level"]) == (key, years, seasons, level)
        assert got["company_norm"] == company_key(company)
        assert got["location_norm"] == location_keys(locations)
        assert (got["ats"], got["ats_job_id"]) == ats_job(url)
        assert got["canonical_url"] == canonical_url(url)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.sampled_from(["Nurse", "Senior Nurse (2025)", "Chef", None, "SRE II", "chef"]), min_size=1,
                         max_size=5), min_size=1, max_size=4))
def test_chunks_sharing_a_title_memo_normalize_as_each_alone(chunks):
    """An import's chunks share the titles they normalized; what each chunk gets is what it gets alone."""
    from warehouse.normalize import TitleMemo

    memo = TitleMemo()
    for titles in chunks:
        table = pa.table({"title": pa.array(titles, pa.string()), "company": ["Acme"] * len(titles),
                          "locations": pa.array([[]] * len(titles), pa.list_(pa.string())), "url": [None] * len(titles)})
        assert normalize_table(table, titles=memo).to_pylist() == normalize_table(table).to_pylist()


_QUERY_CHARS = st.sampled_from("aZ09_.~-%+=&?# /:")
_KEYS = st.sampled_from(["gh_jid", "utm_source", "UTM_Medium", "gh_src", "source", "id", "lang", "token", "a"])


@given(host=st.sampled_from(["https://x.com", "http://boards.greenhouse.io", "https://a.b:8080", "https:/", "ftp://x"]),
       path=st.sampled_from(["", "/", "/jobs/1", "/a b", "/jobs/1/"]),
       pairs=st.lists(st.tuples(_KEYS, st.text(_QUERY_CHARS, max_size=6)), max_size=4),
       tail=st.sampled_from(["", "&", "#top", " "]))
def test_the_plain_query_shortcut_strips_tracking_as_parsing_the_url_does(host, path, pairs, tail):
    from connectors.text import _strip_parsed, strip_tracking

    url = host + path + ("?" + "&".join(f"{k}={v}" for k, v in pairs) if pairs else "") + tail
    assert strip_tracking(url) == _strip_parsed(url.strip())
