"""The company resolver: one canonical company per employer, for dedupe and for matching contacts.

Names are first normalized by `warehouse.normalize.company_key` (legal suffixes, punctuation). On top
of that key the resolver matches in tiers:

- exact: the keys are equal, or equal without spaces ("NorthwindCloud" = "Northwind Cloud"), or the key
  is a known alias (rule, board token, or the user's own `leads company alias`);
- strong: the distinctive tokens are equal ("Northwind Cloud Technologies" = "Northwind Cloud");
- weak: some distinctive token is shared ("Meta" / "Meta Financial"); reported by `match_tier` but never
  used to resolve, so a short name never swallows a longer different one.

Generic words ("Group", "Labs", "Bank", ...) carry no identity: a name made only of them matches exactly
or not at all. Names resolve in the order they are given; the first alias to claim a looser key keeps it.
"""
from __future__ import annotations

from typing import Iterable

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz, process

from warehouse.company_names import (
    ALIAS_WORDS_VERSION, TYPO_MIN_LENGTH, TYPO_RATIO, company_id_for, compact, distinctive_of, key_aliases,
    lengths_within_ratio, one_word_typo, signature, spelled_of, tokens,
)
from warehouse.normalize import company_key
from warehouse.staging import run_over, settle

# A user's word beats a board token, which beats a rule-derived spelling.
ORIGIN_RANK = {"user": 3, "board": 2, "rule": 1}
# The order aliases claim the looser keys in (compact key, signature): rules, then boards, then users; by key within each.
_CLAIM = f"({' '.join(['CASE origin', *(f'WHEN {o!r} THEN {n}' for o, n in ORIGIN_RANK.items()), 'ELSE 0 END'])}, alias_norm)"

# What a Resolver loads, one row per key, tagged by `kind`, in the order aliases claimed them (`claim`): the
# aliases; each compact key with the company and words of the alias that claimed it first; each signature's first
# claim; the company ids. All of them (`$every`), or those the run's names can read (`Resolver._wanted`): the
# aliases named exactly, their compact keys and signatures, of the ids named those that exist, and the compact keys
# the typo tier can reach. The typo tier reads only names the other tiers miss (`missed`, from what is stored: a
# name a tier finds stored is never misspelt) and, of their lists (a key's first two letters and length), only keys
# within a Levenshtein distance TYPO_RATIO allows: fuzz.ratio >= R needs an insertions-and-deletions distance of at
# most (100 - R)% of both lengths, and the Levenshtein distance is never more than that one. Reading the whole lists
# brought 100k of a million's 164k keys for a nightly run's 500 new names.
_ALIASES = f"""
WITH aliases AS (
    SELECT alias_norm, company_id, alias, replace(alias_norm, ' ', '') AS joined, {_CLAIM} AS claim FROM company_aliases
), words AS (SELECT alias, signature, spelled FROM company_alias_words WHERE version = $version),
missed AS (
    SELECT n.joined FROM typo_names n
    WHERE n.key NOT IN (SELECT alias_norm FROM aliases) AND n.joined NOT IN (SELECT joined FROM aliases)
      AND (n.sig = '' OR n.sig NOT IN (SELECT w.signature FROM aliases JOIN words w USING (alias)))
), searched AS (
    SELECT * FROM aliases WHERE $every OR joined IN (SELECT joined FROM wanted_joined)
    UNION ALL  -- a key both named and near, or near two names, twice: the same first claim, grouped below
    SELECT a.* EXCLUDE (start, n) FROM (SELECT *, substring(joined, 1, 2) AS start, length(joined) AS n FROM aliases) a
    JOIN (SELECT joined, substring(joined, 1, 2) AS start, length(joined) AS own, unnest(range(own * $typo_ratio // (200 - $typo_ratio),
                                                                                  own * (200 - $typo_ratio) // $typo_ratio + 1)) AS n
          FROM missed) m  -- the lengths that can reach the ratio, as `lengths_within_ratio`: a join on two keys
        USING (start, n)
    WHERE a.n >= $typo_min AND abs(a.n - m.own) * 100 <= (100 - $typo_ratio) * (a.n + m.own)
      AND levenshtein(a.joined, m.joined) * 100 <= (100 - $typo_ratio) * (a.n + m.own)
)
SELECT 'alias' AS kind, alias_norm AS key, company_id, NULL AS spelled, claim
FROM aliases WHERE $every OR alias_norm IN (SELECT key FROM wanted_keys)
UNION ALL
SELECT 'joined', joined, arg_min(company_id, claim), arg_min(coalesce(nullif(w.spelled, ''), alias_norm), claim), min(claim)
FROM searched s LEFT JOIN words w USING (alias) GROUP BY joined
UNION ALL
SELECT 'signature', w.signature, arg_min(company_id, claim), NULL, min(claim)
FROM aliases a JOIN words w USING (alias)
WHERE w.signature <> '' AND ($every OR w.signature IN (SELECT signature FROM wanted_signatures)) GROUP BY w.signature
UNION ALL
SELECT 'id', company_id, company_id, NULL, NULL FROM companies WHERE $every OR company_id IN (SELECT company_id FROM wanted_ids)
ORDER BY kind, claim
"""


# Only the aliases a run's names need are loaded while the names number at most this share of the stored aliases:
# a nightly run of 9,000 names into a million's 164k aliases, 0.9-1.0 s -> 0.6-0.8 s, and one posting 0.8 -> 0.15 s;
# a first import's 264k names read the empty store whole, as reading only what 264k names need took 2-3 s more.
SCOPED_LOAD_SHARE = 1 / 4


class Resolver:
    """Names to company ids from the aliases stored so far; new employers become new companies."""

    def __init__(self, con: duckdb.DuckDBPyConnection, names: Iterable[str] | None = None, boards: Iterable[str] = ()):
        """Every stored alias, or (`names`, `boards`) only those that resolving these names and adding these boards
        can read: a nightly run's few thousand names need a few thousand of a million's 164k aliases, whose load
        took 0.5-0.9 s of every import. Either way each of those names resolves to the same company; a name
        outside them may miss a stored alias, so a scoped resolver is given every name it will be asked."""
        self.con = con
        self.new_companies: dict[str, tuple[str, str]] = {}  # id -> (name, norm)
        # alias_norm -> (id, alias, origin, and the alias's words: its signature and its spelled words)
        self.new_aliases: dict[str, tuple[str, str, str, str, str]] = {}
        # compact keys by their first two letters and their length, each list in the order the keys came
        self._by_start: dict[tuple[str, int], list[str]] | None = None
        self._arrival: dict[str, int] = {}  # compact key -> its place in that order, to break ties as one list would
        # name -> key, former keys, signature, words: read once when the scoped load has read them (kept for
        # every name of a first import, 264k tuples slowed Python's garbage collector by a second)
        self._read: dict[str, tuple[str, list[str], str, str]] | None = None
        _read_unread_aliases(con)
        names = None if names is None else list(names)
        if names is not None and len(names) <= SCOPED_LOAD_SHARE * con.execute(
                "SELECT count(*) FROM company_aliases").fetchone()[0]:
            self._read = {}
            wanted = self._wanted(names, boards)
        else:
            wanted = None
        self._load(con, wanted)

    def _wanted(self, names: list[str], boards: Iterable[str]) -> dict[str, pa.Table]:
        """What these names and boards look up (`_ALIASES`): their keys, compact keys and signatures, the ids they
        would make, and (compact key, key, signature) of each name the typo tier may read for."""
        keys, joined, signatures, ids = set(), set(), set(), set()
        typo: set[tuple[str, str, str]] = set()
        for name in names:
            key, former, sig, _ = self._read_name(name)
            if not key:
                continue
            keys.update((key, *former))
            joined.update(compact(k) for k in (key, *former))
            signatures.add(sig)
            ids.add(company_id_for(sig or key))
            if len(compact(key)) >= TYPO_MIN_LENGTH:
                typo.add((compact(key), key, sig))
        for board in boards:
            key = company_key(board)
            if key:
                keys.add(key)
                joined.add(compact(key))
                signatures.add(alias_words(board)[0])
        return _wanted_tables(keys, joined, signatures - {""}, ids, typo)

    def _load(self, con: duckdb.DuckDBPyConnection, wanted: dict[str, pa.Table] | None) -> None:
        """The indexes of every stored alias, or (`wanted`) of those the run's names can read. The first alias to
        claim a looser key keeps it, among all of them either way."""
        # read by _ALIASES where they are (replacement scans): as list parameters, a first import's 264k names took
        # 2 s to bind
        tables = wanted or _wanted_tables(set(), set(), set(), set(), set())
        wanted_keys, wanted_joined = tables["wanted_keys"], tables["wanted_joined"]  # noqa: F841 - read by name
        wanted_signatures, wanted_ids, typo_names = (  # noqa: F841
            tables["wanted_signatures"], tables["wanted_ids"], tables["typo_names"])
        settle(con)  # a relation is refused while the caller's last statement is unread
        rows = con.sql(_ALIASES, params={"every": wanted is None, "version": ALIAS_WORDS_VERSION,
                                         "typo_min": TYPO_MIN_LENGTH, "typo_ratio": TYPO_RATIO}).to_arrow_table()
        self.by_alias = _pairs(rows.filter(pc.equal(rows["kind"], "alias")), "company_id")
        claims = rows.filter(pc.equal(rows["kind"], "joined"))
        self.by_compact = _pairs(claims, "company_id")
        self.spelled = _pairs(claims, "spelled")  # compact key -> the key with its spaces (words), first claimed
        self.by_signature = _pairs(rows.filter(pc.equal(rows["kind"], "signature")), "company_id")
        self.known_ids = set(rows.filter(pc.equal(rows["kind"], "id"))["key"].to_pylist())

    def _read_name(self, name: str) -> tuple[str, list[str], str, str]:
        """A name's key and former keys, and the words stored with its aliases (`alias_words`), read once."""
        read = self._read.get(name) if self._read is not None else None
        if read is None:
            key, former = key_aliases(name)
            read = (key, former, *alias_words(name))
            if self._read is not None:
                self._read[name] = read
        return read

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
        key, former, sig, spelled = self._read_name(name)  # sig, spelled: the words stored with its aliases
        if not key:
            return None
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


def _wanted_tables(keys: set[str], joined: set[str], signatures: set[str], ids: set[str],
                   typo: set[tuple[str, str, str]]) -> dict[str, pa.Table]:
    text = pa.string()
    return {"wanted_keys": pa.table({"key": pa.array(list(keys), text)}),
            "wanted_joined": pa.table({"joined": pa.array(list(joined), text)}),
            "wanted_signatures": pa.table({"signature": pa.array(list(signatures), text)}),
            "wanted_ids": pa.table({"company_id": pa.array(list(ids), text)}),
            "typo_names": pa.table({name: pa.array(column, text) for name, column
                                    in zip(("joined", "key", "sig"), zip(*typo) if typo else ((), (), ()))})}


def _pairs(rows: pa.Table, value: str) -> dict[str, str]:
    return dict(zip(rows["key"].to_pylist(), rows[value].to_pylist()))


def _read_unread_aliases(con: duckdb.DuckDBPyConnection) -> None:
    """Keep the words of aliases stored without them (the user's, or words of an older ALIAS_WORDS_VERSION)."""
    settle(con)
    unread = [alias for (alias,) in con.execute(
        f"SELECT DISTINCT alias FROM company_aliases ANTI JOIN (SELECT alias FROM company_alias_words "
        f"WHERE version = {ALIAS_WORDS_VERSION}) USING (alias) ORDER BY alias").fetchall()]
    if unread:
        _store_words(con, [(alias, *alias_words(alias)) for alias in unread])


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
