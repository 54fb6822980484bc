"""The bulk jsonl reader: same records as the per-line reader, bad lines quarantined by their number."""
from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors.files import read_generic
from connectors.files_bulk import read_generic_bulk


def test_bulk_reader_matches_the_model_path_and_numbers_bad_lines(tmp_path: Path):
    rows = [
        {"source": "hn", "source_id": 7, "title": "  Backend Engineer ", "company": "Acme",
         "locations": ["Berlin", "  Remote   (EU) "], "posted_at": 1700000000, "salary_min": 50, "salary_period": "hour",
         "salary_currency": "eur", "url": "https://acme.com/jobs/1"},
        {"source": "hn", "source_id": "8", "title": "SRE", "company": "Acme", "location": "Paris",
         "posted_at": "2024-05-01T10:00:00Z", "remote": "yes"},
    ]
    lines = [json.dumps(rows[0]), "", "not json", json.dumps({"source": "hn", "source_id": "9", "company": "Acme"}),
             json.dumps(rows[1])]
    path = tmp_path / "postings.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = read_generic_bulk(path)
    assert [q.reason for q in result.quarantined] == [
        "postings.jsonl line 3: not a JSON object",
        "postings.jsonl line 4: title: required, missing or empty"]
    bulk = {r["source_id"]: r for r in result.bulk.to_pylist()}
    clean = tmp_path / "clean.jsonl"
    clean.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    for posting in read_generic(clean, "jsonl").postings:
        got = bulk[posting.source_id]
        for field in ("title", "company", "locations", "url", "posted_at", "remote", "salary_min", "salary_currency"):
            assert got[field] == getattr(posting, field), field


def test_both_readers_agree_on_a_file_with_bad_rows(tmp_path: Path):
    """Whatever its size, a file gives the same postings, the same quarantine and the same reasons."""
    good = {"source": "hn", "source_id": "1", "title": "Nurse", "company": "Ward 5", "remote": "no",
            "posted_at": "2024-05-01T10:00:00Z", "salary_min": "30000"}
    lines = [
        json.dumps(good),
        json.dumps({**good, "source_id": "2", "remote": "maybe"}),
        json.dumps({**good, "source_id": "3", "posted_at": "yesterday"}),
        "{not json",
        json.dumps({**good, "source_id": "4", "title": ""}),
        json.dumps({**good, "source_id": "5", "team": "ICU", "salary_max": "lots"}),  # accepted: extra -> note
        json.dumps([1, 2]),
        json.dumps({**good, "source_id": "6", "posted_at": 1714557600, "remote": True}),
    ]
    path = tmp_path / "postings.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    small = read_generic(path, "jsonl")
    bulk = read_generic_bulk(path)
    assert [q.reason for q in bulk.quarantined] == [q.reason for q in small.quarantined] == [
        "postings.jsonl line 2: remote: Input should be 'remote', 'hybrid' or 'onsite'",
        "postings.jsonl line 3: posted_at: Value error, Invalid isoformat string: 'yesterday'",
        "postings.jsonl line 4: not a JSON object",
        "postings.jsonl line 5: title: required, missing or empty",
        "postings.jsonl line 7: not a JSON object",
    ]
    bulk_postings = {r["source_id"]: r for r in bulk.bulk.to_pylist()}
    bulk_postings.update({p.source_id: p.model_dump() for p in bulk.postings})
    assert sorted(bulk_postings) == sorted(p.source_id for p in small.postings) == ["1", "5", "6"]
    for posting in small.postings:
        got = bulk_postings[posting.source_id]
        for field in ("title", "company", "remote", "posted_at", "salary_min", "salary_max", "note"):
            assert got[field] == getattr(posting, field), (posting.source_id, field)
    # the same raw payloads: each record's line as the file wrote it, whichever reader stored it
    small_raw = sorted(r.payload for r in small.raw)
    bulk_raw = sorted([r.payload for r in bulk.raw] + bulk.bulk_payloads.to_pylist())
    assert small_raw == bulk_raw == sorted(line for line in lines if line.startswith("{") and line != "{not json")


def test_the_raw_payload_of_a_bulk_import_is_the_line_as_written(tmp_path: Path, db_path: Path):
    """raw_postings keeps what the file said (spacing, key order, a salary before annualizing), not the
    reader's normalized row."""
    from jobleads.config import parse_config
    from warehouse import db
    from warehouse.publish import publish

    line = '{"title": "Chef", "source": "x", "source_id": "1",  "company": "Bistro", "salary_min": 15, "salary_period": "hour"}'
    path = tmp_path / "postings.jsonl"
    path.write_text("\ufeff" + line + "\r\n", encoding="utf-8")
    for reader in (read_generic, lambda p, fmt: read_generic_bulk(p)):
        con = db.connect(db_path)
        publish(con, [reader(path, "jsonl")], parse_config({}))
        assert con.execute("SELECT payload FROM raw_postings").fetchall()[-1] == (line,)
        assert con.execute("SELECT salary_min FROM postings").fetchone()[0] == 15 * 2080
        con.close()


def test_both_readers_clean_urls_alike_and_read_a_windows_file(tmp_path: Path):
    """Tracking parameters dropped, ids kept, odd queries parsed: the bulk reader leaves plain queries without
    a tracking key to Arrow and cleans the rest as the model does; CRLF endings and a BOM are no part of a record."""
    urls = ["https://boards.greenhouse.io/acme/jobs/1?gh_jid=1", "https://acme.com/j/2?gh_jid=2&gh_src=feed",
            "https://acme.com/j/3?UTM_Source=x&id=3", "https://acme.com/j/4?id=4#apply", "https://acme.com/j/5?q=a%20b",
            "https://acme.com/j/6?sourcex=1&ref", "https://acme.com/j/7", "https://acme.com/j/8?lever-source=LinkedIn"]
    rows = [{"source": "x", "source_id": str(i), "title": "Nurse", "company": "Ward 5", "url": url}
            for i, url in enumerate(urls)]
    path = tmp_path / "windows.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(json.dumps(r) for r in rows).encode() + b"\r\n")
    small = {p.source_id: p.url for p in read_generic(path, "jsonl").postings}
    bulk = read_generic_bulk(path)
    assert not bulk.quarantined
    assert {r["source_id"]: r["url"] for r in bulk.bulk.to_pylist()} == small
    assert small["1"] == "https://acme.com/j/2?gh_jid=2" and small["2"] == "https://acme.com/j/3?id=3"
    assert bulk.bulk_payloads.to_pylist() == [json.dumps(r) for r in rows]


def test_a_record_repeated_in_the_file_keeps_its_last_line(tmp_path: Path):
    rows = [{"source": "x", "source_id": "1", "title": "Nurse", "company": "Ward 5"},
            {"source": "x", "source_id": "2", "title": "Chef", "company": "Cafe"},
            {"source": "x", "source_id": "1", "title": "Senior Nurse", "company": "Ward 5"}]
    path = tmp_path / "repeated.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    bulk = read_generic_bulk(path)
    assert [(r["source_id"], r["title"]) for r in bulk.bulk.to_pylist()] == [("2", "Chef"), ("1", "Senior Nurse")]
    assert bulk.bulk_payloads.to_pylist() == [json.dumps(rows[1]), json.dumps(rows[2])]
    unique = tmp_path / "unique.jsonl"  # no record repeated: every line, in file order
    unique.write_text("\n".join(json.dumps(r) for r in rows[:2]) + "\n", encoding="utf-8")
    assert [r["source_id"] for r in read_generic_bulk(unique).bulk.to_pylist()] == ["1", "2"]


def _every_field(path: Path) -> tuple[dict, dict]:
    """source_id -> every stored field, as the per-line reader and as the bulk reader give them."""
    from connectors.models import POSTING_SCHEMA

    fields = [f for f in POSTING_SCHEMA.names if f != "posting_uid"]
    small = {p.source_id: {f: getattr(p, f) for f in fields} for p in read_generic(path, "jsonl").postings}
    result = read_generic_bulk(path)
    bulk = {r["source_id"]: {f: r[f] for f in fields} for r in result.bulk.to_pylist()}
    bulk.update({p.source_id: {f: getattr(p, f) for f in fields} for p in result.postings})
    return small, bulk


def test_both_readers_store_every_field_alike(tmp_path: Path):
    """What a 10k-line file showed (session 10): the bulk reader kept a title's tab, a place listed twice and a
    URL's fragment, and stored the file name as the board token, where the model strips, dedupes and drops."""
    base = {"source": "x", "title": "Nurse", "company": "Ward 5"}
    rows = [
        {**base, "source_id": "1", "title": "Software Engineer Intern\t", "company": "ZS Associates\t"},
        {**base, "source_id": "2", "title": "\u00a0Chef\u2003", "description": " text \n"},
        {**base, "source_id": "3", "locations": ["Denver, CO", "Boulder,  CO", "Denver, CO", " ", "Denver,\u00a0CO"]},
        {**base, "source_id": "4", "locations": "Paris; ; Lyon ;Paris"},
        {**base, "source_id": "5", "locations": [], "location": "  Berlin\tMitte "},
        {**base, "source_id": "6", "locations": "", "location": "Rome"},
        {**base, "source_id": "7", "locations": ["  "], "location": "Rome"},
        {**base, "source_id": "8", "url": "https://careers.oracle.com/jobs/#en/sites/job/211250009/"},
        {**base, "source_id": "9", "url": " https://acme.com/j/9 ", "salary_currency": " eur\t"},
        {**base, "source_id": "10", "locations": [5, "Oslo"]},
        {**base, "source_id": "11", "location": 7},
        {**base, "source_id": "12", "locations": {"city": "Oslo"}},
        {**base, "source_id": "13", "locations": None, "location": "Oslo"},
        # pay as annualize and the model read it: rounded, ordered, zero unknown, words to the model step
        {**base, "source_id": "20", "salary_min": 12.35, "salary_max": "11.5", "salary_period": "HOUR", "salary_currency": "gbp"},
        {**base, "source_id": "21", "salary_min": 0, "salary_max": 52000, "salary_period": ""},
        {**base, "source_id": "22", "salary_min": "30k", "salary_period": "Annual"},
        {**base, "source_id": "23", "salary_min": 1e5, "salary_max": 30000.125},
        {**base, "source_id": "24", "salary_currency": "EUR", "salary": "£30k - £35k per annum"},
        {**base, "source_id": "25", "description": "Great team. Salary: £32,000 - £36,000 per annum. 5 days."},
        {**base, "source_id": "26", "description": "We raised $5M in 2023 and pay well.", "salary": "competitive"},
        {**base, "source_id": "27", "salary": 45000, "description": "Pay: 20 per hour"},
        {**base, "source_id": "28", "salary_min": True},
        # pay on a line of its own, with no pay word (as a board prints it under its own heading)
        {**base, "source_id": "29", "description": "Senior engineer wanted.\n£40k - 50k\nApply now."},
    ]
    path = tmp_path / "tricky.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    small, bulk = _every_field(path)
    assert sorted(bulk) == sorted(small)
    for source_id, fields in small.items():
        assert bulk[source_id] == fields, source_id
    assert small["1"]["title"] == "Software Engineer Intern" and small["3"]["locations"] == ["Denver, CO", "Boulder, CO"]
    assert small["8"]["url"] == "https://careers.oracle.com/jobs/" and small["1"]["source_key"] is None
    assert (small["20"]["salary_min"], small["20"]["salary_max"]) == (23920.0, 25688.0)
    assert small["25"]["salary_min"] == 32000.0
    assert (small["29"]["salary_min"], small["29"]["salary_max"]) == (40000.0, 50000.0)


_SPACES = "\t\n\x0b\x0c\r\x1c\x1f \x85\xa0\u2003\u2028\u3000"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.fixed_dictionaries({
    "title": st.text(alphabet="ab" + _SPACES, min_size=1, max_size=8),
    "company": st.text(alphabet="cd" + _SPACES, min_size=1, max_size=8),
    "locations": st.one_of(st.none(), st.text(alphabet="ef;" + _SPACES, max_size=10),
                           st.lists(st.text(alphabet="ef" + _SPACES, max_size=6), max_size=4)),
    "location": st.one_of(st.none(), st.text(alphabet="gh" + _SPACES, max_size=6)),
    "url": st.one_of(st.none(), st.sampled_from(["https://a.io/j/1", "https://a.io/j/1#x", " https://a.io/j?id=1&utm_x=2 ",
                                                 "HTTPS://a.io/j", "https://a.io/j?", "https://a.io/j?id=1"])),
}), min_size=1, max_size=6))
def test_both_readers_agree_on_any_spacing(tmp_path: Path, rows):
    path = tmp_path / "random.jsonl"
    path.write_text("\n".join(json.dumps({"source": "x", "source_id": str(i), **{k: v for k, v in r.items() if v is not None}})
                              for i, r in enumerate(rows)) + "\n", encoding="utf-8")
    small, bulk = _every_field(path)
    assert bulk == small
    small_quarantine = [q.reason for q in read_generic(path, "jsonl").quarantined]
    assert [q.reason for q in read_generic_bulk(path).quarantined] == small_quarantine
