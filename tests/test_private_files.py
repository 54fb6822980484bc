"""Everything jobleads writes is the user's alone: files 0600, folders 0700, also after a killed import and
whatever the umask of the shell that started it."""
from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

LEADS = Path(sys.executable).parent / "leads"
FIX = Path(__file__).resolve().parent / "fixtures"


def modes(folder: Path) -> dict[str, str]:
    out = {}
    for path in [folder, *folder.rglob("*")]:
        out[str(path.relative_to(folder.parent))] = oct(stat.S_IMODE(path.stat().st_mode))
    return out


def loose(folder: Path) -> dict[str, str]:
    return {name: mode for name, mode in modes(folder).items()
            if mode not in ("0o600", "0o700") or (mode == "0o700" and not Path(folder.parent, name).is_dir())}


def many_postings(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            out.write(json.dumps({"source": "mine", "source_id": str(i), "title": f"Engineer {i % 977}",
                                  "company": f"Company {i % 3001}", "locations": ["Berlin"],
                                  "description": "Requirements: Python, SQL. " * 20}) + "\n")


def test_a_killed_import_leaves_only_private_files(tmp_path):
    big = tmp_path / "big.jsonl"
    many_postings(big, 60_000)
    env = {**os.environ}
    base = [str(LEADS), "--db", str(tmp_path / "data" / "leads.duckdb")]
    done = subprocess.run([*base, "import", str(FIX / "cli" / "postings.jsonl"), "-f", "jsonl"], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=120, preexec_fn=lambda: os.umask(0o022))
    assert done.returncode == 0, done.stderr
    contacts = tmp_path / "contacts.csv"
    contacts.write_text("name,company,email\nAna Example,Company 7,ana@example.org\n")
    done = subprocess.run([*base, "import", str(contacts), "-f", "contacts"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120, preexec_fn=lambda: os.umask(0o022))
    assert done.returncode == 0, done.stderr
    killed = subprocess.Popen([*base, "import", str(big), "-f", "jsonl"], cwd=tmp_path, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=lambda: os.umask(0o022))
    wal = tmp_path / "data" / "leads.duckdb.wal"
    deadline = time.monotonic() + 60
    while not wal.exists() and time.monotonic() < deadline and killed.poll() is None:
        time.sleep(0.05)
    time.sleep(0.5)
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=30)
    files = modes(tmp_path / "data")
    assert any(name.endswith(".read.duckdb") for name in files) and any(name.endswith(".lock") for name in files)
    assert loose(tmp_path / "data") == {}, files
    # and the database still opens, with what the last finished import stored
    done = subprocess.run([*base, "top", "-f", "json"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and len(json.loads(done.stdout)) == 2, done.stderr
    assert loose(tmp_path / "data") == {}
