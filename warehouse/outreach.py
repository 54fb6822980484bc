"""What to do next with people: follow-ups that are due, and companies worth asking about jobs they have
not posted (hidden openings).

- A follow-up is due for a referral offered, or an application marked applied, when nothing happened since
  for `days` days: no touch with the contact, no later status on the lead.
- A hidden opening is a company where the user has a close or known contact and no open lead of the
  profile's occupations, ranked by how often that company posted roles of those occupations before (every
  lead the warehouse ever held, closed ones included).
"""
from __future__ import annotations

from datetime import datetime, timedelta

import duckdb
import pyarrow as pa

from jobleads.config import Config
from warehouse.staging import staged
from warehouse.statuses import HIDDEN

FOLLOWUP_STATUS = "applied"  # an application with no reply: the status to follow up on


def followups(con: duckdb.DuckDBPyConnection, days: int, now: datetime) -> list[dict]:
    """Referrals offered and applications sent `days` or more ago with nothing since, oldest first."""
    cutoff = now - timedelta(days=days)
    rows = con.execute(
        """
        WITH referrals AS (
            SELECT 'referral' AS kind, p.lead_id, r.logged_at AS since, k.contact_id, k.name AS contact
            FROM referral_contacts r JOIN postings p USING (posting_uid) JOIN contacts k USING (contact_id)
            WHERE r.logged_at <= $cutoff
              AND NOT EXISTS (SELECT 1 FROM interactions i WHERE i.contact_id = r.contact_id
                              AND i.touched_at > r.logged_at)
              AND coalesce(k.last_touch, DATE '1900-01-01') < CAST(r.logged_at AS DATE)
              AND NOT EXISTS (SELECT 1 FROM lead_status_events e WHERE e.lead_id = p.lead_id
                              AND e.changed_at > r.logged_at)
        ), applied AS (
            SELECT 'application' AS kind, l.lead_id, e.changed_at AS since, NULL AS contact_id, NULL AS contact
            FROM leads l JOIN (SELECT lead_id, max(changed_at) AS changed_at FROM lead_status_events GROUP BY lead_id) e
                 USING (lead_id)
            WHERE l.user_status = $applied AND e.changed_at <= $cutoff
        )
        SELECT f.kind, f.lead_id, l.title, l.company, l.status, f.since, f.contact_id, f.contact
        FROM (SELECT * FROM referrals UNION ALL SELECT * FROM applied) f JOIN leads l USING (lead_id)
        WHERE NOT list_contains($hidden, l.user_status)
        ORDER BY f.since, f.lead_id
        """, {"cutoff": cutoff, "applied": FOLLOWUP_STATUS, "hidden": sorted(HIDDEN)}).fetchall()
    out = []
    for kind, lead_id, title, company, status, since, contact_id, contact in rows:
        waited = (now - since).days
        what = (f"{contact} offered to refer you to {title} at {company} {waited} days ago: thank them and ask "
                "whether the referral went in" if kind == "referral" else
                f"you applied to {title} at {company} {waited} days ago and heard nothing: send a short follow-up")
        out.append({"kind": kind, "lead_id": lead_id, "title": title, "company": company, "lead_open": status == "open",
                    "since": since.isoformat(), "days": waited, "contact_id": contact_id, "contact": contact,
                    "suggestion": what})
    return out


def hidden_openings(con: duckdb.DuckDBPyConnection, config: Config, limit: int = 30) -> list[dict]:
    """Companies with a close or known contact and no open lead of the target occupations, most past
    postings of those occupations first, with whom to ask and what."""
    from warehouse.occupations import occupation_index

    titles = [t for t in config.profile.titles if t.strip()]
    if not titles:
        return []
    index = occupation_index()
    targets = {o.isco for o in index.targets(titles)}
    # the occupation of every title the warehouse classified, open or closed since
    classified = con.execute(
        "SELECT title, occupation->>'isco', CAST(occupation->>'confidence' AS DOUBLE) FROM title_occupations "
        "WHERE occupation IS NOT NULL").fetchall()
    fitting = [title for title, isco, confidence in classified
               if index.fits(isco, confidence, targets)]
    with staged(con, "fitting_titles", pa.table({"title": pa.array(fitting, pa.string())})):
        rows = con.execute(
            """
            WITH fits AS (
                SELECT l.company_id, l.status, l.title, l.first_seen
                FROM leads l SEMI JOIN fitting_titles f USING (title)
                WHERE l.company_id IS NOT NULL
            ), people AS (
                SELECT company_id, arg_max(name, (ask_rank, name)) AS ask, max(strength_rank) AS best,
                       list(DISTINCT name ORDER BY name) AS names,
                       arg_max(position, (ask_rank, name)) AS position  -- the position of the one to ask
                FROM (SELECT *, strength_rank * 100000 + coalesce(epoch(last_touch), 0) / 86400 AS ask_rank
                      FROM (SELECT *, CASE strength WHEN 'close' THEN 3 WHEN 'known' THEN 2 ELSE 1 END AS strength_rank
                            FROM contacts WHERE company_id IS NOT NULL AND strength IN ('close', 'known')))
                GROUP BY company_id
            )
            SELECT c.company_id, c.name, p.ask, p.names, p.best,
                   (SELECT count(*) FROM fits f WHERE f.company_id = c.company_id) AS past,
                   (SELECT max(first_seen) FROM fits f WHERE f.company_id = c.company_id) AS last_posted,
                   (SELECT arg_max(title, (first_seen, title)) FROM fits f WHERE f.company_id = c.company_id) AS last_title
            FROM people p JOIN companies c USING (company_id)
            WHERE NOT EXISTS (SELECT 1 FROM fits f WHERE f.company_id = c.company_id AND f.status = 'open')
              AND NOT EXISTS (SELECT 1 FROM leads l JOIN lead_scores s USING (lead_id)  -- ranked as related
                              WHERE l.company_id = c.company_id AND l.status = 'open'
                                AND s.details->>'tier' = 'related')
            ORDER BY past DESC, best DESC, c.name
            LIMIT $limit
            """, {"limit": limit}).fetchall()
    role = titles[0].lower()
    out = []
    for cid, company, ask, names, best, past, last_posted, last_title in rows:
        first = ask.split()[0] if ask else "them"
        history = (f"posted {past} such roles before (last: {last_title}, {last_posted.date().isoformat()})"
                   if past else "no such role seen yet")
        out.append({"company_id": cid, "company": company, "contacts": list(names), "ask": ask,
                    "past_postings": past, "last_posted": last_posted.isoformat() if last_posted else None,
                    "history": history,
                    "suggestion": f"ask {first} whether the team is planning to hire a {role}"})
    return out
