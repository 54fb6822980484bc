"""A Prefect API for one run of the flow: the configured server, or a private local one that dies with us.

Prefect's own fallback (an "ephemeral" server started on first use) gives up after 20 s, which a
busy 2-core machine misses, and it outlives a SIGKILLed parent. Here the local server:
- waits as long as it needs to start (`LEADS_PREFECT_STARTUP_TIMEOUT`, 300 s by default), showing why;
- runs in its own session, so a Ctrl-C meant for `leads` does not cut it off mid-report;
- gets SIGTERM from the kernel when the `leads` process dies, however it dies (PR_SET_PDEATHSIG);
- is stopped by PID when the run ends.
It keeps Prefect's own database (PREFECT_HOME), so `prefect server start` later shows these runs.
No Prefect import at module level: the CLI decides when to pay for it.
"""
from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import httpx

STARTUP_TIMEOUT_ENV = "LEADS_PREFECT_STARTUP_TIMEOUT"
DEFAULT_STARTUP_TIMEOUT = 300.0
OWNER_ENV = "JOBLEADS_SERVER_OWNER"  # set in the server's environment: whose run it serves (tests look for it)
_PR_SET_PDEATHSIG = 1


class PrefectServerError(RuntimeError):
    """The local Prefect server did not come up; the message says why and where its log is."""


def configured_api_url() -> str | None:
    """The server named by PREFECT_API_URL (environment, Prefect profile or a test harness), if any."""
    if os.environ.get("PREFECT_API_URL"):
        return os.environ["PREFECT_API_URL"]
    from prefect.settings import get_current_settings

    return get_current_settings().api.url or None


def startup_timeout() -> float:
    try:
        return float(os.environ.get(STARTUP_TIMEOUT_ENV, DEFAULT_STARTUP_TIMEOUT))
    except ValueError:
        return DEFAULT_STARTUP_TIMEOUT


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    os.setsid()
    signal.pthread_sigmask(signal.SIG_SETMASK, set())  # `leads` blocks SIGINT/SIGTERM for its watcher thread
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass  # not Linux: a SIGKILLed run may leave the server behind, as Prefect's own would


class LocalServer:
    """`uvicorn prefect.server.api.server:create_app` on 127.0.0.1, owned by this process."""

    def __init__(self, log_path: Path, port: int | None = None):
        self.port = port or free_port()
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def start(self, timeout: float, on_wait: Callable[[float], None] | None = None) -> None:
        from prefect.settings import get_current_settings

        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            **get_current_settings().to_environment_variables(exclude_unset=True),
            "PREFECT_UI_ENABLED": "0",
            "PREFECT__SERVER_EPHEMERAL": "1",  # Prefect's own ephemeral settings: no background services
            "PREFECT__SERVER_FINAL": "1",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            OWNER_ENV: str(os.getpid()),
        }
        env.pop("PREFECT_API_URL", None)
        log = os.fdopen(os.open(self.log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600), "ab")
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "--factory", "prefect.server.api.server:create_app",
                 "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning", "--lifespan", "on"],
                env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent,
            )
        finally:
            log.close()
        started = time.monotonic()
        with httpx.Client(timeout=5.0) as client:
            while True:
                waited = time.monotonic() - started
                if self.process.poll() is not None:
                    raise PrefectServerError(f"the local Prefect server exited with code {self.process.returncode} "
                                             f"while starting (its log: {self.log_path})")
                try:
                    if client.get(f"{self.api_url}/health").status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                if waited > timeout:
                    self.stop()
                    raise PrefectServerError(
                        f"the local Prefect server did not answer within {timeout:g} s (a very busy machine? "
                        f"raise {STARTUP_TIMEOUT_ENV}, or run `prefect server start` and set PREFECT_API_URL; "
                        f"its log: {self.log_path})")
                if on_wait:
                    on_wait(waited)
                time.sleep(0.2)

    def stop(self, grace: float = 5.0) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# The server of the run in progress, so that a signal handler can stop it before the process exits.
current_server: LocalServer | None = None


@contextmanager
def prefect_api(log_dir: Path, on_wait: Callable[[float], None] | None = None) -> Iterator[str]:
    """PREFECT_API_URL for the length of the block: the configured one, else a private local server."""
    global current_server
    url = configured_api_url()
    if url:
        yield url
        return
    from prefect.settings import PREFECT_API_URL, temporary_settings

    server = LocalServer(log_dir / "prefect-server.log")
    current_server = server
    try:
        server.start(startup_timeout(), on_wait)
        with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
            try:
                yield server.api_url
            finally:
                drain_prefect_workers()
    finally:
        server.stop()
        current_server = None


def drain_prefect_workers() -> None:
    """Send Prefect's buffered logs and events while the server still listens (else: "Error logging to API")."""
    import inspect

    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker
    from prefect.utilities.asyncutils import run_coro_as_sync

    async def drain() -> None:
        for drained in (APILogWorker.instance().drain, EventsWorker.drain_all):
            try:
                result = drained()
                if inspect.isawaitable(result):
                    await result
            except RuntimeError:  # a worker that never started
                pass

    run_coro_as_sync(drain())
