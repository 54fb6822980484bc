"""The single-writer lock: a second refresh is refused at once, a killed run's lock is taken over."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from warehouse.db import WarehouseBusy, lock_path, read_lock_holder, writer_lock

HOLDER = """
import sys, time
from warehouse.db import writer_lock
with writer_lock(sys.argv[1], "refresh"):
    print("locked", flush=True)
    time.sleep(120)
"""


@pytest.fixture
def held_lock(db_path):
    """Another process holding the writer lock, as a running refresh does."""
    process = subprocess.Popen([sys.executable, "-c", HOLDER, str(db_path)], stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "locked"
    yield process
    if process.poll() is None:
        process.kill()
    process.wait(timeout=10)


def test_busy_lock_names_the_holder(db_path, held_lock):
    with pytest.raises(WarehouseBusy, match=rf"another refresh is running \(pid {held_lock.pid}\)"):
        with writer_lock(db_path, "refresh"):
            pass


def test_lock_of_a_killed_run_is_taken_over(db_path, held_lock):
    os.kill(held_lock.pid, signal.SIGKILL)
    held_lock.wait(timeout=10)
    assert read_lock_holder(db_path) == held_lock.pid  # the dead run's pid is still in the file

    with writer_lock(db_path, "refresh"):
        assert read_lock_holder(db_path) == os.getpid()
    assert lock_path(db_path).read_text() == ""


def test_second_refresh_exits_2_at_once_before_prefect_starts(tmp_path, db_path, held_lock):
    config = tmp_path / "leads.toml"
    config.write_text('[[sources]]\ntype = "greenhouse"\nboard = "orbitlabs"\n')
    code = (
        "import sys\n"
        "from jobleads.cli import main\n"
        f"sys.argv = ['leads', '--db', {str(db_path)!r}, '--config', {str(config)!r}, 'refresh']\n"
        "try:\n    main()\n"
        "finally:\n    print('PREFECT' if 'prefect' in sys.modules else 'CLEAN', file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert f"leads: another refresh is running (pid {held_lock.pid})" in done.stderr
    assert done.stderr.strip().endswith("CLEAN")  # refused before Prefect was even imported
    assert not Path(db_path).exists()  # nothing was written
