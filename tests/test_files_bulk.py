"""The bulk jsonl reader: same records as the per-line reader, bad lines quarantined by their number."""
from __future__ import annotations

import json
from pathlib import Path

from connectors.files import read_generic, read_generic_bulk


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
        "postings.jsonl line 4: title: String should have at least 1 character"]
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
        "postings.jsonl line 5: title: String should have at least 1 character",
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
