"""`leads top` as a whole process against a bare Python process reading the same 20 rows.

    .venv/bin/python benchmarks/query_latency.py [--n 100000] [--repeat 7] [--db PATH]

Builds (or reuses, with --db) a database of N synthetic postings (benchmarks/dedupe_generate.py, from the
listings corpus) through `leads import`, with a config naming a profile, so the scores are fresh. Then
times, each as a fresh process, median of --repeat runs:
- bare: `python -c` that opens the DuckDB file read-only and reads 20 rows of `ranked_leads`;
- `leads top --limit 20` (table) and `leads top --limit 20 --format json`.
The target (issue 12): `leads top` within 2x of bare.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
BARE = ("import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=True); "
        "con.execute('SELECT * FROM ranked_leads LIMIT 20').fetchall()")
PROFILE = '[profile]\ntitles = ["Software Engineer"]\nskills = ["Python", "Java", "SQL"]\n'


def timed(command: list[str], repeat: int, cwd: Path) -> float:
    times = []
    for _ in range(repeat):
        started = time.monotonic()
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
        times.append(time.monotonic() - started)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed: {done.stderr[-500:]}")
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--db", type=Path, help="an existing database to time (skips building one)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="jobleads-query-"))
    config = work / "leads.toml"
    config.write_text(PROFILE)
    db = args.db or work / "leads.duckdb"
    if args.db is None:
        postings = work / "postings.jsonl"
        subprocess.run([sys.executable, str(HERE / "dedupe_generate.py"), "--n", str(args.n), "--out", str(postings)],
                       check=True, capture_output=True)
        started = time.monotonic()
        subprocess.run([str(BIN / "leads"), "--db", str(db), "--config", str(config), "import", str(postings),
                        "--format", "jsonl"], check=True, capture_output=True, cwd=work)
        print(f"built {db} from {args.n} postings in {time.monotonic() - started:.1f} s")
    leads = [str(BIN / "leads"), "--db", str(db), "--config", str(config)]
    subprocess.run([*leads, "top"], cwd=work, capture_output=True)  # a first run may rescore: not timed
    bare = timed([sys.executable, "-c", BARE, str(db)], args.repeat, work)
    table = timed([*leads, "top", "--limit", "20"], args.repeat, work)
    as_json = timed([*leads, "top", "--limit", "20", "--format", "json"], args.repeat, work)
    print(f"bare python, 20 rows of ranked_leads: {bare:.3f} s")
    print(f"leads top --limit 20:                 {table:.3f} s  ({table / bare:.2f}x)")
    print(f"leads top --limit 20 --format json:   {as_json:.3f} s  ({as_json / bare:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
