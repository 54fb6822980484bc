"""The nightly refresh: extract every configured source concurrently, then publish once.

Orchestration only: fetching lives in `connectors`, loading and transforms in `warehouse`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import Flow, flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.tasks import exponential_backoff

from connectors.base import ExtractResult, SourceSpec
from connectors.extract import extract
from jobleads.config import Config, load_config
from jobleads.notify import send_digest
from warehouse.db import connect, resolve_db_path, writer_lock
from warehouse.publish import RunSummary, publish

# Failures worth another attempt later in the run: the host was down or sent a broken body.
# A SourceConfigError (404, 401, 403 ...) will fail the same way however often it is tried.
RETRYABLE_KINDS = frozenset({"SourceUnavailable", "BadPayload"})
DEFAULT_TASK_RETRIES = 2
DEFAULT_RETRY_DELAY_SECONDS = 30.0
RETRY_JITTER_FACTOR = 0.5
ARTIFACT_KEY = "nightly-refresh"


class SourceFailed(Exception):
    """Raised by the extract task so Prefect records (and maybe retries) a failed source."""

    def __init__(self, result: ExtractResult):
        super().__init__(f"{result.label}: {result.error}")
        self.result = result

    @property
    def retryable(self) -> bool:
        return self.result.error_kind in RETRYABLE_KINDS


def retry_unless_config_error(task: Any, task_run: Any, state: Any) -> bool:
    """Prefect retry condition: retry sources that were unavailable, never configuration errors or bugs."""
    try:
        state.result()
    except SourceFailed as exc:
        return exc.retryable
    except Exception:  # noqa: BLE001 - a bug in a connector does not go away on retry
        return False
    return False


@task(
    name="extract-source",
    cache_policy=NO_CACHE,
    task_run_name="extract-{spec[type]}-{spec[board]}",
    retries=DEFAULT_TASK_RETRIES,
    retry_delay_seconds=exponential_backoff(backoff_factor=DEFAULT_RETRY_DELAY_SECONDS),
    retry_jitter_factor=RETRY_JITTER_FACTOR,
    retry_condition_fn=retry_unless_config_error,
)
def extract_source(spec: dict[str, Any], http: dict[str, Any], replay_dir: str | None,
                   validators: dict[str, str] | None, cache_dir: str | None = None) -> ExtractResult:
    result = extract(SourceSpec(**spec), http, replay_dir, validators, cache_dir=cache_dir)
    if result.status == "failed":
        raise SourceFailed(result)
    return result


@task(name="load-and-transform", cache_policy=NO_CACHE)
def load_and_transform(db_path: str, results: list[ExtractResult], config: dict[str, Any], kind: str) -> RunSummary:
    con = connect(db_path)
    try:
        return publish(con, results, Config.model_validate(config), kind=kind)
    finally:
        con.close()


@task(name="notify", cache_policy=NO_CACHE)
def notify(summary: dict[str, Any], urls: list[str], top: int) -> bool | None:
    try:
        return send_digest(summary, urls, top)
    except Exception as exc:  # noqa: BLE001 - the run is already stored; a notifier bug must not fail it
        get_run_logger().warning("notification failed: %s: %s", type(exc).__name__, exc)
        return False


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
    retries: int = DEFAULT_TASK_RETRIES,
    retry_delay_seconds: float = DEFAULT_RETRY_DELAY_SECONDS,
) -> dict[str, Any]:
    """Fetch every enabled source, then load and transform once under the single writer lock.

    `retries` and `retry_delay_seconds` shape the extract tasks' retries (exponential backoff with
    jitter from that first delay); tests set the delay to 0.
    """
    logger = get_run_logger()
    config = load_config(config_path)
    db = str(resolve_db_path(db_path))
    with writer_lock(db, "refresh"):
        specs = source_specs(config)
        validators = {} if replay_dir else remembered_validators(db)
        extract_task = extract_source.with_options(
            retries=retries,
            retry_delay_seconds=exponential_backoff(backoff_factor=retry_delay_seconds) if retries else 0,
        )
        futures = [
            extract_task.submit(spec, config.http.model_dump(), replay_dir,
                                validators.get((spec["type"], spec["board"] or "")), http_cache_dir(db))
            for spec in specs
        ]
        results = [outcome(future, spec) for future, spec in zip(futures, specs)]
        for failed in (r for r in results if r.status == "failed"):
            logger.warning("source %s failed (%s): %s", failed.label, failed.error_kind, failed.error)
        summary = load_and_transform(db, results, config.model_dump(), kind).to_json()
    try:
        publish_artifacts(summary)
    except Exception as exc:  # noqa: BLE001 - the run is stored in `runs` already; the UI copy is a convenience
        logger.warning("could not publish the run artifacts: %s: %s", type(exc).__name__, exc)
    if config.notify.urls:
        notify(summary, config.notify.urls, config.notify.top)
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
    if summary.get("top_new_leads"):
        lines += ["", "## Top new leads", ""]
        lines += [f"- {lead['score']:.2f} {_md(lead['title'])} at {_md(lead['company'])}"
                  for lead in summary["top_new_leads"]]
    return "\n".join(lines) + "\n"


def _md(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")
