"""The Prefect-native schedule: a deployment of `nightly_refresh` served from this machine.

`leads schedule` builds the deployment from the config's `[schedule]` (cron + time zone), creates or
updates it on the Prefect server named by PREFECT_API_URL, and serves it. Serving against the
ephemeral server would schedule nothing (it stops with the process), hence the server requirement.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import UUID

from prefect.deployments.runner import EntrypointType, RunnerDeployment
from prefect.schedules import Cron

from flows.nightly import configured_flow
from flows.prefect_api import configured_api_url as prefect_api_url  # noqa: F401 - the CLI asks here
from flows.schedule import check_timezone, local_timezone, parse_cron
from jobleads.config import Config

DEPLOYMENT_NAME = "nightly"
FLOW_NAME = "nightly_refresh"


def schedule_timezone(config: Config) -> str:
    return check_timezone(config.schedule.timezone) or local_timezone()


def deployment_parameters(config_path: Path, db_path: Path, replay_dir: Path | None = None) -> dict[str, Any]:
    # Absolute: the served runs may start from another working directory.
    parameters = {"config_path": str(Path(config_path).resolve()), "db_path": str(Path(db_path).resolve()),
                  "kind": "refresh"}
    if replay_dir is not None:  # tests and demos: scheduled runs read recorded responses
        parameters["replay_dir"] = str(Path(replay_dir).resolve())
    return parameters


def build_deployment(config: Config, config_path: Path, db_path: Path,
                     name: str = DEPLOYMENT_NAME, replay_dir: Path | None = None) -> RunnerDeployment:
    cron = parse_cron(config.schedule.cron)  # one error message for every way of scheduling
    return configured_flow(config).to_deployment(
        name=name,
        schedules=[Cron(cron.expression, timezone=schedule_timezone(config))],
        parameters=deployment_parameters(config_path, db_path, replay_dir),
        description="jobleads nightly refresh: fetch every configured source, rebuild leads and scores.",
        tags=["jobleads"],
        concurrency_limit=1,  # runs of one database never overlap (the writer lock would refuse anyway)
        entrypoint_type=EntrypointType.MODULE_PATH,
    )


def apply_deployment(config: Config, config_path: Path, db_path: Path, name: str = DEPLOYMENT_NAME,
                     replay_dir: Path | None = None) -> UUID:
    """Create or update the deployment (same flow and name: updated in place) without serving it."""
    return build_deployment(config, config_path, db_path, name, replay_dir).apply()


def serve_deployment(config: Config, config_path: Path, db_path: Path, name: str = DEPLOYMENT_NAME,
                     replay_dir: Path | None = None) -> None:
    """Create or update the deployment and run its scheduled runs here until interrupted."""
    from prefect import serve

    serve(build_deployment(config, config_path, db_path, name, replay_dir), print_starting_message=True)
