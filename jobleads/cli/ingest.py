"""Getting data in: `init`, `import`, `refresh`, `demo`."""
from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from jobleads.cli import app
from jobleads.cli.output import console, err_console, show_outcome
from jobleads.cli.running import RunDisplay, run_flow
from jobleads.cli.state import UsageError, state
from jobleads.config import CONFIG_TEMPLATE, load_config
from warehouse.db import writer

if TYPE_CHECKING:  # the transforms (numpy, rapidfuzz, ...) load only for commands that write
    from warehouse.publish import RunSummary

DEMO_DB = Path("data/demo.duckdb")


def demo_dir() -> Path:
    return Path(str(resources.files("jobleads") / "demo_data"))


@app.command()
def init(force: bool = typer.Option(False, "--force", help="Overwrite an existing file.")) -> None:
    """Write a commented leads.toml to edit."""
    path = state.config_path
    if path.exists() and not force:
        raise UsageError(f"{path} already exists (use --force to overwrite)")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(CONFIG_TEMPLATE, encoding="utf-8")
    load_config(path, required=True)  # the template must always validate
    console.print(f"wrote {path}: edit the profile and sources, then run `leads refresh`")


@app.command(name="import")
def import_(
    path: Path = typer.Argument(..., help="A saved API response, JSONL/CSV postings, or a contacts export."),
    fmt: str = typer.Option(..., "--format", "-f", help="Connector name, jsonl, csv, or a contacts format."),
    company: Optional[str] = typer.Option(None, "--company", help="Company for payloads that name none."),
    board: Optional[str] = typer.Option(None, "--board", help="Board/site the file came from."),
) -> None:
    """Load a saved file through the same parser as the live source, then rebuild leads and scores."""
    from jobleads.importers import NON_POSTING_IMPORTERS, all_formats, read_postings

    if fmt not in all_formats():
        raise UsageError(f"unknown format '{fmt}' (known: {', '.join(all_formats())})")
    if fmt in NON_POSTING_IMPORTERS:
        show_outcome(NON_POSTING_IMPORTERS[fmt](state.db, path, {"company": company, "config": state.config()}))
        return
    config = state.config()
    with RunDisplay(plain_lines=False) as display:
        display.note(f"reading {path}")
        result = read_postings(path, fmt, company=company, board=board)  # parse fully before touching the db
        display.read_file(result.parsed)
        with writer(state.db, "import") as con:
            from warehouse.publish import publish

            summary = publish(con, [result], config, kind="import", on_stage=display.stage)
    print_summary(summary)
    for q in result.quarantined[:5]:
        err_console.print(f"[yellow]quarantined[/yellow] {q.source_id or '?'}: {q.reason}")


def print_summary(summary: RunSummary) -> None:
    parsed = sum(s.parsed for s in summary.sources)
    console.print(
        f"run {summary.run_id}: {parsed} postings parsed, {summary.new_leads} new leads, "
        f"{summary.closed_leads} closed, {summary.quarantined} quarantined; {summary.open_leads} open leads"
    )
    for s in summary.failures:
        err_console.print(f"[red]failed[/red] {s.source}{':' + s.source_key if s.source_key else ''}: {s.error}")
    for warning in summary.warnings:
        err_console.print("[yellow]warning[/yellow] ", end="")
        err_console.print(warning, markup=False, highlight=False)


@app.command()
def refresh(
    replay: Optional[Path] = typer.Option(None, "--replay", hidden=True, help="Folder of recorded responses."),
) -> None:
    """Fetch every configured source now and rebuild leads (what the nightly schedule runs)."""
    config = load_config(state.config_path, required=True)
    if not config.sources:
        raise UsageError(f"{state.config_path}: no [[sources]] configured")
    if replay is not None and not replay.is_dir():
        raise UsageError(f"--replay {replay}: not a folder of recordings")
    summary = run_flow(state.config_path, state.db, str(replay) if replay else None, "refresh")
    _report(summary)
    if summary["failures"]:
        sys.exit(1)


def _report(summary: dict) -> None:
    seconds = _seconds(summary)
    console.print(
        f"run {summary['run_id']} ({summary['status']}{seconds}): {summary['postings_seen']} postings, "
        f"{summary['new_leads']} new leads, {summary['closed_leads']} closed, "
        f"{summary['quarantined']} quarantined; {summary['open_leads']} open leads", highlight=False,
    )
    for failure in summary["failures"]:  # one line each: the source, what went wrong, and the URL
        err_console.print("[red]failed[/red] ", end="")
        err_console.print(failure, markup=False, highlight=False)
    for warning in summary.get("warnings") or []:
        err_console.print("[yellow]warning[/yellow] ", end="")
        err_console.print(warning, markup=False, highlight=False)


def _seconds(summary: dict) -> str:
    from datetime import datetime

    try:
        took = datetime.fromisoformat(summary["finished_at"]) - datetime.fromisoformat(summary["started_at"])
    except (KeyError, TypeError, ValueError):
        return ""
    return f", {took.total_seconds():.1f} s"


@app.command()
def demo(limit: int = typer.Option(10, "--limit", "-n", min=1, help="How many leads to show.")) -> None:
    """Run the full nightly flow offline on bundled recorded responses, then show the results."""
    from jobleads.cli.output import Format
    from jobleads.cli.query import top

    db = state.db if state.db_explicit else DEMO_DB
    state.db = db
    folder = demo_dir()
    state.config_path = folder / "leads.toml"
    state._config = None
    console.print(f"[bold]jobleads demo[/bold]: replaying recorded responses from {folder / 'http'} into {db}")
    summary = run_flow(state.config_path, db, str(folder / "http"), "demo")
    _report(summary)
    from jobleads.cli.insight import demo_insight
    from jobleads.cli.network import load_demo_network, show_warm_companies

    load_demo_network(db, folder / "network")  # a sample network: warm companies and a referral
    top(limit=limit, min_score=None, remote=False, company=None, warm=False, fmt=Format.table)
    demo_insight(db)  # score parts of the top leads, skill gaps
    show_warm_companies(db)
