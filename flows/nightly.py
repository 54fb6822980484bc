"""The nightly refresh: extract every configured source concurrently, then publish once.

Orchestration only: fetching lives in `connectors`, loading and transforms in `warehouse`.
"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from prefect import Flow, flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.states import Failed
from prefect.task_runners import ThreadPoolTaskRunner

from connectors.base import ExtractResult, SourceSpec
from connectors.extract import extract
from flows import progress
from jobleads.config import Config, load_config
from flows.notify import send_digest
from warehouse.db import connect, resolve_db_path, writer_lock
from warehouse.publish import RunSummary, new_run_id, publish

ARTIFACT_KEY = "nightly-refresh"


class SourceFailed(Exception):
    """Raised by the extract task so that Prefect shows the source's task run as failed.

    Never retried here: the HTTP client already retried what was worth retrying (one owner of
    retries, so a dead host costs `[http] attempts` requests a night, not attempts x task retries).
    """

    def __init__(self, result: ExtractResult):
        super().__init__(f"{result.label}: {result.error}")
        self.result = result


@task(name="extract-source", cache_policy=NO_CACHE, task_run_name="extract-{spec[type]}-{spec[board]}", retries=0)
def extract_source(spec: dict[str, Any], http: dict[str, Any], replay_dir: str | None,
                   validators: dict[str, str] | None, cache_dir: str | None = None) -> ExtractResult:
    result = extract(SourceSpec(**spec), http, replay_dir, validators, cache_dir=cache_dir)
    if result.status == "failed":
        raise SourceFailed(result)
    return result


@task(name="load-and-transform", cache_policy=NO_CACHE)
def load_and_transform(db_path: str, results: list[ExtractResult], config: dict[str, Any], kind: str,
                       run_id: str, started_at: datetime) -> RunSummary:
    con = connect(db_path)
    try:
        return publish(con, results, Config.model_validate(config), kind=kind, run_id=run_id,
                       started_at=started_at, on_stage=progress.current().stage)
    finally:
        con.close()


@task(name="notify", cache_policy=NO_CACHE)
def notify(summary: dict[str, Any], urls: list[str], top: int, dashboard: str | None = None) -> bool | None:
    try:
        return send_digest(summary, urls, top, dashboard)
    except Exception as exc:  # noqa: BLE001 - the run is already stored; a notifier bug must not fail it
        get_run_logger().warning("notification failed: %s: %s", type(exc).__name__, exc)
        return False


@task(name="discover-boards", cache_policy=NO_CACHE)
def discover_boards(db_path: str, config: dict[str, Any], replay_dir: str | None) -> list[dict[str, Any]]:
    """Job boards of companies new to the network (`leads discover`, bounded); never fails the run."""
    from flows.discovery import new_boards_tonight

    try:
        return new_boards_tonight(Path(db_path), Config.model_validate(config), replay_dir)
    except Exception as exc:  # noqa: BLE001 - the leads are stored already; discovery is a bonus
        get_run_logger().warning("board discovery failed: %s: %s", type(exc).__name__, exc)
        return []


def source_specs(config: Config) -> list[dict[str, Any]]:
    return [
        {"type": s.type, "board": s.board, "company": s.company, "options": s.options()}
        for s in config.sources
        if s.enabled
    ]


def remembered_validators(db_path: str) -> dict[tuple[str, str], dict[str, str]]:
    """ETag/Last-Modified from the last good fetch of each source, for conditional requests."""
    if not Path(db_path).exists():
        return {}
    con = connect(db_path)
    try:
        rows = con.execute("SELECT source, source_key, etag, last_modified FROM source_state").fetchall()
    finally:
        con.close()
    return {(s, k): {k2: v for k2, v in (("etag", e), ("last_modified", lm)) if v} for s, k, e, lm in rows}


def http_cache_dir(db_path: str) -> str:
    """Response bodies kept beside the database, so a 304 re-reads last night's listing instead of losing it."""
    return str(Path(db_path).resolve().parent / "http-cache")


def outcome(future: Any, spec: dict[str, Any]) -> ExtractResult:
    """The extract result of a finished task, failed or not; one source failing never fails the run."""
    try:
        return future.result()
    except SourceFailed as exc:
        return exc.result
    except Exception as exc:  # noqa: BLE001 - a connector bug is reported like any other failure
        return ExtractResult(source=spec["type"], source_key=spec["board"], status="failed",
                             error=f"{type(exc).__name__}: {exc}", error_kind=type(exc).__name__)


@flow(name="nightly_refresh", task_runner=ThreadPoolTaskRunner(max_workers=4), log_prints=True)
def nightly_refresh(
    config_path: str | None = None,
    db_path: str | None = None,
    replay_dir: str | None = None,
    kind: str = "refresh",
    run_id: str | None = None,
) -> dict[str, Any]:
    """Fetch every enabled source, then load and transform once under the single writer lock.

    The run ends Failed when every source failed (the summary is stored all the same), Completed
    otherwise; `runs` records the whole run, from the flow's start to the commit.
    """
    started_at = datetime.now(timezone.utc)
    run_id = run_id or new_run_id(started_at)
    logger = get_run_logger()
    config = load_config(config_path)
    db = str(resolve_db_path(db_path))
    report = progress.current()
    with writer_lock(db, "refresh", reenter=True):  # `leads refresh` took it before starting Prefect
        specs = source_specs(config)
        validators = {} if replay_dir else remembered_validators(db)
        report.sources_started(len(specs))
        futures = {
            extract_source.submit(spec, config.http.model_dump(), replay_dir,
                                  validators.get((spec["type"], spec["board"] or "")), http_cache_dir(db)): index
            for index, spec in enumerate(specs)
        }
        by_index: dict[int, ExtractResult] = {}
        for future in as_completed(list(futures)):
            index = futures[future]
            by_index[index] = result = outcome(future, specs[index])
            report.source_done(result)
            if result.status == "failed":
                logger.warning("source %s failed (%s): %s", result.label, result.error_kind, result.error)
        results = [by_index[i] for i in range(len(specs))]
        summary = load_and_transform(db, results, config.model_dump(), kind, run_id, started_at).to_json()
        summary["new_boards"] = discover_boards(db, config.model_dump(), replay_dir)
    try:
        publish_artifacts(summary)
    except Exception as exc:  # noqa: BLE001 - the run is stored in `runs` already; the UI copy is a convenience
        logger.warning("could not publish the run artifacts: %s: %s", type(exc).__name__, exc)
    if config.notify.urls:
        notify(summary, config.notify.urls, config.notify.top, f"http://127.0.0.1:{config.dashboard.port}")
    if summary["status"] == "failed":
        return Failed(message=f"every source failed ({len(summary['failures'])}): " + "; ".join(summary["failures"]),
                      data=summary)
    return summary


def configured_flow(config: Config) -> Flow:
    """`nightly_refresh` with as many concurrent extract tasks as `[http] max_workers` allows."""
    return nightly_refresh.with_options(task_runner=ThreadPoolTaskRunner(max_workers=config.http.max_workers))


def publish_artifacts(summary: dict[str, Any]) -> None:
    """The run summary in Prefect's UI: a markdown report and a per-source table."""
    create_markdown_artifact(key=ARTIFACT_KEY, markdown=summary_markdown(summary),
                             description=f"jobleads run {summary['run_id']}")
    create_table_artifact(key=f"{ARTIFACT_KEY}-sources", table=source_rows(summary),
                          description=f"per-source counts of run {summary['run_id']}")


def source_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"source": s["source"], "board": s["source_key"] or "", "status": s["status"], "fetched": s["fetched"],
         "parsed": s["parsed"], "quarantined": s["quarantined"], "pages": s["pages"], "seconds": s["seconds"],
         "error": s["error"] or ""}
        for s in summary["sources"]
    ]


def summary_markdown(summary: dict[str, Any]) -> str:
    lines = [
        f"# jobleads run `{summary['run_id']}`: {summary['status']}",
        "",
        "| new leads | closed leads | open leads | postings seen | quarantined |",
        "|---:|---:|---:|---:|---:|",
        f"| {summary['new_leads']} | {summary['closed_leads']} | {summary['open_leads']} | "
        f"{summary['postings_seen']} | {summary['quarantined']} |",
        "",
        "## Sources",
        "",
        "| source | board | status | fetched | parsed | quarantined |",
        "|---|---|---|---:|---:|---:|",
    ]
    lines += [f"| {r['source']} | {r['board']} | {r['status']} | {r['fetched']} | {r['parsed']} | {r['quarantined']} |"
              for r in source_rows(summary)]
    if summary["failures"]:
        lines += ["", "## Failures", ""] + [f"- {_md(f)}" for f in summary["failures"]]
    if summary.get("new_warm_companies"):
        lines += ["", "## New warm companies", ""] + [f"- {_md(c)}" for c in summary["new_warm_companies"]]
    if summary.get("new_boards"):
        lines += ["", "## New job boards of your network (`leads discover --add` watches them)", ""]
        lines += [f"- {_md(b['company'])}: {b['provider']} `{_md(b['token'])}`, {b['open_jobs']} open jobs"
                  for b in summary["new_boards"]]
    if summary.get("top_new_leads"):
        lines += ["", "## Top new leads", ""]
        lines += [f"- {lead['score']:.2f} {_md(lead['title'])} at {_md(lead['company'])}"
                  for lead in summary["top_new_leads"]]
    return "\n".join(lines) + "\n"


def _md(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")
