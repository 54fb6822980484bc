"""Operations: run history (`leads runs`) and scheduling (`leads schedule`).

`leads runs` is a query command and never imports Prefect; `leads schedule` imports it only for the
Prefect-native schedule.
"""
from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any, Optional

import typer
from rich.table import Table

from jobleads.cli import app
from jobleads.cli.output import Column, Format, console, emit, err_console
from jobleads.cli.state import UsageError, state
from jobleads.config import load_config
from warehouse.db import reader
from warehouse.runs import RunNotFound, list_runs, run_detail

runs_app = typer.Typer(help="Recent refresh/import runs: duration, counts, failures.", no_args_is_help=False)
app.add_typer(runs_app, name="runs")

RUN_COLUMNS = [
    Column("run_id", "Run"),
    Column("kind", "Kind"),
    Column("started_at", "Started UTC", lambda v: v.strftime("%m-%d %H:%M") if isinstance(v, datetime) else str(v or "")),
    Column("seconds", "Secs", lambda v: f"{v:.1f}" if v is not None else "", justify="right"),
    Column("status", "Status"),
    Column("_sources", "Src ok/fail", justify="right"),
    Column("postings_seen", "Seen", justify="right"),
    Column("new_leads", "New", justify="right"),
    Column("closed_leads", "Closed", justify="right"),
    Column("open_leads", "Open", justify="right"),
    Column("failed_sources", "Failures", lambda v: ", ".join(v or []), max_width=30),
]


@runs_app.callback(invoke_without_command=True)
def runs(
    ctx: typer.Context,
    limit: int = typer.Option(20, "--limit", "-n", min=1, help="How many runs, newest first."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table, json or csv."),
) -> None:
    """Recent runs, newest first: duration, counts and failed sources. `leads runs show ID` for one run."""
    if ctx.invoked_subcommand is not None:
        return
    with reader(state.db) as con:
        rows = list_runs(con, limit)
    if fmt == Format.table:
        rows = [{**r, "_sources": f"{r['sources_ok']}/{r['sources_failed']}"} for r in rows]
    emit(rows, fmt, RUN_COLUMNS, title="Runs", empty="no runs yet")


@runs_app.command("show")
def runs_show(
    run_id: str = typer.Argument(..., help="A run id (or a unique prefix of one), or `latest`."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table or json."),
) -> None:
    """One run's summary, per-source counts and failures."""
    with reader(state.db) as con:
        try:
            detail = run_detail(con, run_id)
        except RunNotFound as exc:
            raise UsageError(str(exc)) from None
    if fmt == Format.json:
        sys.stdout.write(json.dumps(detail, indent=2, ensure_ascii=False, default=str) + "\n")
        return
    if fmt == Format.csv:
        emit(detail["sources"], fmt, [])
        return
    _print_run(detail)


def _print_run(d: dict[str, Any]) -> None:
    seconds = f"{d['seconds']:.1f} s" if d.get("seconds") is not None else "unfinished"
    console.print(f"[bold]run {d['run_id']}[/bold] ({d['kind']}): [bold]{d['status']}[/bold], "
                  f"started {d['started_at']:%Y-%m-%d %H:%M:%S} UTC, {seconds}")
    console.print(f"{d['postings_seen']} postings seen, {d['new_leads']} new leads, {d['closed_leads']} closed, "
                  f"{d['quarantined']} quarantined"
                  + (f"; {d['open_leads']} open leads" if d.get("open_leads") is not None else ""))
    table = Table(title="Sources", header_style="bold")
    for header in ("source", "board", "status", "fetched", "parsed", "quarantined", "pages", "secs"):
        table.add_column(header, justify="right" if header not in ("source", "board", "status") else "left")
    for s in d["sources"]:
        status = s["status"] if s["status"] != "failed" else "[red]failed[/red]"
        table.add_row(s["source"], s["source_key"] or "", status, str(s["fetched"]), str(s["parsed"]),
                      str(s["quarantined"]), str(s["pages"]), f"{s['seconds'] or 0:.2f}")
    console.print(table)
    for failure in d["failures"]:
        console.print(f"[red]failed[/red] {failure}")
    if d["new_warm_companies"]:
        console.print("new warm companies: " + ", ".join(d["new_warm_companies"]))
    for lead in d["top_new_leads"]:
        console.print(f"new lead {lead['score']:.2f} {lead['title']} at {lead['company']} ({lead['lead_id']})")


@app.command()
def schedule(
    cron: bool = typer.Option(False, "--cron", help="Print a crontab line running `leads refresh` instead."),
    systemd: bool = typer.Option(False, "--systemd", help="Print a systemd user timer + service instead."),
    install: bool = typer.Option(False, "--install", help="With --cron/--systemd: install it for this user."),
    no_serve: bool = typer.Option(False, "--no-serve", help="Prefect: create/update the deployment, don't serve it."),
    name: str = typer.Option("nightly", "--name", help="Prefect deployment name."),
    replay: Optional[Path] = typer.Option(None, "--replay", hidden=True, help="Scheduled runs replay this folder."),
) -> None:
    """Run the refresh every night: a Prefect deployment served from here (default), or cron/systemd."""
    from flows.schedule import ScheduleError

    if cron and systemd:
        raise UsageError("choose one of --cron and --systemd")
    if install and not (cron or systemd):
        raise UsageError("--install goes with --cron or --systemd")
    if replay is not None and (cron or systemd or not replay.is_dir()):
        raise UsageError(f"--replay {replay}: a folder of recordings, for the Prefect schedule only")
    config = load_config(state.config_path, required=True)
    if not config.sources:
        raise UsageError(f"{state.config_path}: no [[sources]] configured")
    try:
        if cron or systemd:
            _plain_schedule(config, cron, install)
        else:
            _prefect_schedule(config, name, serve=not no_serve, replay=replay)
    except ScheduleError as exc:
        raise UsageError(f"{state.config_path}: {exc}") from None


def _plain_schedule(config, cron: bool, install: bool) -> None:
    from flows import schedule as plain

    spec = plain.parse_cron(config.schedule.cron)
    timezone = plain.check_timezone(config.schedule.timezone)
    workdir = Path.cwd()
    if cron:
        line = plain.crontab_line(spec, state.db, state.config_path, workdir)
        if timezone and timezone != plain.local_timezone():
            err_console.print(f"[yellow]note[/yellow]: cron uses this machine's time zone ({plain.local_timezone()}), "
                              f"not schedule.timezone = {timezone}; --systemd and the Prefect schedule honour it")
        if not install:
            typer.echo(line)
            return
        plain.install_crontab(line, state.db)
        console.print(f"installed in your crontab (`crontab -l` shows it); output goes to {plain.log_path(state.db)}")
        return
    units = plain.systemd_units(spec, timezone, state.db, state.config_path, workdir)
    if not install:
        for file_name, text in units.items():
            typer.echo(f"# {plain.systemd_user_dir() / file_name}\n{text}")
        typer.echo(f"# then: systemctl --user daemon-reload && systemctl --user enable --now {plain.UNIT_NAME}.timer")
        return
    written, problem = plain.install_systemd(units)
    for path in written:
        console.print(f"wrote {path}")
    if problem:
        err_console.print(f"[yellow]{problem}[/yellow]")
        console.print(f"then: systemctl --user daemon-reload && systemctl --user enable --now {plain.UNIT_NAME}.timer")
        return
    console.print(f"enabled {plain.UNIT_NAME}.timer (`systemctl --user list-timers` shows the next run; "
                  f"`journalctl --user -u {plain.UNIT_NAME}` the output)")


def _prefect_schedule(config, name: str, serve: bool, replay: Path | None = None) -> None:
    from jobleads.cli.running import quiet_prefect

    quiet_prefect()
    from flows import deploy

    api_url = deploy.prefect_api_url()
    if not api_url:
        raise UsageError(
            "PREFECT_API_URL is not set: start a server with `prefect server start`, then "
            "`export PREFECT_API_URL=http://127.0.0.1:4200/api` (or use `leads schedule --cron`/`--systemd`)"
        )
    timezone = deploy.schedule_timezone(config)
    where = f"{deploy.FLOW_NAME}/{name}: '{config.schedule.cron}' ({timezone}) on {api_url}"
    if not serve:
        deployment_id = deploy.apply_deployment(config, state.config_path, state.db, name, replay)
        console.print(f"deployment {where} is {deployment_id}; runs need `leads schedule` (serve) to execute")
        return
    console.print(f"serving {where}; keep this running (Ctrl-C stops it and pauses the schedule)")
    deploy.serve_deployment(config, state.config_path, state.db, name, replay)


@app.command()
def mcp() -> None:
    """Serve the leads to an assistant: a read-only MCP server over stdio (see the README for the client config)."""
    from jobleads.mcp_server import serve
    from warehouse.db import connect

    config = state.config()
    connect(state.db, read_only=True).close()  # a missing or foreign database: one line and exit 2, before serving
    serve(state.db, config, rescore=state.config_path.exists())


@app.command()
def dashboard(
    port: Optional[int] = typer.Option(None, "--port", min=1, max=65535,
                                       help="Port on 127.0.0.1 (default: [dashboard] port, 8501)."),
) -> None:
    """The morning page in your browser (Streamlit on 127.0.0.1): ranked leads, whom to ask, skills and pay,
    your applications, pipeline health. `?lead=LEAD_ID` opens one lead."""
    import os
    import socket
    import subprocess

    port = port or state.config().dashboard.port  # a bad config: one line and exit 2 before the server starts
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            raise UsageError(f"--port {port}: already in use on 127.0.0.1; choose another with --port") from None
    import importlib.util

    app_file = Path(importlib.util.find_spec("dashboards").origin).parent / "app.py"
    env = {**os.environ, "LEADS_DB": str(state.db.resolve()), "LEADS_CONFIG": str(state.config_path.resolve()),
           "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    address = f"http://127.0.0.1:{port}"
    console.print(f"jobleads dashboard: {address}  (database {state.db}; Ctrl-C stops it)", markup=False,
                  highlight=False)
    command = [sys.executable, "-m", "dashboards.serve", "run", str(app_file), "--server.address", "127.0.0.1",
               "--server.port", str(port), "--server.headless", "true", "--global.developmentMode", "false",
               "--browser.serverAddress", "127.0.0.1", "--server.fileWatcherType", "none",
               "--client.toolbarMode", "viewer"]
    try:
        raise typer.Exit(subprocess.call(command, env=env))
    except KeyboardInterrupt:
        raise typer.Exit(0) from None


@app.command()
def doctor(
    offline: bool = typer.Option(False, "--offline", help="Do not try to reach the sources' hosts."),
    fix: bool = typer.Option(False, "--fix", help="Make private files 0600 and their folders 0700."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table, json or csv."),
) -> None:
    """Check the config, the database (every table read), the lock, file modes, the sources' hosts and a
    configured Prefect server; say what to fix. Exit 0 only when nothing failed."""
    from dataclasses import asdict

    from jobleads.doctor import run_checks

    findings = run_checks(state.config_path, state.db, offline=offline, fix=fix)
    marks = {"ok": "ok", "warn": "warn", "fail": "FAIL"}
    emit([asdict(f) for f in findings], fmt, [
        Column("level", "", lambda v: marks.get(v, v)), Column("check", "Check"), Column("message", "Finding"),
        Column("fix", "What to do")], title="leads doctor")
    failed = [f for f in findings if f.level == "fail"]
    if fmt == Format.table:
        console.print(f"{len(failed)} problems" if failed else "all well", markup=False, highlight=False)
    if failed:
        raise typer.Exit(1)
