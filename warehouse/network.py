"""The user's network in the warehouse: contacts, touches, warmth, contacts linked to leads, warm companies.

Contacts never leave the machine: nothing here sends anything anywhere, and the run digest reads only
company names from the `warm_companies` mart.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import duckdb
import pyarrow as pa

from connectors.models import Contact
from jobleads.config import Config
from warehouse import companies, company_names
from warehouse.staging import staged
from warehouse.normalize import company_key

STRENGTH_RANK = {"close": 3, "known": 2, "weak": 1}
STRENGTH_RANK_SQL = ("CASE strength " + " ".join(f"WHEN '{k}' THEN {v}" for k, v in STRENGTH_RANK.items())
                     + f" ELSE {STRENGTH_RANK['weak']} END")
STRENGTH_BASE = {"close": 1.0, "known": 0.6, "weak": 0.3}
REFERRAL_WARMTH = 0.9  # someone offered to refer: as warm as a tie gets short of a close friend
WARMTH_FLOOR = 0.2  # a tie cools with time but does not vanish: years later they still work there
CONTACT_FIELDS = ("name", "company", "position", "url", "email", "connected_on", "strength", "last_touch", "notes")
CONTACT_SCHEMA = pa.schema([
    ("contact_id", pa.string()), ("name", pa.string()), ("first_name", pa.string()), ("last_name", pa.string()),
    ("company", pa.string()), ("position", pa.string()), ("url", pa.string()), ("email", pa.string()),
    ("connected_on", pa.date32()), ("strength", pa.string()), ("last_touch", pa.date32()), ("notes", pa.string()),
    ("origin", pa.string()), ("created_at", pa.timestamp("us", tz="UTC")), ("updated_at", pa.timestamp("us", tz="UTC")),
])


class ContactNotFound(LookupError):
    """No contact, or more than one, answers to what the user typed; the message says which."""


# ---- identity ---------------------------------------------------------------------------------------

def url_key(url: str | None) -> str | None:
    """Profile URLs compare without scheme, www, query, case or trailing slash."""
    if not url or not url.strip():
        return None
    parts = urlsplit(url.strip() if "://" in url else "https://" + url.strip())
    return (parts.netloc.lower().removeprefix("www.") + parts.path.rstrip("/").lower()) or None


def email_key(email: str | None) -> str | None:
    return email.strip().lower() if email and "@" in email else None


def name_key(name: str | None, company: str | None) -> str:
    return " ".join((name or "").lower().split()) + "\x1f" + company_key(company)


def new_contact_id(contact: Contact, taken: set[str]) -> str:
    seed = url_key(contact.url) or email_key(contact.email) or name_key(contact.name, contact.company)
    base = "K" + hashlib.sha1(seed.encode()).hexdigest()[:9]
    cid, n = base, 1
    while cid in taken:
        n += 1
        cid = f"{base}{n}"
    return cid


@dataclass
class Known:
    contact_id: str
    url: str | None
    email: str | None


class ContactIndex:
    """Existing contacts by profile URL, then email, then name + company, as re-imports match them."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.by_url: dict[str, Known] = {}
        self.by_email: dict[str, Known] = {}
        self.by_name: dict[str, Known] = {}
        self.ids: set[str] = set()
        for cid, name, company, url, email in con.execute(
            "SELECT contact_id, name, company, url, email FROM contacts ORDER BY created_at, contact_id"
        ).fetchall():
            self.add(cid, Contact(name=name, company=company, url=url, email=email))

    def add(self, cid: str, contact: Contact) -> None:
        known = Known(cid, url_key(contact.url), email_key(contact.email))
        self.ids.add(cid)
        if known.url:
            self.by_url.setdefault(known.url, known)
        if known.email:
            self.by_email.setdefault(known.email, known)
        self.by_name.setdefault(name_key(contact.name, contact.company), known)

    def match(self, contact: Contact) -> str | None:
        url, email = url_key(contact.url), email_key(contact.email)
        if url and url in self.by_url:
            return self.by_url[url].contact_id
        # Falling back must not merge two people who each have their own, different profile or address.
        found = self.by_email.get(email) if email else None
        if found and not (url and found.url and found.url != url):
            return found.contact_id
        found = self.by_name.get(name_key(contact.name, contact.company))
        if found and not (url and found.url and found.url != url) and not (email and found.email and found.email != email):
            return found.contact_id
        return None


def upsert_contacts(con: duckdb.DuckDBPyConnection, contacts: list[Contact], origin: str,
                    now: datetime) -> tuple[int, int]:
    """Insert new contacts, update known ones (fields the file left empty keep their value); (new, updated)."""
    index = ContactIndex(con)
    inserts: dict[str, dict] = {}
    updates: dict[str, dict] = {}
    for contact in contacts:
        cid = index.match(contact)
        given = contact.model_fields_set
        row = {f: getattr(contact, f) if f in given or f == "name" else None for f in CONTACT_FIELDS}
        if cid is None:
            cid = new_contact_id(contact, index.ids)
            index.add(cid, contact)
            inserts[cid] = _full_row(cid, contact, origin, now)
        elif cid in inserts:  # the same person twice in one file: the later line wins
            inserts[cid] = _full_row(cid, contact, origin, now)
        else:
            updates[cid] = {"contact_id": cid, **row}
    if inserts:
        with staged(con, "contacts_new", pa.Table.from_pylist(list(inserts.values()), schema=CONTACT_SCHEMA)):
            columns = ", ".join(CONTACT_SCHEMA.names)
            con.execute(f"INSERT INTO contacts ({columns}) SELECT {columns} FROM contacts_new").fetchall()
    if updates:
        schema = pa.schema([CONTACT_SCHEMA.field("contact_id")] + [CONTACT_SCHEMA.field(f) for f in CONTACT_FIELDS])
        sets = ", ".join(f"{f} = coalesce(u.{f}, contacts.{f})" for f in CONTACT_FIELDS)
        with staged(con, "contacts_upd", pa.Table.from_pylist(list(updates.values()), schema=schema)):
            con.execute(
                f"UPDATE contacts SET {sets}, updated_at = $now FROM contacts_upd u "
                "WHERE contacts.contact_id = u.contact_id", {"now": now},
            ).fetchall()
    return len(inserts), len(updates)


def _full_row(cid: str, contact: Contact, origin: str, now: datetime) -> dict:
    first, _, last = contact.name.partition(" ")
    return {"contact_id": cid, **{f: getattr(contact, f) for f in CONTACT_FIELDS},
            "first_name": first, "last_name": last or None, "origin": origin, "created_at": now, "updated_at": now}


def find_contact(con: duckdb.DuckDBPyConnection, ref: str) -> dict:
    """A contact by id, full name (any case) or a unique part of the name."""
    rows = contact_rows(con)
    wanted = " ".join(ref.lower().split())
    for test in (lambda r: r["contact_id"].lower() == wanted, lambda r: r["name"].lower() == wanted,
                 lambda r: (" " + r["name"].lower()).find(" " + wanted) >= 0, lambda r: wanted in r["name"].lower()):
        hits = [r for r in rows if test(r)]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            names = ", ".join(f"{r['name']} ({r['contact_id']}, {r['company'] or 'no company'})" for r in hits[:5])
            raise ContactNotFound(f"'{ref}' could be several contacts: {names}; use the id")
    raise ContactNotFound(f"no contact matches '{ref}' (see `leads contacts list`)")


def contact_rows(con: duckdb.DuckDBPyConnection, company: str | None = None, strength: str | None = None) -> list[dict]:
    rows = con.execute(
        """
        SELECT k.contact_id, k.name, coalesce(c.name, k.company) AS company, k.position, k.strength, k.last_touch,
               k.connected_on, k.email, k.url, k.notes, k.company AS company_as_given
        FROM contacts k LEFT JOIN companies c USING (company_id)
        ORDER BY lower(k.name), k.contact_id
        """
    ).fetchall()
    keys = ("contact_id", "name", "company", "position", "strength", "last_touch", "connected_on", "email", "url",
            "notes", "company_as_given")
    out = [dict(zip(keys, r)) for r in rows]
    if company:
        out = [r for r in out if company_names.match_tier(company, r["company_as_given"]) in ("exact", "strong")
               or company.lower() in (r["company"] or "").lower()]
    if strength:
        out = [r for r in out if r["strength"] == strength]
    for r in out:
        r.pop("company_as_given")
        r["last_touch"] = r["last_touch"].isoformat() if r["last_touch"] else None
        r["connected_on"] = r["connected_on"].isoformat() if r["connected_on"] else None
    return out


def edit_contact(con: duckdb.DuckDBPyConnection, contact_id: str, changes: dict[str, Any], now: datetime) -> None:
    current = con.execute(f"SELECT {', '.join(CONTACT_FIELDS)} FROM contacts WHERE contact_id = ?", [contact_id]).fetchone()
    merged = {**dict(zip(CONTACT_FIELDS, current)), **{k: v for k, v in changes.items() if v is not None}}
    contact = Contact(**merged)  # validates the edit before anything is written
    sets = ", ".join(f"{f} = ${f}" for f in CONTACT_FIELDS)
    con.execute(f"UPDATE contacts SET {sets}, updated_at = $now WHERE contact_id = $id",
                {**{f: getattr(contact, f) for f in CONTACT_FIELDS}, "now": now, "id": contact_id}).fetchall()


def remove_contact(con: duckdb.DuckDBPyConnection, contact_id: str) -> None:
    for relation in ("interactions", "referral_contacts", "lead_contacts", "contacts"):
        con.execute(f"DELETE FROM {relation} WHERE contact_id = ?", [contact_id]).fetchall()


def touch(con: duckdb.DuckDBPyConnection, contact_id: str, note: str | None, when: datetime) -> None:
    """Log a conversation; the last-touch date only moves forward (an old note does not cool a tie)."""
    con.execute("INSERT INTO interactions VALUES (?, ?, ?)", [contact_id, when, note]).fetchall()
    con.execute(
        "UPDATE contacts SET last_touch = greatest(coalesce(last_touch, $day), $day), updated_at = $when "
        "WHERE contact_id = $id", {"day": when.date(), "when": when, "id": contact_id},
    ).fetchall()


def ensure_contact(con: duckdb.DuckDBPyConnection, name: str, company: str, now: datetime) -> str:
    """The contact a referral names: the one with that full name, or whose name starts with it at that
    company ("Dana" for Dana Whitfield); else a new contact there."""
    wanted = " ".join(name.lower().split())
    rows = contact_rows(con)
    hits = [r for r in rows if r["name"].lower() == wanted or r["contact_id"].lower() == wanted]
    if not hits:
        hits = [r for r in rows if r["name"].lower().startswith(wanted + " ")
                and company_names.match_tier(company, r["company"]) in ("exact", "strong")]
    if len(hits) > 1:
        names = ", ".join(f"{r['name']} ({r['contact_id']})" for r in hits[:5])
        raise ContactNotFound(f"'{name}' could be several contacts: {names}; use the full name or id")
    if hits:
        return hits[0]["contact_id"]
    contact = Contact(name=name, company=company)
    upsert_contacts(con, [contact], "referral", now)
    return ContactIndex(con).match(contact)


def link_referral(con: duckdb.DuckDBPyConnection, posting_uid: str, contact_id: str, now: datetime) -> None:
    con.execute(
        "INSERT INTO referral_contacts VALUES (?, ?, ?) ON CONFLICT (posting_uid) DO UPDATE SET "
        "contact_id = excluded.contact_id", [posting_uid, contact_id, now],
    ).fetchall()


# ---- linking contacts to leads ----------------------------------------------------------------------

def link_contacts(con: duckdb.DuckDBPyConnection, config: Config, now: datetime) -> int:
    """Rebuild lead_contacts: everyone who works where a lead is, plus whoever offered its referral."""
    companies.link_leads(con)
    con.execute("DELETE FROM lead_contacts").fetchall()
    weak = companies.weak_links(con) if config.network.weak_company_matches else []
    weak_table = pa.table({"contact_id": pa.array([w[0] for w in weak], pa.string()),
                           "company_id": pa.array([w[1] for w in weak], pa.string())})
    with staged(con, "weak_links", weak_table):
        _insert_lead_contacts(con, config, now)
    return con.execute("SELECT count(*) FROM lead_contacts").fetchone()[0]


def _insert_lead_contacts(con: duckdb.DuckDBPyConnection, config: Config, now: datetime) -> None:
    # A weak company match (opt-in) counts half as warm: it may be another company altogether.
    con.execute(
        f"""
        INSERT INTO lead_contacts
        WITH k AS (
            SELECT contact_id, name, position, strength, company_id,
                   {STRENGTH_RANK_SQL} AS strength_rank,
                   CASE strength WHEN 'close' THEN $close WHEN 'known' THEN $known ELSE $weak END
                   * CASE WHEN coalesce(last_touch, connected_on) IS NULL THEN 0.5
                          ELSE greatest($floor, pow(0.5, greatest(0, date_diff('day', coalesce(last_touch, connected_on),
                                                                              $today)) / $half_life)) END AS warmth
            FROM contacts
        ), pairs AS (
            SELECT l.lead_id, k.contact_id, FALSE AS is_referral, FALSE AS is_weak
            FROM leads l JOIN k ON l.company_id = k.company_id
            UNION ALL
            SELECT p.lead_id, r.contact_id, TRUE, FALSE
            FROM referral_contacts r JOIN postings p USING (posting_uid) WHERE p.lead_id IS NOT NULL
            UNION ALL
            SELECT l.lead_id, w.contact_id, FALSE, TRUE
            FROM weak_links w JOIN leads l ON l.company_id = w.company_id
        )
        SELECT pairs.lead_id, k.contact_id, k.name, k.position, k.strength, k.strength_rank,
               round(CASE WHEN bool_or(pairs.is_referral) THEN greatest(k.warmth, $referral)
                          WHEN bool_and(pairs.is_weak) THEN k.warmth / 2 ELSE k.warmth END, 4),
               bool_or(pairs.is_referral)
        FROM pairs JOIN k USING (contact_id)
        GROUP BY pairs.lead_id, k.contact_id, k.name, k.position, k.strength, k.strength_rank, k.warmth
        """,
        {"close": STRENGTH_BASE["close"], "known": STRENGTH_BASE["known"], "weak": STRENGTH_BASE["weak"],
         "today": now.date(), "half_life": float(config.network.warmth_half_life_days), "referral": REFERRAL_WARMTH,
         "floor": WARMTH_FLOOR},
    ).fetchall()


def refresh_network(con: duckdb.DuckDBPyConnection, config: Config, now: datetime, full: bool = False) -> None:
    """After a change to contacts (or, `full`, to aliases): re-resolve, re-link, and re-score (warmth is
    part of the score)."""
    from warehouse import freshness

    companies.resolve_companies(con, full=full)
    link_contacts(con, config, now)
    freshness.rescore(con, config, now)  # the leads whose warmth changed (on a new day also those whose recency moves)


# ---- warm companies and whom to ask -----------------------------------------------------------------

FUNCTIONS: dict[str, re.Pattern[str]] = {name: re.compile(rf"\b(?:{words})", re.I) for name, words in {
    "engineering": r"engineer|developer|programmer|sre\b|devops|software|backend|back-end|frontend|front-end|"
                   r"full[- ]?stack|platform|infrastructure|architect|reliability|cto\b|technical|tech lead",
    "data": r"data\b|analytics|analyst|scientist|machine learning|ml\b|ai\b",
    "product": r"product\b",
    "design": r"design|ux\b|ui\b",
    "sales": r"sales|account (?:executive|manager)|business development|bdr\b|sdr\b",
    "marketing": r"marketing|growth|brand|content|seo\b",
    "operations": r"operations|ops\b|logistics|supply|clinical",
    "people": r"recruit|talent|people\b|hr\b|human resources",
    "finance": r"financ|accounting|accountant|controller|cfo\b",
    "support": r"support|customer success|customer experience",
}.items()}
MANAGER = re.compile(r"\b(?:manager|head|director|vp\b|vice president|chief|cto\b|founder|lead\b)", re.I)
NOT_PEOPLE_MANAGER = re.compile(r"\b(?:account|product|project|program|programme)\s+manager", re.I)
RECRUITER = re.compile(r"\b(?:recruit|talent acquisition|sourcer)", re.I)


def functions_of(title: str | None) -> set[str]:
    return {name for name, pattern in FUNCTIONS.items() if pattern.search(title or "")}


def is_manager(position: str | None) -> bool:
    text = position or ""
    return bool(MANAGER.search(text)) and not NOT_PEOPLE_MANAGER.search(text)


def ask_value(contact: dict, lead: dict) -> tuple[float, str]:
    """How good asking this contact about this lead is, and why. A referral already offered wins; then a
    likely hiring manager or a close tie in the role's own function; a weak tie elsewhere comes last."""
    same_function = bool(functions_of(contact["position"]) & functions_of(lead["title"]))
    value = STRENGTH_RANK.get(contact["strength"], 1) + contact["warmth"] + 2 * (lead["score"] or 0)
    kind = "referral"
    if contact["is_referral"]:
        value, kind = value + 6, "offered"
    elif same_function and is_manager(contact["position"]):
        value, kind = value + 5, "manager"
    elif same_function:
        value += 3
    elif RECRUITER.search(contact["position"] or ""):
        value += 1
    return value, kind


def suggested_ask(pairs: list[dict], leads: list[dict]) -> str | None:
    """The one ask worth making at a company: the best (contact, open lead) pair by `ask_value`."""
    by_id = {lead["lead_id"]: lead for lead in leads}
    options = []
    for contact in pairs:
        lead = by_id.get(contact["lead_id"])
        if lead is not None:
            value, kind = ask_value(contact, lead)
            options.append((-value, contact["name"], lead["title"], kind, contact))
    if not options:
        return None
    _, _, title, kind, contact = min(options, key=lambda o: o[:3])
    who = f"{contact['name']} ({contact['position']})" if contact["position"] else contact["name"]
    if kind == "offered":
        return f"{who} offered to refer you to {title}: take them up on it"
    if kind == "manager":
        return f"ask {who}, likely the hiring manager, about {title}"
    return f"ask {who} for a referral to {title}"


def warm_companies(con: duckdb.DuckDBPyConnection, limit: int | None = None) -> list[dict]:
    """One row per company with open leads where a contact works: contacts, open leads, best score, the ask."""
    rows = con.execute(
        """
        SELECT w.company_id, w.company, w.open_leads, w.best_score, l.lead_id, l.title, s.score,
               lc.contact_id, lc.name, lc.position, lc.strength, lc.strength_rank, lc.warmth, lc.is_referral,
               k.last_touch
        FROM warm_companies w
        JOIN leads l ON coalesce(l.company_id, l.company) = w.company_id AND l.status = 'open'
        JOIN lead_contacts lc ON lc.lead_id = l.lead_id
        LEFT JOIN contacts k ON k.contact_id = lc.contact_id
        LEFT JOIN lead_scores s ON s.lead_id = l.lead_id
        ORDER BY w.best_score DESC NULLS LAST, w.company, lc.strength_rank DESC, lc.name
        """
    ).fetchall()
    grouped: dict[str, dict] = {}
    for (cid, company, open_leads, best_score, lead_id, title, score, contact_id, name, position, strength,
         rank, warmth, is_referral, last_touch) in rows:
        entry = grouped.setdefault(cid, {"company": company, "open_leads": open_leads,
                                         "best_score": round(best_score, 4) if best_score is not None else None,
                                         "_contacts": {}, "_pairs": [], "_leads": {}})
        entry["_contacts"].setdefault(contact_id, {"name": name, "position": position, "strength": strength,
                                                   "last_touch": last_touch.isoformat() if last_touch else None,
                                                   "_rank": rank})
        entry["_leads"].setdefault(lead_id, {"lead_id": lead_id, "title": title, "score": score})
        entry["_pairs"].append({"lead_id": lead_id, "name": name, "position": position, "strength": strength,
                                "warmth": warmth, "is_referral": is_referral})
    out = []
    for entry in grouped.values():
        people = sorted(entry.pop("_contacts").values(), key=lambda c: (-c.pop("_rank"), c["name"]))
        ask = suggested_ask(entry.pop("_pairs"), list(entry.pop("_leads").values()))
        out.append({"company": entry["company"], "contacts": people, "open_leads": entry["open_leads"],
                    "best_score": entry["best_score"], "suggested_ask": ask})
    return out[:limit] if limit else out


def reconnect(con: duckdb.DuckDBPyConnection, days: int, min_score: float, now: datetime) -> list[dict]:
    """Contacts at companies with strong open leads whom the user has not touched in `days` days."""
    cutoff = (now - timedelta(days=days)).date()
    rows = con.execute(
        """
        SELECT k.contact_id, k.name, coalesce(c.name, k.company) AS company, k.position, k.strength, k.last_touch,
               count(DISTINCT l.lead_id) AS strong_leads, max(s.score) AS best_score,
               arg_max(l.title, (s.score, l.lead_id)) AS best_lead
        FROM lead_contacts lc
        JOIN contacts k USING (contact_id)
        JOIN leads l ON l.lead_id = lc.lead_id AND l.status = 'open'
        JOIN lead_scores s ON s.lead_id = l.lead_id AND s.score >= $min_score
        LEFT JOIN companies c ON c.company_id = k.company_id
        WHERE k.last_touch IS NULL OR k.last_touch < $cutoff
        GROUP BY ALL
        ORDER BY best_score DESC, max(lc.strength_rank) DESC, k.name
        """,
        {"min_score": min_score, "cutoff": cutoff},
    ).fetchall()
    today = now.date()
    return [{"contact_id": cid, "name": name, "company": company, "position": position, "strength": strength,
             "last_touch": last.isoformat() if last else None,
             "days_since_touch": (today - last).days if last else None,
             "strong_leads": n, "best_lead": best_lead, "best_score": round(best, 4)}
            for cid, name, company, position, strength, last, n, best, best_lead in rows]


def referral_source_id(referral) -> str:
    """Stable across re-adding: the same company, title and contact give the same record."""
    import hashlib

    from warehouse.normalize import company_key, title_key

    text = "\x1f".join((company_key(referral.company), title_key(referral.title), (referral.contact or "").lower()))
    return hashlib.sha1(text.encode()).hexdigest()[:16]
