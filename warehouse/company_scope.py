"""A company resolver that reads only the stored aliases its names can meet.

A nightly run resolves a few thousand names against the stored aliases (~165k at a million postings), and
reading every one of them into Python took 0.45-0.6 s of each run. `ScopedResolver(con, names, boards)`
reads, for those names: the stored aliases of their keys, the first claims on their compact keys and
signatures, the compact keys a misspelling of theirs could be (the same first two letters, a length within
TYPO_RATIO), and whether their would-be company ids exist. Anything else it is asked later (another name, a
key an alias adds) is read then, before it is used, so it answers every call exactly as `Resolver` does
(`tests/test_company_scope.py` runs both on random alias tables and names). What keeps them equal: a key's
stored rows are read before any alias of this run can claim it, and every tier takes the stored aliases in
the order `Resolver` lists them (origin rank, then the alias), with the keys first claimed in this run after.
"""
from __future__ import annotations

from typing import Iterable

import duckdb
import pyarrow as pa

from warehouse import company_resolver
from warehouse.company_resolver import ORIGIN_RANK, Resolver, alias_words, store_unread_words
from warehouse.company_names import TYPO_MIN_LENGTH, company_id_for, compact, key_aliases, lengths_within_ratio
from warehouse.normalize import company_key
from warehouse.staging import run_over

# A key first claimed in this run comes after every stored one (their ranks are ORIGIN_RANK's or 0).
NEW_CLAIM_RANK = max(ORIGIN_RANK.values()) + 1

_RANK_SQL = "CASE a.origin " + " ".join(f"WHEN '{o}' THEN {n}" for o, n in ORIGIN_RANK.items()) + " ELSE 0 END"


def _aliases_sql() -> str:
    """Every stored alias with its compact key, rank and spelled words (the columns Resolver reads)."""
    return f"""
    SELECT a.alias_norm, a.company_id, replace(a.alias_norm, ' ', '') AS joined, {_RANK_SQL} AS rank,
           coalesce(nullif(w.spelled, ''), a.alias_norm) AS spelled
    FROM company_aliases a
    LEFT JOIN company_alias_words w ON w.alias = a.alias AND w.version = {company_resolver.ALIAS_WORDS_VERSION}"""
# The first claim on each compact key `wanted` picks (a join with arrow_batch): (key, company, spelled, rank, alias).
_CLAIMS_SQL = """
    SELECT joined, arg_min(company_id, (rank, alias_norm)), arg_min(spelled, (rank, alias_norm)),
           min(rank), arg_min(alias_norm, (rank, alias_norm))
    FROM ({aliases}) s SEMI JOIN arrow_batch b ON {wanted} GROUP BY joined"""


class ScopedResolver(Resolver):
    """`Resolver` for a known list of names (and board tokens): see the module's docstring."""

    def __init__(self, con: duckdb.DuckDBPyConnection, names: Iterable[str], boards: Iterable[str] = ()):
        self.con = con
        self.new_companies: dict[str, tuple[str, str]] = {}
        self.new_aliases: dict[str, tuple[str, str, str, str, str]] = {}
        store_unread_words(con)
        self.by_alias: dict[str, str] = {}
        self.by_compact: dict[str, str] = {}
        self.spelled: dict[str, str] = {}
        self.by_signature: dict[str, str] = {}
        self._by_start: dict[tuple[str, int], list[str]] = {}  # only the buckets read so far
        self._arrival: dict[str, tuple] = {}  # compact key -> its claim: (rank, alias) stored, (NEW_CLAIM_RANK, n) new
        self._claimed_before_read: dict[tuple[str, int], list[str]] = {}  # new keys of buckets not read yet
        self._new_claims = 0
        self._keys_read: set[str] = set()
        self._compacts_read: set[str] = set()
        self._signatures_read: set[str] = set()
        self._buckets_read: set[tuple[str, int]] = set()
        self._stored_ids: dict[str, bool] = {}  # company id -> whether it existed (or was created in this run)
        self._read_ahead(list(names), list(boards))

    def _read_ahead(self, names: list[str], boards: list[str]) -> None:
        """What resolving these names will read, in a few statements instead of one or more per name."""
        keyed = [(name, *key_aliases(name)) for name in names]
        keys = {k for _, key, former in keyed if key for k in (key, *former)}
        self._need_keys(keys | {k for k in map(company_key, boards) if k})
        # names no stored alias answers exactly go on to the signature tier, then to the typo tier
        inexact = [(key, alias_words(name)) for name, key, _ in keyed
                   if key and key not in self.by_alias and compact(key) not in self.by_compact]
        self._need_signatures({sig for _, (sig, _) in inexact if sig})
        unanswered = [(key, sig) for key, (sig, _) in inexact if not (sig and sig in self.by_signature)]
        self._need_buckets({(joined[:2], length) for joined in (compact(key) for key, _ in unanswered)
                            if len(joined) >= TYPO_MIN_LENGTH for length in lengths_within_ratio(len(joined))})
        self._need_ids({company_id_for(sig or key) for key, sig in unanswered})

    def _rows(self, sql: str, values: Iterable) -> list[tuple]:
        """`sql` with the values as the table `arrow_batch` (one column `v`, or the columns of tuples)."""
        values = sorted(values)
        if values and isinstance(values[0], tuple):
            table = pa.table({f"v{i}": [v[i] for v in values] for i in range(len(values[0]))})
        else:
            table = pa.table({"v": pa.array(values, pa.string())})
        return run_over(self.con, table, sql)

    def _need_keys(self, keys: Iterable[str]) -> None:
        keys = {k for k in keys if k not in self._keys_read}
        if not keys:
            return
        self._keys_read |= keys
        for alias_norm, cid in self._rows(
                "SELECT alias_norm, company_id FROM company_aliases WHERE alias_norm IN (SELECT v FROM arrow_batch)", keys):
            self.by_alias.setdefault(alias_norm, cid)
        compacts = {compact(k) for k in keys} - self._compacts_read
        if compacts:
            self._compacts_read |= compacts
            self._add_claims(self._rows(_CLAIMS_SQL.format(aliases=_aliases_sql(), wanted="s.joined = b.v"), compacts))

    def _add_claims(self, rows: list[tuple]) -> None:
        for joined, cid, spelled, rank, alias_norm in rows:
            self.by_compact.setdefault(joined, cid)
            self.spelled.setdefault(joined, spelled)
            self._arrival.setdefault(joined, (rank, alias_norm))

    def _need_signature(self, sig: str) -> None:
        if sig:
            self._need_signatures({sig})

    def _need_signatures(self, sigs: set[str]) -> None:
        sigs = {s for s in sigs if s and s not in self._signatures_read}
        if not sigs:
            return
        self._signatures_read |= sigs
        for sig, cid in self._rows(
                f"SELECT w.signature, arg_min(a.company_id, ({_RANK_SQL}, a.alias_norm)) "
                f"FROM company_alias_words w JOIN company_aliases a ON a.alias = w.alias "
                f"WHERE w.version = {company_resolver.ALIAS_WORDS_VERSION} AND w.signature IN (SELECT v FROM arrow_batch) "
                f"GROUP BY w.signature", sigs):
            self.by_signature.setdefault(sig, cid)

    def _need_buckets(self, buckets: set[tuple[str, int]]) -> None:
        buckets = {b for b in buckets if b not in self._buckets_read and b[1] >= TYPO_MIN_LENGTH}
        if not buckets:
            return
        self._buckets_read |= buckets
        rows = self._rows(_CLAIMS_SQL.format(
            aliases=_aliases_sql(), wanted="substr(s.joined, 1, 2) = b.v0 AND length(s.joined) = b.v1"), buckets)
        self._add_claims(rows)
        filed: dict[tuple[str, int], list[str]] = {b: [] for b in buckets}
        for joined, *_ in rows:
            filed[(joined[:2], len(joined))].append(joined)
        for bucket, stored in filed.items():
            stored.sort(key=self._arrival.__getitem__)
            self._by_start[bucket] = stored + self._claimed_before_read.pop(bucket, [])

    def _typo_bucket(self, start: str, length: int) -> list[str] | None:
        self._need_buckets({(start, length)})
        return self._by_start.get((start, length)) or None

    def _claim_for_typos(self, joined: str) -> None:
        self._new_claims += 1
        self._arrival[joined] = (NEW_CLAIM_RANK, self._new_claims)
        bucket = (joined[:2], len(joined))
        if bucket in self._buckets_read:
            self._by_start.setdefault(bucket, []).append(joined)
        else:
            self._claimed_before_read.setdefault(bucket, []).append(joined)

    def _need_ids(self, ids: set[str]) -> None:
        ids = {i for i in ids if i not in self._stored_ids}
        if not ids:
            return
        found = {cid for (cid,) in self._rows(
            "SELECT company_id FROM companies WHERE company_id IN (SELECT v FROM arrow_batch)", ids)}
        self._stored_ids.update({i: i in found for i in ids})

    def _is_known(self, cid: str) -> bool:
        self._need_ids({cid})
        return self._stored_ids[cid]

    def _known(self, cid: str) -> None:
        self._stored_ids[cid] = True
