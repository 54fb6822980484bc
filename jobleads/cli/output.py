"""Rendering lists as a rich table, JSON (a list of objects) or CSV: one place for every listing command."""
from __future__ import annotations

import csv
import io
import json
import os
import sys
from enum import Enum
from typing import Any, Callable, Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from jobleads.safetext import strip_controls

# Outside text passes `clean` (jobleads.safetext) before any output.
clean = strip_controls


class SafeConsole(Console):
    """A console whose printed strings are cleaned first (markup in the message itself still works)."""

    def print(self, *objects: Any, **kwargs: Any) -> None:
        super().print(*(clean(o) if isinstance(o, str) else o for o in objects), **kwargs)


# Piped output (a file, a log of `make demo`, a pager) has no width of its own and rich would assume 80
# columns, where an eight-column table of leads breaks its titles mid-word ("Enginee / r"): it gets this
# many instead. A terminal's own width, or COLUMNS when set, still wins.
PIPED_WIDTH = 160


def _piped_width() -> int | None:
    return None if os.environ.get("COLUMNS") or sys.stdout.isatty() else PIPED_WIDTH


# soft_wrap: message lines are never hard-wrapped mid-sentence when piped; tables still fit the width.
console = SafeConsole(soft_wrap=True, width=_piped_width())
err_console = SafeConsole(stderr=True, soft_wrap=True)


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


ID_COLUMNS = frozenset({"lead_id", "contact_id", "run_id", "company_id"})


class Column:
    """One column of a listing. `shown_from`: the table width (columns) below which it is left out of the table,
    so that a narrow terminal keeps whole words in the columns that matter (CSV and JSON keep every field)."""

    def __init__(self, key: str, header: str | None = None, render: Callable[[Any], str] | None = None,
                 justify: str = "left", max_width: int | None = None, shown_from: int = 0):
        self.key, self.header = key, header or key
        self.render = render or (lambda v: "" if v is None else str(v))
        self.justify, self.max_width, self.shown_from = justify, max_width, shown_from


def csv_cell(value: Any) -> Any:
    """The one way lists and objects go into a CSV cell, in every command: JSON text (`["a", "b"]`), which
    a reader can parse back whatever the items contain."""
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(clean(value), ensure_ascii=False, default=str)
    return clean(value)


def emit(rows: Sequence[dict], fmt: Format, columns: Sequence[Column], title: str | None = None,
         empty: str = "nothing to show") -> None:
    rows = clean(list(rows))
    if fmt == Format.json:
        sys.stdout.write(json.dumps(list(rows), indent=2, ensure_ascii=False, default=str) + "\n")
        return
    if fmt == Format.csv:
        buffer = io.StringIO()
        keys = list(rows[0].keys()) if rows else [c.key for c in columns]
        writer = csv.DictWriter(buffer, fieldnames=keys, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: csv_cell(row.get(k)) for k in keys})
        sys.stdout.write(buffer.getvalue())
        return
    if not rows:
        console.print(Text(empty, style="dim"))  # Text: "[[sources]]" in a message is not markup
        return
    left_out = [col.header for col in columns if console.width < col.shown_from]
    columns = [col for col in columns if col.header not in left_out]
    table = Table(title=title, show_lines=False, header_style="bold")
    for col in columns:
        whole = col.key in ID_COLUMNS  # an id must copy and paste whole: never wrapped, never cut
        table.add_column(col.header, justify=col.justify, max_width=None if whole else col.max_width,
                         overflow="fold", no_wrap=whole, min_width=12 if whole else None)
    for row in rows:
        # Text, not markup: a title like "[red]Apply[/red]" is shown as written.
        table.add_row(*(Text(clean(col.render(row.get(col.key)))) for col in columns))
    console.print(table)
    if left_out:
        console.print(Text(f"{', '.join(left_out)}: left out at {console.width} columns (widen, or --format csv|json)",
                           style="dim"))


def money(value: float | None) -> str:
    return f"{value:,.0f}" if value is not None else ""


def salary_range(row: dict) -> str:
    lo, hi, cur = row.get("salary_min"), row.get("salary_max"), row.get("salary_currency") or ""
    if lo is None and hi is None:
        return ""
    if lo is not None and hi is not None and lo != hi:
        return f"{cur} {money(lo)}–{money(hi)}".strip()
    return f"{cur} {money(lo if lo is not None else hi)}".strip()


def show_outcome(outcome, prefix: str = "") -> None:
    """A use case's line, after at most ten of its warnings."""
    for warning in outcome.warnings[:10]:
        err_console.print("[yellow]warning[/yellow] ", end="")
        err_console.print(warning, markup=False, highlight=False)
    if len(outcome.warnings) > 10:
        err_console.print(f"[yellow]... and {len(outcome.warnings) - 10} more warnings[/yellow]")
    console.print(prefix + outcome.message, markup=False, highlight=False)
