"""Scheduling: the Prefect deployment (read back from the harness server), cron and systemd."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from flows.schedule import (
    CRON_MARKER,
    ScheduleError,
    crontab_line,
    on_calendar,
    parse_cron,
    systemd_units,
)
from tests.conftest import ROOT

CONFIG = """\
[[sources]]
type = "greenhouse"
board = "orbitlabs"

[schedule]
cron = "15 4 * * 1-5"
timezone = "Europe/Berlin"
"""


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    path = tmp_path / "leads.toml"
    path.write_text(CONFIG)
    return path


def read_deployment(name: str):
    from prefect import get_client
    from prefect.utilities.asyncutils import run_coro_as_sync

    async def read():
        async with get_client() as client:
            return await client.read_deployment_by_name(f"nightly_refresh/{name}")

    return run_coro_as_sync(read())


# ----- Prefect-native ---------------------------------------------------------------------------

@pytest.mark.flow
def test_deployment_exists_with_cron_timezone_and_parameters(prefect_harness, config_path, db_path):
    from flows.deploy import apply_deployment
    from jobleads.config import load_config

    apply_deployment(load_config(config_path), config_path, db_path, name="nightly-test")
    deployment = read_deployment("nightly-test")

    assert [(s.schedule.cron, s.schedule.timezone) for s in deployment.schedules] == [("15 4 * * 1-5", "Europe/Berlin")]
    assert deployment.parameters == {"config_path": str(config_path.resolve()), "db_path": str(db_path.resolve()),
                                     "kind": "refresh"}
    assert deployment.entrypoint == "flows.nightly.nightly_refresh"


@pytest.mark.flow
def test_schedule_command_updates_the_deployment_in_place(prefect_harness, config_path, db_path):
    from jobleads.cli import app

    args = ["--db", str(db_path), "--config", str(config_path), "schedule", "--no-serve", "--name", "nightly-cli"]
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output
    created = read_deployment("nightly-cli")

    config_path.write_text(CONFIG.replace('cron = "15 4 * * 1-5"', 'cron = "0 3 * * *"')
                           .replace('timezone = "Europe/Berlin"', ""))
    second = CliRunner().invoke(app, args)
    assert second.exit_code == 0, second.output
    updated = read_deployment("nightly-cli")

    from flows.schedule import local_timezone

    assert updated.id == created.id
    assert [(s.schedule.cron, s.schedule.timezone) for s in updated.schedules] == [("0 3 * * *", local_timezone())]


def test_schedule_refuses_without_a_prefect_server(tmp_path, config_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")  # no profile naming a server either
    done = subprocess.run([sys.executable, "-c", "from jobleads.cli import main; main()",
                           "--config", str(config_path), "schedule"],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert done.returncode == 2
    assert "PREFECT_API_URL is not set" in done.stderr and "prefect server start" in done.stderr


def test_prefect_yaml_deploys_the_nightly_flow_with_valid_parameters():
    from flows.nightly import nightly_refresh

    spec = yaml.safe_load((ROOT / "prefect.yaml").read_text())
    (deployment,) = spec["deployments"]
    module, _, attribute = deployment["entrypoint"].partition(":")
    assert (ROOT / module).exists() and attribute == nightly_refresh.fn.__name__
    assert set(deployment["parameters"]) <= set(nightly_refresh.parameters.properties)
    (schedule,) = deployment["schedules"]
    assert parse_cron(schedule["cron"]).hour == (3,)


# ----- cron expressions and systemd calendars ---------------------------------------------------

def test_parse_cron_fields_names_steps_and_macros():
    spec = parse_cron("*/20 3,15 * jan-mar mon-fri")
    assert spec.minute == (0, 20, 40) and spec.hour == (3, 15) and spec.day is None
    assert spec.month == (1, 2, 3) and spec.weekday == (1, 2, 3, 4, 5)
    assert parse_cron("@daily").expression == "0 0 * * *"
    assert parse_cron("0 3 * * 7").weekday == (0,)  # 7 is Sunday too


@pytest.mark.parametrize("bad", ["0 3 * *", "61 3 * * *", "0 24 * * *", "x 3 * * *", "0 3 * * */0"])
def test_parse_cron_rejects_with_the_key_named(bad):
    with pytest.raises(ScheduleError, match="schedule.cron"):
        parse_cron(bad)


def test_on_calendar_translations():
    assert on_calendar(parse_cron("0 3 * * *"), None) == "*-*-* 03:00:00"
    assert on_calendar(parse_cron("30 2 * * 1-5"), "Europe/Berlin") == "Mon,Tue,Wed,Thu,Fri *-*-* 02:30:00 Europe/Berlin"
    assert on_calendar(parse_cron("*/15 8-18 1 * *"), None) == "*-*-01 08..18:00,15,30,45:00"
    with pytest.raises(ScheduleError, match="day of month and day of week"):
        on_calendar(parse_cron("0 3 1 * 1"), None)


def test_crontab_line_runs_refresh_in_ephemeral_mode(tmp_path):
    line = crontab_line(parse_cron("0 3 * * *"), tmp_path / "my data" / "leads.duckdb", tmp_path / "leads.toml", tmp_path)
    assert line.startswith("0 3 * * * cd ")
    assert "env -u PREFECT_API_URL" in line and " refresh >> " in line
    assert f"'{tmp_path / 'my data' / 'leads.duckdb'}'" in line  # quoted: the path has a space
    assert CRON_MARKER in line


def test_systemd_units_name_the_refresh_and_the_calendar(tmp_path):
    units = systemd_units(parse_cron("0 3 * * *"), "Europe/Berlin", tmp_path / "leads.duckdb",
                          tmp_path / "leads.toml", tmp_path)
    service, timer = units["jobleads-refresh.service"], units["jobleads-refresh.timer"]
    assert "UnsetEnvironment=PREFECT_API_URL" in service
    assert f"--db {tmp_path / 'leads.duckdb'}" in service and service.rstrip().endswith("refresh")
    assert "OnCalendar=*-*-* 03:00:00 Europe/Berlin" in timer and "Persistent=true" in timer


# ----- installing, through stand-ins for crontab and systemctl on PATH ---------------------------

@pytest.fixture
def fake_bin(tmp_path, monkeypatch) -> Path:
    """`crontab` keeping its table in a file and `systemctl` logging its arguments."""
    folder = tmp_path / "bin"
    folder.mkdir()
    table = tmp_path / "crontab.txt"
    (folder / "crontab").write_text(
        f'#!/bin/sh\nif [ "$1" = "-l" ]; then [ -f "{table}" ] || {{ echo "no crontab for you" >&2; exit 1; }}; '
        f'cat "{table}"; else cat > "{table}"; fi\n')
    (folder / "systemctl").write_text(f'#!/bin/sh\necho "$@" >> "{tmp_path / "systemctl.log"}"\n')
    for tool in folder.iterdir():
        tool.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    return tmp_path


def test_cron_install_adds_one_line_and_replaces_it_on_reinstall(fake_bin, config_path, db_path):
    from jobleads.cli import app

    (fake_bin / "crontab.txt").write_text("MAILTO=me\n5 * * * * backup.sh\n")
    args = ["--db", str(db_path), "--config", str(config_path), "schedule", "--cron", "--install"]
    assert CliRunner().invoke(app, args).exit_code == 0
    config_path.write_text(CONFIG.replace("15 4 * * 1-5", "45 1 * * *"))
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output

    rows = (fake_bin / "crontab.txt").read_text().splitlines()
    assert rows[:2] == ["MAILTO=me", "5 * * * * backup.sh"]  # the user's own lines stay
    assert len(rows) == 3 and rows[2].startswith("45 1 * * * ") and CRON_MARKER in rows[2]


def test_cron_install_starts_an_empty_crontab(fake_bin, config_path, db_path):
    from jobleads.cli import app

    result = CliRunner().invoke(app, ["--db", str(db_path), "--config", str(config_path), "schedule", "--cron",
                                      "--install"])
    assert result.exit_code == 0, result.output
    assert (fake_bin / "crontab.txt").read_text().startswith("15 4 * * 1-5 cd ")


def test_systemd_install_writes_units_and_enables_the_timer(fake_bin, config_path, db_path):
    from jobleads.cli import app

    result = CliRunner().invoke(app, ["--db", str(db_path), "--config", str(config_path), "schedule", "--systemd",
                                      "--install"])
    assert result.exit_code == 0, result.output
    units = fake_bin / "xdg" / "systemd" / "user"
    assert "Europe/Berlin" in (units / "jobleads-refresh.timer").read_text()
    assert (units / "jobleads-refresh.service").exists()
    assert (fake_bin / "systemctl.log").read_text().splitlines() == [
        "--user daemon-reload", "--user enable --now jobleads-refresh.timer"]


def test_bad_cron_in_config_is_a_usage_error(config_path):
    from jobleads.cli import app
    from jobleads.cli.state import UsageError

    config_path.write_text(CONFIG.replace("15 4 * * 1-5", "every night"))
    result = CliRunner().invoke(app, ["--config", str(config_path), "schedule", "--cron"])
    assert isinstance(result.exception, UsageError)
    assert "schedule.cron" in str(result.exception) and str(config_path) in str(result.exception)
