"""A database for the dashboard's tests, made by the real CLI: postings and a contact imported, one posting's
description replaced by hostile HTML (the kind a job board may carry) to prove the page runs none of it."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

LEADS = Path(sys.executable).parent / "leads"
FIX = Path(__file__).resolve().parent / "fixtures" / "dashboard"
HOSTILE = ('<p>Build our <b>platform</b>.</p><script>window.__pwned = "script"; document.title = "PWNED";</script>'
           '<img src="x" onerror="window.__pwned = \'onerror\'; document.title = \'PWNED\'">'
           '<a href="javascript:window.__pwned=\'link\'">apply</a><p>Requirements: Python, Terraform.</p>')
PROFILE = """
[profile]
titles = ["Backend Engineer", "Site Reliability Engineer"]
skills = { Python = "expert", Kubernetes = "advanced", PostgreSQL = "advanced" }
locations = ["Berlin", "Remote"]
salary_currency = "EUR"
current_pay = 90000
"""


def seed(folder: Path) -> tuple[list[str], Path, str]:
    """(the `leads` command with --db/--config, the database, the id of the lead with hostile HTML)."""
    from warehouse.db import connect

    config = folder / "leads.toml"
    config.write_text(PROFILE)
    db = folder / "leads.duckdb"
    base = [str(LEADS), "--db", str(db), "--config", str(config)]
    for path, fmt in ((FIX / "postings.jsonl", "jsonl"), (FIX / "contacts.csv", "contacts")):
        done = subprocess.run([*base, "import", str(path), "--format", fmt], cwd=folder, capture_output=True,
                              text=True, timeout=180)
        assert done.returncode == 0, done.stderr
    con = connect(db)
    try:
        lead_id = con.execute("SELECT lead_id FROM leads WHERE title = 'Platform Engineer'").fetchone()[0]
        con.execute("UPDATE leads SET description = ?, inputs_hash = NULL WHERE lead_id = ?", [HOSTILE, lead_id])
    finally:
        con.close()
    return base, db, lead_id
