"""Read-side queries shared by the CLI, the flow summary and the dashboard: leads in the design's JSON shape."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

from warehouse.rules import RANKING_ORDER
from warehouse.statuses import HIDDEN, applied_lookalikes


@dataclass
class LeadFilter:
    limit: int | None = 20
    min_score: float | None = None
    remote: bool = False
    company: str | None = None
    warm: bool = False
    include_closed: bool = False
    lead_ids: list[str] | None = None
    statuses: list[str] | None = None  # the user's statuses to show (default: all but not_interested, archived)
    include_hidden: bool = False  # also leads marked not interested or archived
    title: str | None = None  # words the title contains
    occupation: str | None = None  # an ISCO code prefix ("2512", "25") or words of the occupation's label
    new_since: datetime | None = None  # first seen at or after this time


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Tables and views alike (information_schema lists both)."""
    return con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchone()[0] > 0


def lead_contacts(con: duckdb.DuckDBPyConnection, lead_ids: list[str]) -> dict[str, list[dict]]:
    """Contacts who work where each lead is, strongest first (filled by the network transforms)."""
    if not lead_ids or not _has_table(con, "lead_contacts"):
        return {}
    rows = con.execute(
        "SELECT lead_id, name, position, strength FROM lead_contacts WHERE list_contains($ids, lead_id) "
        "ORDER BY lead_id, strength_rank DESC, name",
        {"ids": lead_ids},
    ).fetchall()
    out: dict[str, list[dict]] = {}
    for lead_id, name, position, strength in rows:
        out.setdefault(lead_id, []).append({"name": name, "position": position, "strength": strength})
    return out


IMPORTANCE_ORDER = {"required": 0, "preferred": 1, "mentioned": 2}


def lead_skills(con: duckdb.DuckDBPyConnection, lead_ids: list[str]) -> dict[str, list[dict]]:
    """What each lead's posting asks for: {name, importance, evidence (the text as written)}."""
    if not lead_ids:
        return {}
    rows = con.execute(
        "SELECT lead_id, skill, importance, evidence FROM lead_skills WHERE list_contains($ids, lead_id)",
        {"ids": lead_ids},
    ).fetchall()
    out: dict[str, list[dict]] = {}
    for lead_id, skill, importance, evidence in sorted(rows, key=lambda r: (r[0], IMPORTANCE_ORDER[r[2]], r[1])):
        out.setdefault(lead_id, []).append({"name": skill, "importance": importance, "evidence": evidence})
    return out


def lead_sources(con: duckdb.DuckDBPyConnection, lead_ids: list[str]) -> dict[str, list[dict]]:
    if not lead_ids:
        return {}
    rows = con.execute(
        "SELECT lead_id, source, source_id, url FROM lead_sources WHERE list_contains($ids, lead_id) "
        "ORDER BY lead_id, matched_at, source, source_id",
        {"ids": lead_ids},
    ).fetchall()
    out: dict[str, list[dict]] = {}
    for lead_id, source, source_id, url in rows:
        out.setdefault(lead_id, []).append({"source": source, "source_id": source_id, "url": url})
    return out


def _lead_where(con: duckdb.DuckDBPyConnection, flt: LeadFilter) -> tuple[str, dict] | None:
    """The WHERE clause and parameters of a filter over `leads l LEFT JOIN lead_scores s`; None when it can
    match nothing (warm leads before the network was ever built)."""
    where, params = ["TRUE"], {}
    if not flt.include_closed:
        where.append("l.status = 'open'")
    if flt.min_score is not None:
        where.append("coalesce(s.score, 0) >= $min_score")
        params["min_score"] = flt.min_score
    if flt.remote:
        where.append("l.remote = 'remote'")
    if flt.company:
        where.append("contains(lower(l.company), lower($company))")
        params["company"] = flt.company
    if flt.title:
        for i, word in enumerate(flt.title.split()):
            where.append(f"contains(lower(l.title), lower($title{i}))")
            params[f"title{i}"] = word
    if flt.occupation:
        occupation = flt.occupation.strip()
        if occupation.isdigit():
            where.append("starts_with(s.occupation->>'isco', $occupation)")
        else:
            where.append("contains(lower(s.occupation->>'label'), lower($occupation))")
        params["occupation"] = occupation
    if flt.new_since is not None:
        where.append("l.first_seen >= $new_since")
        params["new_since"] = flt.new_since
    if flt.statuses:
        where.append("list_contains($statuses, l.user_status)")
        params["statuses"] = list(flt.statuses)
    elif not flt.include_hidden and flt.lead_ids is None:
        where.append("NOT list_contains($hidden, l.user_status)")
        params["hidden"] = sorted(HIDDEN)
    if flt.lead_ids is not None:
        where.append("list_contains($ids, l.lead_id)")
        params["ids"] = flt.lead_ids
    if flt.warm:
        if not _has_table(con, "lead_contacts"):
            return None
        where.append("l.lead_id IN (SELECT lead_id FROM lead_contacts)")
    return " AND ".join(where), params


def leads(con: duckdb.DuckDBPyConnection, flt: LeadFilter | None = None) -> list[dict]:
    """Leads as JSON-ready dicts, best score first, ties broken by recency."""
    flt = flt or LeadFilter()
    found = _lead_where(con, flt)
    if found is None:
        return []
    where, params = found
    limit = f"LIMIT {int(flt.limit)}" if flt.limit else ""
    rows = con.execute(
        f"""
        SELECT l.lead_id, l.title, l.company, l.locations, l.remote, l.url, l.posted_at, l.first_seen,
               l.last_seen, l.status, l.salary_min, l.salary_max, l.salary_currency,
               s.skills_matched, s.skills_missing, s.score, s.parts, s.occupation, l.user_status, l.user_note
        FROM leads l LEFT JOIN lead_scores s USING (lead_id)
        WHERE {where}
        ORDER BY {RANKING_ORDER}
        {limit}
        """,
        params,
    ).fetchall()
    ids = [r[0] for r in rows]
    sources = lead_sources(con, ids)
    contacts = lead_contacts(con, ids)
    asks = lead_skills(con, ids)
    out = []
    for (lead_id, title, company, locations, remote, url, posted_at, first_seen, last_seen, status,
         lo, hi, cur, matched, missing, score, parts, occupation, user_status, user_note) in rows:
        people = contacts.get(lead_id, [])
        out.append({
            "lead_id": lead_id,
            "title": title,
            "company": company,
            "locations": list(locations or []),
            "remote": remote,
            "url": url,
            "posted_at": _iso(posted_at),
            "first_seen": _iso(first_seen),
            "last_seen": _iso(last_seen),
            "status": status,
            "user_status": user_status or "new",
            "user_note": user_note,
            "salary_min": lo,
            "salary_max": hi,
            "salary_currency": cur,
            "occupation": json.loads(occupation) if occupation else None,
            "skills": asks.get(lead_id, []),
            "skills_matched": list(matched or []),
            "skills_missing": list(missing or []),
            "score": round(score, 4) if score is not None else 0.0,
            "score_parts": json.loads(parts) if parts else {},
            "warm": bool(people),
            "contacts": people,
            "sources": sources.get(lead_id, []),
        })
    lookalikes = applied_lookalikes(con, out)
    for lead in out:
        lead["applied_before"] = lookalikes.get(lead["lead_id"])
    return out


def lead_table(con: duckdb.DuckDBPyConnection, flt: LeadFilter) -> tuple[list[dict], int]:
    """The rows of a leads table (no sources, skills or contacts: one query, fast at 100k leads) and how many
    leads match in all; best first."""
    found = _lead_where(con, flt)
    if found is None:
        return [], 0
    where, params = found
    limit = f"LIMIT {int(flt.limit)}" if flt.limit else ""
    total = con.execute(f"SELECT count(*) FROM leads l LEFT JOIN lead_scores s USING (lead_id) WHERE {where}",
                        params).fetchone()[0]
    has_contacts = _has_table(con, "lead_contacts")
    warm = "l.lead_id IN (SELECT lead_id FROM lead_contacts)" if has_contacts else "FALSE"
    rows = con.execute(
        f"""
        SELECT l.lead_id, s.score, l.title, l.company, l.locations, l.remote, l.salary_min, l.salary_max,
               l.salary_currency, {warm} AS warm, s.occupation->>'label' AS occupation, l.user_status,
               l.first_seen, l.posted_at, l.status, s.parts
        FROM leads l LEFT JOIN lead_scores s USING (lead_id)
        WHERE {where}
        ORDER BY {RANKING_ORDER}
        {limit}
        """, params).fetchall()
    keys = ("lead_id", "score", "title", "company", "locations", "remote", "salary_min", "salary_max",
            "salary_currency", "warm", "occupation", "user_status", "first_seen", "posted_at", "status", "score_parts")
    out = []
    for row in rows:
        item = dict(zip(keys, row))
        item["locations"] = list(item["locations"] or [])
        item["score_parts"] = json.loads(item["score_parts"]) if item["score_parts"] else {}
        item["score"] = round(item["score"], 4) if item["score"] is not None else 0.0
        out.append(item)
    return out, total


def last_run_started(con: duckdb.DuckDBPyConnection) -> datetime | None:
    """When the latest finished refresh, import or demo began: leads first seen since are new."""
    if not _has_table(con, "runs"):
        return None
    return con.execute("SELECT max(started_at) FROM runs").fetchone()[0]


def lead_detail(con: duckdb.DuckDBPyConnection, lead_id: str) -> dict | None:
    """One lead with every source record and why it joined, for `leads explain`."""
    found = leads(con, LeadFilter(limit=None, include_closed=True, lead_ids=[lead_id]))
    if not found:
        return None
    lead = found[0]
    lead["description"] = con.execute("SELECT description FROM leads WHERE lead_id = ?", [lead_id]).fetchone()[0]
    details = con.execute("SELECT details FROM lead_scores WHERE lead_id = ?", [lead_id]).fetchone()
    lead["score_details"] = json.loads(details[0]) if details and details[0] else {}
    lead["repost_count"], lead["repost_of"] = con.execute(
        "SELECT repost_count, repost_of FROM leads WHERE lead_id = ?", [lead_id]).fetchone()
    lead["referred_by"] = [
        name for (name,) in con.execute(
            "SELECT DISTINCT name FROM lead_contacts WHERE lead_id = ? AND is_referral ORDER BY name", [lead_id]
        ).fetchall()
    ] if _has_table(con, "lead_contacts") else []
    rows = con.execute(
        """
        SELECT ls.source, ls.source_id, ls.url, ls.rule, ls.match_score, ls.evidence, ls.matched_at,
               p.title, p.company, p.locations, p.posted_at, p.active, p.first_seen, p.last_seen
        FROM lead_sources ls LEFT JOIN postings p USING (posting_uid)
        WHERE ls.lead_id = ? ORDER BY ls.matched_at, ls.source, ls.source_id
        """,
        [lead_id],
    ).fetchall()
    lead["records"] = [
        {"source": s, "source_id": sid, "url": url, "rule": rule, "match_score": score,
         "evidence": json.loads(ev) if ev else {}, "matched_at": _iso(at), "title": title, "company": company,
         "locations": list(locs or []), "posted_at": _iso(posted), "active": active,
         "first_seen": _iso(fs), "last_seen": _iso(ls)}
        for s, sid, url, rule, score, ev, at, title, company, locs, posted, active, fs, ls in rows
    ]
    return lead


def stored_run_summary(con: duckdb.DuckDBPyConnection, run_id: str) -> dict | None:
    """A run's summary as it was recorded at commit (`RunSummary.to_json()`); None if it never committed."""
    row = con.execute("SELECT summary FROM runs WHERE run_id = ?", [run_id]).fetchone()
    return json.loads(row[0]) if row and row[0] else None
