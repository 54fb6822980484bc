"""Schema migrations, the writer lock, and publishing a run (all or nothing, idempotent)."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import duckdb
import pytest

from connectors.base import ExtractResult
from connectors.models import Posting, RawItem
from jobleads.config import parse_config
from warehouse import db
from warehouse.publish import publish

TABLES = {"raw_postings", "postings", "leads", "lead_sources", "companies", "contacts", "lead_scores", "runs",
          "quarantine", "schema_version"}


def _posting(source_id: str, title: str, company: str = "Acme", **extra) -> Posting:
    return Posting(source="greenhouse", source_key="acme", source_id=source_id, title=title, company=company,
                   url=f"https://job-boards.greenhouse.io/acme/jobs/{source_id}", **extra)


def _result(*postings: Posting, complete: bool = True) -> ExtractResult:
    return ExtractResult(
        source="greenhouse", source_key="acme", postings=list(postings), complete=complete,
        raw=[RawItem(source="greenhouse", source_key="acme", source_id=p.source_id, payload="{}") for p in postings],
    )


CONFIG = parse_config({"profile": {"titles": ["Backend Engineer"], "skills": ["Python", "PostgreSQL"]}})


def test_migrations_create_the_design_tables_once(db_path: Path):
    con = db.connect(db_path)
    names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert TABLES <= names
    assert {"ranked_leads", "run_history"} <= names
    versions = [r[0] for r in con.execute("SELECT version FROM schema_version ORDER BY version").fetchall()]
    assert versions == [m[0] for m in db.migrations()]
    con.close()
    con = db.connect(db_path)  # reopening applies nothing twice
    assert con.execute("SELECT count(*) FROM schema_version").fetchone()[0] == len(versions)
    con.close()


def test_database_file_is_private(db_path: Path):
    db.connect(db_path).close()
    assert stat.S_IMODE(os.stat(db_path).st_mode) == 0o600


def test_second_writer_fails_at_once_with_the_holder(db_path: Path):
    with db.writer_lock(db_path):
        with pytest.raises(db.WarehouseBusy, match=rf"another refresh is running \(pid {os.getpid()}\)"):
            with db.writer_lock(db_path):
                pass
    with db.writer_lock(db_path):  # released again
        pass


def test_reader_needs_an_existing_database(tmp_path: Path):
    with pytest.raises(db.WarehouseError, match="no database yet"):
        db.connect(tmp_path / "nothing.duckdb", read_only=True)


def test_publish_builds_leads_scores_and_run(db_path: Path):
    con = db.connect(db_path)
    summary = publish(con, [_result(_posting("1", "Backend Engineer", description="Python and PostgreSQL"),
                                    _posting("2", "Account Executive"))], CONFIG)
    assert summary.status == "ok" and summary.new_leads == 2 and summary.open_leads == 2
    rows = con.execute("SELECT title, score FROM ranked_leads").fetchall()
    assert rows[0][0] == "Backend Engineer" and rows[0][1] > rows[1][1]
    assert con.execute("SELECT count(*) FROM runs").fetchone()[0] == 1
    assert con.execute("SELECT count(*) FROM raw_postings").fetchone()[0] == 2


def test_publish_twice_changes_nothing(db_path: Path):
    con = db.connect(db_path)
    batch = [_result(_posting("1", "Backend Engineer"), _posting("2", "Data Engineer"))]
    publish(con, batch, CONFIG)
    before = con.execute("SELECT lead_id, title, status FROM leads ORDER BY lead_id").fetchall()
    second = publish(con, batch, CONFIG)
    after = con.execute("SELECT lead_id, title, status FROM leads ORDER BY lead_id").fetchall()
    assert before == after and second.new_leads == 0 and second.closed_leads == 0


def test_a_posting_rewritten_upstream_is_rescored_through_its_inputs_hash(db_path: Path):
    """The scoring plan compares a hash of each lead's fields, written once per change (migration 013): the rollup
    hashes the leads it rewrites, and a lead stored before the migration (no hash) is hashed by the plan to the
    same value, so it is not scored again for nothing."""
    from warehouse import freshness

    con = db.connect(db_path)
    publish(con, [_result(_posting("1", "Backend Engineer", description="Requirements: Python"))], CONFIG)
    hashed, inputs = con.execute("SELECT l.inputs_hash, s.inputs FROM leads l JOIN lead_scores s USING (lead_id)"
                                 ).fetchone()
    assert hashed is not None
    publish(con, [_result(_posting("1", "Backend Engineer", description="Requirements: Python and Rust"))], CONFIG)
    rehashed, reinputs, description = con.execute(
        "SELECT l.inputs_hash, s.inputs, l.description FROM leads l JOIN lead_scores s USING (lead_id)").fetchone()
    assert rehashed != hashed and reinputs != inputs and description == "Requirements: Python and Rust"
    assert con.execute("SELECT count(*) FROM lead_skills WHERE skill = 'Rust'").fetchone()[0] == 1
    con.execute("UPDATE leads SET inputs_hash = NULL")  # as a database from before migration 013
    same_day = con.execute("SELECT max(computed_at) FROM lead_scores").fetchone()[0]
    assert freshness.rescore(con, CONFIG, same_day) == 0
    assert con.execute("SELECT inputs_hash FROM leads").fetchone()[0] == rehashed


def test_an_empty_listing_closes_nothing_the_first_time_and_says_so(db_path: Path):
    con = db.connect(db_path)
    publish(con, [_result(_posting("1", "Backend Engineer"), _posting("2", "Data Engineer"))], CONFIG)
    empty = publish(con, [_result()], CONFIG)
    assert empty.closed_leads == 0 and empty.open_leads == 2
    assert empty.warnings == ["greenhouse:acme: the listing came back empty while 2 postings were open; none "
                              "closed (they close if the next listing is empty too)"]
    again = publish(con, [_result()], CONFIG)  # empty twice in a row: the board really has no jobs
    assert again.closed_leads == 2 and "empty twice in a row" in again.warnings[0]


def test_complete_fetch_closes_unlisted_and_failed_source_does_not(db_path: Path):
    con = db.connect(db_path)
    publish(con, [_result(_posting("1", "Backend Engineer"), _posting("2", "Data Engineer"))], CONFIG)
    failed = ExtractResult(source="greenhouse", source_key="acme", status="failed", error="HTTP 500")
    assert publish(con, [failed], CONFIG).closed_leads == 0
    summary = publish(con, [_result(_posting("1", "Backend Engineer"))], CONFIG)
    assert summary.closed_leads == 1
    status = dict(con.execute("SELECT title, status FROM leads").fetchall())
    assert status == {"Backend Engineer": "open", "Data Engineer": "closed"}
    # the same job listed again reopens its lead
    publish(con, [_result(_posting("1", "Backend Engineer"), _posting("2", "Data Engineer"))], CONFIG)
    assert con.execute("SELECT count(*) FROM leads WHERE status = 'open'").fetchone()[0] == 2


def test_crash_mid_publish_keeps_previous_state(db_path: Path, monkeypatch):
    con = db.connect(db_path)
    publish(con, [_result(_posting("1", "Backend Engineer"))], CONFIG)

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("warehouse.scoring.score_leads", boom)  # the last step of the publish transaction
    with pytest.raises(RuntimeError):
        publish(con, [_result(_posting("1", "Backend Engineer"), _posting("3", "SRE"))], CONFIG)
    assert con.execute("SELECT count(*) FROM postings").fetchone()[0] == 1
    assert con.execute("SELECT count(*) FROM runs").fetchone()[0] == 1
    assert con.execute("SELECT count(*) FROM raw_postings").fetchone()[0] == 1


def test_quarantined_items_are_kept_with_reason(db_path: Path):
    from connectors.models import QuarantinedItem

    con = db.connect(db_path)
    result = _result(_posting("1", "Backend Engineer"))
    result.quarantined.append(QuarantinedItem(source="greenhouse", source_key="acme", source_id="9",
                                              reason="title: Field required", payload='{"id": 9}'))
    summary = publish(con, [result], CONFIG)
    assert summary.quarantined == 1
    assert con.execute("SELECT source_id, reason FROM quarantine").fetchall() == [("9", "title: Field required")]


def test_duckdb_file_opens_in_plain_duckdb(db_path: Path):
    con = db.connect(db_path)
    publish(con, [_result(_posting("1", "Backend Engineer"))], CONFIG)
    con.close()
    plain = duckdb.connect(str(db_path), read_only=True)
    assert plain.execute("SELECT count(*) FROM ranked_leads").fetchone()[0] == 1


_PROGRESS_BAR_SETTINGS = """
import json, sys
from pathlib import Path
import duckdb
from connectors.files_bulk import read_generic_bulk
from warehouse import db

def bar(con):
    return con.execute("SELECT current_setting('enable_progress_bar')").fetchall()[0][0]

found = {"plain": bar(duckdb.connect())}
for name, read_only in (("writer", False), ("reader", True)):
    con = db.connect(sys.argv[1], read_only=read_only)
    found[name] = bar(con)
    con.close()
found["bulk reader"] = []
real_connect = duckdb.connect

class Watched:  # the bulk reader's connection, asked when it first registers a table
    def __init__(self, con):
        self.con = con

    def __getattr__(self, name):
        return getattr(self.con, name)

    def register(self, *args):
        found["bulk reader"].append(bar(self.con))
        return self.con.register(*args)

duckdb.connect = lambda *args, **kwargs: Watched(real_connect(*args, **kwargs))
assert read_generic_bulk(Path(sys.argv[2])).bulk.num_rows == 1
print(json.dumps(found))
"""


def test_connections_draw_no_progress_bar_on_stdout(db_path: Path, tmp_path: Path):
    """DuckDB's Python client draws a progress bar on stdout for any statement past two seconds (a migration
    rebuilding a large table, a rescore of every lead, the bulk reader's parse of a large file): in the middle
    of a command's output or its JSON. Every connection the product opens turns it off. Asked in a process of
    its own: under pytest the client leaves the bar off by default, which would hide a connection that keeps it."""
    import json
    import subprocess
    import sys

    postings = tmp_path / "postings.jsonl"
    postings.write_text('{"source": "jsonl", "source_id": "1", "title": "Chef", "company": "Acme"}\n')
    done = subprocess.run([sys.executable, "-c", _PROGRESS_BAR_SETTINGS, str(db_path), str(postings)],
                          capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1], check=True)
    assert json.loads(done.stdout) == {"plain": True, "writer": False, "reader": False, "bulk reader": [False]}


def test_long_texts_move_to_zstd_columns_with_every_row_kept(db_path: Path):
    """Migration 011 rebuilds four tables to store their long texts zstd-compressed: a database written by
    an older jobleads keeps every row, default and key."""
    con = duckdb.connect(str(db_path))  # as jobleads left it before migration 011
    con.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMPTZ)")
    for version, name, sql in db.migrations():
        if version < 11:
            con.execute(sql)
            con.execute("INSERT INTO schema_version VALUES (?, ?, now())", [version, name])
    con.execute("INSERT INTO raw_postings (run_id, source, fetched_at, payload) VALUES ('r1', 'greenhouse', now(), '{\"a\": 1}')")
    con.execute("INSERT INTO postings (posting_uid, source, source_id, title, company, description, first_seen, "
                "last_seen) VALUES ('greenhouse:1', 'greenhouse', '1', 'Chef', 'Acme', 'Knife skills.', now(), now())")
    con.execute("INSERT INTO lead_sources VALUES ('L1', 'greenhouse:1', 'greenhouse', '1', NULL, 'first', 1.0, "
                "'{\"why\": null}', now())")
    con.execute("INSERT INTO lead_scores VALUES ('L1', 0.5, '{}', [], [], '{\"tier\": \"related\"}', now(), NULL, 'x')")
    con.close()

    con = db.connect(db_path)
    for table, column in (("raw_postings", "payload"), ("postings", "description"),
                          ("lead_sources", "evidence"), ("lead_scores", "details")):
        ddl = con.execute("SELECT sql FROM duckdb_tables() WHERE table_name = ?", [table]).fetchone()[0]
        assert f"{column} " in ddl and "USING COMPRESSION ZSTD" in ddl.split(f"{column} ", 1)[1].split(",")[0]
    assert con.execute("SELECT raw_id, payload FROM raw_postings").fetchall() == [(1, '{"a": 1}')]
    con.execute("INSERT INTO raw_postings (run_id, source, fetched_at, payload) VALUES ('r2', 'lever', now(), '{}')")
    assert con.execute("SELECT max(raw_id) FROM raw_postings").fetchone()[0] == 2  # the sequence goes on
    assert con.execute("SELECT description, active FROM postings").fetchall() == [("Knife skills.", True)]
    assert con.execute("SELECT evidence FROM lead_sources").fetchone()[0] == '{"why": null}'
    assert con.execute("SELECT details FROM lead_scores").fetchone()[0] == '{"tier": "related"}'
    ddl = con.execute("SELECT sql FROM duckdb_tables() WHERE table_name = 'leads'").fetchone()[0]
    assert "PRIMARY KEY" not in ddl and "lead_id VARCHAR NOT NULL" in ddl
    con.close()


def test_a_table_into_an_empty_database_stores_each_record_once(db_path: Path):
    """Into an empty postings table the loader inserts without looking for known records: a table that names a
    record twice stores it once, its last copy (as the readers keep it)."""
    from datetime import datetime, timezone

    import pyarrow as pa

    from warehouse import load

    con = db.connect(db_path)
    twice = pa.concat_tables([load.postings_table([_posting("1", "Backend Engineer"), _posting("2", "Data Engineer")]),
                              load.postings_table([_posting("1", "Senior Backend Engineer")])])
    now = datetime.now(timezone.utc)
    con.execute("BEGIN TRANSACTION")
    assert load.upsert_postings_table(con, "r1", twice, now) == 2
    con.execute("COMMIT")
    assert con.execute("SELECT posting_uid, title FROM postings ORDER BY 1").fetchall() == [
        ("greenhouse:1", "Senior Backend Engineer"), ("greenhouse:2", "Data Engineer")]
    con.close()


def test_row_keys_stay_unique_without_primary_keys(db_path: Path):
    """The key columns of postings, leads, lead_sources and lead_scores name one row each however a run
    repeats, overlaps or changes what came before (their PRIMARY KEYs are gone since migration 011)."""
    con = db.connect(db_path)
    first = [_result(_posting("1", "Backend Engineer"), _posting("2", "Data Engineer"), _posting("1", "Backend Engineer"))]
    publish(con, first, CONFIG)
    publish(con, first, CONFIG)  # the same again
    changed = _result(_posting("1", "Senior Backend Engineer"), _posting("3", "SRE"))
    overlapping = _result(_posting("3", "SRE"), _posting("4", "Chef"))  # one record twice in one run
    publish(con, [changed, overlapping], CONFIG)
    publish(con, [_result(_posting("3", "SRE"))], CONFIG)  # 1, 2 and 4 close
    assert db.duplicate_keys(con) == {}
    assert con.execute("SELECT count(*) FROM postings").fetchone()[0] == 4
    assert con.execute("SELECT count(*), count(DISTINCT posting_uid) FROM lead_sources").fetchone() == (4, 4)
    con.execute("INSERT INTO lead_scores SELECT * FROM lead_scores LIMIT 1")  # as a bug would
    assert db.duplicate_keys(con) == {"lead_scores": 1}
    con.close()


def test_a_lead_takes_the_same_fields_whatever_order_its_records_arrive_in(tmp_path: Path):
    """Survivorship ties (two aggregators' copies seen in one run) go the same way in every database:
    before, DuckDB's scan order chose, so a lead's title could differ between two imports of one file."""
    def copy(source: str, title: str, salary: float) -> Posting:
        return Posting(source=source, source_id="7", title=title, company="Acme", locations=["Leeds"],
                       remote="remote" if source == "remotive" else None, salary_min=salary,
                       salary_currency="GBP")

    records = [copy("remotive", "Backend Engineer", 50000), copy("jobicy", "Backend Engineer - Remote", 52000)]
    leads = []
    for name, order in (("a", records), ("b", records[::-1])):
        con = db.connect(tmp_path / f"{name}.duckdb")
        publish(con, [ExtractResult(source="mixed", source_key=None, postings=order, complete=False)], CONFIG)
        leads.append(con.execute("SELECT lead_id, title, remote, salary_min FROM leads").fetchall())
        con.close()
    assert len(leads[0]) == 1 and leads[0] == leads[1]
    assert leads[0][0][1:] == ("Backend Engineer", "remote", 50000.0)  # the higher posting_uid: remotive:7
