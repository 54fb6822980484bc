"""The layer contract of pyproject.toml ([tool.importlinter]): imports run one way and no cycle exists.

A wrong import (a connector importing the warehouse, the warehouse importing a face, two sibling modules
importing each other) fails this test with import-linter's own report of the offending chain.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_imports_run_one_way_without_cycles():
    linter = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert linter, "import-linter is a dev dependency (pyproject.toml)"
    done = subprocess.run([linter, "--config", str(ROOT / "pyproject.toml")], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "2 kept, 0 broken" in done.stdout
