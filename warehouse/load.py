"""Bulk loading of extract results into the raw, quarantine and postings tables (Arrow, never row by row)."""
from __future__ import annotations

from datetime import datetime
from typing import Iterable

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from connectors.base import ExtractResult
from connectors.models import POSTING_SCHEMA, Posting  # POSTING_SCHEMA: the record contract, kept with Posting
from warehouse.normalize import NORMALIZED_COLUMNS, TitleMemo, normalize_table
from warehouse.staging import run_over, staged

_NORMALIZED = [name for name, _ in NORMALIZED_COLUMNS]
_UPDATABLE = [f.name for f in POSTING_SCHEMA if f.name not in ("posting_uid", "source", "source_id")] + _NORMALIZED


def posting_uid(source: str, source_id: str) -> str:
    return f"{source}:{source_id}"


def postings_table(postings: Iterable[Posting]) -> pa.Table:
    """Postings as an Arrow table, row for row (a record named twice keeps its last copy when stored:
    `upsert_postings_table`)."""
    rows = [{**posting.model_dump(), "posting_uid": posting_uid(posting.source, posting.source_id)}
            for posting in postings]
    return pa.Table.from_pylist(rows, schema=POSTING_SCHEMA)


def _append(con: duckdb.DuckDBPyConnection, target: str, rows: list[dict]) -> int:
    """Append rows (dicts keyed by column name) to an append-only table in one bulk statement."""
    if not rows:
        return 0
    columns = ", ".join(rows[0])
    with staged(con, f"{target}_batch", pa.Table.from_pylist(rows)):
        con.execute(f"INSERT INTO {target} ({columns}) SELECT {columns} FROM {target}_batch")
    return len(rows)


def load_raw(con: duckdb.DuckDBPyConnection, run_id: str, results: list[ExtractResult], now: datetime) -> int:
    return _append(con, "raw_postings", [
        {"run_id": run_id, "source": r.source, "source_key": r.source_key, "source_id": r.source_id,
         "fetched_at": now, "payload": r.payload}
        for result in results
        for r in result.raw
    ])


def load_raw_table(con: duckdb.DuckDBPyConnection, run_id: str, table: pa.Table, payloads: pa.Array,
                   now: datetime) -> int:
    """raw_postings rows for postings that arrived as one Arrow table: each row's record as the file wrote
    it (`payloads`, row for row; ExtractResult.bulk_payloads)."""
    raw = pa.table({"source": table["source"], "source_key": table["source_key"], "source_id": table["source_id"],
                    "payload": payloads})
    for start in range(0, raw.num_rows, UPSERT_CHUNK):
        run_over(con, in_one_piece(raw.slice(start, UPSERT_CHUNK)),
                 "INSERT INTO raw_postings (run_id, source, source_key, source_id, fetched_at, payload) "
                 "SELECT $run, b.source, b.source_key, b.source_id, $now, b.payload FROM arrow_batch b",
                 {"run": run_id, "now": now})
    return raw.num_rows


def load_quarantine(con: duckdb.DuckDBPyConnection, run_id: str, results: list[ExtractResult], now: datetime) -> int:
    return _append(con, "quarantine", [
        {"run_id": run_id, "source": q.source, "source_key": q.source_key, "source_id": q.source_id,
         "reason": q.reason, "payload": q.payload, "quarantined_at": now}
        for result in results
        for q in result.quarantined
    ])


def upsert_postings(con: duckdb.DuckDBPyConnection, run_id: str, postings: Iterable[Posting], now: datetime) -> int:
    """Insert new postings and refresh known ones; first_seen and lead_id of known ones are kept."""
    return upsert_postings_table(con, run_id, postings_table(postings), now)


def without_nul(table: pa.Table) -> pa.Table:
    """Every text column (and list of texts) with NUL characters removed: no stored text keeps one."""
    columns = []
    for column, field in zip(table.columns, table.schema):
        if pa.types.is_string(field.type) or pa.types.is_large_string(field.type):
            column = pc.replace_substring(column, "\x00", "")
        elif pa.types.is_list(field.type) and pa.types.is_string(field.type.value_type):
            # offsets rebased and values flattened: a slice of a table (a chunk of an import) works too
            column = pa.chunked_array([
                pa.ListArray.from_arrays(pc.subtract(chunk.offsets, chunk.offsets[0]),
                                         pc.replace_substring(chunk.flatten(), "\x00", ""), mask=chunk.is_null())
                for chunk in column.chunks], type=field.type)
        columns.append(column)
    return pa.Table.from_arrays(columns, schema=table.schema)


def upsert_postings_table(con: duckdb.DuckDBPyConnection, run_id: str, table: pa.Table, now: datetime) -> int:
    """`upsert_postings` for an Arrow table in `POSTING_SCHEMA` (the bulk path: one row per posting_uid)."""
    if table.num_rows == 0:
        return 0
    table = _last_copy_of_each(table)
    titles = TitleMemo()
    # Into an empty table every row is new: no update to try, and no anti-join against what the chunks before
    # stored, whose cost grew with each chunk (a million postings: 0.65 -> 1.26 s a chunk).
    all_new = not con.execute("SELECT EXISTS (SELECT 1 FROM postings)").fetchall()[0][0]
    for start in range(0, table.num_rows, UPSERT_CHUNK):
        _upsert_chunk(con, run_id, without_nul(table.slice(start, UPSERT_CHUNK)), now, titles, all_new)
        pa.default_memory_pool().release_unused()  # the chunk's normalizing buffers, before the next one
    return table.num_rows


# Postings normalized and stored at a time: a million at once doubled the import's peak memory. A whole number
# of DuckDB row groups (122,880 rows each): chunks of 250,000 left a 4,240-row group after every two full ones,
# and the next write's checkpoint merged them, rewriting ~55 MB of postings (2 s of a 10k import into a million).
ROW_GROUP_ROWS = 122_880
UPSERT_CHUNK = 2 * ROW_GROUP_ROWS


def _last_copy_of_each(table: pa.Table) -> pa.Table:
    """One row per posting_uid, the last, in table order: the readers give each record once already (its last copy
    wins), and a table that names one twice would otherwise store it twice (both rows of one chunk are new)."""
    if pc.count_distinct(table["posting_uid"]).as_py() == table.num_rows:
        return table
    numbered = pa.table({"posting_uid": table["posting_uid"], "row": pa.array(range(table.num_rows), pa.int64())})
    last = numbered.group_by("posting_uid").aggregate([("row", "max")])["row_max"]
    return table.take(last.take(pc.sort_indices(last)))


def in_one_piece(table: pa.Table) -> pa.Table:
    """A table about to be inserted, as one Arrow record batch, so that its rows fill whole row groups.

    DuckDB inserts a table of several batches with both threads at once, each filling row groups of its own,
    and leaves partial row groups behind; the commit's checkpoint then rewrote the whole table to merge them.
    A million postings' import paid 4-5 s of its commit for that and kept ~200 MB of freed blocks in its file.
    In one piece the rows land in whole row groups and the checkpoint writes nothing twice (500k postings:
    checkpoint 1.7 s -> 0.0 s, file 191 -> 97 MB, the inserts no slower)."""
    return table.combine_chunks()


def _upsert_chunk(con: duckdb.DuckDBPyConnection, run_id: str, table: pa.Table, now: datetime,
                  titles: TitleMemo | None = None, all_new: bool = False) -> None:
    columns = [f.name for f in POSTING_SCHEMA] + _NORMALIZED
    column_list = ", ".join(columns)
    updates = ", ".join(f"{c} = b.{c}" for c in _UPDATABLE)
    batch = in_one_piece(normalize_table(table, con, titles))
    # Known records are updated, then new ones appended: a plain insert of new rows is much cheaper than
    # INSERT .. ON CONFLICT when a night brings a million of them. first_seen and lead_id stay. The chunk is read
    # where it is (`run_over`), not copied into a temp table: a table dropped inside the run's transaction is
    # kept until it ends, and a million postings' chunks held 0.8 GB of DuckDB's 1 GB for the rest of the run.
    if not all_new:
        run_over(con, batch, f"""
            UPDATE postings SET {updates}, last_seen = $now, last_run_id = $run, active = TRUE
            FROM arrow_batch b WHERE postings.posting_uid = b.posting_uid
            """, {"now": now, "run": run_id})
    run_over(con, batch, f"""
        INSERT INTO postings ({column_list}, first_seen, last_seen, last_run_id, active)
        SELECT {column_list}, $now, $now, $run, TRUE FROM arrow_batch
        {"" if all_new else "WHERE posting_uid NOT IN (SELECT posting_uid FROM postings)"}
        """, {"now": now, "run": run_id})


def _empty_last_time(con: duckdb.DuckDBPyConnection, result: ExtractResult) -> bool:
    """Whether the source's previous recorded fetch was a complete, successful and empty listing."""
    row = con.execute(
        "SELECT s.status, s.complete, s.parsed FROM run_sources s JOIN runs r USING (run_id) "
        "WHERE s.source = $source AND coalesce(s.source_key, '') = coalesce($key, '') "
        "ORDER BY r.started_at DESC LIMIT 1", {"source": result.source, "key": result.source_key}).fetchone()
    return bool(row) and row[0] == "ok" and bool(row[1]) and row[2] == 0


def retire_unlisted(con: duckdb.DuckDBPyConnection, results: list[ExtractResult]) -> list[str]:
    """Mark inactive the postings a complete, successful fetch no longer lists; returns warnings.

    A listing that comes back empty where the source had open postings closes nothing the first time: a
    board that answers a valid but empty page (an outage, a moved board) must not close every lead at
    once. The warning says so; empty again on the next run, the postings close (the board really has no
    jobs), with a warning too."""
    warnings = []
    for result in results:
        if result.status != "ok" or not result.complete:
            continue
        if not result.postings:
            held = con.execute(
                "SELECT count(*) FROM postings WHERE source = $source AND coalesce(source_key, '') = "
                "coalesce($key, '') AND active", {"source": result.source, "key": result.source_key}).fetchone()[0]
            if not held:
                continue
            if not _empty_last_time(con, result):
                warnings.append(f"{result.label}: the listing came back empty while {held} postings were open; "
                                "none closed (they close if the next listing is empty too)")
                continue
            warnings.append(f"{result.label}: the listing was empty twice in a row: its {held} open postings closed")
        seen = pa.table({"posting_uid": pa.array([posting_uid(p.source, p.source_id) for p in result.postings],
                                                 type=pa.string())})
        with staged(con, "seen_batch", seen):
            con.execute(
                """
                UPDATE postings SET active = FALSE
                WHERE source = $source AND coalesce(source_key, '') = coalesce($key, '') AND active
                  AND posting_uid NOT IN (SELECT posting_uid FROM seen_batch)
                """,
                {"source": result.source, "key": result.source_key},
            ).fetchall()
    return warnings
