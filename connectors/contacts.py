"""The user's network from files: LinkedIn's `Connections.csv`, a generic contacts CSV, a referrals CSV.

LinkedIn's export is machine-made and messy (note lines before the header, a BOM, `12 Jan 2023` dates,
empty emails, bytes that are not UTF-8), so its problems are repaired or skipped with a warning naming
the line. The generic files are written by the user: a bad value there stops the import with the line.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from connectors.base import ExtractResult
from connectors.csvfile import CsvFile, decoded_lines, delimiter_of, read_csv
from connectors.http import BadPayload
from connectors.models import Contact, Posting, RawItem, Referral
from jobleads.validation import reasons

LINKEDIN_HEADER = {"first name", "last name"}
CONTACT_COLUMNS = {
    "name": "name", "full name": "name", "first name": "first_name", "first_name": "first_name",
    "last name": "last_name", "last_name": "last_name", "company": "company", "organization": "company",
    "position": "position", "title": "position", "job title": "position", "url": "url", "profile": "url",
    "profile url": "url", "profile_url": "url", "linkedin": "url", "email": "email", "email address": "email",
    "e-mail": "email", "connected on": "connected_on", "connected_on": "connected_on", "strength": "strength",
    "last touch": "last_touch", "last_touch": "last_touch", "last contacted": "last_touch", "notes": "notes",
    "note": "notes",
}
REFERRAL_COLUMNS = {"company", "title", "contact", "url", "location", "note"}


@dataclass
class ContactFile:
    """Contacts read from one file, each with its line number, and what was repaired or skipped."""

    path: Path
    contacts: list[tuple[int, Contact]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def parse_date(text: str | None) -> date | None:
    """LinkedIn's `12 Jan 2023` (older exports: `Jan 12, 2023`) or ISO 8601."""
    if text is None or not text.strip():
        return None
    text = text.strip()
    for pattern in ("%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        raise ValueError(f"'{text}' is not a date (expected e.g. 12 Jan 2023 or 2023-01-12)") from None


# LinkedIn writes its headers in the member's language; these name the same columns.
LINKEDIN_LOCALE_HEADERS = {
    "vorname": "first name", "nachname": "last name", "unternehmen": "company", "e-mail-adresse": "email address",
    "verbunden am": "connected on",
    "prénom": "first name", "nom": "last name", "entreprise": "company", "poste": "position",
    "adresse e-mail": "email address", "date de connexion": "connected on",
    "nombre": "first name", "apellidos": "last name", "empresa": "company", "cargo": "position",
    "dirección de correo electrónico": "email address", "conectado el": "connected on",
}


def _cells(line: str) -> set[str]:
    """The lower-cased cells of one line (in English), or none when it is no CSV line at all (a 200 KB note)."""
    try:
        cells = next(csv.reader([line], delimiter=delimiter_of(line)), [])
    except csv.Error:
        return set()
    return {LINKEDIN_LOCALE_HEADERS.get(c.strip().lower(), c.strip().lower()) for c in cells}


def read_linkedin(path: Path) -> ContactFile:
    """LinkedIn `Connections.csv`: skips the note lines before the header; lenient about rows."""
    path = Path(path)
    out = ContactFile(path)
    lines = decoded_lines(path, out.warnings)
    header_at = next((i for i, line in enumerate(lines[:50]) if LINKEDIN_HEADER <= _cells(line)), None)
    if header_at is None:
        raise BadPayload(f"{path}: no 'First Name,Last Name,...' header in the first 50 lines: not a LinkedIn Connections.csv")
    table = CsvFile(path, lines, header_at)
    table.header = [LINKEDIN_LOCALE_HEADERS.get(h, h) for h in table.header]
    for line, row in table.records():
        name = " ".join(p for p in (row.get("first name"), row.get("last name")) if p)
        if not name:
            out.warnings.append(f"{path.name} line {line}: no name (LinkedIn hides some members); skipped")
            continue
        try:
            connected = parse_date(row.get("connected on"))
        except ValueError as exc:
            out.warnings.append(f"{path.name} line {line}: connected on: {exc}; left empty")
            connected = None
        try:
            out.contacts.append((line, Contact(
                name=name, company=row.get("company"), position=row.get("position"), url=row.get("url"),
                email=row.get("email address"), connected_on=connected,
            )))
        except ValidationError as exc:
            out.warnings.append(f"{path.name} line {line}: {_reason(exc)}; skipped")
    return out


def read_contacts_csv(path: Path) -> ContactFile:
    """A generic contacts CSV (name or first/last name, company, position, url, email, strength, ...)."""
    path = Path(path)
    out = ContactFile(path)
    table = read_csv(path, out.warnings)
    header = set(table.header)
    if not ({"name", "full name"} & header or {"first name", "first_name"} & header):
        raise BadPayload(f"{path}: line 1: header must have a name column (name, or first name and last name)")
    for line, row in table.records():
        fields: dict[str, Any] = {}
        for column, value in row.items():
            target = CONTACT_COLUMNS.get(column)
            if target and value is not None:
                fields[target] = value
        first, last = fields.pop("first_name", None), fields.pop("last_name", None)
        fields.setdefault("name", " ".join(p for p in (first, last) if p))
        for key in ("connected_on", "last_touch"):
            try:
                fields[key] = parse_date(fields.get(key))
            except ValueError as exc:
                raise BadPayload(f"{path}: line {line}: {key}: {exc}") from None
        if "strength" in fields:
            fields["strength"] = fields["strength"].lower()
        try:
            out.contacts.append((line, Contact(**fields)))
        except ValidationError as exc:
            raise BadPayload(f"{path}: line {line}: {_reason(exc)}") from None
    return out


def read_referrals_csv(path: Path) -> list[tuple[int, Referral]]:
    """Referrals CSV: company, title, contact, and optionally url, location, note."""
    path = Path(path)
    table = read_csv(path)
    if not {"company", "title"} <= set(table.header):
        raise BadPayload(f"{path}: line 1: header must have company and title (and usually contact)")
    out = []
    for line, row in table.records():
        try:
            out.append((line, Referral(**{k: v for k, v in row.items() if k in REFERRAL_COLUMNS and v})))
        except ValidationError as exc:
            raise BadPayload(f"{path}: line {line}: {_reason(exc)}") from None
    return out


def referral_posting(referral: Referral, source_id: str) -> Posting:
    """A referral as a posting of source `referral`; `source_id` comes from the warehouse's keys
    (`warehouse.network.referral_source_id`), so re-adding the same referral gives the same record."""
    return Posting(
        source="referral", source_id=source_id, title=referral.title, company=referral.company,
        locations=[referral.location] if referral.location else [], url=referral.url, apply_url=referral.url,
        posted_at=referral.logged_at, contact=referral.contact, note=referral.note,
    )


def referrals_result(referrals: list[Referral], source_ids: list[str], source_key: str | None = None) -> ExtractResult:
    """Referrals as one extract result. Never complete: no refresh may close a referral's lead."""
    result = ExtractResult(source="referral", source_key=source_key, complete=False, pages=1)
    for referral, source_id in zip(referrals, source_ids, strict=True):
        posting = referral_posting(referral, source_id)
        result.postings.append(posting)
        result.raw.append(RawItem(source="referral", source_key=source_key, source_id=posting.source_id,
                                  payload=referral.model_dump_json()))
    return result


def _reason(exc: ValidationError) -> str:
    return reasons(exc, first_only=True)
