"""Scores that are never stale: what they were computed from is stored, and a change rescores them.

The fingerprint covers the profile, the weights, the user's extra skills, the shipped skill and
occupation tables, and the scoring rules' version. Query commands call `ensure_fresh_scores` first:
a matching fingerprint costs one row read; a changed one takes the writer lock and rescores (seconds).
Light on imports: the query path loads the scoring machinery only when it has to rescore.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from jobleads.config import Config
from warehouse.db import reader, transaction, writer
from warehouse.versions import rules_version, shipped_tables_digest

def fingerprint(config: Config) -> str:
    basis = {"profile": config.profile.model_dump(mode="json"), "weights": config.weights.model_dump(),
             "skills": config.skills, "tables": shipped_tables_digest(), "scoring": rules_version()}
    return hashlib.sha256(json.dumps(basis, sort_keys=True, default=str).encode()).hexdigest()[:24]


def stored_state(con: duckdb.DuckDBPyConnection) -> tuple[str, datetime] | None:
    """(fingerprint, when) of the last full scoring, or None before any."""
    has_table = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'score_state'").fetchone()[0]
    if not has_table:
        return None
    row = con.execute("SELECT fingerprint, computed_at FROM score_state WHERE id = 1").fetchone()
    return (row[0], row[1]) if row else None


def stored_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    state = stored_state(con)
    return state[0] if state else None


def remember(con: duckdb.DuckDBPyConnection, config: Config, now: datetime) -> None:
    con.execute("INSERT OR REPLACE INTO score_state VALUES (1, ?, ?)", [fingerprint(config), now]).fetchall()


def rescore_scope(con: duckdb.DuckDBPyConnection, config: Config, now: datetime) -> str:
    """Which open leads a run rescores: "all" when the profile, weights or tables changed (or nothing was scored
    yet); "day" on a new day (the leads whose inputs changed, and those whose recency still moves: a date known
    and a recency above 0); otherwise "changed" (the leads whose own inputs changed: SCORE_INPUTS_SQL)."""
    state = stored_state(con)
    if state is None or state[0] != fingerprint(config):
        return "all"
    return "day" if state[1].astimezone(timezone.utc).date() != now.date() else "changed"


def rescore(con: duckdb.DuckDBPyConnection, config: Config, now: datetime, full: bool | None = None,
            ahead=None) -> int:
    """Score the open leads that need it (`rescore_scope`; `full`: all of them, or only the changed ones) and
    remember, after a scoring of all or of a new day, what the scores were computed from and when. Returns how
    many leads were scored. `ahead`: the warehouse.scoring_ahead.ScoringAhead begun on this run's postings."""
    from warehouse.scoring import score_leads

    scope = rescore_scope(con, config, now) if full is None else ("all" if full else "changed")
    count = score_leads(con, config, now, full=scope == "all", new_day=scope == "day", ahead=ahead)
    if scope != "changed":
        remember(con, config, now)
    return count


def scores_are_stale(con: duckdb.DuckDBPyConnection, config: Config) -> bool:
    has_leads = con.execute("SELECT count(*) FROM leads WHERE status = 'open'").fetchone()[0]
    return bool(has_leads) and stored_fingerprint(con) != fingerprint(config)


def ensure_fresh_scores(db_path: str | Path, config: Config) -> int | None:
    """Rescore every open lead if the stored scores came from another profile, weights or tables.

    Returns how many leads were rescored, or None when the scores were fresh.
    """
    with reader(db_path) as con:
        if not scores_are_stale(con, config):
            return None
    with writer(db_path, "rescore") as con, transaction(con):
        return rescore(con, config, datetime.now(timezone.utc), full=True)
