"""Run history, read side: what `leads runs`, `leads runs show` and `leads sources` show (and the dashboard)."""
from __future__ import annotations

import json
from typing import Any

import duckdb


class RunNotFound(LookupError):
    """No run matches what the user asked for; the message says what to do."""


_LAST_RUN = """
SELECT rs.source, coalesce(rs.source_key, '') AS source_key,
       arg_max(rs.status, r.started_at) AS status,
       arg_max(rs.complete, r.started_at) AS complete,
       arg_max(rs.fetched, r.started_at) AS fetched,
       arg_max(rs.parsed, r.started_at) AS parsed,
       arg_max(rs.quarantined, r.started_at) AS quarantined,
       arg_max(rs.pages, r.started_at) AS pages,
       arg_max(rs.seconds, r.started_at) AS seconds,
       arg_max(rs.error, r.started_at) AS error,
       max(r.started_at) AS last_run_at
FROM run_sources rs JOIN runs r USING (run_id)
GROUP BY ALL
"""


def last_source_runs(con: duckdb.DuckDBPyConnection) -> tuple[dict, dict]:
    """(what the last run recorded per (source, key), when each last answered); empty for an old database."""
    history: dict[tuple[str, str], dict[str, Any]] = {}
    last_ok: dict[tuple[str, str], Any] = {}
    try:
        cursor = con.execute(_LAST_RUN)
        names = [d[0] for d in cursor.description]
        for row in cursor.fetchall():
            record = dict(zip(names, row))
            history[(record["source"], record["source_key"])] = record
        for source, key, ok_at in con.execute("SELECT source, source_key, last_ok_at FROM source_state").fetchall():
            last_ok[(source, key)] = ok_at
    except duckdb.CatalogException:
        pass  # a database from before these tables: nothing recorded yet
    return history, last_ok


def list_runs(con: duckdb.DuckDBPyConnection, limit: int = 20) -> list[dict[str, Any]]:
    cursor = con.execute("SELECT * FROM run_history LIMIT ?", [limit])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def find_run_id(con: duckdb.DuckDBPyConnection, wanted: str) -> str:
    """A full run id, a unique prefix of one, or `latest`."""
    if wanted == "latest":
        row = con.execute("SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1").fetchone()
        if row is None:
            raise RunNotFound("no runs yet (run `leads refresh`, `leads import` or `leads demo`)")
        return row[0]
    matches = [r[0] for r in con.execute(
        "SELECT run_id FROM runs WHERE starts_with(run_id, ?) ORDER BY started_at DESC LIMIT 6", [wanted]
    ).fetchall()]
    if wanted in matches:
        return wanted
    if not matches:
        raise RunNotFound(f"no run '{wanted}' (see `leads runs`)")
    if len(matches) > 1:
        raise RunNotFound(f"run id '{wanted}' is ambiguous: {', '.join(matches[:5])} ...")
    return matches[0]


def run_detail(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, Any]:
    """The stored summary of one run with its per-source rows (as recorded, not recomputed)."""
    run_id = find_run_id(con, run_id)
    history = con.execute("SELECT * FROM run_history WHERE run_id = ?", [run_id])
    names = [d[0] for d in history.description]
    detail = dict(zip(names, history.fetchone()))
    stored = con.execute("SELECT summary FROM runs WHERE run_id = ?", [run_id]).fetchone()[0]
    summary = json.loads(stored) if stored else {}
    cursor = con.execute(
        "SELECT source, source_key, status, complete, fetched, parsed, quarantined, pages, seconds, error, error_kind "
        "FROM run_sources WHERE run_id = ? ORDER BY source, source_key", [run_id])
    columns = [d[0] for d in cursor.description]
    detail["sources"] = [dict(zip(columns, row)) for row in cursor.fetchall()]
    detail["failures"] = summary.get("failures", [])
    detail["new_warm_companies"] = summary.get("new_warm_companies", [])
    detail["top_new_leads"] = summary.get("top_new_leads", [])
    return detail


def quarantined(con: duckdb.DuckDBPyConnection, limit: int = 50) -> list[dict[str, Any]]:
    """The latest records set aside as unreadable (newest first), with their reason and where they came from."""
    cursor = con.execute(
        "SELECT quarantined_at, run_id, source, source_key, source_id, reason, left(payload, 300) AS payload "
        "FROM quarantine ORDER BY quarantined_at DESC, run_id, source, source_id LIMIT ?", [limit])
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]
