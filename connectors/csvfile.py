"""One way to read the CSV files users bring: postings (generic, JobSpy), contacts, LinkedIn connections,
referrals.

- Text: UTF-8 (a BOM is dropped) or UTF-16 with its BOM; a line that is not UTF-8 is read as Windows-1252, what Excel saves, with a
  warning naming the line. Bytes that are neither fail with one line naming the file and line.
- Records: quoted fields may span lines; each record carries the line it *starts* on, as an editor shows it,
  so an error in a five-line description points at its first line.
- Cells: column names stripped and lower-cased, values stripped, empty cells None. A record with more cells
  than the header fails (a shifted column would put a company in the title); blank records are skipped; a
  quote never closed, a column named twice and an empty file fail with the line.
"""
from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from connectors.errors import BadPayload


def decoded_lines(path: Path, warnings: list[str] | None = None) -> list[str]:
    """The file as text lines (ends kept), each UTF-8 or else Windows-1252."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise BadPayload(f"{path}: cannot read ({exc.strerror})") from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its BOM: what Excel's "Unicode text" saves
        try:
            return data.decode("utf-16").splitlines(keepends=True)
        except UnicodeDecodeError:
            raise BadPayload(f"{path}: starts as UTF-16 but is not") from None
    if not data.strip():
        raise BadPayload(f"{path}: the file is empty")
    lines = []
    for number, raw in enumerate(data.splitlines(keepends=True), start=1):
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            try:
                lines.append(raw.decode("cp1252"))
            except UnicodeDecodeError:
                raise BadPayload(f"{path}: line {number}: bytes that are neither UTF-8 nor Windows-1252") from None
            if warnings is not None:
                warnings.append(f"{Path(path).name} line {number}: not UTF-8, read as Windows-1252")
    return lines


def delimiter_of(line: str) -> str:
    """Comma, or semicolon or tab when the (header) line has more of those."""
    counts = {d: line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


@dataclass
class CsvFile:
    path: Path
    lines: list[str]
    header_at: int = 0  # index of the header line (LinkedIn puts notes above it)
    header: list[str] = field(default_factory=list)
    delimiter: str = ","

    def __post_init__(self) -> None:
        # Excel in a German or French locale saves CSV with semicolons: the header line tells which.
        self.delimiter = delimiter_of(self.lines[self.header_at] if len(self.lines) > self.header_at else "")
        try:
            header = next(csv.reader(self.lines[self.header_at:self.header_at + 1], delimiter=self.delimiter), [])
        except csv.Error as exc:
            raise BadPayload(f"{self.path}: line {self.header_at + 1}: {exc}") from None
        self.header = [h.strip().lower() for h in header]
        seen = set()
        for name in self.header:
            if name and name in seen:
                raise BadPayload(f"{self.path}: line {self.header_at + 1}: column '{name}' appears twice in the "
                                 "header; which one counts is unclear")
            seen.add(name)

    def records(self) -> Iterator[tuple[int, dict[str, str | None]]]:
        """(line the record starts on, {column: value}) for every non-blank record after the header."""
        # strict: a quote never closed is an error at its line, not one record swallowing the rest of the file
        reader = csv.reader(self.lines[self.header_at:], strict=True, delimiter=self.delimiter)
        consumed = 0
        try:
            next(reader, None)  # the header
            consumed = reader.line_num
            for record in reader:
                line = self.header_at + consumed + 1
                consumed = reader.line_num
                if not any(cell.strip() for cell in record):
                    continue
                if len(record) > len(self.header):
                    raise BadPayload(f"{self.path}: line {line}: {len(record)} fields but the header has "
                                     f"{len(self.header)}")
                yield line, {h: (record[i].strip() or None) if i < len(record) else None
                             for i, h in enumerate(self.header)}
        except csv.Error as exc:
            reason = "a quoted field is never closed" if "unexpected end of data" in str(exc) else str(exc)
            raise BadPayload(f"{self.path}: line {self.header_at + consumed + 1}: {reason}") from None


def read_csv(path: Path, warnings: list[str] | None = None, header_at: int = 0) -> CsvFile:
    path = Path(path)
    return CsvFile(path, decoded_lines(path, warnings), header_at)
