"""Contacts from files: LinkedIn's messy export, a generic CSV, referrals; re-import never duplicates."""
from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from connectors.contacts import (parse_date, read_contacts_csv, read_linkedin, read_referrals_csv,
                                 referral_posting, referrals_result)
from warehouse.network import referral_source_id
from connectors.http import BadPayload
from connectors.models import Contact, Referral
from warehouse.db import writer
from warehouse.network import upsert_contacts

NETWORK = Path(__file__).resolve().parent / "fixtures" / "network"
NOW = datetime(2026, 11, 1, tzinfo=timezone.utc)


def test_linkedin_export_skips_notes_and_reads_every_member():
    found = read_linkedin(NETWORK / "Connections.csv")
    by_name = {c.name: c for _, c in found.contacts}
    assert len(found.contacts) == 11  # 12 rows, one a hidden member without a name
    dana = by_name["Dana Whitfield"]
    assert dana.company == "Northwind Cloud, Inc."  # quoted comma kept inside the field
    assert dana.connected_on == date(2023, 1, 12)
    assert dana.email is None and dana.url == "https://www.linkedin.com/in/dana-whitfield"
    assert by_name["Priya Raman"].position == "Engineering Manager, Platform"
    assert by_name["Tomás Ortega"].company == "Lumen Health"  # UTF-8 after the BOM
    assert by_name["Jürgen Schäfer"].company == "Acme Labs GmbH"  # a Windows-1252 line, repaired
    assert by_name["Casey Brooks"].connected_on is None


def test_linkedin_export_reports_repairs_by_line():
    found = read_linkedin(NETWORK / "Connections.csv")
    text = "\n".join(found.warnings)
    assert "Connections.csv line 16: not UTF-8, read as Windows-1252" in text
    assert "line 14: connected on: 'not a date' is not a date" in text
    assert "line 15: no name" in text
    lines = {line for line, _ in found.contacts}
    assert min(lines) == 5 and 16 in lines


def test_not_a_linkedin_file(tmp_path):
    bad = tmp_path / "Connections.csv"
    bad.write_text("Name,Company\nDana,Acme\n")
    with pytest.raises(BadPayload, match="Connections.csv: no 'First Name,Last Name"):
        read_linkedin(bad)


def test_linkedin_row_with_too_many_fields_names_the_line(tmp_path):
    bad = tmp_path / "Connections.csv"
    bad.write_text("Notes:\n\nFirst Name,Last Name,Company\nDana,Smith,Acme\nLee,Ng,Acme,extra,more\n")
    with pytest.raises(BadPayload, match="line 5: 5 fields but the header has 3"):
        read_linkedin(bad)


@pytest.mark.parametrize("text,expected", [
    ("12 Jan 2023", date(2023, 1, 12)), ("03 Mar 2021", date(2021, 3, 3)), ("Jan 12, 2023", date(2023, 1, 12)),
    ("2023-01-12", date(2023, 1, 12)), ("", None), (None, None),
])
def test_dates(text, expected):
    assert parse_date(text) == expected


def test_generic_contacts_csv(tmp_path):
    found = read_contacts_csv(NETWORK / "contacts.csv")
    dana, robin = (c for _, c in found.contacts)
    assert (dana.strength, dana.last_touch, dana.notes) == ("close", date(2026, 10, 1), "met at PyCon")
    assert (robin.strength, robin.email, robin.position) == ("weak", "robin@example.org", "SRE Lead")
    bad = tmp_path / "people.csv"
    bad.write_text("first name,last name,company,strength\nAna,Lima,Acme,close\nBo,Chen,Acme,bestie\n")
    with pytest.raises(BadPayload, match=r"people.csv: line 3: strength: "):
        read_contacts_csv(bad)
    no_name = tmp_path / "x.csv"
    no_name.write_text("company,title\nAcme,CTO\n")
    with pytest.raises(BadPayload, match="line 1: header must have a name column"):
        read_contacts_csv(no_name)


def test_referrals_csv_and_stable_ids(tmp_path):
    ((line, referral),) = read_referrals_csv(NETWORK / "referrals.csv")
    assert line == 2 and referral.contact == "Tomás Ortega" and referral.location == "Berlin, Germany"
    posting = referral_posting(referral, referral_source_id(referral))
    assert referrals_result([referral], [posting.source_id]).complete is False  # no refresh may close a referral's lead
    assert posting.source == "referral" and posting.contact == "Tomás Ortega"
    same = Referral(company="Lumen Health GmbH", title="Backend Engineer II", contact="tomás ortega")
    again = referral_posting(same, referral_source_id(same))
    assert again.source_id == posting.source_id  # same job, same person: the same record
    bad = tmp_path / "r.csv"
    bad.write_text("company,title,contact\nAcme,,Dana\n")
    with pytest.raises(BadPayload, match="r.csv: line 2: title"):
        read_referrals_csv(bad)


def _contacts(con) -> list[tuple]:
    return con.execute("SELECT name, company, position, email, strength FROM contacts ORDER BY name").fetchall()


def test_reimport_updates_never_duplicates(db_path):
    found = read_linkedin(NETWORK / "Connections.csv")
    with writer(db_path) as con:
        assert upsert_contacts(con, [c for _, c in found.contacts], "linkedin", NOW) == (11, 0)
        con.execute("UPDATE contacts SET strength = 'close' WHERE name = 'Dana Whitfield'")
        assert upsert_contacts(con, [c for _, c in found.contacts], "linkedin", NOW) == (0, 11)
        assert con.execute("SELECT count(*) FROM contacts").fetchone()[0] == 11
        # the user's own strength survives a re-import that says nothing about it
        assert con.execute("SELECT strength FROM contacts WHERE name = 'Dana Whitfield'").fetchone()[0] == "close"
        moved = [
            # same profile URL (other spelling of it): Dana changed jobs
            Contact(name="Dana Whitfield", url="http://linkedin.com/in/Dana-Whitfield/", company="Lumen Health"),
            # no URL, same email: Priya
            Contact(name="Priya R.", email="PRIYA.RAMAN@example.org", position="Director of Engineering"),
            # no URL or email: name + company (company spelled differently but the same key)
            Contact(name="sam lee", company="Meta Inc."),
            # same name and company but a different profile: another person
            Contact(name="Alex Kim", company="Square", url="https://www.linkedin.com/in/another-alex"),
        ]
        assert upsert_contacts(con, moved, "manual", NOW) == (1, 3)
        rows = {r[0]: r for r in _contacts(con)}
        assert rows["Dana Whitfield"][1] == "Lumen Health"
        assert rows["Priya R."][2] == "Director of Engineering" and "Priya Raman" not in rows
        assert con.execute("SELECT count(*) FROM contacts WHERE name = 'Alex Kim'").fetchone()[0] == 2
        assert con.execute("SELECT count(*) FROM contacts").fetchone()[0] == 12


def test_same_person_twice_in_one_file(db_path):
    people = [Contact(name="Ana Lima", url="https://linkedin.com/in/ana", position="Engineer"),
              Contact(name="Ana Lima", url="https://linkedin.com/in/ana/", position="Senior Engineer")]
    with writer(db_path) as con:
        assert upsert_contacts(con, people, "linkedin", NOW) == (1, 0)
        assert con.execute("SELECT position FROM contacts").fetchall() == [("Senior Engineer",)]


def test_undecodable_bytes_are_reported_by_line(tmp_path):
    bad = tmp_path / "Connections.csv"
    bad.write_bytes(b"First Name,Last Name,Company\nAna,Lima,Acme\nBo,Chen,Ac\x81me\n")
    with pytest.raises(BadPayload, match="Connections.csv: line 3: bytes that are neither UTF-8 nor Windows-1252"):
        read_linkedin(bad)


def test_a_bad_contacts_file_writes_nothing(db_path, tmp_path):
    from typer.testing import CliRunner

    from jobleads.cli import app

    runner = CliRunner()
    good = runner.invoke(app, ["--db", str(db_path), "import", str(NETWORK / "contacts.csv"), "--format", "contacts"])
    assert good.exit_code == 0, good.exception
    bad = tmp_path / "people.csv"
    bad.write_text("name,company,strength\nAna Lima,Acme,close\nBo Chen,Acme,bestie\n")
    result = runner.invoke(app, ["--db", str(db_path), "import", str(bad), "--format", "contacts"])
    assert isinstance(result.exception, BadPayload) and "people.csv: line 3: strength" in str(result.exception)
    with writer(db_path) as con:
        assert [n for (n,) in con.execute("SELECT name FROM contacts ORDER BY name").fetchall()] == [
            "Dana Whitfield", "Robin Fox"]
