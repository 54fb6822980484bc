"""Merge the copies of one job into one lead.

First version: exact evidence only. A posting joins an existing lead when it shares the
canonical URL, or the same company + title + location key; otherwise it starts a lead.
Only postings without a lead are considered, so the step is incremental and idempotent.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime

import duckdb


def lead_id_for(posting_uid: str) -> str:
    """Stable id: derived from the first record that started the lead."""
    return "L" + hashlib.sha1(posting_uid.encode()).hexdigest()[:11]


def assign_leads(con: duckdb.DuckDBPyConnection, now: datetime) -> int:
    """Give every unassigned posting a lead; return how many new leads were created."""
    pending = con.execute(
        """
        SELECT posting_uid, source, source_id, url, canonical_url, company_norm, title_norm,
               array_to_string(location_norm, '|') AS loc
        FROM postings WHERE lead_id IS NULL ORDER BY first_seen, posting_uid
        """
    ).fetchall()
    if not pending:
        return 0
    by_url: dict[str, str] = {}
    by_key: dict[tuple[str, str, str], str] = {}
    for uid, lead, canon, company, title, loc in con.execute(
        """
        SELECT p.posting_uid, p.lead_id, p.canonical_url, p.company_norm, p.title_norm,
               array_to_string(p.location_norm, '|')
        FROM postings p WHERE p.lead_id IS NOT NULL
        """
    ).fetchall():
        if canon:
            by_url.setdefault(canon, lead)
        by_key.setdefault((company, title, loc), lead)

    assignments = []
    new_leads = 0
    for uid, source, source_id, url, canon, company, title, loc in pending:
        lead, rule = None, "new"
        if canon and canon in by_url:
            lead, rule = by_url[canon], "same canonical url"
        elif (company, title, loc) in by_key:
            lead, rule = by_key[(company, title, loc)], "same company, title and location"
        if lead is None:
            lead = lead_id_for(uid)
            new_leads += 1
        if canon:
            by_url.setdefault(canon, lead)
        by_key.setdefault((company, title, loc), lead)
        evidence = {"canonical_url": canon, "company": company, "title": title, "location": loc}
        assignments.append((lead, uid, source, source_id, url, rule, 1.0, json.dumps(evidence), now))

    con.executemany(
        "INSERT OR REPLACE INTO lead_sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", assignments
    )
    con.execute(
        """
        UPDATE postings SET lead_id = ls.lead_id
        FROM lead_sources ls WHERE postings.posting_uid = ls.posting_uid AND postings.lead_id IS NULL
        """
    )
    return new_leads
