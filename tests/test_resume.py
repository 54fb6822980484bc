"""Resume text from .txt, .docx and .pdf (issue 6), and one-line errors for what cannot be read."""
from __future__ import annotations

import pytest

from jobleads.resume import ResumeError, proposed_skills, resume_text
from warehouse.skills import load_taxonomy


def write_pdf(path, lines: list[str]) -> None:
    """A minimal one-page PDF with a text layer (what a word processor's export has)."""
    stream = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({line}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = "%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n" + "".join(f"{o:010d} 00000 n \n" for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    path.write_bytes(out.encode("latin-1"))


def test_text_resume(tmp_path):
    path = tmp_path / "cv.txt"
    path.write_text("Backend developer: Python, Golang, k8s.", encoding="utf-8")
    assert "Golang" in resume_text(path)


def test_docx_resume_reads_paragraphs_and_tables(tmp_path):
    from docx import Document

    document = Document()
    document.add_paragraph("Ada Lovelace, backend engineer")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "PostgreSQL"
    table.rows[0].cells[1].text = "Terraform"
    path = tmp_path / "cv.docx"
    document.save(str(path))
    text = resume_text(path)
    assert "backend engineer" in text and "PostgreSQL" in text and "Terraform" in text


def test_pdf_resume(tmp_path):
    path = tmp_path / "cv.pdf"
    write_pdf(path, ["Skills: Python, Kubernetes, Postgres", "Experience: 6 years"])
    text = resume_text(path)
    assert load_taxonomy().skills_in(text) == ["Python", "Kubernetes", "PostgreSQL"]


@pytest.mark.parametrize("name, content, message", [
    ("cv.odt", b"x", "unsupported resume format"),
    ("cv.pdf", b"not a pdf at all", "cannot read pdf"),
    ("cv.docx", b"PK broken", "cannot read docx"),
    ("cv.txt", b"\xff\xfe\x00bad", "not UTF-8"),
])
def test_unreadable_resumes_fail_with_one_line_naming_the_file(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ResumeError) as err:
        resume_text(path)
    assert str(err.value).startswith(str(path)) and message in str(err.value) and "\n" not in str(err.value)


def test_missing_resume(tmp_path):
    with pytest.raises(ResumeError, match="no such file"):
        resume_text(tmp_path / "nope.pdf")


def test_proposed_skills_keep_profile_levels():
    proposed = proposed_skills("Python, Python, Postgres and Terraform", load_taxonomy(), {"Postgres": "expert"})
    assert [(p["skill"], p["mentions"], p["level"], p["in_profile"]) for p in proposed] == [
        ("Python", 2, "intermediate", False), ("PostgreSQL", 1, "expert", True), ("Terraform", 1, "intermediate", False)]
