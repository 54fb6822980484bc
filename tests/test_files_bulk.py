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
    table, quarantined = read_generic_bulk(path)
    assert [q.reason for q in quarantined] == ["postings.jsonl line 3: not a JSON object",
                                               "postings.jsonl line 4: title: missing"]
    bulk = {r["source_id"]: r for r in table.to_pylist()}
    clean = tmp_path / "clean.jsonl"
    clean.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    for posting in read_generic(clean, "jsonl").postings:
        got = bulk[posting.source_id]
        for field in ("title", "company", "locations", "url", "posted_at", "remote", "salary_min", "salary_currency"):
            assert got[field] == getattr(posting, field), field
