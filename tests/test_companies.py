"""The one company resolver: tiers, generic words, short names, user aliases, board tokens."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from connectors.base import ExtractResult
from connectors.models import Contact, Posting
from jobleads.config import Config
from warehouse import companies, company_names, company_resolver
from warehouse.company_names import match_tier
from warehouse.db import writer
from warehouse.network import upsert_contacts
from warehouse.publish import publish

NOW = datetime(2026, 11, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize("a,b,tier", [
    ("Northwind Cloud, Inc.", "Northwind Cloud", "exact"),
    ("Lumen Health GmbH", "Lumen Health", "exact"),
    ("U.S. Bank", "US Bank", "exact"),
    ("EliseAI", "Elise AI", "exact"),
    ("NorthwindCloud", "Northwind Cloud", "exact"),
    ("Northwind Cloud Technologies", "Northwind Cloud", "strong"),
    ("Acme Labs", "Acme Group", "strong"),
    ("Meta", "Meta Financial", "weak"),
    ("Square", "Square Enix", "weak"),
    ("Meta", "Meta Platforms", "weak"),
    ("Ramp", "Rampart", None),
    ("Box", "Boxed", None),
    ("Group", "Acme Group", None),
    ("Labs", "Bank", None),
    ("Acme", "Globex", None),
    ("", "Acme", None),
])
def test_tiers(a, b, tier):
    assert match_tier(a, b) == tier
    assert match_tier(b, a) == tier


def test_generic_words_carry_no_identity():
    assert company_names.signature("The Bank Group Holdings") == ""
    assert company_names.signature("Acme Technologies Group") == "acme"


def _posting(source_id: str, company: str, title: str = "Backend Engineer", source: str = "board",
             board: str | None = None) -> Posting:
    return Posting(source=source, source_id=source_id, title=title, company=company, source_key=board,
                   locations=["Berlin"])


def _publish(con, postings: list[Posting], source: str = "board", key: str | None = "f") -> None:
    publish(con, [ExtractResult(source=source, source_key=key, postings=postings)], Config(), kind="import")


def _company_of(con, relation: str, column: str, value: str) -> str | None:
    return con.execute(f"SELECT company_id FROM {relation} WHERE {column} = ?", [value]).fetchone()[0]


def test_resolve_sets_company_ids_on_postings_contacts_and_leads(db_path):
    with writer(db_path) as con:
        _publish(con, [_posting("1", "Northwind Cloud"), _posting("2", "Northwind Cloud GmbH", "SRE"),
                       _posting("3", "Meta Financial Group"), _posting("4", "Square Enix"),
                       _posting("5", "Rampart"), _posting("6", "Boxed")])
        upsert_contacts(con, [Contact(name="Dana", company="NorthwindCloud"), Contact(name="Sam", company="Meta"),
                              Contact(name="Alex", company="Square"), Contact(name="Jo", company="Ramp"),
                              Contact(name="Mo", company="Box")], "test", NOW)
        companies.resolve_companies(con)
        northwind = _company_of(con, "postings", "source_id", "1")
        assert northwind and _company_of(con, "postings", "source_id", "2") == northwind
        assert _company_of(con, "contacts", "name", "Dana") == northwind
        lead_companies = con.execute("SELECT DISTINCT company_id FROM leads WHERE company = 'Northwind Cloud'").fetchall()
        assert lead_companies == [(northwind,)]
        for contact, source_id in (("Sam", "3"), ("Alex", "4"), ("Jo", "5"), ("Mo", "6")):
            assert _company_of(con, "contacts", "name", contact) != _company_of(con, "postings", "source_id", source_id)
        # idempotent: a second pass changes nothing
        before = con.execute("SELECT * FROM company_aliases ORDER BY alias_norm").fetchall()
        companies.resolve_companies(con)
        assert con.execute("SELECT * FROM company_aliases ORDER BY alias_norm").fetchall() == before


def test_a_lead_whose_records_name_two_companies_equally_often_takes_the_same_one_every_time(db_path):
    with writer(db_path) as con:
        _publish(con, [_posting("1", "Northwind Cloud")])
        first = _company_of(con, "postings", "source_id", "1")
        other = first[:-1] + chr(ord(first[-1]) - 1)  # less than the first company's id
        # the lead's second record names another company: one record each
        con.execute("INSERT INTO postings SELECT * REPLACE (posting_uid || 'a' AS posting_uid, source_id || 'a' AS "
                    "source_id, $c AS company_id) FROM postings WHERE source_id = '1'", {"c": other})
        con.execute("UPDATE leads SET company_id = NULL")
        companies.link_leads(con)  # a tie: the greater id, not whichever record is scanned first
        assert con.execute("SELECT DISTINCT company_id FROM leads").fetchall() == [(max(first, other),)]


def test_user_alias_for_parents_and_rebrands(db_path):
    with writer(db_path) as con:
        _publish(con, [_posting("1", "Meta Platforms, Inc."), _posting("2", "Meta Financial Group")])
        upsert_contacts(con, [Contact(name="Sam", company="Meta")], "test", NOW)
        companies.resolve_companies(con)
        sam = _company_of(con, "contacts", "name", "Sam")
        assert _company_of(con, "postings", "source_id", "1") != sam
        cid, name = companies.add_alias(con, "Meta Platforms", "Meta")
        companies.resolve_companies(con)
        assert _company_of(con, "postings", "source_id", "1") != sam  # a nightly run keeps resolved names
        companies.resolve_companies(con, full=True)
        assert cid == sam and name == "Meta"
        assert _company_of(con, "postings", "source_id", "1") == sam
        assert _company_of(con, "postings", "source_id", "2") != sam  # the alias does not reach look-alikes
        origin = con.execute("SELECT origin FROM company_aliases WHERE alias = 'Meta Platforms'").fetchone()[0]
        assert origin == "user"
        # the company that existed only under the old spelling is gone
        assert con.execute("SELECT count(*) FROM companies WHERE name = 'Meta Platforms, Inc.'").fetchone()[0] == 0
        with pytest.raises(ValueError, match="already the same company"):
            companies.add_alias(con, "Meta Inc.", "Meta")


def test_board_token_maps_to_its_company(db_path):
    with writer(db_path) as con:
        _publish(con, [_posting("11", "GitLab", source="greenhouse", board="gitlab"),
                       _posting("12", "Northwind Cloud", source="greenhouse", board="nwc-careers")],
                 source="greenhouse", key=None)
        upsert_contacts(con, [Contact(name="Ana", company="nwc careers")], "test", NOW)
        companies.resolve_companies(con)
        aliases = dict(con.execute("SELECT alias, origin FROM company_aliases").fetchall())
        assert aliases["nwc-careers"] == "board"
        assert _company_of(con, "contacts", "name", "Ana") == _company_of(con, "postings", "source_id", "12")


def test_aggregator_keys_are_not_boards(db_path):
    with writer(db_path) as con:
        _publish(con, [_posting("1", "Acme", source="remotive", board="python"),
                       _posting("2", "Globex", source="remotive", board="python")], source="remotive", key="python")
        companies.resolve_companies(con)
        assert con.execute("SELECT count(*) FROM company_aliases WHERE origin = 'board'").fetchone()[0] == 0


def test_former_names_in_parentheses_are_aliases(db_path):
    with writer(db_path) as con:
        _publish(con, [_posting("1", "Navan (fka TripActions)")])
        upsert_contacts(con, [Contact(name="Ana", company="TripActions")], "test", NOW)
        companies.resolve_companies(con)
        assert _company_of(con, "contacts", "name", "Ana") == _company_of(con, "postings", "source_id", "1")
        listed = {r["company"]: r for r in companies.company_rows(con)}
        assert listed["Navan (fka TripActions)"]["contacts"] == 1
        assert listed["Navan (fka TripActions)"]["open_leads"] == 1


def test_misspellings_and_recruiting_boards_are_the_employer_and_look_alikes_are_not(db_path):
    with writer(db_path) as con:
        _publish(con, [_posting("1", "Apptronik"), _posting("2", "Apptronnik"), _posting("3", "Lockheed Martin"),
                       _posting("4", "Lockheed Martn"), _posting("5", "Tamr"), _posting("6", "Tamr Early Career Programs"),
                       _posting("7", "Stripe"), _posting("8", "Strive"), _posting("9", "Rocket Lab"),
                       _posting("10", "Rocket Lawyer")])
        companies.resolve_companies(con)
        of = {sid: _company_of(con, "postings", "source_id", sid) for sid in map(str, range(1, 11))}
        assert of["1"] == of["2"] and of["3"] == of["4"] and of["5"] == of["6"]
        assert of["7"] != of["8"]  # one changed letter in six: two companies
        assert of["9"] != of["10"]


def test_names_that_differ_by_a_whole_word_stay_apart_even_when_their_letters_are_close():
    from warehouse.db import connect

    import tempfile
    with tempfile.TemporaryDirectory() as folder:
        con = connect(f"{folder}/c.duckdb")
        resolver = companies.Resolver(con)
        ids = {name: resolver.resolve(name) for name in (
            "Rockwell Automation", "Rockwell Automation Milo", "Rockwell Automation Ralo", "Capital Partners East",
            "Capital Partners West", "Lockheed Martin Corp", "Lockheed Martn")}
        con.close()
    assert len({ids["Rockwell Automation"], ids["Rockwell Automation Milo"], ids["Rockwell Automation Ralo"]}) == 3
    assert ids["Capital Partners East"] != ids["Capital Partners West"]
    assert ids["Lockheed Martin Corp"] == ids["Lockheed Martn"]  # a typo inside one word still is the employer


def test_a_venture_fund_is_not_the_company_and_a_wrong_alias_can_be_undone(tmp_path, capsys):
    import json as _json

    from tests.conftest import run_leads

    db = str(tmp_path / "leads.duckdb")
    (tmp_path / "jobs.jsonl").write_text(_json.dumps({"source": "mine", "source_id": "1", "title": "Data Engineer",
                                                      "company": "Amplitude", "locations": ["Remote"]}) + "\n")
    (tmp_path / "people.csv").write_text("name,company\nVera Fund,Amplitude Ventures\nPaul Part,Amplitude Partners\n")
    for path, fmt in (("jobs.jsonl", "jsonl"), ("people.csv", "contacts")):
        assert run_leads(capsys, "--db", db, "import", str(tmp_path / path), "-f", fmt)[0] == 0

    def warm() -> list[str]:
        return [c["company"] for c in _json.loads(run_leads(capsys, "--db", db, "warm", "-f", "json")[1])]

    assert warm() == []  # a venture fund and a partnership named after a word are not that company
    assert run_leads(capsys, "--db", db, "company", "alias", "Amplitude Ventures", "Amplitude")[0] == 0
    assert warm() == ["Amplitude"]
    code, out, err = run_leads(capsys, "--db", db, "company", "unalias", "Amplitude Ventures")
    assert code == 0 and "no longer Amplitude" in out, err
    assert warm() == []
    people = _json.loads(run_leads(capsys, "--db", db, "contacts", "list", "-f", "json")[1])
    assert {p["name"]: p["company"] for p in people}["Vera Fund"] == "Amplitude Ventures"
    code, _, err = run_leads(capsys, "--db", db, "company", "unalias", "Nobody Inc")
    assert code == 2 and "no alias the resolver knows" in err


def _resolver_read_word_by_word(con) -> dict:
    """The resolver's indexes as built before the words were stored: every alias read word by word, in order."""
    from warehouse.company_names import compact, distinctive_of, spelled_of, tokens

    rank = " ".join(f"WHEN '{o}' THEN {n}" for o, n in company_resolver.ORIGIN_RANK.items())
    by_alias, by_compact, by_signature, spelled = {}, {}, {}, {}
    for alias_norm, alias, cid in con.execute(f"SELECT alias_norm, alias, company_id FROM company_aliases "
                                              f"ORDER BY CASE origin {rank} ELSE 0 END, alias_norm").fetchall():
        words = tokens(alias)
        sig = "".join(distinctive_of(words))
        by_alias[alias_norm] = cid
        by_compact.setdefault(compact(alias_norm), cid)
        spelled.setdefault(compact(alias_norm), spelled_of(words) or alias_norm)
        if sig:
            by_signature.setdefault(sig, cid)
    return {"by_alias": by_alias, "by_compact": by_compact, "by_signature": by_signature, "spelled": spelled}


def _resolve_and_save(con, names: list[str], board: tuple[str, str]) -> None:
    """Names resolved in order, then a board token for the company of `board[1]`, all stored."""
    resolver = companies.Resolver(con)
    for name in names:
        resolver.resolve(name)
    resolver.add_board(board[0], resolver.resolve(board[1]))
    resolver.save()


def test_the_resolver_loads_stored_words_into_the_indexes_reading_every_alias_would_build(db_path):
    names = ["Northwind Cloud Technologies", "NorthwindCloud", "Navan (fka TripActions)", "Lockheed Martin Corp.",
             "Acme Robotics Milo", "Acme Robotics Ralo", "Société Générale", "The Group Ltd", "U.S. Bank", "Tamr"]
    with writer(db_path) as con:
        _resolve_and_save(con, names, board=("northwind", "Northwind Cloud Technologies"))
        companies.add_alias(con, "NWC Holdings", "Northwind Cloud Technologies")  # a user's alias: no words stored
        stored = {a for (a,) in con.execute("SELECT alias FROM company_alias_words").fetchall()}
        assert "NWC Holdings" not in stored and "Navan (fka TripActions)" in stored and "northwind" in stored
        # a user's spelling whose compact key and signature the rule's spelling claimed first: the rule's stays
        companies.add_alias(con, "North Wind Cloud", "Tamr")

        loaded = companies.Resolver(con)  # reads the user's alias word by word once, and keeps its words
        expected = _resolver_read_word_by_word(con)
        for index, built in expected.items():
            assert getattr(loaded, index) == built
            assert list(getattr(loaded, index)) == list(built)  # the same order: typo ties are broken by it
        assert con.execute("SELECT count(*) FROM company_alias_words WHERE alias = 'NWC Holdings'").fetchone()[0] == 1
        assert con.execute("SELECT count(*) FROM company_aliases ANTI JOIN company_alias_words USING (alias)"
                           ).fetchone()[0] == 0  # every alias's words are kept now, each once
        assert con.execute("SELECT count(*) FROM (SELECT alias FROM company_alias_words GROUP BY alias "
                           "HAVING count(*) > 1)").fetchone()[0] == 0
        from warehouse.company_names import signature, words
        from warehouse.normalize import company_key
        typo = "Lockheed Martn"  # the typo tier reads the loaded indexes too
        assert loaded.lookup(company_key(typo), signature(typo), words(typo)) == \
            loaded.by_alias[company_key("Lockheed Martin Corp.")]


def test_words_stored_by_another_version_of_the_rules_are_read_again(db_path, monkeypatch):
    with writer(db_path) as con:
        resolver = companies.Resolver(con)
        resolver.resolve("Northwind Cloud Technologies")
        resolver.save()
        con.execute("UPDATE company_alias_words SET signature = 'wrong', spelled = 'wrong'").fetchall()
        monkeypatch.setattr(company_resolver, "ALIAS_WORDS_VERSION", company_resolver.ALIAS_WORDS_VERSION + 1)
        loaded = companies.Resolver(con)
        assert "wrong" not in loaded.by_signature and loaded.by_signature == _resolver_read_word_by_word(con)["by_signature"]


def _variants(rng, base: str) -> list[str]:
    """Ways boards write one employer: suffixes, spacing, a dropped or doubled letter, a former name."""
    letters = list(base)
    i = rng.randrange(1, len(letters) - 1)
    typo = "".join(letters[:i] + letters[i + 1:]) if rng.random() < 0.5 else "".join(letters[:i] + [letters[i]] + letters[i:])
    return [base, f"{base} Inc.", f"{base}, LLC", base.replace(" ", ""), typo, f"{base} Technologies",
            f"{base} (fka {base.split()[0]}ly)", base.upper()]


def _same_resolution(con, names: list[str], boards: dict[str, str]) -> None:
    """A resolver that loads every alias and one that loads only these names' and boards' give the same answers."""
    every, scoped = companies.Resolver(con), companies.Resolver(con, names=names, boards=set(boards))
    assert len(scoped.by_alias) < len(every.by_alias)  # the point of it: not every alias is read
    for resolver in (every, scoped):
        resolver.ids = [resolver.resolve(name) for name in names]
        for board, name in sorted(boards.items()):
            resolver.add_board(board, resolver.resolve(name))
    assert scoped.ids == every.ids
    assert scoped.new_companies == every.new_companies
    assert scoped.new_aliases == every.new_aliases
    assert list(scoped.new_aliases) == list(every.new_aliases)


def test_loading_only_the_aliases_a_run_needs_resolves_every_name_as_loading_all_of_them(db_path, monkeypatch):
    import random

    monkeypatch.setattr(company_resolver, "SCOPED_LOAD_SHARE", 100)  # scoped however many names this small store has

    rng = random.Random(13)
    stems = ["Northwind Cloud", "Lockheed Martin", "Acme Robotics", "Orbital Aerospace", "Capital Partners",
             "Rockwell Automation", "Procter and Gamble", "Globex Systems", "Initech Software", "Umbrella Health",
             "Stark Industries", "Wayne Enterprises", "Cyberdyne Systems", "Soylent Foods", "Tyrell Corporation",
             "Société Générale", "Nakatomi Trading", "Vandelay Industries", "Hooli Search", "Pied Piper Compression"]
    stored = [v for stem in stems[:14] for v in _variants(rng, stem)] + ["Zephyr Analytics"]
    with writer(db_path) as con:
        _resolve_and_save(con, stored, board=("northwind", "Northwind Cloud"))
        companies.add_alias(con, "NWC Holdings", "Northwind Cloud")
        companies.add_alias(con, "Globex", "Initech Software")  # a user's word moves a look-alike spelling
        companies.add_alias(con, "Zephyr Analytica", "Soylent Foods")  # a key as close to a misspelling as the rule's
        # tonight: known spellings, new misspellings of stored ones, new employers and their misspellings
        tonight = [v for stem in stems for v in _variants(rng, stem)][::2] + [
            "Lockhead Martin", "Lockheed Martn Corp", "Acme Robotic", "Orbitall Aerospace", "NWC Holdings Inc",
            "Nakatomi Tradng", "Hooli", "Pied Piper", "Globex Inc", "Rockwell Automaton", "Capitol Partners",
            "NWC Group", "Globex Group", "Zephyr Analytic"]
        # the strong tier reaches a user's alias ("NWC Group" is NWC Holdings); a tie in the typo tier goes to the
        # key that claimed first, the rule's "Zephyr Analytics" before the user's "Zephyr Analytica"
        every = companies.Resolver(con)
        assert every.resolve("NWC Group") == every.resolve("Northwind Cloud")
        assert every.resolve("Zephyr Analytic") == every.resolve("Zephyr Analytics") != every.resolve("Soylent Foods")
        _same_resolution(con, tonight, {"nakatomi": "Nakatomi Trading", "globex": "Globex Systems",
                                        "acme-robotics": "Acme Robotics"})
