"""Reading leads: `top`, `export`, `explain`."""
from __future__ import annotations

import csv
import json
import sys
from enum import Enum
from typing import Optional

import typer
from rich.panel import Panel
from rich.table import Table

from jobleads.cli import app
from jobleads.cli.output import Column, Format, clean, console, csv_cell, emit, salary_range
from jobleads.cli.state import UsageError, scored_reader
from warehouse.queries import LeadFilter, lead_detail, leads

LEAD_COLUMNS = [
    Column("score", "Score", lambda v: f"{v:.2f}" if v is not None else "", justify="right"),
    Column("title", "Title", max_width=44),
    Column("company", "Company", max_width=24),
    Column("locations", "Where", lambda v: "; ".join(v or [])[:40], max_width=30),
    Column("remote", "Mode", shown_from=120),
    Column("_salary", "Salary (annual)", shown_from=100),
    Column("warm", "Warm", lambda v: "★" if v else ""),
    Column("user_status", "Yours", lambda v: "" if v in (None, "new") else v.replace("_", " ")),
    Column("lead_id", "Lead"),
]


def _table_rows(rows: list[dict]) -> list[dict]:
    return [{**r, "_salary": salary_range(r)} for r in rows]


@app.command()
def top(
    limit: int = typer.Option(20, "--limit", "-n", min=1, help="How many leads."),
    min_score: Optional[float] = typer.Option(None, "--min-score", min=0.0, max=1.0, help="Only leads scoring at least this."),
    remote: bool = typer.Option(False, "--remote", help="Only fully remote leads."),
    company: Optional[str] = typer.Option(None, "--company", help="Only leads at this company (substring)."),
    warm: bool = typer.Option(False, "--warm", help="Only leads where someone you know works."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table, json or csv."),
) -> None:
    """The best open leads, best first (ties broken by recency)."""
    with scored_reader() as con:
        rows = leads(con, LeadFilter(limit=limit, min_score=min_score, remote=remote, company=company, warm=warm))
    if fmt == Format.table:
        # "Yours" (your status) only when a lead has one: narrow terminals need the room
        columns = [c for c in LEAD_COLUMNS if c.key != "user_status" or any(
            r.get("user_status") not in (None, "new") for r in rows)]
        emit(_table_rows(rows), fmt, columns, title="Top leads", empty="no open leads match")
    else:
        emit(rows, fmt, LEAD_COLUMNS)


class ExportFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"


@app.command()
def export(
    fmt: ExportFormat = typer.Option(ExportFormat.jsonl, "--format", "-f", help="jsonl or csv."),
    output: Optional[str] = typer.Option(None, "--output", "-o", help="File to write (default: stdout)."),
    include_closed: bool = typer.Option(True, "--closed/--open-only", help="Include closed leads."),
) -> None:
    """Every lead with all its sources."""
    with scored_reader() as con:
        rows = leads(con, LeadFilter(limit=None, include_closed=include_closed, include_hidden=True))
    handle = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        if fmt == ExportFormat.jsonl:
            for row in rows:
                handle.write(json.dumps(clean(row), ensure_ascii=False, default=str) + "\n")
        else:
            keys = list(rows[0]) if rows else ["lead_id"]
            writer = csv.DictWriter(handle, fieldnames=keys)
            writer.writeheader()
            for row in rows:
                writer.writerow({k: csv_cell(v) for k, v in row.items()})
    finally:
        if output:
            handle.close()
    if output:
        console.print(f"wrote {len(rows)} leads to {output}", style="dim")


@app.command()
def explain(
    lead_id: str = typer.Argument(..., help="A lead id from `leads top`."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table or json."),
) -> None:
    """Why a lead scores what it does, and every source record merged into it."""
    from rich.markup import escape

    from warehouse.statuses import StatusError, resolve_lead

    with scored_reader() as con:
        try:
            lead_id = resolve_lead(con, lead_id)  # a unique start of an id is enough
        except StatusError as exc:
            raise UsageError(str(exc)) from None
        lead = lead_detail(con, lead_id)
    if lead is None:
        raise UsageError(f"no lead with id '{lead_id}'")
    lead = clean(lead)
    if fmt != Format.table:
        sys.stdout.write(json.dumps(lead, indent=2, ensure_ascii=False, default=str) + "\n")
        return
    head = (
        f"[bold]{escape(lead['title'] or '')}[/bold] at [bold]{escape(lead['company'] or '')}[/bold]  ({lead['status']})\n"
        f"{escape('; '.join(lead['locations'])) or 'location not given'} · {lead['remote'] or 'mode not given'}"
        f" · {escape(salary_range(lead)) or 'salary not given'}\n"
        f"score {lead['score']:.3f} · first seen {lead['first_seen'][:10]} · last seen {lead['last_seen'][:10]}\n"
        f"{escape(lead['url'] or '')}"
        + (f"\nre-post #{lead['repost_count']} (previous lead {lead['repost_of']})" if lead.get("repost_of") else "")
    )
    console.print(Panel(head, title=lead["lead_id"], expand=False))
    details = dict(lead.get("score_details") or {})
    weights, unknown = details.pop("weights", {}), set(details.pop("unknown", []))
    details.pop("tier", None)
    parts = Table(title="Score parts", header_style="bold")
    for column in ("part", "value", "weight", "note"):
        parts.add_column(column, justify="right" if column in ("value", "weight") else "left")
    total = sum(weights.values()) or 1.0
    notes = {"salary": "pay unknown: neutral 0.5", "seniority": "level unknown: neutral 0.5",
             "recency": "posting date unknown: neutral 0.5", "title": "occupation unknown: title similarity only"}
    of_part = {"salary": "salary", "seniority": "seniority", "recency": "posted_at", "title": "occupation"}
    for name, value in lead["score_parts"].items():
        note = notes[name] if of_part.get(name) in unknown else ""
        weight = f"{weights[name] / total:.0%}" if name in weights else ""
        parts.add_row(name, f"{value:.2f}", weight, note)
    console.print(parts)
    occupation = lead.get("occupation")
    console.print("occupation: " + (f"{occupation['label']} (ISCO {occupation['isco']}, {occupation['code']}, "
                                    f"confidence {occupation['confidence']:.2f})" if occupation else "unknown"),
                  markup=False)
    if unknown:
        console.print(f"[dim]unknown:[/dim] {', '.join(sorted(unknown))}")
    if lead["skills_matched"] or lead["skills_missing"]:
        console.print(f"skills matched: {', '.join(lead['skills_matched']) or '-'}")
        console.print(f"skills missing: {', '.join(lead['skills_missing']) or '-'}")
    for key, value in details.items():
        console.print(f"[dim]{key}:[/dim] {value}")
    for name in lead.get("referred_by") or []:
        console.print(f"[bold green]{name} offered to refer you[/bold green]")
    if lead["contacts"]:
        console.print("contacts: " + "; ".join(
            f"{c['name']} ({c.get('position') or '?'}, {c['strength']})" for c in lead["contacts"]))
    records = Table(title="Source records and why each was merged", header_style="bold")
    for col in ("source", "source id", "title", "company", "rule", "match", "matched with", "active"):
        records.add_column(col)
    for r in lead["records"]:
        why = (r["evidence"] or {}).get("why")
        records.add_row(r["source"], r["source_id"], r["title"] or "", r["company"] or "",
                        f"{r['rule']}: {why}" if why else r["rule"],
                        f"{r['match_score']:.2f}" if r["match_score"] is not None else "",
                        (r["evidence"] or {}).get("matched_with") or "",
                        "yes" if r["active"] else "no")
    console.print(records)
