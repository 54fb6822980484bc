"""Plain text from a resume (.txt/.md, .pdf via pypdf, .docx via python-docx) and the skills it names."""
from __future__ import annotations

from pathlib import Path

TEXT_SUFFIXES = {".txt", ".md", ".text"}


class ResumeError(ValueError):
    """The resume cannot be read: a one-line reason naming the file."""


def resume_text(path: str | Path) -> str:
    path = Path(path)
    if not path.is_file():
        raise ResumeError(f"{path}: no such file")
    suffix = path.suffix.lower()
    try:
        if suffix in TEXT_SUFFIXES:
            return path.read_text(encoding="utf-8")
        if suffix == ".pdf":
            return _pdf_text(path)
        if suffix == ".docx":
            return _docx_text(path)
    except UnicodeDecodeError:
        raise ResumeError(f"{path}: not UTF-8 text") from None
    except ResumeError:
        raise
    except Exception as exc:  # noqa: BLE001 - parser libraries raise many kinds; the user needs one line
        raise ResumeError(f"{path}: cannot read {suffix[1:]} ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else 'damaged file'})") from None
    raise ResumeError(f"{path}: unsupported resume format '{suffix or 'none'}' (use .txt, .md, .pdf or .docx)")


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    if reader.is_encrypted:
        raise ResumeError(f"{path}: the PDF is encrypted")
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    if not text.strip():
        raise ResumeError(f"{path}: the PDF has no text layer (a scanned image?)")
    return text


def _docx_text(path: Path) -> str:
    from docx import Document

    document = Document(str(path))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:  # many resume templates put skills in tables
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def proposed_skills(text: str, taxonomy, known: dict[str, str]) -> list[dict]:
    """Skills the resume names, most mentioned first, with the level to confirm (the profile's, or
    intermediate for new ones)."""
    counts: dict[str, int] = {}
    for name, _, _ in taxonomy.find(text):
        counts[name] = counts.get(name, 0) + 1
    in_profile = {taxonomy.canonical(k) or k: v for k, v in known.items()}
    return [
        {"skill": name, "category": taxonomy.category(name), "mentions": n,
         "level": in_profile.get(name, "intermediate"), "in_profile": name in in_profile}
        for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
