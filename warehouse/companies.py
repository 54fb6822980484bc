"""Companies in the warehouse: the resolver's answers (warehouse/company_resolver.py) set on postings, contacts and
leads (`resolve_companies`), the user's aliases for parents and rebrands, and the weak links contacts may opt into.

`resolve_companies` works on the distinct names only, so a million postings with tens of thousands of employers
cost one pass over the employers plus one set-based UPDATE per table.
"""
from __future__ import annotations

from collections import Counter

import duckdb
import pyarrow as pa

from warehouse.company_names import company_id_for, distinctive, signature
from warehouse.company_resolver import Resolver
from warehouse.normalize import company_key
from warehouse.staging import run_over

# Sources whose board token names one employer (aggregators list many companies under one key).
BOARD_SOURCES = frozenset({"greenhouse", "lever", "ashby", "workable", "smartrecruiters", "recruitee"})
# Sources the user wrote (referrals, imported files): the least authoritative copy of a job.
FILE_SOURCES = frozenset({"referral", "jsonl", "csv"})


# The order names are resolved in, most used spelling first (then the shortest, then by code point, as UTF-8's
# bytes sort), so a new company is named the way most sources write it. Sorted by DuckDB in the query that groups
# the names: in Python, 264k names of a million postings took a second.
_MOST_USED_FIRST = "GROUP BY company ORDER BY count(*) DESC, length(company), company"


def resolve_companies(con: duckdb.DuckDBPyConnection, full: bool = False) -> int:
    """Set company_id on postings, contacts and leads; returns how many distinct names were resolved.

    Nightly runs resolve only the postings without a company yet (a name keeps its company once found);
    `full` re-resolves every name, after the user's aliases changed what some names mean.
    """
    pending = "" if full else "AND company_id IS NULL"
    posting_names = [name for (name,) in con.execute(
        f"SELECT company FROM postings WHERE company IS NOT NULL {pending} {_MOST_USED_FIRST}").fetchall()]
    boards = con.execute(
        "SELECT source_key, company, count(*) FROM postings "
        f"WHERE list_contains($sources, source) AND source_key IS NOT NULL {pending} GROUP BY ALL",
        {"sources": sorted(BOARD_SOURCES)},
    ).fetchall()
    contact_names = [name for (name,) in con.execute(
        f"SELECT company FROM contacts WHERE company IS NOT NULL {_MOST_USED_FIRST}").fetchall()]
    known = {} if full else _known_names(con)
    resolver = Resolver(con, names=[*(n for n in posting_names if n not in known), *contact_names],
                        boards={board for board, _, _ in boards})
    mapping: dict[str, str | None] = {}
    for name in posting_names:
        mapping[name] = known[name] if name in known else resolver.resolve(name)
    per_board: dict[str, Counter[str]] = {}
    for board, name, n in boards:
        cid = mapping.get(name)
        if cid:
            per_board.setdefault(board, Counter())[cid] += n
    for board, counts in sorted(per_board.items()):
        if len(counts) == 1:  # a board shared by several employers says nothing about any one
            resolver.add_board(board, next(iter(counts)))
    resolver.save()
    contact_map = {name: resolver.resolve(name) for name in contact_names}
    resolver.save()
    _apply(con, "postings", mapping, full)
    _apply(con, "contacts", contact_map, True)
    link_leads(con, full)
    _drop_orphans(con)
    return len(mapping.keys() | contact_map.keys())


def _known_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The company of each name of the new records that stored records already spell exactly so, where all of those
    have one company: the new records take it without the name being read again. Resolving them read their words
    and loaded the aliases they could need: 0.3 s of a nightly fold's 0.43, where 85% of 9,000 names were known."""
    return dict(con.execute(
        "SELECT company, any_value(company_id) FROM postings WHERE company_id IS NOT NULL "
        "AND company IN (SELECT company FROM postings WHERE company_id IS NULL) "
        "GROUP BY company HAVING count(DISTINCT company_id) = 1").fetchall())


def _apply(con: duckdb.DuckDBPyConnection, relation: str, mapping: dict[str, str | None], every_row: bool) -> None:
    if not mapping:
        return
    table = pa.table({"name": pa.array(list(mapping), pa.string()),
                      "company_id": pa.array(list(mapping.values()), pa.string())})
    which = f"{relation}.company_id IS DISTINCT FROM m.company_id" if every_row else f"{relation}.company_id IS NULL"
    run_over(con, table, f"UPDATE {relation} SET company_id = m.company_id FROM arrow_batch m "
                         f"WHERE {relation}.company = m.name AND {which}")


def link_leads(con: duckdb.DuckDBPyConnection, full: bool = False) -> None:
    """A lead's company is the one most of its records name (leads appear after dedupe, so run again then);
    between two named equally often, the greater id, so that the database's scan order never decides
    (`mode()` took whichever came first: 18 of 694k leads changed company between two imports of one file)."""
    pending = "" if full else "AND lead_id IN (SELECT lead_id FROM leads WHERE company_id IS NULL)"
    con.execute(
        f"""
        UPDATE leads SET company_id = src.company_id
        FROM (SELECT lead_id, arg_max(company_id, (records, company_id)) AS company_id
              FROM (SELECT lead_id, company_id, count(*) AS records FROM postings
                    WHERE lead_id IS NOT NULL AND company_id IS NOT NULL {pending} GROUP BY lead_id, company_id)
              GROUP BY lead_id) src
        WHERE leads.lead_id = src.lead_id AND leads.company_id IS DISTINCT FROM src.company_id
        """
    ).fetchall()


def weak_links(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(contact_id, company_id) where the contact's company only weakly matches a company with open leads
    (a shared distinctive word: "Meta" and "Meta Financial"). Used only when the user opts in."""
    by_word: dict[str, set[str]] = {}
    for cid, name in con.execute(
        "SELECT company_id, name FROM companies WHERE company_id IN "
        "(SELECT company_id FROM leads WHERE status = 'open' AND company_id IS NOT NULL)"
    ).fetchall():
        for word in set(distinctive(name)):
            by_word.setdefault(word, set()).add(cid)
    links = set()
    for contact_id, company, own in con.execute(
        "SELECT contact_id, company, company_id FROM contacts WHERE company IS NOT NULL"
    ).fetchall():
        for word in set(distinctive(company)):
            links.update((contact_id, cid) for cid in by_word.get(word, ()) if cid != own)
    return sorted(links)


def _drop_orphans(con: duckdb.DuckDBPyConnection) -> None:
    """Companies no alias points to any more (a user alias moved their names elsewhere)."""
    con.execute(
        "DELETE FROM companies WHERE company_id NOT IN (SELECT company_id FROM company_aliases)"
    ).fetchall()


def add_alias(con: duckdb.DuckDBPyConnection, alias: str, canonical: str) -> tuple[str, str]:
    """`leads company alias ALIAS CANONICAL`: the user's word for parents and rebrands; (company id, name)."""
    alias_key, canonical_key = company_key(alias), company_key(canonical)
    if not alias_key:
        raise ValueError(f"alias '{alias}' has no name left after normalization")
    if not canonical_key:
        raise ValueError(f"company '{canonical}' has no name left after normalization")
    if alias_key == canonical_key:
        raise ValueError(f"'{alias}' and '{canonical}' are already the same company")
    resolver = Resolver(con)
    cid = resolver.lookup(canonical_key, signature(canonical)) or resolver.resolve(canonical)
    resolver.save()
    old = con.execute("SELECT company_id FROM company_aliases WHERE alias_norm = ?", [alias_key]).fetchone()
    con.execute(
        "INSERT INTO company_aliases VALUES (?, ?, ?, 'user') ON CONFLICT (alias_norm) DO UPDATE SET "
        "company_id = excluded.company_id, alias = excluded.alias, origin = 'user'",
        [alias_key, cid, alias],
    ).fetchall()
    if old and old[0] != cid:
        # The company that existed only under the alias's spelling is the canonical one: its look-alike
        # spellings (found by rule) move with it. A bigger company the alias merely resembled keeps its own.
        con.execute(
            "UPDATE company_aliases SET company_id = $new WHERE origin = 'rule' AND company_id = $old "
            "AND $old IN (SELECT company_id FROM companies WHERE norm_name = $key)",
            {"new": cid, "old": old[0], "key": alias_key},
        ).fetchall()
    name = con.execute("SELECT name FROM companies WHERE company_id = ?", [cid]).fetchone()
    return cid, name[0] if name else canonical


def remove_alias(con: duckdb.DuckDBPyConnection, alias: str) -> tuple[str, str]:
    """`leads company unalias NAME`: NAME is a company of its own, whatever an alias or a rule said (a venture
    fund named after a word is not the company of that word). Returns (company id, the company it left)."""
    alias_key = company_key(alias)
    if not alias_key:
        raise ValueError(f"'{alias}' has no name left after normalization")
    found = con.execute(
        "SELECT a.company_id, c.name, c.norm_name FROM company_aliases a LEFT JOIN companies c USING (company_id) "
        "WHERE a.alias_norm = ?", [alias_key]).fetchone()
    if found is None:
        raise ValueError(f"'{alias}' is no alias the resolver knows (see `leads company list`)")
    old_cid, old_name, old_norm = found
    if old_norm == alias_key:
        raise ValueError(f"'{alias}' is already a company of its own ({old_name})")
    cid = company_id_for("own:" + alias_key)
    con.execute("INSERT INTO companies (company_id, name, norm_name) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                [cid, alias.strip(), alias_key]).fetchall()
    # A user decision (origin 'user'), so no rule or board spelling takes the name back.
    con.execute("UPDATE company_aliases SET company_id = ?, alias = ?, origin = 'user' WHERE alias_norm = ?",
                [cid, alias.strip(), alias_key]).fetchall()
    return cid, old_name or old_cid


def company_rows(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Companies with their aliases and how many open leads and contacts each has."""
    rows = con.execute(
        """
        SELECT c.company_id, c.name,
               (SELECT list(a.alias || ' (' || a.origin || ')' ORDER BY a.origin, a.alias)
                FROM company_aliases a WHERE a.company_id = c.company_id) AS aliases,
               (SELECT count(*) FROM leads l WHERE l.company_id = c.company_id AND l.status = 'open') AS open_leads,
               (SELECT count(*) FROM contacts k WHERE k.company_id = c.company_id) AS contacts
        FROM companies c ORDER BY c.name
        """
    ).fetchall()
    return [{"company_id": cid, "company": name, "aliases": list(aliases or []), "open_leads": n, "contacts": k}
            for cid, name, aliases, n, k in rows]
