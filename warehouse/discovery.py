"""The network's companies and their public job boards: what `leads discover` asks about and remembers.

- The network's companies: contacts' employers, companies of referrals, and targets the user named.
- Candidate board tokens come from a company's name and its aliases ("Northwind Cloud Technologies GmbH":
  northwindcloudtechnologies, northwind-cloud-technologies, northwindcloud, northwind-cloud).
- A board found under a token is *confirmed* only when its own company name resolves to the same company
  (exact or strong tier, or the resolver's alias); for APIs that name no company (Lever, Ashby) the
  company's name must appear in the board's job texts. Unconfirmed boards are listed, never added.
- Every candidate asked about is kept in `board_probes`, every company checked in `board_checks`: a rerun
  within `recheck_days` skips the company, and a probe stays valid as long, whoever asks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable

import duckdb
import pyarrow as pa

from connectors.boards import BoardFacts, BoardKey
from jobleads.config import Config
from warehouse.company_resolver import Resolver
from warehouse.company_names import GENERIC_WORDS, LEGAL_WORDS, match_tier, signature, words
from warehouse.staging import staged
from warehouse.normalize import company_key, fold

MAX_TOKENS = 4  # candidate tokens per company (a name and its aliases): each costs a request per provider
NAME_IN_TEXT_MIN_LENGTH = 4  # a one-word name shorter than this ("HP") is no evidence found in a text
CONFIRMING_TIERS = ("exact", "strong")
WHY_ORDER = ("referral", "contact", "target")


@dataclass
class NetworkCompany:
    company_id: str
    name: str
    names: list[str]  # the name and every alias the resolver knows, the name first
    contacts: list[str]  # whom the user knows there, closest first
    why: str  # contact | referral | target


def network_companies(con: duckdb.DuckDBPyConnection, only: Iterable[str] = ()) -> list[NetworkCompany]:
    """Every company of the network, or those whose name or alias is among `only`."""
    rows = con.execute(
        """
        WITH members AS (
            SELECT company_id, 'contact' AS why FROM contacts WHERE company_id IS NOT NULL
            UNION ALL
            SELECT p.company_id, 'referral' FROM postings p WHERE p.source = 'referral' AND p.company_id IS NOT NULL
            UNION ALL
            SELECT company_id, 'target' FROM target_companies
        )
        SELECT c.company_id, c.name, list(DISTINCT m.why) AS whys,
               (SELECT list(a.alias ORDER BY a.origin DESC, a.alias) FROM company_aliases a
                WHERE a.company_id = c.company_id) AS aliases,
               (SELECT list(k.name ORDER BY CASE k.strength WHEN 'close' THEN 0 WHEN 'known' THEN 1 ELSE 2 END,
                            k.last_touch DESC NULLS LAST, k.name)
                FROM contacts k WHERE k.company_id = c.company_id) AS people,
               (SELECT t.name FROM target_companies t WHERE t.company_id = c.company_id) AS target_name
        FROM members m JOIN companies c USING (company_id)
        GROUP BY c.company_id, c.name ORDER BY c.name
        """).fetchall()
    wanted = {company_key(name) for name in only if company_key(name)}
    out = []
    for cid, name, whys, aliases, people, target_name in rows:
        names = _unique([name, target_name, *(aliases or [])])
        if wanted and not wanted & {company_key(n) for n in names}:
            continue
        why = next(w for w in WHY_ORDER if w in whys)
        out.append(NetworkCompany(cid, name, names, list(people or []), why))
    return out


def _unique(values: Iterable[str | None]) -> list[str]:
    seen: list[str] = []
    for value in values:
        if value and value.strip() and value.strip() not in seen:
            seen.append(value.strip())
    return seen


def candidate_tokens(names: Iterable[str]) -> list[str]:
    """Board tokens a company may use, likeliest first: every word run together, the same without generic words,
    then every word hyphenated ("Brightpath Labs": brightpathlabs, brightpath, brightpath-labs)."""
    out: list[str] = []
    for name in names:
        named = words(name).split()  # folded to a-z0-9, legal words out
        if named[:1] == ["the"] and len(named) > 1:
            named = named[1:]
        plain = [w for w in named if w not in GENERIC_WORDS]
        # Hyphens are rare in real tokens: only the whole name is tried hyphenated (each token costs a request
        # on every provider that allows it).
        for variant in ("".join(named), "".join(plain), "-".join(named)):
            if len(variant) >= 2 and variant not in out:
                out.append(variant)
    return out[:MAX_TOKENS]


def due(con: duckdb.DuckDBPyConnection, companies: list[NetworkCompany], now: datetime,
        recheck_days: int) -> tuple[list[NetworkCompany], int]:
    """The companies not checked within `recheck_days`, and how many were skipped as checked recently."""
    recent = {cid for (cid,) in con.execute(
        "SELECT company_id FROM board_checks WHERE checked_at >= ?", [now - timedelta(days=recheck_days)]).fetchall()}
    todo = [c for c in companies if c.company_id not in recent]
    return todo, len(companies) - len(todo)


def remembered_probes(con: duckdb.DuckDBPyConnection, now: datetime, recheck_days: int) -> dict[BoardKey, BoardFacts | None]:
    """Probes younger than `recheck_days`: the board they found, or None for "no board there"."""
    rows = con.execute(
        "SELECT provider, region, token, exists_now, board_name, jobs, titles, texts FROM board_probes "
        "WHERE checked_at >= ?", [now - timedelta(days=recheck_days)]).fetchall()
    out: dict[BoardKey, BoardFacts | None] = {}
    for provider, region, token, exists_now, name, jobs, titles, texts in rows:
        key = BoardKey(provider, region or None, token)
        out[key] = BoardFacts(key, name, jobs or 0, list(titles or []), list(texts or [])) if exists_now else None
    return out


def confirm(facts: BoardFacts, company: NetworkCompany, resolver: Resolver | None = None) -> tuple[bool, str]:
    """Whether the board is the company's, and why (or why not)."""
    if facts.name:
        for name in company.names:
            tier = match_tier(facts.name, name)
            if tier in CONFIRMING_TIERS:
                return True, f"the board names itself '{facts.name}' ({tier} match with '{name}')"
        if resolver is not None and resolver.lookup(company_key(facts.name), signature(facts.name)) == company.company_id:
            return True, f"the board names itself '{facts.name}', an alias of {company.name}"
        return False, f"the board names itself '{facts.name}', another company"
    if not facts.texts:
        return False, "the board names no company and has no job text to name it"
    for name in company.names:
        for pattern in _name_patterns(name):
            if any(pattern.search(text) for text in facts.texts):
                return True, f"its job texts name '{name}'"
    return False, f"the board names no company and its job texts never name {company.name}"


def _name_patterns(name: str) -> list[re.Pattern]:
    """The name as a phrase, legal words dropped, and again without its generic words ("Notion Labs" is
    written "Notion" in its own job texts). A phrase of several words matches in any case; a single word must
    be capitalized as a name is ("Notion", not "a notion of") and be at least NAME_IN_TEXT_MIN_LENGTH long."""
    written = [w for w in re.findall(r"[\w&'.-]+", name) if fold(w) not in LEGAL_WORDS]
    plain = [w for w in written if fold(w) not in GENERIC_WORDS]
    patterns = []
    for phrase in (written, plain) if plain != written else (written,):
        if len(phrase) > 1:
            patterns.append(re.compile(r"\b" + r"\s+".join(re.escape(w) for w in phrase) + r"\b", re.I))
        elif phrase and len(phrase[0]) >= NAME_IN_TEXT_MIN_LENGTH and fold(phrase[0]) not in GENERIC_WORDS:
            word = phrase[0]
            patterns.append(re.compile(r"\b" + re.escape(word[:1].upper() + word[1:]) + r"\b"))
    return patterns


def matching_titles(titles: list[str], config: Config) -> int:
    """How many of a board's job titles are of the profile's occupations or their neighbours."""
    from warehouse.occupations import occupation_index

    if not titles or not any(t.strip() for t in config.profile.titles):
        return 0
    index = occupation_index()
    targets = {o.isco for o in index.targets(config.profile.titles)}
    found = (index.classify(title) for title in titles)
    return sum(1 for o in found if o is not None and index.fits(o.isco, o.confidence, targets))


@dataclass
class CheckOutcome:
    """One company checked: what was asked (fresh or remembered), the boards found, whether it finished."""

    company: NetworkCompany
    probes: dict[BoardKey, BoardFacts | None]  # asked now
    candidates: int
    found: list[tuple[BoardFacts, bool, str, int]]  # facts, confirmed, evidence, matching jobs
    remembered: int = 0  # candidates answered from board_probes, no request sent
    error: str | None = None


def save_outcomes(con: duckdb.DuckDBPyConnection, outcomes: list[CheckOutcome], now: datetime) -> None:
    """Probes, checks and found boards, in bulk; a company whose check failed is not marked checked."""
    probes = {k: v for o in outcomes for k, v in o.probes.items()}
    if probes:
        table = pa.table({
            "provider": [k.provider for k in probes], "region": [k.region or "" for k in probes],
            "token": [k.token for k in probes], "checked_at": pa.array([now] * len(probes), pa.timestamp("us", "UTC")),
            "exists_now": [v is not None for v in probes.values()],
            "board_name": pa.array([v.name if v else None for v in probes.values()], pa.string()),
            "jobs": pa.array([v.jobs if v else None for v in probes.values()], pa.int32()),
            "titles": pa.array([v.titles if v else None for v in probes.values()], pa.list_(pa.string())),
            "texts": pa.array([v.texts if v else None for v in probes.values()], pa.list_(pa.string())),
        })
        with staged(con, "new_probes", table):
            con.execute("INSERT OR REPLACE INTO board_probes SELECT * FROM new_probes").fetchall()
    finished = [o for o in outcomes if o.error is None]
    for o in finished:
        con.execute("INSERT OR REPLACE INTO board_checks VALUES (?, ?, ?, ?, ?)",
                    [o.company.company_id, now, o.candidates, len(o.probes), len(o.found)]).fetchall()
        for facts, confirmed, evidence, matching in o.found:
            k = facts.key
            con.execute(
                "INSERT INTO discovered_boards VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (provider, region, token) DO UPDATE SET company_id = excluded.company_id, "
                "board_name = excluded.board_name, jobs = excluded.jobs, matching = excluded.matching, "
                "confirmed = excluded.confirmed, evidence = excluded.evidence, last_seen_at = excluded.last_seen_at",
                [k.provider, k.region or "", k.token, o.company.company_id, facts.name, facts.jobs, matching,
                 confirmed, evidence, now, now]).fetchall()


def board_rows(con: duckdb.DuckDBPyConnection, config: Config, since: datetime | None = None) -> list[dict]:
    """Every board found for the network (or found since `since`), with who the user knows there and whether
    leads.toml already watches it; confirmed boards first, most matching jobs first."""
    watched = watched_boards(config)
    rows = con.execute(
        """
        SELECT b.provider, b.region, b.token, b.company_id, c.name, b.board_name, b.jobs, b.matching, b.confirmed,
               b.evidence, b.found_at,
               (SELECT list(k.name ORDER BY CASE k.strength WHEN 'close' THEN 0 WHEN 'known' THEN 1 ELSE 2 END, k.name)
                FROM contacts k WHERE k.company_id = b.company_id) AS people
        FROM discovered_boards b LEFT JOIN companies c USING (company_id)
        WHERE $since IS NULL OR b.found_at >= $since
        ORDER BY b.confirmed DESC, b.matching DESC, b.jobs DESC, c.name, b.provider
        """, {"since": since}).fetchall()
    out = []
    for provider, region, token, cid, company, board_name, jobs, matching, confirmed, evidence, found_at, people in rows:
        key = (provider, region or "", token.lower())
        out.append({
            "company": company or cid, "company_id": cid, "provider": provider, "region": region or None,
            "token": token, "board_name": board_name, "open_jobs": jobs, "matching": matching,
            "know": list(people or []), "confirmed": bool(confirmed), "evidence": evidence,
            "watched": key in watched, "found_at": found_at.isoformat() if found_at else None,
        })
    return out


def sources_to_add(boards: list[dict]) -> list[dict]:
    """`[[sources]]` entries for the confirmed boards leads.toml does not watch, under the board's own spelling
    of the company when it has one ("Kestrel Analytics", not a contact's "Kestrel Analytics GmbH")."""
    return [{"type": b["provider"], "board": b["token"], "company": b["board_name"] or b["company"], "region": b["region"]}
            for b in boards if b["confirmed"] and not b["watched"]]


def watched_boards(config: Config) -> set[tuple[str, str, str]]:
    """(provider, region, token) of every board leads.toml already lists."""
    return {(s.type, str(s.options().get("region") or ""), (s.board or "").lower()) for s in config.sources if s.board}


# --- targets: companies watched though nobody the user knows works there ---------------------------------

def add_target(con: duckdb.DuckDBPyConnection, name: str, now: datetime) -> tuple[str, str]:
    """`leads company target NAME`: the company (found or created by the resolver); (company id, its name)."""
    if not company_key(name):
        raise ValueError(f"'{name}' has no name left after normalization")
    resolver = Resolver(con)
    cid = resolver.resolve(name)
    resolver.save()
    con.execute("INSERT INTO target_companies VALUES (?, ?, ?) ON CONFLICT (company_id) DO NOTHING",
                [cid, name.strip(), now]).fetchall()
    found = con.execute("SELECT name FROM companies WHERE company_id = ?", [cid]).fetchone()
    return cid, found[0] if found else name.strip()


def remove_target(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """`leads company target --remove NAME`; the name removed."""
    resolved = Resolver(con).lookup(company_key(name), signature(name))
    for cid, target in con.execute("SELECT company_id, name FROM target_companies").fetchall():
        if company_key(target) == company_key(name) or resolved == cid:
            con.execute("DELETE FROM target_companies WHERE company_id = ?", [cid]).fetchall()
            return target
    raise ValueError(f"'{name}' is not a target (see `leads company target --list`)")


def target_rows(con: duckdb.DuckDBPyConnection) -> list[dict]:
    rows = con.execute(
        "SELECT t.company_id, t.name, t.added_at, (SELECT count(*) FROM discovered_boards b "
        "WHERE b.company_id = t.company_id AND b.confirmed) FROM target_companies t ORDER BY t.name").fetchall()
    return [{"company_id": cid, "company": name, "added_at": added.isoformat(), "boards": boards}
            for cid, name, added, boards in rows]
