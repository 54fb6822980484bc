"""Company identity on every posting, contact and lead: `resolve_companies` (the resolver's tiers are described
in warehouse/company_resolver.py; a run of few names reads only the aliases they can meet,
warehouse/company_scope.py)."""
from __future__ import annotations

from collections import Counter
from typing import Iterable

import duckdb
import pyarrow as pa

from warehouse.company_names import distinctive
from warehouse.company_resolver import Resolver
from warehouse.company_scope import ScopedResolver
from warehouse.staging import staged

# Sources whose board token names one employer (aggregators list many companies under one key).
BOARD_SOURCES = frozenset({"greenhouse", "lever", "ashby", "workable", "smartrecruiters", "recruitee"})
# Sources the user wrote (referrals, imported files): the least authoritative copy of a job.
FILE_SOURCES = frozenset({"referral", "jsonl", "csv"})


def _display_names(names: Iterable[tuple[str, int]]) -> list[str]:
    """Most used spelling first, so a new company is named the way most sources write it."""
    counts: Counter[str] = Counter()
    for name, n in names:
        counts[name] += n
    return [name for name, _ in sorted(counts.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))]


# A run whose names are fewer than this share of the stored aliases reads only the aliases they can meet
# (warehouse/company_scope.py); a first import, or re-resolving every name, reads them all at once.
SCOPED_MAX_SHARE = 0.25


def resolver_for(con: duckdb.DuckDBPyConnection, names: list[str], boards: list[str]) -> Resolver:
    """The resolver for these names and board tokens: either kind answers them the same."""
    stored = con.execute("SELECT count(*) FROM company_aliases").fetchone()[0]
    if len(names) + len(boards) < SCOPED_MAX_SHARE * stored:
        return ScopedResolver(con, names, boards)
    return Resolver(con)


def resolve_companies(con: duckdb.DuckDBPyConnection, full: bool = False) -> int:
    """Set company_id on postings, contacts and leads; returns how many distinct names were resolved.

    Nightly runs resolve only the postings without a company yet (a name keeps its company once found);
    `full` re-resolves every name, after the user's aliases changed what some names mean.
    """
    pending = "" if full else "AND company_id IS NULL"
    posting_names = _display_names(con.execute(
        f"SELECT company, count(*) FROM postings WHERE company IS NOT NULL {pending} GROUP BY company"
    ).fetchall())
    boards = con.execute(
        "SELECT source_key, company, count(*) FROM postings "
        f"WHERE list_contains($sources, source) AND source_key IS NOT NULL {pending} GROUP BY ALL",
        {"sources": sorted(BOARD_SOURCES)},
    ).fetchall()
    contact_names = _display_names(con.execute(
        "SELECT company, count(*) FROM contacts WHERE company IS NOT NULL GROUP BY company"
    ).fetchall())
    resolver = resolver_for(con, posting_names + contact_names, sorted({board for board, _, _ in boards}))
    mapping: dict[str, str | None] = {}
    for name in posting_names:
        mapping[name] = resolver.resolve(name)
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


def _apply(con: duckdb.DuckDBPyConnection, relation: str, mapping: dict[str, str | None], every_row: bool) -> None:
    if not mapping:
        return
    table = pa.table({"name": pa.array(list(mapping), pa.string()),
                      "company_id": pa.array(list(mapping.values()), pa.string())})
    which = f"{relation}.company_id IS DISTINCT FROM m.company_id" if every_row else f"{relation}.company_id IS NULL"
    with staged(con, "company_map", table):
        con.execute(
            f"UPDATE {relation} SET company_id = m.company_id FROM company_map m "
            f"WHERE {relation}.company = m.name AND {which}"
        ).fetchall()


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
