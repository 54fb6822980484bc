"""`leads doctor`: is everything jobleads needs in order, and if not, what to do about it.

Each check returns findings: ok, warn (works, but look at it) or fail (something is broken; the command
exits 1). Checks: the config, the database (every table read through, so a damaged block shows), its
schema version and the read copy, who holds the writer lock, the modes of every private file, each
configured source's host (skipped with --offline), and a configured Prefect server with its schedule.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from jobleads.config import Config, ConfigError, load_config

DEPLOYMENT = "nightly_refresh/nightly"


@dataclass
class Finding:
    check: str
    level: str  # ok | warn | fail
    message: str
    fix: str = ""


def check_config(path: Path) -> tuple[list[Finding], Config | None]:
    if not path.exists():
        return [Finding("config", "warn", f"{path}: no config file; the defaults are used (no sources, no profile)",
                        "leads init, then edit the profile and [[sources]]")], Config()
    try:
        config = load_config(path, required=True)
    except ConfigError as exc:
        return [Finding("config", "fail", str(exc), f"edit {path} (leads init shows a commented example)")], None
    notes = [] if config.sources else [Finding("config", "warn", f"{path}: no [[sources]]: a refresh fetches nothing",
                                               "add [[sources]] (see README: Sources)")]
    return [Finding("config", "ok", f"{path}: valid, {len(config.sources)} sources"), *notes], config


def check_database(db: Path) -> list[Finding]:
    import duckdb

    from warehouse.db import (
        duplicate_keys, read_copy_is_current, read_copy_path, schema_is_current, storage_problem, writer_active,
    )

    if not db.exists():
        return [Finding("database", "warn", f"{db}: no database yet", "leads demo, leads import or leads refresh")]
    if db.is_dir():
        return [Finding("database", "fail", f"{db}: is a folder, not a database file", "give --db a file")]
    writer = writer_active(db)
    if writer:
        return [Finding("database", "warn", f"{db}: a refresh (pid {writer}) is writing it now; not checked",
                        "run leads doctor again when it finishes")]
    findings = []
    try:
        con = duckdb.connect(str(db), read_only=True)
        try:
            current = schema_is_current(con)
            if not current:
                findings.append(Finding("database", "warn", f"{db}: made by an older jobleads (schema not current)",
                                        "any command that writes (leads import, leads refresh) upgrades it"))
            tables = [r[0] for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'").fetchall()]
            rows = 0
            for table in tables:  # every block of every table is read, so a damaged one shows here
                rows += con.execute(f'SELECT count(*), bit_xor(hash(t)) FROM "{table}" t').fetchone()[0]
            doubled = duplicate_keys(con) if current else {}  # an older schema may still carry the keys
        finally:
            con.close()
    except duckdb.Error as exc:
        return [Finding("database", "fail", storage_problem(exc, db) or f"{db}: {exc}",
                        f"restore {db} from a backup; {read_copy_path(db)} holds the last published state")]
    findings.insert(0, Finding("database", "ok", f"{db}: {len(tables)} tables, {rows:,} rows read without error"))
    for table, count in doubled.items():
        findings.append(Finding("database", "fail", f"{db}: {count:,} {'key' if count == 1 else 'keys'} of {table} "
                                f"{'names' if count == 1 else 'name'} more than one row",
                                "a bug in jobleads wrote them: report it with the output of leads doctor -f json"))
    if not read_copy_is_current(db):
        findings.append(Finding("database", "warn", f"{read_copy_path(db)}: not the latest state",
                                "any read (leads top) publishes it again"))
    return findings


def check_lock(db: Path) -> list[Finding]:
    from warehouse.db import writer_active

    writer = writer_active(db)
    if writer:
        return [Finding("lock", "warn", f"pid {writer} holds the writer lock (a refresh or import is running)",
                        "wait for it; a killed process frees the lock by itself")]
    return [Finding("lock", "ok", "no process holds the writer lock")]


def private_paths(db: Path) -> list[Path]:
    """jobleads' own files beside the database: the file, its WAL, lock, read copy and stamp, queued
    statuses, the HTTP cache and the run logs (other files in a shared folder are not ours to judge)."""
    folder = db.parent
    if not folder.exists():
        return []
    ours = [p for p in folder.iterdir() if p.name == db.name or p.name.startswith((db.name + ".", db.stem + ".read"))
            or p.name in ("http-cache", "prefect.log", "prefect-server.log")]
    inside = [q for p in ours if p.is_dir() for q in p.rglob("*")]
    return sorted(ours + inside)


def check_modes(db: Path, fix: bool = False) -> list[Finding]:
    loose = []
    folder_mode = stat.S_IMODE(db.parent.stat().st_mode) if db.parent.exists() else 0o700
    notes = []
    if folder_mode & 0o077 and db.parent.name == "data":
        if fix:
            os.chmod(db.parent, 0o700)
        else:
            notes.append(Finding("files", "warn", f"{db.parent}: folder readable by others ({oct(folder_mode)[2:]})",
                                 "leads doctor --fix makes it 0700"))
    for path in private_paths(db):
        mode = stat.S_IMODE(path.stat().st_mode)
        wanted = 0o700 if path.is_dir() else 0o600
        if mode & 0o077:
            if fix:
                os.chmod(path, wanted)
            else:
                loose.append(f"{path} ({oct(mode)[2:]})")
    if loose:
        shown = ", ".join(loose[:5]) + (f" and {len(loose) - 5} more" if len(loose) > 5 else "")
        return [Finding("files", "fail", f"readable by others: {shown}",
                        "leads doctor --fix makes them 0600 (folders 0700)"), *notes]
    return [Finding("files", "ok", f"{db.name} and its files: 0600, folders 0700" + (" (fixed)" if fix else "")),
            *notes]


def check_sources(config: Config, timeout: float = 10.0) -> list[Finding]:
    import httpx

    from connectors import make_source
    from connectors.base import SourceSpec
    from connectors.errors import SourceError

    findings = []
    hosts: dict[str, list[str]] = {}
    for source in config.sources:
        if not source.enabled:
            continue
        try:
            url = make_source(SourceSpec(type=source.type, board=source.board, company=source.company,
                                         options=source.options())).url()
        except (SourceError, KeyError, ValueError) as exc:
            findings.append(Finding("sources", "fail", f"{source.type}:{source.board}: {exc}", "check its [[sources]] entry"))
            continue
        parts = urlsplit(url)
        hosts.setdefault(f"{parts.scheme}://{parts.netloc}", []).append(f"{source.type}:{source.board or ''}")
    with httpx.Client(timeout=timeout, follow_redirects=True) as client:
        for host, labels in hosts.items():
            try:
                answer = client.head(host)
                findings.append(Finding("sources", "ok", f"{host} answers (HTTP {answer.status_code}) for {', '.join(labels)}"))
            except httpx.HTTPError as exc:
                findings.append(Finding("sources", "fail", f"{host} unreachable ({type(exc).__name__}) for "
                                        f"{', '.join(labels)}", "check the network, a proxy, or the board's name"))
    return findings or [Finding("sources", "ok", "no enabled sources to reach")]


def check_prefect() -> list[Finding]:
    import httpx

    api = os.environ.get("PREFECT_API_URL")
    if not api:
        return [Finding("prefect", "ok", "no PREFECT_API_URL: each refresh starts its own local server; "
                        "a schedule needs `prefect server start` and PREFECT_API_URL (README: Scheduling)")]
    api = api.rstrip("/")
    try:
        with httpx.Client(timeout=10.0) as client:
            client.get(f"{api}/health").raise_for_status()
            deployment = client.get(f"{api}/deployments/name/{DEPLOYMENT}")
            if deployment.status_code == 404:
                return [Finding("prefect", "warn", f"{api}: up, but no deployment {DEPLOYMENT}",
                                "leads schedule creates it and serves its runs")]
            deployment.raise_for_status()
            found = deployment.json()
            upcoming = client.post(f"{api}/flow_runs/filter", json={
                "deployments": {"id": {"any_": [found["id"]]}},
                "flow_runs": {"state": {"type": {"any_": ["SCHEDULED"]}}}, "limit": 5}).json()
    except (httpx.HTTPError, ValueError, KeyError) as exc:
        return [Finding("prefect", "fail", f"{api}: {type(exc).__name__}: {exc}",
                        "start it (`prefect server start`) or unset PREFECT_API_URL")]
    if found.get("paused") or not found.get("schedules"):
        return [Finding("prefect", "warn", f"{DEPLOYMENT}: paused or without a schedule", "run leads schedule")]
    if not upcoming:
        return [Finding("prefect", "fail", f"{DEPLOYMENT}: no scheduled run: the server's scheduler creates none",
                        "check the server's log (a SQLAlchemy 2.1 install stops Prefect 3.8's scheduler)")]
    return [Finding("prefect", "ok", f"{api}: up; {DEPLOYMENT} has {len(upcoming)} runs scheduled")]


def run_checks(config_path: Path, db: Path, offline: bool = False, fix: bool = False) -> list[Finding]:
    findings, config = check_config(config_path)
    findings += check_database(db)
    findings += check_lock(db)
    findings += check_modes(db, fix)
    if config is not None and not offline:
        findings += check_sources(config)
    elif offline:
        findings.append(Finding("sources", "ok", "not checked (--offline)"))
    findings += check_prefect()
    return findings
