"""One CSV reader for every file a user brings: encoding fallback, record-start line numbers."""
from __future__ import annotations

import pytest

from connectors.contacts import read_referrals_csv
from connectors.csvfile import read_csv
from connectors.errors import BadPayload
from connectors.files import read_generic
from connectors.jobspy import read_jobspy

MULTILINE = (
    "source,source_id,title,company,description\n"
    'board,1,Data Engineer,Acme,"line one\nline two\nline three"\n'
    "board,2,,Acme,no title here\n"
)


def test_records_carry_the_line_they_start_on(tmp_path):
    path = tmp_path / "postings.csv"
    path.write_text(MULTILINE, encoding="utf-8")
    assert [line for line, _ in read_csv(path).records()] == [2, 5]
    result = read_generic(path, "csv")
    assert [p.title for p in result.postings] == ["Data Engineer"]
    assert result.quarantined[0].reason.startswith("postings.csv line 5:")  # not 7, not 4


def test_windows_1252_lines_are_read_with_a_warning_in_every_csv_reader(tmp_path):
    path = tmp_path / "referrals.csv"
    path.write_bytes("company,title,contact\nCaf\u00e9 Oslo,Chef,Ren\u00e9e\n".encode("cp1252"))
    warnings: list[str] = []
    rows = list(read_csv(path, warnings).records())
    assert rows == [(2, {"company": "Caf\u00e9 Oslo", "title": "Chef", "contact": "Ren\u00e9e"})]
    assert warnings == ["referrals.csv line 2: not UTF-8, read as Windows-1252"]
    assert read_referrals_csv(path)[0][1].company == "Caf\u00e9 Oslo"
    postings = tmp_path / "postings.csv"
    postings.write_bytes("source,source_id,title,company\nb,1,Commis Chef,Caf\u00e9 Oslo\n".encode("cp1252"))
    assert read_generic(postings, "csv").postings[0].company == "Caf\u00e9 Oslo"


def test_header_names_are_case_and_space_insensitive_and_a_bom_is_dropped(tmp_path):
    path = tmp_path / "postings.csv"
    path.write_text("\ufeffSource, Source_ID ,Title,Company\nb,1,Nurse,Ward 5\n", encoding="utf-8")
    assert read_generic(path, "csv").postings[0].title == "Nurse"


def test_a_record_with_more_cells_than_the_header_fails_naming_its_line(tmp_path):
    path = tmp_path / "jobs.csv"
    path.write_text("id,site,job_url,title,company\n1,indeed,https://x.test/1,Cook,Diner,extra\n", encoding="utf-8")
    with pytest.raises(BadPayload, match=r"jobs.csv: line 2: 6 fields but the header has 5"):
        read_jobspy(path)


def test_bytes_that_are_no_text_fail_with_the_line(tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_bytes(b"name,company\nAda,Acme\n\x81\x8d\x8f,Acme\n")
    with pytest.raises(BadPayload, match=r"contacts.csv: line 3: bytes that are neither UTF-8 nor Windows-1252"):
        read_csv(path)
