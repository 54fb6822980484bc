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
from warehouse.staging import settle, staged

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
        self._need_keys([key])
        self._need_signature(sig)
        self.by_alias[key] = cid
        joined = compact(key)
        if joined not in self.by_compact and len(joined) >= TYPO_MIN_LENGTH:
            self._claim_for_typos(joined)
        self.by_compact.setdefault(joined, cid)
        self.spelled.setdefault(joined, spelled or key)
        if sig:
            self.by_signature.setdefault(sig, cid)

    def lookup(self, key: str, sig: str, spelled: str = "") -> str | None:
        """An existing company for this key (exact tier), signature (strong tier) or a misspelling of one
        (typo tier), without creating one."""
        if not key:
            return None
        found = self._exact(key)
        if found is not None:
            return found
        self._need_signature(sig)
        if sig and sig in self.by_signature:
            return self.by_signature[sig]
        return self._misspelt(key, spelled or key)

    def _exact(self, key: str) -> str | None:
        """The exact tier: the key is an alias, or equals one without its spaces."""
        self._need_keys([key])
        if key in self.by_alias:
            return self.by_alias[key]
        return self.by_compact.get(compact(key))

    # What a resolver scoped to some names loads on demand (warehouse/company_scope.py); this one holds every
    # stored alias already.
    def _need_keys(self, keys: Iterable[str]) -> None:
        """The stored aliases of these keys, and the claims on their compact forms, are loaded."""

    def _need_signature(self, sig: str) -> None:
        """The stored claim on this signature is loaded."""

    def _is_known(self, cid: str) -> bool:
        return cid in self.known_ids

    def _misspelt(self, key: str, spelled: str) -> str | None:
        """The company whose key is this one give or take a letter ("Apptronnik", "Lockheed Martn"): keys of
        TYPO_MIN_LENGTH letters or more that start alike and score TYPO_RATIO (rapidfuzz ratio) or more.
        One changed letter in a short name ("Stripe" / "Strive") stays apart, and so do names that differ by a
        whole word ("Acme Robotics Milo" / "Acme Robotics Ralo")."""
        key = compact(key)
        if len(key) < TYPO_MIN_LENGTH:
            return None
        found = []
        start = key[:2]
        for length in lengths_within_ratio(len(key)):  # no other length can reach TYPO_RATIO: not worth scoring
            known = self._typo_bucket(start, length)
            if known:
                found += process.extract(key, known, scorer=fuzz.ratio, score_cutoff=TYPO_RATIO, limit=5)
        # best first, ties in the order the keys came: what one list of every length would give
        for known, _, _ in sorted(found, key=lambda hit: (-hit[1], self._arrival[hit[0]]))[:5]:
            if one_word_typo(spelled, self.spelled.get(known, known)):
                return self.by_compact[known]
        return None

    def _typo_bucket(self, start: str, length: int) -> list[str] | None:
        """The compact keys of this length starting so, in the order they came (None: there are none)."""
        if self._by_start is None:  # only keys long enough to be misspelt: filtering them per lookup cost 10 s at 1M
            self._by_start = {}
            self._file_for_typos([known for known in self.by_compact if len(known) >= TYPO_MIN_LENGTH])
        return self._by_start.get((start, length))

    def _claim_for_typos(self, joined: str) -> None:
        """A compact key first claimed in this run: it comes after every stored one."""
        if self._by_start is not None:
            self._file_for_typos([joined])

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
        self._need_keys([key, *former])
        cid = self._exact(key)
        words: tuple[str, str] | None = None  # the name's signature and spelled words, read only when needed
        if cid is None:
            words = alias_words(name)  # the words stored with its aliases, whose text is the name
            sig, spelled = words
            cid = self.lookup(key, sig, spelled)
            if cid is None:
                cid = company_id_for(sig or key)
                if not self._is_known(cid):
                    self.new_companies[cid] = (name.strip(), key)
                    self._known(cid)
        for alias_key in [key, *former]:
            if alias_key not in self.by_alias:
                sig, spelled = words = words or alias_words(name)
                self.new_aliases[alias_key] = (cid, name.strip(), "rule", sig, spelled)
                self._index(alias_key, sig if alias_key == key else "", cid, spelled if alias_key == key else "")
        return cid

    def _known(self, cid: str) -> None:
        self.known_ids.add(cid)

    def add_board(self, board: str, cid: str) -> None:
        """A board token names its company; it replaces a rule spelling but never a user's alias."""
        key = company_key(board)
        if not key or not signature(board) or len(compact(key)) < 3:
            return
        self._need_keys([key])
        if self.by_alias.get(key) == cid:
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
            with staged(self.con, "new_companies", pa.Table.from_pylist(rows)):
                self.con.execute(
                    "INSERT INTO companies SELECT company_id, name, norm_name FROM new_companies "
                    "ON CONFLICT (company_id) DO NOTHING"
                )
        if self.new_aliases:
            rows = [{"alias_norm": k, "company_id": c, "alias": a, "origin": o}
                    for k, (c, a, o, _, _) in self.new_aliases.items()]
            with staged(self.con, "new_aliases", pa.Table.from_pylist(rows)):
                self.con.execute(
                    "INSERT INTO company_aliases SELECT alias_norm, company_id, alias, origin FROM new_aliases "
                    "ON CONFLICT (alias_norm) DO UPDATE SET company_id = excluded.company_id, "
                    "alias = excluded.alias, origin = excluded.origin"
                )
            _store_words(self.con, [(a, sig, spelled) for _, a, _, sig, spelled in self.new_aliases.values()])
        self.new_companies.clear()
        self.new_aliases.clear()


def alias_words(alias: str) -> tuple[str, str]:
    """What the resolver reads from a stored alias: its signature and its words without legal suffixes."""
    name_words = tokens(alias)  # once for both
    return "".join(distinctive_of(name_words)), spelled_of(name_words)


def store_unread_words(con: duckdb.DuckDBPyConnection) -> None:
    """Read once the words of aliases stored without them (the user's, or words of an older version)."""
    unread = [alias for (alias,) in con.execute(
        f"SELECT DISTINCT alias FROM company_aliases ANTI JOIN (SELECT alias FROM company_alias_words "
        f"WHERE version = {ALIAS_WORDS_VERSION}) USING (alias)").fetchall()]
    if unread:
        _store_words(con, [(alias, *alias_words(alias)) for alias in unread])


def _store_words(con: duckdb.DuckDBPyConnection, words_of: list[tuple[str, str, str]]) -> None:
    """Keep (alias, signature, spelled) for the next load of the resolver; an alias already kept is skipped."""
    table = pa.table({"alias": [w[0] for w in words_of], "signature": [w[1] for w in words_of],
                      "spelled": [w[2] for w in words_of]})
    with staged(con, "alias_words", table):
        con.execute(
            f"INSERT INTO company_alias_words SELECT alias, {ALIAS_WORDS_VERSION}, any_value(signature), "
            f"any_value(spelled) FROM alias_words ANTI JOIN (SELECT alias FROM company_alias_words "
            f"WHERE version = {ALIAS_WORDS_VERSION}) USING (alias) GROUP BY alias"
        ).fetchall()
