"""A damaged database file and a full disk: one line naming the cause and what to do, exit 2, and what was
stored before is still there."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

LEADS = Path(sys.executable).parent / "leads"
FIX = Path(__file__).resolve().parent / "fixtures"


def leads(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(LEADS), *args], cwd=cwd, capture_output=True, text=True, timeout=180)


def test_a_database_cut_in_half_is_one_line_that_says_what_to_do(tmp_path):
    assert leads(tmp_path, "import", str(FIX / "dashboard" / "postings.jsonl"), "-f", "jsonl").returncode == 0
    db = tmp_path / "data" / "leads.duckdb"
    cut = tmp_path / "cut.duckdb"
    cut.write_bytes(db.read_bytes()[: db.stat().st_size // 2])
    done = leads(tmp_path, "--db", str(cut), "import", str(FIX / "cli" / "postings.jsonl"), "-f", "jsonl")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot be read or written" in lines[0] and "leads doctor" in lines[0]


@pytest.fixture
def tiny_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mount)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_full_disk_names_enospc_and_keeps_what_was_stored(tiny_disk):
    first = leads(tiny_disk, "import", str(FIX / "dashboard" / "postings.jsonl"), "-f", "jsonl")
    assert first.returncode == 0, first.stderr
    before = json.loads(leads(tiny_disk, "top", "-f", "json").stdout)
    filler = tiny_disk / "filler"
    with filler.open("wb") as out:  # what else fills a disk: leave no room
        try:
            while True:
                out.write(b"\0" * (1 << 16))
                out.flush()
        except OSError:
            pass
    done = leads(tiny_disk, "import", str(FIX / "cli" / "postings.jsonl"), "-f", "jsonl")
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    line = done.stderr.strip().splitlines()
    assert len(line) == 1 and "ENOSPC" in line[0] and "cannot rollback" not in line[0]
    filler.unlink()
    after = leads(tiny_disk, "top", "-f", "json")
    assert after.returncode == 0 and json.loads(after.stdout) == before  # nothing stored was lost
