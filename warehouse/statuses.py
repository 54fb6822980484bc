"""The user's own pipeline of applications: a status per lead with its history, and the look-alikes of
jobs already applied to.

A status is set in the writer's transaction (`set_status`); while a refresh holds the database, the
dashboard's and CLI's changes wait in a queue file beside it (`queue_status`) and are applied by the
writer as it lets go (`apply_queued`, called from `warehouse.db.writer_lock`). Lead ids are stable across
re-runs and merges (a new copy joins the existing lead and keeps its id), so a status stays with its job.
"""
from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path

import duckdb
from rapidfuzz import fuzz, utils

from warehouse.rules import HIDDEN_STATUSES

STATUSES = ("new", "saved", "applied", "interviewing", "offer", "rejected", "not_interested", "archived")
HIDDEN = frozenset(HIDDEN_STATUSES)  # these leave the ranking
APPLIED = frozenset({"applied", "interviewing", "offer", "rejected"})  # "you already applied to this job"
LOOKALIKE_TITLE = 88  # token_sort_ratio of two titles at one company that are probably the same job again


class StatusError(ValueError):
    """A status or lead the user named that does not exist; the message says what would."""


def parse_status(text: str) -> str:
    wanted = text.strip().lower().replace("-", "_").replace(" ", "_")
    if wanted not in STATUSES:
        raise StatusError(f"unknown status '{text}'; use one of: {', '.join(s.replace('_', ' ') for s in STATUSES)}")
    return wanted


def resolve_lead(con: duckdb.DuckDBPyConnection, ref: str) -> str:
    """A lead id, or a unique prefix of one."""
    ref = ref.strip()
    found = [r[0] for r in con.execute(
        "SELECT lead_id FROM leads WHERE lead_id = $ref OR starts_with(lead_id, $ref) ORDER BY lead_id LIMIT 3",
        {"ref": ref}).fetchall()]
    if ref in found:
        return ref
    if len(found) == 1 and ref:
        return found[0]
    if not found:
        raise StatusError(f"no lead with id '{ref}'")
    raise StatusError(f"'{ref}' is the start of several lead ids ({', '.join(found[:2])}, ...); give more of it")


def set_status(con: duckdb.DuckDBPyConnection, lead_ref: str, status: str, note: str | None, when: datetime,
               origin: str = "cli") -> tuple[str, str]:
    """Record a status (and note) for a lead; returns (lead_id, status). Call inside a transaction."""
    lead_id, status = resolve_lead(con, lead_ref), parse_status(status)
    note = (note or "").strip() or None
    con.execute("INSERT INTO lead_status_events (lead_id, status, note, changed_at, origin) VALUES (?, ?, ?, ?, ?)",
                [lead_id, status, note, when, origin]).fetchall()
    # The note stays until another replaces it; the history keeps each status's own.
    con.execute("UPDATE leads SET user_status = ?, user_note = coalesce(?, user_note) WHERE lead_id = ?",
                [status, note, lead_id]).fetchall()
    return lead_id, status


def history(con: duckdb.DuckDBPyConnection, lead_ref: str) -> list[dict]:
    lead_id = resolve_lead(con, lead_ref)
    return [{"lead_id": lead_id, "status": s, "note": n, "at": at.isoformat(), "origin": o}
            for s, n, at, o in con.execute(
                "SELECT status, note, changed_at, origin FROM lead_status_events WHERE lead_id = ? ORDER BY seq",
                [lead_id]).fetchall()]


def pipeline(con: duckdb.DuckDBPyConnection, statuses: list[str] | None = None) -> list[dict]:
    """Every lead the user gave a status, latest change first: where each application stands."""
    wanted = [parse_status(s) for s in statuses] if statuses else [s for s in STATUSES if s != "new"]
    rows = con.execute(
        """
        SELECT l.lead_id, l.title, l.company, l.status, l.user_status, l.user_note, e.since, e.changes,
               e.applied_at, l.url
        FROM leads l JOIN (
            SELECT lead_id, max(changed_at) AS since, count(*) AS changes,
                   min(changed_at) FILTER (WHERE status = 'applied') AS applied_at
            FROM lead_status_events GROUP BY lead_id
        ) e USING (lead_id)
        WHERE list_contains($wanted, l.user_status)
        ORDER BY e.since DESC, l.lead_id
        """, {"wanted": wanted}).fetchall()
    return [{"lead_id": lid, "title": title, "company": company, "lead_open": status == "open",
             "user_status": user_status, "note": note, "since": since.isoformat(), "changes": changes,
             "applied_at": applied.isoformat() if applied else None, "url": url}
            for lid, title, company, status, user_status, note, since, changes, applied, url in rows]


def applied_lookalikes(con: duckdb.DuckDBPyConnection, leads: list[dict]) -> dict[str, dict]:
    """For each lead not yet given a status: a job at the same company, with a similar title, that the user
    already applied to (or interviewed for, got an offer from, was rejected by): {lead_id, title, status, at}."""
    candidates = [lead["lead_id"] for lead in leads if lead.get("user_status", "new") == "new"]
    if not candidates:
        return {}
    rows = con.execute(
        """
        WITH done AS (
            SELECT l.lead_id, l.title, coalesce(l.company_id, lower(l.company)) AS cid, l.user_status,
                   (SELECT max(changed_at) FROM lead_status_events e WHERE e.lead_id = l.lead_id) AS last_change
            FROM leads l WHERE list_contains($applied, l.user_status)
        )
        SELECT c.lead_id, d.lead_id, c.title, d.title, d.user_status, d.last_change
        FROM leads c JOIN done d ON coalesce(c.company_id, lower(c.company)) = d.cid AND c.lead_id <> d.lead_id
        WHERE list_contains($ids, c.lead_id)
        """, {"applied": sorted(APPLIED), "ids": candidates}).fetchall()
    out: dict[str, dict] = {}
    for lead_id, other, title, other_title, status, at in rows:
        score = fuzz.token_sort_ratio(title or "", other_title or "", processor=utils.default_process)
        if score >= LOOKALIKE_TITLE and (lead_id not in out or score > out[lead_id]["similarity"]):
            out[lead_id] = {"lead_id": other, "title": other_title, "status": status,
                            "at": at.isoformat() if at else None, "similarity": round(score)}
    return out


# --- changes that meet a refresh ----------------------------------------------------------------------

def queue_path(db_path: str | Path) -> Path:
    return Path(str(db_path) + ".pending.jsonl")


def queue_status(db_path: str | Path, lead_id: str, status: str, note: str | None, origin: str) -> None:
    """Keep a change for the writer to apply when the refresh that holds the database lets go of it."""
    status = parse_status(status)
    path = queue_path(db_path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)  # notes are the user's own
    with os.fdopen(fd, "a", encoding="utf-8") as out:
        out.write(json.dumps({"lead_id": lead_id, "status": status, "note": note, "origin": origin,
                              "at": datetime.now(timezone.utc).isoformat()}) + "\n")
        out.flush()
        os.fsync(out.fileno())


def _applying_path(db_path: str | Path) -> Path:
    return Path(str(db_path) + ".pending.applying.jsonl")


def _read_changes(path: Path) -> list[dict]:
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            continue  # a line cut by a crash mid-write: the rest still counts
    return out


def queued(db_path: str | Path) -> list[dict]:
    """Changes waiting for the writer, oldest first (those being applied included)."""
    return _read_changes(_applying_path(db_path)) + _read_changes(queue_path(db_path))


def apply_queued(con: duckdb.DuckDBPyConnection, db_path: str | Path) -> tuple[int, list[str]]:
    """Apply the queued changes in order, in the caller's transaction; returns (applied, problems).

    The queue is first moved aside (new changes start a new queue, never lost between reading and
    removing), and removed by `clear_queue` once the caller's transaction committed: a crash before
    that applies the same changes again next time, which sets the same statuses."""
    queue, applying = queue_path(db_path), _applying_path(db_path)
    if queue.exists():
        moved = queue.with_name(queue.name + f".{os.getpid()}")
        os.replace(queue, moved)
        fd = os.open(applying, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "ab") as out:
            out.write(moved.read_bytes())
            out.flush()
            os.fsync(out.fileno())
        moved.unlink()
    applied, problems = 0, []
    for change in _read_changes(applying):
        try:
            set_status(con, change["lead_id"], change["status"], change.get("note"),
                       datetime.fromisoformat(change["at"]), origin="queued")
            applied += 1
        except (StatusError, KeyError, ValueError) as exc:
            problems.append(f"queued status for {change.get('lead_id')}: {exc}")
    return applied, problems


def clear_queue(db_path: str | Path) -> None:
    _applying_path(db_path).unlink(missing_ok=True)
