"""Every file of the bad-input corpus (tests/data/bad/) through every import format: each ends in one line on
stderr and exit 2, or is read (bad records quarantined); never a traceback, and nothing stored is lost.
Then hypothesis: arbitrary text through every parser and normalizer raises only the project's own errors."""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobleads.importers import all_formats
from tests.conftest import run_leads

BAD = Path(__file__).resolve().parent / "data" / "bad"
GOOD = Path(__file__).resolve().parent / "fixtures" / "cli" / "postings.jsonl"


def bad_files(tmp_path: Path) -> list[Path]:
    huge = tmp_path / "huge_description.jsonl"
    huge.write_text(json.dumps({"source": "x", "source_id": "h1", "title": "Engineer", "company": "Acme",
                                "description": "Python and SQL. " * 330_000}) + "\n")
    return sorted(p for p in BAD.iterdir() if p.name != "README.md") + [huge, BAD]  # BAD itself: a folder


def stored(db: Path) -> tuple:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return tuple(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("postings", "leads", "contacts"))
    finally:
        con.close()


def test_every_bad_file_through_every_format_is_one_line_or_read(tmp_path, capsys):
    db = tmp_path / "leads.duckdb"
    assert run_leads(capsys, "--db", str(db), "import", str(GOOD), "-f", "jsonl")[0] == 0
    before = stored(db)
    outcomes = {}
    for path in bad_files(tmp_path):
        for fmt in all_formats():
            options = ["--company", "Acme"] if fmt not in ("jsonl", "csv", "contacts", "linkedin", "referrals") else []
            code, out, err = run_leads(capsys, "--db", str(db), "import", str(path), "-f", fmt, *options)
            case = f"{path.name} as {fmt}"
            assert "Traceback" not in err and "Traceback" not in out, case
            assert code in (0, 2), f"{case}: exit {code}: {err}"
            if code == 2:
                lines = [line for line in err.splitlines() if line.strip()]
                assert len(lines) == 1 and lines[0].startswith("leads: "), f"{case}: {err!r}"
            outcomes[case] = code
    after = stored(db)
    assert all(a >= b for a, b in zip(after, before))  # nothing stored was lost
    # some files must be read, some refused: the corpus tests both ways
    assert outcomes["bom.jsonl as jsonl"] == 0 and outcomes["utf16.csv as contacts"] == 0
    assert outcomes["cp1252.csv as contacts"] == 0 and outcomes["rtl_emoji.jsonl as jsonl"] == 0
    assert outcomes["huge_description.jsonl as jsonl"] == 0
    assert outcomes["linkedin_german_excel.csv as linkedin"] == 0  # semicolons, German headers, cp1252
    assert outcomes["malformed.csv as contacts"] == 2 and outcomes["duplicated_headers.csv as contacts"] == 2
    assert outcomes["oversized_field.csv as contacts"] == 2 and outcomes["empty.csv as contacts"] == 2
    assert outcomes["bad as jsonl"] == 2 and outcomes["binary.bin as greenhouse"] == 2


TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=400)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(TEXT, st.binary(max_size=400).map(lambda b: b.decode("latin-1"))))
def test_arbitrary_files_raise_only_our_own_errors(tmp_path, body):
    from connectors import contacts
    from connectors.base import SourceSpec
    from connectors.errors import SourceError
    from connectors.files import read_generic
    from connectors.files_bulk import read_generic_bulk
    from connectors import make_source

    path = tmp_path / "input.txt"
    path.write_text(body, encoding="utf-8", errors="surrogatepass")
    readers = [lambda: read_generic(path, "jsonl", None), lambda: read_generic(path, "csv", None),
               lambda: read_generic_bulk(path), lambda: contacts.read_contacts_csv(path),
               lambda: contacts.read_linkedin(path), lambda: contacts.read_referrals_csv(path)]
    readers += [lambda name=name: make_source(SourceSpec(type=name, board="acme", company="Acme")).parse_file(path)
                for name in ("greenhouse", "lever", "ashby", "remotive", "hn")]
    for read in readers:
        try:
            read()
        except SourceError:
            pass


@settings(max_examples=200, deadline=None)
@given(text=TEXT)
def test_normalizers_and_parsers_of_values_never_raise(text):
    from connectors.salary import parse_salary_text
    from warehouse import normalize
    from warehouse.occupations import occupation_index
    from warehouse.places import place

    normalize.company_key(text)
    normalize.company_key_aliases(text)
    normalize.title_key(text)
    normalize.location_keys([text])
    normalize.canonical_url(text)
    normalize.ats_job(text)
    parse_salary_text(text)
    place(text)
    occupation_index().classify(text)
