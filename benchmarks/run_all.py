"""Run every benchmark in turn and print their figures (`make bench`).

    python benchmarks/run_all.py [--quick]

--quick runs each at a small size (a minute in all) to check the scripts work; without it each
runs at the size its issue's target names (several minutes on 2 cores). One at a time: they
measure wall time and memory, and running them together would spoil both.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# script, arguments for a full run, arguments for --quick
BENCHMARKS = [
    ("http_boards.py", [], ["--boards", "80"]),
    ("dedupe_quality.py", [], []),
    ("dedupe_kinds.py", [], ["--per-kind", "10"]),
    ("dedupe_scale.py", ["--n", "1000000"], ["--n", "50000", "--fold", "2000"]),
    ("network_bench.py", [], ["--postings", "50000", "--companies", "3000", "--contacts", "300"]),
    ("skills_extraction.py", [], []),
    ("skills_scoring.py", [], ["--leads", "3000"]),
    ("ops_bench.py", [], ["--runs", "100", "--repeat", "2"]),
    ("demo_wall.py", [], ["--repeat", "1"]),
    ("occupation_eval.py", [], ["--show", "0", "--baseline-sample", "200"]),
    ("board_titles_eval.py", [], []),
    ("ranking_eval.py", [], []),
    ("skills_eval.py", [], []),
    ("pay_strings_eval.py", [], []),
    ("query_latency.py", [], ["--n", "20000", "--repeat", "3"]),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes, to check the scripts run")
    args = parser.parse_args()
    failed = []
    for script, full, quick in BENCHMARKS:
        command = [sys.executable, str(HERE / script), *(quick if args.quick else full)]
        print(f"\n=== {script} {' '.join(command[2:])}", flush=True)
        started = time.monotonic()
        done = subprocess.run(command, cwd=HERE.parent)
        print(f"=== {script}: exit {done.returncode} after {time.monotonic() - started:.1f} s", flush=True)
        if done.returncode:
            failed.append(script)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
