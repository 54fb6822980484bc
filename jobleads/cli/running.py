"""Running the nightly flow from a terminal: the lock first, a Prefect API, progress, clean stops.

`leads refresh` and `leads demo` come through here (the scheduled deployment runs the flow itself).
Order matters: the writer lock is taken before Prefect is even imported, so a second refresh is
refused at once; SIGINT/SIGTERM are taken by a watcher thread, so a stop request is honoured
within seconds even while the main thread waits in DuckDB or on a socket.
"""
from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from jobleads.cli.output import err_console
from warehouse.db import reader, writer_lock

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
DEBUG_ENV = "LEADS_DEBUG"


class RunError(Exception):
    """The run ended without storing anything (a crash, a server that never came up); exit 1."""


def debug_enabled() -> bool:
    return os.environ.get(DEBUG_ENV, "") not in ("", "0", "false", "no")


def quiet_prefect() -> None:
    """Prefect settings jobleads wants unless the user set them: no telemetry."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")


def route_prefect_logs(log_file: Path) -> None:
    """Prefect's console output (state changes, handled task failures with tracebacks) goes to a file.

    The terminal gets jobleads' own lines; `--debug` (or LEADS_DEBUG=1) keeps Prefect's console too.
    """
    if debug_enabled():
        return
    log_file.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(log_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600))  # run logs are the user's alone
    handler = logging.FileHandler(log_file, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    for name in ("", "prefect", "prefect._internal", "prefect.flow_runs", "prefect.task_runs", "uvicorn", "fastapi"):
        logger = logging.getLogger(name)
        for old in list(logger.handlers):
            if isinstance(old, logging.StreamHandler) and not isinstance(old, logging.FileHandler):
                logger.removeHandler(old)
        if name in ("", "prefect._internal", "uvicorn", "fastapi"):  # the others propagate to the root
            logger.addHandler(handler)


class RunDisplay:
    """Progress of one run: a live display on a terminal, plain lines on stderr when piped."""

    def __init__(self, live: bool | None = None, plain_lines: bool = True):
        self.live = err_console.is_terminal if live is None else live
        self.quiet = not self.live and not plain_lines  # e.g. `leads import` piped: its summary line says it all
        self.total = 0
        self.done = 0
        self.parsed = 0
        self.failed = 0
        self._lock = threading.Lock()
        self._progress = Progress(
            SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[detail]}"), TimeElapsedColumn(),
            console=err_console, transient=True,
        ) if self.live else None
        self._task = None
        self._last_wait_note = 0.0

    def __enter__(self) -> RunDisplay:
        if self._progress is not None:
            self._progress.start()
            self._task = self._progress.add_task("starting", total=None, detail="")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def _show(self, description: str, detail: str = "", total: int | None = None, completed: int | None = None) -> None:
        if self._progress is not None:
            self._progress.update(self._task, description=description, detail=detail, total=total, completed=completed)

    def note(self, text: str) -> None:
        """A stage of the run outside the flow (starting Prefect ...)."""
        if self.quiet:
            return
        if self.live:
            self._show(text)
        else:
            err_console.print(text, markup=False, highlight=False)

    def waiting_for_server(self, seconds: float) -> None:
        if self.quiet:
            return
        if self.live:
            self._show(f"starting Prefect's local server ({seconds:.0f} s)")
        elif seconds - self._last_wait_note >= 15:
            self._last_wait_note = seconds
            err_console.print(f"still starting Prefect's local server ({seconds:.0f} s)", highlight=False)

    # flows.progress.Reporter
    def sources_started(self, total: int) -> None:
        if self.quiet:
            return
        self.total = total
        if self.live:
            self._show("fetching sources", "0 postings", total=total, completed=0)
        else:
            err_console.print(f"fetching {total} source{'s' if total != 1 else ''}", highlight=False)

    def source_done(self, result: Any) -> None:
        if self.quiet:
            return
        with self._lock:
            self.done += 1
            self.parsed += result.parsed
            self.failed += result.status == "failed"
            detail = f"{self.parsed} postings" + (f", {self.failed} failed" if self.failed else "")
            if self.live:
                self._show("fetching sources", detail, total=self.total, completed=self.done)
            else:
                what = "failed" if result.status == "failed" else f"{result.parsed} postings"
                err_console.print(f"[{self.done}/{self.total}] {result.label}: {what}", markup=False, highlight=False)

    def read_file(self, parsed: int) -> None:
        """A file's postings read (`leads import`): the load stages after it show how many."""
        self.parsed = parsed
        self.note(f"read {parsed} postings")

    def stage(self, name: str) -> None:
        if self.quiet:
            return
        if name == "done":
            return
        if self.live:
            self._show(f"load: {name}", f"{self.parsed} postings")
        else:
            err_console.print(f"load: {name}", highlight=False)


@contextmanager
def stop_on_signal(on_stop: Callable[[int], None]) -> Iterator[None]:
    """Take SIGINT/SIGTERM in a watcher thread, wherever the main thread is blocked.

    The signals are blocked in this thread before any worker thread or child process exists, so
    they all inherit the mask and the kernel hands the signal to the watcher's sigtimedwait.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    finished = threading.Event()

    def watch() -> None:
        while not finished.is_set():
            caught = signal.sigtimedwait(STOP_SIGNALS, 0.2)
            if caught is not None:
                on_stop(caught.si_signo)

    watcher = threading.Thread(target=watch, name="leads-stop-signals", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        finished.set()
        watcher.join()
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def stop_now(signum: int) -> None:
    """Stop the run at once: the publish transaction never commits, so the database stays as it was."""
    from flows import prefect_api

    name = signal.Signals(signum).name
    err_console.print(f"leads: {name}: run stopped; the database is as it was before this run", highlight=False)
    server = prefect_api.current_server
    if server is not None:
        server.stop(grace=3.0)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(128 + signum)


def run_flow(config_path: Path, db_path: Path, replay_dir: str | None, kind: str,
             on_stop: Callable[[int], None] = stop_now) -> dict:
    """Run `nightly_refresh` here and return the run's stored summary."""
    log_dir = Path(db_path).resolve().parent
    with writer_lock(db_path, "refresh"), stop_on_signal(on_stop), RunDisplay() as display:
        display.note("loading Prefect")
        quiet_prefect()
        from flows.nightly import configured_flow
        from flows.prefect_api import PrefectServerError, prefect_api
        from flows.progress import reporting
        from jobleads.config import load_config
        from warehouse.publish import new_run_id

        route_prefect_logs(log_dir / "prefect.log")
        run_id = new_run_id(datetime.now(timezone.utc))
        started = time.monotonic()
        try:
            with prefect_api(log_dir, on_wait=display.waiting_for_server), reporting(display):
                state = configured_flow(load_config(config_path))(
                    config_path=str(config_path), db_path=str(db_path), replay_dir=replay_dir, kind=kind,
                    run_id=run_id, return_state=True,
                )
        except PrefectServerError as exc:
            raise RunError(str(exc)) from None
    summary = None
    if Path(db_path).exists():
        from warehouse.queries import stored_run_summary

        with reader(db_path) as con:
            summary = stored_run_summary(con, run_id)
    if summary is None:
        where = "" if debug_enabled() else f" (details: {log_dir / 'prefect.log'})"
        raise RunError(f"run {run_id} stored nothing after {time.monotonic() - started:.0f} s: "
                       f"{state.message or state.type.value}{where}")
    return summary
