"""`leads import --format jsonl` of a large file takes the DuckDB bulk path: same leads as the per-row path."""
from __future__ import annotations

import json
from pathlib import Path

import duckdb

from jobleads import importers
from tests.conftest import run_leads

FIX = Path(__file__).resolve().parent / "fixtures" / "cli" / "postings.jsonl"
VOLATILE = {"first_seen", "last_seen", "score", "score_parts"}


def _leads(capsys, db: Path) -> list[dict]:
    code, out, err = run_leads(capsys, "--db", str(db), "export")
    assert code == 0, err
    return [{k: v for k, v in json.loads(line).items() if k not in VOLATILE} for line in out.splitlines()]


def test_bulk_import_matches_the_per_row_path(capsys, tmp_path, monkeypatch):
    small, bulk = tmp_path / "small.duckdb", tmp_path / "bulk.duckdb"
    code, out, err = run_leads(capsys, "--db", str(small), "import", str(FIX), "--format", "jsonl")
    assert code == 0, err
    monkeypatch.setattr(importers, "BULK_JSONL_BYTES", 0)
    code, out, err = run_leads(capsys, "--db", str(bulk), "import", str(FIX), "--format", "jsonl")
    assert code == 0, err
    assert "2 postings parsed" in out and "1 quarantined" in out
    assert "postings.jsonl line 3" in err and "title: required, missing or empty" in err
    assert _leads(capsys, bulk) == _leads(capsys, small)
    raws = {}
    for name, path in (("small", small), ("bulk", bulk)):
        con = duckdb.connect(str(path), read_only=True)
        raw = con.execute("SELECT source_id, payload FROM raw_postings ORDER BY source_id").fetchall()
        raws[name] = [r[0] for r in raw]
        assert json.loads(raw[0][1])["title"] == "Python Developer"
        assert con.execute("SELECT count(*) FROM quarantine").fetchone()[0] == 1
        con.close()
    assert raws["bulk"] == raws["small"] == ["a1", "a2", "a3"]  # the quarantined record's payload is kept too


def test_bulk_import_twice_changes_nothing(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(importers, "BULK_JSONL_BYTES", 0)
    db = tmp_path / "bulk.duckdb"
    run_leads(capsys, "--db", str(db), "import", str(FIX), "--format", "jsonl")
    first = _leads(capsys, db)
    code, out, _ = run_leads(capsys, "--db", str(db), "import", str(FIX), "--format", "jsonl")
    assert code == 0 and "0 new leads" in out
    assert _leads(capsys, db) == first


def test_postings_are_stored_a_whole_number_of_row_groups_at_a_time():
    """A chunk that leaves a short row group behind gets it merged, rewritten, by the next write's checkpoint
    (2 s of a 10k import into a million); this checks the constant against DuckDB's own row groups."""
    from warehouse.load import ROW_GROUP_ROWS, UPSERT_CHUNK

    con = duckdb.connect()
    con.execute("CREATE TABLE t (i BIGINT)")
    con.execute(f"INSERT INTO t SELECT range FROM range({ROW_GROUP_ROWS + 10})")
    groups = [n for (n,) in con.execute(
        "SELECT sum(count) FROM pragma_storage_info('t') WHERE segment_type = 'BIGINT' "
        "GROUP BY row_group_id ORDER BY row_group_id").fetchall()]
    assert groups[0] == ROW_GROUP_ROWS and sum(groups) == ROW_GROUP_ROWS + 10
    assert UPSERT_CHUNK % ROW_GROUP_ROWS == 0


def test_a_chunk_of_several_arrow_batches_is_stored_in_whole_row_groups(tmp_path):
    """Inserted as several Arrow batches, a chunk is written by both threads at once into row groups of their
    own and leaves partial ones, which the commit's checkpoint then merges by rewriting the table (4-5 s of a
    million postings' import, ~200 MB of freed blocks). `in_one_piece` hands DuckDB one batch: whole row groups,
    nothing written twice. The raw table, as DuckDB receives it, shows the difference."""
    import pyarrow as pa

    from warehouse.load import ROW_GROUP_ROWS, UPSERT_CHUNK, in_one_piece
    from warehouse.staging import run_over

    rows = pa.table({"i": pa.array(range(UPSERT_CHUNK), pa.int64()),
                     "s": pa.array([f"https://boards.example.com/jobs/{i * 7919 % 100003}" for i in range(UPSERT_CHUNK)])})
    batches = pa.Table.from_batches(rows.to_batches(max_chunksize=20_000))  # as a normalized chunk arrives

    def stored(table: pa.Table, name: str) -> tuple[list[int], int]:
        con = duckdb.connect(str(tmp_path / f"{name}.duckdb"))
        con.execute("SET threads = 2")  # as on the 2-core machines measured; one thread would not split
        con.execute("CREATE TABLE t (i BIGINT, s VARCHAR)")
        con.execute("BEGIN TRANSACTION")
        run_over(con, table, "INSERT INTO t SELECT * FROM arrow_batch")
        con.execute("COMMIT")
        groups = [n for (n,) in con.execute(
            "SELECT sum(count) FROM pragma_storage_info('t') WHERE column_name = 'i' AND segment_type = 'BIGINT' "
            "GROUP BY row_group_id ORDER BY row_group_id").fetchall()]
        con.execute("CHECKPOINT")
        freed = con.execute("PRAGMA database_size").fetchall()[0][5]
        con.close()
        return groups, freed

    assert stored(in_one_piece(batches), "whole") == ([ROW_GROUP_ROWS, ROW_GROUP_ROWS], 0)
    groups, _ = stored(batches, "pieces")  # DuckDB's own way with several batches, which this guards against
    assert sorted(groups) != [ROW_GROUP_ROWS, ROW_GROUP_ROWS]
