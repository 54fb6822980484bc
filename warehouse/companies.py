"""The company resolver: one canonical company per employer, for dedupe and for matching contacts.

Names are first normalized by `warehouse.normalize.company_key` (legal suffixes, punctuation). On top
of that key the resolver matches in tiers:

- exact: the keys are equal, or equal without spaces ("NorthwindCloud" = "Northwind Cloud"), or the key
  is a known alias (rule, board token, or the user's own `leads company alias`);
- strong: the distinctive tokens are equal ("Northwind Cloud Technologies" = "Northwind Cloud");
- weak: some distinctive token is shared ("Meta" / "Meta Financial"); reported by `match_tier` but never
  used to resolve, so a short name never swallows a longer different one.

Generic words ("Group", "Labs", "Bank", ...) carry no identity: a name made only of them matches exactly
or not at all. `resolve_companies` works on the distinct names only, so a million postings with tens of
thousands of employers cost one pass over the employers plus one set-based UPDATE per table.
"""
from __future__ import annotations

from collections import Counter

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz, process

from warehouse.company_names import (
    ALIAS_WORDS_VERSION, TYPO_MIN_LENGTH, TYPO_RATIO, company_id_for, compact, distinctive, distinctive_of, key_aliases,
    lengths_within_ratio, one_word_typo, signature, spelled_of, tokens,
)
from warehouse.normalize import company_key
from warehouse.staging import run_over, settle

# Sources whose board token names one employer (aggregators list many companies under one key).
BOARD_SOURCES = frozenset({"greenhouse", "lever", "ashby", "workable", "smartrecruiters", "recruitee"})
# Sources the user wrote (referrals, imported files): the least authoritative copy of a job.
FILE_SOURCES = frozenset({"referral", "jsonl", "csv"})

# A user's word beats a board token, which beats a rule-derived spelling.
ORIGIN_RANK = {"user": 3, "board": 2, "rule": 1}


class Resolver:
    """Names to company ids from the aliases stored so far; new employers become new companies."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        self.new_companies: dict[str, tuple[str, str]] = {}  # id -> (name, norm)
        # alias_norm -> (id, alias, origin, and the alias's words: its signature and its spelled words)
        self.new_aliases: dict[str, tuple[str, str, str, str, str]] = {}
        # compact keys by their first two letters and their length, each list in the order the keys came
        self._by_start: dict[tuple[str, int], list[str]] | None = None
        self._arrival: dict[str, int] = {}  # compact key -> its place in that order, to break ties as one list would
        rows = self._stored_aliases(con)
        if pc.any(rows["unread"]).as_py():  # aliases the user stored, or words of an older version: read once
            unread = rows.filter(rows["unread"])["alias"].to_pylist()
            _store_words(con, [(alias, *alias_words(alias)) for alias in unread])
            rows = self._stored_aliases(con)
        # What `_index` does per alias, as whole columns (~165k aliases at a million postings: each one read
        # word by word took 0.5 s of every nightly run); the first alias to claim a looser key keeps it.
        self.by_alias: dict[str, str] = dict(zip(rows["alias_norm"].to_pylist(), rows["company_id"].to_pylist()))
        first = rows.filter(rows["first_joined"])
        joined = first["joined"].to_pylist()
        self.by_compact: dict[str, str] = dict(zip(joined, first["company_id"].to_pylist()))
        # compact key -> the key with its spaces (words), first claimed
        self.spelled: dict[str, str] = dict(zip(joined, first["spelled"].to_pylist()))
        first = rows.filter(rows["first_signature"])
        self.by_signature: dict[str, str] = dict(zip(first["signature"].to_pylist(), first["company_id"].to_pylist()))
        self.known_ids = set(con.sql("SELECT company_id FROM companies").to_arrow_table()["company_id"].to_pylist())

    @staticmethod
    def _stored_aliases(con: duckdb.DuckDBPyConnection) -> pa.Table:
        """Every stored alias with its words, in the order aliases claim keys (rules, then boards, then users;
        by key within each), marking the first to claim each compact key and each signature."""
        rank = " ".join(f"WHEN '{origin}' THEN {n}" for origin, n in ORIGIN_RANK.items())
        settle(con)  # a relation is refused while the caller's last statement is unread
        return con.sql(f"""
            WITH ordered AS (
                SELECT a.alias_norm, a.company_id, a.alias, w.signature, w.spelled,
                       replace(a.alias_norm, ' ', '') AS joined,
                       row_number() OVER (ORDER BY CASE a.origin {rank} ELSE 0 END, a.alias_norm) AS arrival
                FROM company_aliases a
                LEFT JOIN company_alias_words w ON w.alias = a.alias AND w.version = {ALIAS_WORDS_VERSION})
            SELECT alias_norm, company_id, alias, joined, signature,
                   coalesce(nullif(spelled, ''), alias_norm) AS spelled, signature IS NULL AS unread,
                   row_number() OVER (PARTITION BY joined ORDER BY arrival) = 1 AS first_joined,
                   coalesce(signature <> '', FALSE)
                       AND row_number() OVER (PARTITION BY signature ORDER BY arrival) = 1 AS first_signature
            FROM ordered ORDER BY arrival""").to_arrow_table()

    def _index(self, key: str, sig: str, cid: str, spelled: str = "") -> None:
        # An alias names one spelling exactly; the looser keys keep whoever claimed them first
        # (rules, then boards, then users), so a user's alias cannot capture look-alike names.
        self.by_alias[key] = cid
        joined = compact(key)
        if joined not in self.by_compact and self._by_start is not None and len(joined) >= TYPO_MIN_LENGTH:
            self._file_for_typos([joined])
        self.by_compact.setdefault(joined, cid)
        self.spelled.setdefault(joined, spelled or key)
        if sig:
            self.by_signature.setdefault(sig, cid)

    def lookup(self, key: str, sig: str, spelled: str = "") -> str | None:
        """An existing company for this key (exact tier), signature (strong tier) or a misspelling of one
        (typo tier), without creating one."""
        if not key:
            return None
        if key in self.by_alias:
            return self.by_alias[key]
        if compact(key) in self.by_compact:
            return self.by_compact[compact(key)]
        if sig and sig in self.by_signature:
            return self.by_signature[sig]
        return self._misspelt(key, spelled or key)

    def _misspelt(self, key: str, spelled: str) -> str | None:
        """The company whose key is this one give or take a letter ("Apptronnik", "Lockheed Martn"): keys of
        TYPO_MIN_LENGTH letters or more that start alike and score TYPO_RATIO (rapidfuzz ratio) or more.
        One changed letter in a short name ("Stripe" / "Strive") stays apart, and so do names that differ by a
        whole word ("Acme Robotics Milo" / "Acme Robotics Ralo")."""
        key = compact(key)
        if len(key) < TYPO_MIN_LENGTH:
            return None
        if self._by_start is None:  # only keys long enough to be misspelt: filtering them per lookup cost 10 s at 1M
            self._by_start = {}
            self._file_for_typos([known for known in self.by_compact if len(known) >= TYPO_MIN_LENGTH])
        found = []
        start = key[:2]
        for length in lengths_within_ratio(len(key)):  # no other length can reach TYPO_RATIO: not worth scoring
            known = self._by_start.get((start, length))
            if known:
                found += process.extract(key, known, scorer=fuzz.ratio, score_cutoff=TYPO_RATIO, limit=5)
        # best first, ties in the order the keys came: what one list of every length would give
        for known, _, _ in sorted(found, key=lambda hit: (-hit[1], self._arrival[hit[0]]))[:5]:
            if one_word_typo(spelled, self.spelled.get(known, known)):
                return self.by_compact[known]
        return None

    def _file_for_typos(self, keys: list[str]) -> None:
        """File compact keys for the typo tier, in the order they came (~165k at once when the tier first runs)."""
        by_start, arrival = self._by_start, self._arrival
        for joined in keys:
            by_start.setdefault((joined[:2], len(joined)), []).append(joined)
            arrival[joined] = len(arrival)

    def resolve(self, name: str) -> str | None:
        key, former = key_aliases(name)
        if not key:
            return None
        sig, spelled = alias_words(name)  # the words stored with its aliases, whose text is the name
        cid = self.lookup(key, sig, spelled)
        if cid is None:
            cid = company_id_for(sig or key)
            if cid not in self.known_ids:
                self.new_companies[cid] = (name.strip(), key)
                self.known_ids.add(cid)
        for alias_key in [key, *former]:
            if alias_key not in self.by_alias:
                self.new_aliases[alias_key] = (cid, name.strip(), "rule", sig, spelled)
                self._index(alias_key, sig if alias_key == key else "", cid, spelled if alias_key == key else "")
        return cid

    def add_board(self, board: str, cid: str) -> None:
        """A board token names its company; it replaces a rule spelling but never a user's alias."""
        key = company_key(board)
        if not key or not signature(board) or len(compact(key)) < 3 or self.by_alias.get(key) == cid:
            return
        current = self.con.execute(
            "SELECT company_id, origin FROM company_aliases WHERE alias_norm = ?", [key]
        ).fetchone()
        if current and (current[1] == "user" or current[0] == cid):
            return
        board_sig, board_spelled = alias_words(board)
        self.new_aliases[key] = (cid, board, "board", board_sig, board_spelled)
        self._index(key, board_sig, cid, board_spelled)

    def save(self) -> None:
        if self.new_companies:
            rows = [{"company_id": c, "name": n, "norm_name": k} for c, (n, k) in self.new_companies.items()]
            run_over(self.con, pa.Table.from_pylist(rows),
                     "INSERT INTO companies SELECT company_id, name, norm_name FROM arrow_batch "
                     "ON CONFLICT (company_id) DO NOTHING")
        if self.new_aliases:
            rows = [{"alias_norm": k, "company_id": c, "alias": a, "origin": o}
                    for k, (c, a, o, _, _) in self.new_aliases.items()]
            run_over(self.con, pa.Table.from_pylist(rows),
                     "INSERT INTO company_aliases SELECT alias_norm, company_id, alias, origin FROM arrow_batch "
                     "ON CONFLICT (alias_norm) DO UPDATE SET company_id = excluded.company_id, "
                     "alias = excluded.alias, origin = excluded.origin")
            _store_words(self.con, [(a, sig, spelled) for _, a, _, sig, spelled in self.new_aliases.values()])
        self.new_companies.clear()
        self.new_aliases.clear()


def alias_words(alias: str) -> tuple[str, str]:
    """What the resolver reads from a stored alias: its signature and its words without legal suffixes."""
    name_words = tokens(alias)  # once for both
    return "".join(distinctive_of(name_words)), spelled_of(name_words)


def _store_words(con: duckdb.DuckDBPyConnection, words_of: list[tuple[str, str, str]]) -> None:
    """Keep (alias, signature, spelled) for the next load of the resolver; an alias already kept is skipped."""
    table = pa.table({"alias": [w[0] for w in words_of], "signature": [w[1] for w in words_of],
                      "spelled": [w[2] for w in words_of]})
    run_over(con, table,
             f"INSERT INTO company_alias_words SELECT alias, {ALIAS_WORDS_VERSION}, any_value(signature), "
             f"any_value(spelled) FROM arrow_batch ANTI JOIN (SELECT alias FROM company_alias_words "
             f"WHERE version = {ALIAS_WORDS_VERSION}) USING (alias) GROUP BY alias")


# The order names are resolved in, most used spelling first (then the shortest, then by code point, as UTF-8's
# bytes sort), so a new company is named the way most sources write it. Sorted by DuckDB in the query that groups
# the names: in Python, 264k names of a million postings took a second.
_MOST_USED_FIRST = "GROUP BY company ORDER BY count(*) DESC, length(company), company"


def resolve_companies(con: duckdb.DuckDBPyConnection, full: bool = False) -> int:
    """Set company_id on postings, contacts and leads; returns how many distinct names were resolved.

    Nightly runs resolve only the postings without a company yet (a name keeps its company once found);
    `full` re-resolves every name, after the user's aliases changed what some names mean.
    """
    resolver = Resolver(con)
    pending = "" if full else "AND company_id IS NULL"
    posting_names = con.execute(
        f"SELECT company FROM postings WHERE company IS NOT NULL {pending} {_MOST_USED_FIRST}").fetchall()
    mapping: dict[str, str | None] = {}
    for (name,) in posting_names:
        mapping[name] = resolver.resolve(name)
    boards = con.execute(
        "SELECT source_key, company, count(*) FROM postings "
        f"WHERE list_contains($sources, source) AND source_key IS NOT NULL {pending} GROUP BY ALL",
        {"sources": sorted(BOARD_SOURCES)},
    ).fetchall()
    per_board: dict[str, Counter[str]] = {}
    for board, name, n in boards:
        cid = mapping.get(name)
        if cid:
            per_board.setdefault(board, Counter())[cid] += n
    for board, counts in sorted(per_board.items()):
        if len(counts) == 1:  # a board shared by several employers says nothing about any one
            resolver.add_board(board, next(iter(counts)))
    resolver.save()
    contact_names = con.execute(f"SELECT company FROM contacts WHERE company IS NOT NULL {_MOST_USED_FIRST}").fetchall()
    contact_map = {name: resolver.resolve(name) for (name,) in contact_names}
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
