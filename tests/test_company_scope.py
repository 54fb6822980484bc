"""ScopedResolver (warehouse/company_scope.py) answers every name as the Resolver that reads every alias.

Each case stores random names (near-duplicates, misspellings, legal suffixes, former names, board tokens, a
user's alias) through the full resolver, then resolves a second batch with both kinds on copies of that
database: the scoped one told only part of the batch in advance, so the rest is read on demand. Companies,
aliases, new companies and every answer must be the same, in the same order.
"""
from __future__ import annotations

import random
import shutil

import pytest

from warehouse import company_names, user_aliases
from warehouse.companies import resolver_for
from warehouse.company_resolver import Resolver
from warehouse.company_names import signature, words
from warehouse.company_scope import ScopedResolver
from warehouse.db import writer
from warehouse.normalize import company_key

WORDS = ["acme", "globex", "initech", "umbrella", "stark", "wayne", "tyrell", "cyberdyne", "hooli", "northwind",
         "lockheed", "martin", "robotics", "cloud", "health", "meta", "square", "enix", "financial", "labs"]
SUFFIXES = ["", " Inc", " LLC", " Technologies", " Group", " Co.", " Holdings", " Corp.", " GmbH"]


def _misspelt(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word))
    return rng.choice([word[:i] + word[i + 1:], word[:i] + rng.choice("aeiorst") + word[i:],
                       word[:i - 1] + word[i] + word[i - 1] + word[i + 1:]])


def _name(rng: random.Random) -> str:
    parts = [rng.choice(WORDS) for _ in range(rng.choice([1, 1, 2, 2, 3]))]
    if rng.random() < 0.3:
        i = rng.randrange(len(parts))
        parts[i] = _misspelt(parts[i], rng)
    name = " ".join(p.capitalize() for p in parts) + rng.choice(SUFFIXES)
    if rng.random() < 0.15:
        name = name.replace(" ", "", 1)
    if rng.random() < 0.1:
        name += f" (fka {rng.choice(WORDS).capitalize()} {rng.choice(WORDS).capitalize()})"
    return name


def _stored(db, rng: random.Random) -> None:
    with writer(db) as con:
        first = Resolver(con)
        for _ in range(rng.randint(30, 150)):
            first.resolve(_name(rng))
        for _ in range(3):
            first.add_board(rng.choice(WORDS) + rng.choice(["", "hq", "careers"]), first.resolve(_name(rng)))
        first.save()
        for _ in range(2):
            try:  # a user's alias: stored without its words, read at the next load
                user_aliases.add_alias(con, _name(rng), _name(rng))
            except ValueError:
                pass


def _run(db, make, names: list[str], later: list[str], boards: list[str]) -> tuple:
    with writer(db) as con:
        resolver = make(con)
        answers = [resolver.resolve(name) for name in names]
        for board in boards:
            resolver.add_board(board, answers[0])
        answers += [resolver.resolve(name) for name in later]  # names it was not told of
        typos = [resolver.lookup(company_key(n), signature(n), words(n)) for n in later]
        new = (list(resolver.new_companies.items()), list(resolver.new_aliases.items()))
        resolver.save()
        tables = [con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
                  for t in ("companies", "company_aliases", "company_alias_words")]
    return answers, typos, new, tables


@pytest.mark.parametrize("seed", range(16))
def test_a_scoped_resolver_answers_every_name_as_the_full_one(tmp_path, seed):
    rng = random.Random(seed)
    full_db, scoped_db = tmp_path / "full.duckdb", tmp_path / "scoped.duckdb"
    _stored(full_db, rng)
    shutil.copy(full_db, scoped_db)
    names = [_name(rng) for _ in range(rng.randint(10, 60))]
    later = [_name(rng) for _ in range(rng.randint(0, 15))]
    boards = [rng.choice(WORDS) + "jobs" for _ in range(rng.randint(0, 2))]
    told = names[: rng.randint(0, len(names))]  # the rest of the batch is read on demand
    full = _run(full_db, Resolver, names, later, boards)
    scoped = _run(scoped_db, lambda con: ScopedResolver(con, told, boards[:1]), names, later, boards)
    assert scoped == full


def test_a_run_with_few_names_gets_a_scoped_resolver_and_a_first_import_the_full_one(db_path):
    with writer(db_path) as con:
        assert type(resolver_for(con, ["Acme"], [])) is Resolver  # nothing stored yet: nothing to leave out
        first = Resolver(con)
        for word in WORDS:
            first.resolve(word.capitalize() + " Inc")
        first.save()
        assert type(resolver_for(con, ["Acme"], [])) is ScopedResolver
        assert type(resolver_for(con, [w + "x" for w in WORDS], [])) is Resolver


def test_a_scoped_resolver_reads_spaced_aliases_tied_misspellings_and_companies_without_aliases(tmp_path):
    """Cases random names rarely make: an alias stored with its spaces (an older key form: only the compact
    tier meets it), fifteen stored keys one letter from a name (the typo tier keeps five of a tie, in the order
    the keys came), and a company left without aliases whose id a new name would take."""
    full_db, scoped_db = tmp_path / "full.duckdb", tmp_path / "scoped.duckdb"
    with writer(full_db) as con:
        # the alias's own words ("Zq Holdings") share nothing with "ABCD", too short for the typo tier: only
        # the alias's compact key meets it
        rows = [("Cspaced000", "Zq Holdings", "zqholdings", "ab cd", "rule")]
        rows += [(f"Ctied{c}00000", f"Northwind Cloud{c}", f"northwindcloud{c}", f"northwindcloud{c}", "rule")
                 for c in "onmlkjihgfedcba"]  # stored in reverse: the order they came is the aliases' order
        for cid, name, norm, alias_norm, origin in rows:
            con.execute("INSERT INTO companies VALUES (?, ?, ?)", [cid, name, norm]).fetchall()
            con.execute("INSERT INTO company_aliases VALUES (?, ?, ?, ?)", [alias_norm, cid, name, origin]).fetchall()
        orphan = company_names.company_id_for("zetaworks")
        con.execute("INSERT INTO companies VALUES (?, 'Zeta Works', 'zetaworks')", [orphan]).fetchall()
    shutil.copy(full_db, scoped_db)
    names = ["ABCD", "Northwind Cloudz", "Northwind Cloudy Inc", "Zeta Works"]
    full = _run(full_db, Resolver, names, ["Ab-Cd", "Northwind Cloudx"], [])
    scoped = _run(scoped_db, lambda con: ScopedResolver(con, names[:2]), names, ["Ab-Cd", "Northwind Cloudx"], [])
    assert scoped == full
    answers, _, (new_companies, _), _ = full
    assert answers[0] == "Cspaced000" and answers[1] == "Ctieda00000"
    assert orphan not in dict(new_companies) and answers[3] == orphan
