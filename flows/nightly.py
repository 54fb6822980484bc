"""The nightly refresh: extract every configured source concurrently, then publish once."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from connectors.base import ExtractResult, SourceSpec
from connectors.extract import extract
from jobleads.config import Config, load_config
from warehouse.db import connect, resolve_db_path, writer_lock
from warehouse.publish import RunSummary, publish


@task(name="extract-source", cache_policy=NO_CACHE, task_run_name="extract-{spec[type]}-{spec[board]}")
def extract_source(spec: dict[str, Any], http: dict[str, Any], replay_dir: str | None,
                   validators: dict[str, str] | None) -> ExtractResult:
    return extract(SourceSpec(**spec), http, replay_dir, validators)


@task(name="load-and-transform", cache_policy=NO_CACHE)
def load_and_transform(db_path: str, results: list[ExtractResult], config: dict[str, Any], kind: str) -> RunSummary:
    con = connect(db_path)
    try:
        return publish(con, results, Config.model_validate(config), kind=kind)
    finally:
        con.close()


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


@flow(name="nightly_refresh", task_runner=ThreadPoolTaskRunner(max_workers=4), log_prints=True)
def nightly_refresh(
    config_path: str | None = None,
    db_path: str | None = None,
    replay_dir: str | None = None,
    kind: str = "refresh",
) -> dict[str, Any]:
    """Fetch every enabled source, then load and transform once under the single writer lock."""
    config = load_config(config_path)
    db = str(resolve_db_path(db_path))
    with writer_lock(db, "refresh"):
        specs = source_specs(config)
        validators = {} if replay_dir else remembered_validators(db)
        futures = [
            extract_source.submit(spec, config.http.model_dump(), replay_dir,
                                  validators.get((spec["type"], spec["board"] or "")))
            for spec in specs
        ]
        results = [f.result() for f in futures]
        summary = load_and_transform(db, results, config.model_dump(), kind)
    return summary.to_json()
