"""Scheduling without a Prefect server: a crontab line or a systemd user timer running `leads refresh`.

No Prefect import here: these commands only write text. The refresh they run starts its own local
Prefect server for the length of the run (flows.prefect_api), so PREFECT_API_URL is unset.
"""
from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

CRON_MARKER = "# jobleads nightly refresh"
UNIT_NAME = "jobleads-refresh"

_MACROS = {
    "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
}
_FIELDS = (("minute", 0, 59), ("hour", 0, 23), ("day of month", 1, 31), ("month", 1, 12), ("day of week", 0, 7))
_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}
_DAYS = {d: i for i, d in enumerate("sun mon tue wed thu fri sat".split())}
_SYSTEMD_DAYS = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")


class ScheduleError(ValueError):
    """The schedule in the config cannot be used; the message names the key."""


@dataclass(frozen=True)
class CronSpec:
    """A standard five-field cron expression; each field is None for `*` or the sorted values it allows."""

    expression: str
    minute: tuple[int, ...] | None
    hour: tuple[int, ...] | None
    day: tuple[int, ...] | None
    month: tuple[int, ...] | None
    weekday: tuple[int, ...] | None  # 0 = Sunday


def parse_cron(expression: str) -> CronSpec:
    text = _MACROS.get(expression.strip().lower(), expression.strip())
    parts = text.split()
    if len(parts) != 5:
        raise ScheduleError(f"schedule.cron: '{expression}' is not a five-field cron expression (e.g. '0 3 * * *')")
    values = [_parse_field(part, name, lo, hi, expression) for part, (name, lo, hi) in zip(parts, _FIELDS)]
    weekday = values[4]
    if weekday is not None:
        weekday = tuple(sorted({d % 7 for d in weekday}))
    return CronSpec(text, values[0], values[1], values[2], values[3], weekday)


def next_run(cron: CronSpec, after: datetime, timezone: str | None = None) -> datetime | None:
    """When the schedule next fires after `after` (cron's rule: with both day fields restricted, either
    matches), in the schedule's time zone; None if it never does within a year."""
    zone = ZoneInfo(timezone) if timezone else after.astimezone().tzinfo
    start = after.astimezone(zone)
    for offset in range(0, 367):
        day = (start + timedelta(days=offset)).date()
        if cron.month is not None and day.month not in cron.month:
            continue
        day_ok = cron.day is None or day.day in cron.day
        weekday_ok = cron.weekday is None or (day.isoweekday() % 7) in cron.weekday
        if not ((day_ok or weekday_ok) if cron.day is not None and cron.weekday is not None else day_ok and weekday_ok):
            continue
        for hour in cron.hour if cron.hour is not None else range(24):
            for minute in cron.minute if cron.minute is not None else range(60):
                when = datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
                if when > start:
                    return when
    return None


def _parse_field(part: str, name: str, lo: int, hi: int, expression: str) -> tuple[int, ...] | None:
    if part == "*":
        return None
    names = _MONTHS if name == "month" else _DAYS if name == "day of week" else {}
    found: set[int] = set()
    for item in part.split(","):
        body, _, step_text = item.partition("/")
        try:
            step = int(step_text) if step_text else 1
            if body == "*":
                start, end = lo, hi
            elif "-" in body:
                first, last = body.split("-", 1)
                start, end = _value(first, names), _value(last, names)
            else:
                start = _value(body, names)
                end = hi if step_text else start
        except ValueError:
            raise ScheduleError(f"schedule.cron: '{expression}': bad {name} '{part}'") from None
        if step < 1 or not (lo <= start <= end <= hi):
            raise ScheduleError(f"schedule.cron: '{expression}': {name} '{part}' is outside {lo}-{hi}")
        found.update(range(start, end + 1, step))
    return tuple(sorted(found))


def _value(text: str, names: dict[str, int]) -> int:
    return names[text.lower()] if text.lower() in names else int(text)


def check_timezone(name: str | None) -> str | None:
    if name is None:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(f"schedule.timezone: unknown time zone '{name}' (use an IANA name like Europe/Berlin)") from None
    return name


def local_timezone() -> str:
    """The machine's IANA zone name: what "03:00 local" means when the config names no zone."""
    try:
        import tzlocal

        return tzlocal.get_localzone_name() or "UTC"
    except Exception:  # noqa: BLE001 - an unreadable /etc/localtime falls back to UTC
        return "UTC"


# ----- what the scheduled job runs ---------------------------------------------------------------

def refresh_command(db_path: Path, config_path: Path) -> list[str]:
    """`leads --db ... --config ... refresh` with absolute paths, using this installation's `leads`."""
    script = Path(sys.executable).parent / "leads"
    program = [str(script)] if script.exists() else [sys.executable, "-c", "from jobleads.cli import main; main()"]
    return program + ["--db", str(Path(db_path).resolve()), "--config", str(Path(config_path).resolve()), "refresh"]


def log_path(db_path: Path) -> Path:
    return Path(db_path).resolve().parent / "refresh.log"


# ----- cron --------------------------------------------------------------------------------------

def crontab_line(cron: CronSpec, db_path: Path, config_path: Path, workdir: Path) -> str:
    """One crontab line; the marker names the database so that --install can replace its own line."""
    command = " ".join(shlex.quote(part) for part in refresh_command(db_path, config_path))
    return (
        f"{cron.expression} cd {shlex.quote(str(workdir.resolve()))} && env -u PREFECT_API_URL {command} "
        f">> {shlex.quote(str(log_path(db_path)))} 2>&1 {CRON_MARKER} ({Path(db_path).resolve()})"
    )


def install_crontab(line: str, db_path: Path) -> str:
    """Replace this database's jobleads line in the user's crontab (or add it); return the new crontab."""
    if shutil.which("crontab") is None:
        raise ScheduleError("crontab: command not found (install cron, or use `leads schedule --systemd`)")
    listed = subprocess.run(["crontab", "-l"], capture_output=True, text=True)
    current = listed.stdout if listed.returncode == 0 else ""  # "no crontab for user" is rc 1
    own = f"{CRON_MARKER} ({Path(db_path).resolve()})"
    kept = [row for row in current.splitlines() if not row.endswith(own)]
    new = "\n".join(kept + [line]) + "\n"
    written = subprocess.run(["crontab", "-"], input=new, capture_output=True, text=True)
    if written.returncode != 0:
        raise ScheduleError(f"crontab: could not install: {written.stderr.strip() or written.returncode}")
    return new


# ----- systemd -----------------------------------------------------------------------------------

def on_calendar(cron: CronSpec, timezone: str | None) -> str:
    """The systemd OnCalendar= form of a cron expression (timezone suffix when one is configured)."""
    if cron.day is not None and cron.weekday is not None:
        # cron runs when either matches, systemd only when both do: no faithful translation.
        raise ScheduleError(
            f"schedule.cron: '{cron.expression}' restricts both day of month and day of week, "
            "which systemd timers cannot express; use --cron or the Prefect schedule"
        )
    weekday = "" if cron.weekday is None else ",".join(_SYSTEMD_DAYS[d] for d in cron.weekday) + " "
    date = f"*-{_calendar_field(cron.month)}-{_calendar_field(cron.day)}"
    time = f"{_calendar_field(cron.hour)}:{_calendar_field(cron.minute)}:00"
    zone = f" {timezone}" if timezone else ""
    return f"{weekday}{date} {time}{zone}"


def _calendar_field(values: tuple[int, ...] | None) -> str:
    if values is None:
        return "*"
    runs: list[list[int]] = []
    for v in values:
        if runs and v == runs[-1][-1] + 1:
            runs[-1].append(v)
        else:
            runs.append([v])
    return ",".join(f"{r[0]:02d}..{r[-1]:02d}" if len(r) > 2 else ",".join(f"{v:02d}" for v in r) for r in runs)


def _systemd_quote(part: str) -> str:
    if part and not any(c in part for c in ' "\'\\$%;'):
        return part
    escaped = part.replace("\\", "\\\\").replace('"', '\\"').replace("$", "$$").replace("%", "%%")
    return f'"{escaped}"'


def systemd_units(cron: CronSpec, timezone: str | None, db_path: Path, config_path: Path,
                  workdir: Path) -> dict[str, str]:
    """The user service and timer, by file name."""
    command = " ".join(_systemd_quote(part) for part in refresh_command(db_path, config_path))
    service = f"""\
[Unit]
Description=jobleads nightly refresh ({Path(db_path).resolve()})
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
WorkingDirectory={_systemd_quote(str(workdir.resolve()))}
# `leads refresh` starts its own local Prefect server for the length of the run.
UnsetEnvironment=PREFECT_API_URL
ExecStart={command}
"""
    timer = f"""\
[Unit]
Description=Run the jobleads nightly refresh ({cron.expression})

[Timer]
OnCalendar={on_calendar(cron, timezone)}
# A run missed while the machine was off happens at the next boot.
Persistent=true

[Install]
WantedBy=timers.target
"""
    return {f"{UNIT_NAME}.service": service, f"{UNIT_NAME}.timer": timer}


def systemd_user_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "systemd" / "user"


def install_systemd(units: dict[str, str]) -> tuple[list[Path], str | None]:
    """Write the units and enable the timer; returns the files and, if systemctl failed, why."""
    folder = systemd_user_dir()
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in units.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    if shutil.which("systemctl") is None:
        return written, "systemctl not found: enable the timer by hand"
    for args in (["daemon-reload"], ["enable", "--now", f"{UNIT_NAME}.timer"]):
        done = subprocess.run(["systemctl", "--user", *args], capture_output=True, text=True)
        if done.returncode != 0:
            return written, f"systemctl --user {' '.join(args)}: {done.stderr.strip() or done.returncode}"
    return written, None
