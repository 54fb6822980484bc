"""Load one run's extract results and rebuild leads, scores and marts in a single transaction."""
from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from contextlib import nullcontext
from typing import Callable

import duckdb
import pyarrow as pa

from connectors.base import ExtractResult
from jobleads.config import Config
from warehouse import companies, dedupe, freshness, load, network, outreach, scoring
from warehouse.db import transaction
from warehouse.matching import REPOST_DAYS
from warehouse.rules import RANKING_ORDER
from warehouse.scoring_ahead import ScoringAhead
from warehouse.sqlfile import run_script
from warehouse.staging import staged


@dataclass
class SourceSummary:
    source: str
    source_key: str | None
    status: str
    complete: bool
    fetched: int
    parsed: int
    quarantined: int
    pages: int
    seconds: float
    error: str | None
    error_kind: str | None


@dataclass
class RunSummary:
    run_id: str
    kind: str
    started_at: datetime
    finished_at: datetime | None = None
    status: str = "running"
    postings_seen: int = 0
    new_leads: int = 0
    closed_leads: int = 0
    quarantined: int = 0
    open_leads: int = 0
    sources: list[SourceSummary] = field(default_factory=list)
    new_warm_companies: list[str] = field(default_factory=list)
    top_new_leads: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    followups: list[dict] = field(default_factory=list)  # {kind, title, company, days}: no contact details

    @property
    def failures(self) -> list[SourceSummary]:
        return [s for s in self.sources if s.status == "failed"]

    def to_json(self) -> dict:
        data = asdict(self)
        data["started_at"] = self.started_at.isoformat()
        data["finished_at"] = self.finished_at.isoformat() if self.finished_at else None
        data["failures"] = [f"{s.source}:{s.source_key}: {s.error}" if s.source_key else f"{s.source}: {s.error}"
                            for s in self.failures]
        return data


def new_run_id(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:6]


def _no_report(stage: str) -> None:
    pass


# Re-posts are looked for among every lead's records once a run has touched this share of the leads or more
# (a first import, a refresh that sees every listing again): at a million leads all touched, finding the leads
# that can share a touched lead's key took 2.0-2.8 s, reading every lead's records 0.8-1.1 s; at 10,000 of
# the million touched, 0.2 s against 0.8 s.
EVERY_LEAD_SHARE = 1 / 3


def rollup_leads(con: duckdb.DuckDBPyConnection, now: datetime) -> None:
    """Leads' fields from their records (survivorship), then re-posts: warehouse/sql/rollup_leads.sql and
    lead_reposts.sql, which reads the records repost_scope_every.sql or repost_scope_touched.sql picks."""
    run_script(con, "rollup_leads.sql", {"now": now, "board_sources": sorted(companies.BOARD_SOURCES),
                                         "file_sources": sorted(companies.FILE_SOURCES)})
    scoring.hash_lead_inputs(con, "lead_changes")
    con.execute("DROP TABLE lead_changes").fetchall()
    touched, leads = con.execute("SELECT (SELECT count(*) FROM touched_leads), (SELECT count(*) FROM leads)"
                                 ).fetchone()
    run_script(con, "repost_scope_every.sql" if touched >= EVERY_LEAD_SHARE * leads else "repost_scope_touched.sql")
    run_script(con, "lead_reposts.sql", {"now": now, "repost_days": REPOST_DAYS})


def rebuild(con: duckdb.DuckDBPyConnection, config: Config, now: datetime,
            on_stage: Callable[[str], None] = _no_report) -> tuple[int, int]:
    """The transforms after loading, in order; returns (new leads, newly closed leads)."""
    # In SQL, not a Python set: 700k open lead ids cost 0.3 s to fetch in a nightly fold at a million.
    con.execute("CREATE OR REPLACE TEMP TABLE rebuild_open_before AS SELECT lead_id FROM leads WHERE status = 'open'"
                ).fetchall()
    # The run's new titles and descriptions are read for scoring in a second process meanwhile.
    ahead = ScoringAhead(con, config, now)
    try:
        on_stage("resolving companies")
        companies.resolve_companies(con)  # dedupe compares postings.company_id
        on_stage("merging copies into leads")
        new_leads = dedupe.assign_leads(con, now)
        rollup_leads(con, now)
        on_stage("linking contacts")
        network.link_contacts(con, config, now)  # lead_contacts: scoring reads warmth from it
        newly_closed = con.execute("SELECT count(*) FROM leads SEMI JOIN rebuild_open_before USING (lead_id) "
                                   "WHERE status = 'closed'").fetchone()[0]
        con.execute("DROP TABLE rebuild_open_before").fetchall()
        on_stage("scoring leads")
        freshness.rescore(con, config, now, ahead=ahead)
    finally:
        ahead.stop()  # after a failure the second process is ended, not left to finish its list
    return new_leads, newly_closed


def publish(
    con: duckdb.DuckDBPyConnection,
    results: list[ExtractResult],
    config: Config,
    kind: str = "refresh",
    run_id: str | None = None,
    started_at: datetime | None = None,
    on_stage: Callable[[str], None] = _no_report,
    own_transaction: bool = True,
) -> RunSummary:
    """All or nothing: a failure anywhere rolls back and leaves yesterday's state intact.

    `own_transaction=False`: the caller has begun a transaction that also holds its own writes (a
    referral's contact link) and commits or rolls back the whole.
    """
    now = datetime.now(timezone.utc)
    summary = RunSummary(run_id=run_id or new_run_id(now), kind=kind, started_at=started_at or now)
    for r in results:
        summary.sources.append(SourceSummary(
            source=r.source, source_key=r.source_key, status=r.status, complete=r.complete,
            fetched=r.fetched, parsed=r.parsed, quarantined=len(r.quarantined), pages=r.pages,
            seconds=r.seconds, error=r.error, error_kind=r.error_kind,
        ))
    with transaction(con) if own_transaction else nullcontext():
        warm_before = _warm_company_names(con)
        on_stage("storing postings")
        load.load_raw(con, summary.run_id, results, now)
        summary.quarantined = load.load_quarantine(con, summary.run_id, results, now)
        postings = [p for r in results if r.status == "ok" for p in r.postings]
        summary.postings_seen = load.upsert_postings(con, summary.run_id, postings, now)
        for r in results:
            if r.status == "ok" and r.bulk is not None:
                load.load_raw_table(con, summary.run_id, r.bulk, r.bulk_payloads, now)
                r.release_payloads()
                summary.postings_seen += load.upsert_postings_table(con, summary.run_id, r.bulk, now)
                r.release_bulk()
        summary.warnings += load.retire_unlisted(con, results)
        summary.new_leads, summary.closed_leads = rebuild(con, config, now, on_stage)
        on_stage("recording the run")
        summary.open_leads = con.execute("SELECT count(*) FROM leads WHERE status = 'open'").fetchone()[0]
        summary.new_warm_companies = sorted(_warm_company_names(con) - warm_before)
        summary.top_new_leads = _top_new_leads(con, config.notify.top, now)
        summary.followups = [{k: f[k] for k in ("kind", "title", "company", "days", "lead_id")}
                             for f in outreach.followups(con, config.network.followup_days, now)]
        _remember_sources(con, summary.run_id, results, now)
        summary.finished_at = datetime.now(timezone.utc)
        ok = sum(1 for s in summary.sources if s.status == "ok")
        failed = len(summary.failures)
        summary.status = "ok" if not failed else ("partial" if ok else "failed")
        _record_run(con, summary, ok, failed)
    on_stage("done")
    return summary


def _warm_company_names(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Companies in the `warm_companies` mart; empty while that mart does not exist yet.

    Checked in the catalog rather than caught: a failed statement would abort the run's transaction.
    """
    has_view = con.execute(
        "SELECT count(*) FROM duckdb_columns() WHERE table_name = 'warm_companies' AND column_name = 'company'"
    ).fetchone()[0]
    if not has_view:
        return set()
    return {row[0] for row in con.execute("SELECT DISTINCT company FROM warm_companies").fetchall() if row[0]}


def _top_new_leads(con: duckdb.DuckDBPyConnection, top: int, now: datetime) -> list[dict]:
    """The best-scoring leads first seen in this run: what the digest announces (no contact details).

    A lead is first seen in this run when every record of it is (its first_seen is the earliest of theirs):
    a lead that existed before keeps an older record. Read from the column, not by comparing with a snapshot
    of the lead ids taken before the run (0.2 s at a million leads)."""
    rows = con.execute(
        f"""
        SELECT l.lead_id, l.title, l.company, l.url, round(coalesce(s.score, 0), 3) AS rounded_score
        FROM (SELECT * FROM leads WHERE status = 'open' AND first_seen = $now) l LEFT JOIN lead_scores s USING (lead_id)
        ORDER BY {RANKING_ORDER}
        LIMIT $top
        """,
        {"top": top, "now": now},
    ).fetchall()
    return [{"lead_id": r[0], "title": r[1], "company": r[2], "url": r[3], "score": r[4]} for r in rows]


def _remember_sources(con: duckdb.DuckDBPyConnection, run_id: str, results: list[ExtractResult], now: datetime) -> None:
    rows = [
        {"run_id": run_id, "source": r.source, "source_key": r.source_key, "status": r.status,
         "complete": r.complete, "fetched": r.fetched, "parsed": r.parsed,
         "quarantined": len(r.quarantined), "pages": r.pages, "seconds": r.seconds,
         "error": r.error, "error_kind": r.error_kind}
        for r in results
    ]
    if not rows:
        return
    with staged(con, "run_sources_batch", pa.Table.from_pylist(rows)):
        con.execute("INSERT INTO run_sources SELECT * FROM run_sources_batch")
    for r in results:
        con.execute(
            """
            INSERT INTO source_state VALUES ($source, $key, $etag, $lm, $run, $status, CASE WHEN $status = 'ok' THEN $now END)
            ON CONFLICT (source, source_key) DO UPDATE SET
                etag = CASE WHEN excluded.last_status = 'ok' AND excluded.etag IS NOT NULL THEN excluded.etag ELSE source_state.etag END,
                last_modified = CASE WHEN excluded.last_status = 'ok' AND excluded.last_modified IS NOT NULL THEN excluded.last_modified ELSE source_state.last_modified END,
                last_run_id = excluded.last_run_id, last_status = excluded.last_status,
                last_ok_at = coalesce(excluded.last_ok_at, source_state.last_ok_at)
            """,
            {"source": r.source, "key": r.source_key or "", "etag": r.validators.get("etag"),
             "lm": r.validators.get("last_modified"), "run": run_id, "status": r.status, "now": now},
        )


def _record_run(con: duckdb.DuckDBPyConnection, summary: RunSummary, ok: int, failed: int) -> None:
    con.execute(
        "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [summary.run_id, summary.kind, summary.started_at, summary.finished_at, summary.status, ok, failed,
         summary.postings_seen, summary.new_leads, summary.closed_leads, summary.quarantined,
         json.dumps(summary.to_json(), default=str)],
    )
