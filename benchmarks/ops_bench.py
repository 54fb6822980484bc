"""Operations latency: how fast a second refresh is refused, how fast `leads runs` answers, flow overhead.

    .venv/bin/python benchmarks/ops_bench.py [--runs 1000] [--repeat 5] [--flow]

Builds a throw-away database with --runs run records (publish() over one source each, a tenth failed),
then times, as the user would run them, in fresh processes:
  - `leads refresh` while another process holds the writer lock (must exit 2 before Prefect starts);
  - `leads runs` and `leads runs show latest`;
  - with --flow: a replayed `leads refresh` of the test fixture (4 sources, 2 failing), including the
    start of Prefect's temporary server.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from connectors.base import ExtractResult  # noqa: E402
from jobleads.config import Config  # noqa: E402
from warehouse.db import writer  # noqa: E402
from warehouse.publish import publish  # noqa: E402

LEADS = [sys.executable, "-c", "from jobleads.cli import main; main()"]
HOLDER = "import sys, time\nfrom warehouse.db import writer_lock\nwith writer_lock(sys.argv[1]):\n" \
         "    print('locked', flush=True)\n    time.sleep(600)\n"


def seed(db: Path, runs: int) -> None:
    with writer(db) as con:
        for i in range(runs):
            failed = i % 10 == 9
            publish(con, [ExtractResult(
                source="greenhouse", source_key=f"board{i % 7}", status="failed" if failed else "ok",
                complete=not failed, error="HTTP 500" if failed else None,
                error_kind="SourceUnavailable" if failed else None)], Config())


def timed(args: list[str], repeat: int, expect: int = 0) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        done = subprocess.run(args, capture_output=True, text=True)
        times.append(time.perf_counter() - started)
        if done.returncode != expect:
            raise SystemExit(f"{' '.join(args[3:])}: exit {done.returncode}, wanted {expect}: {done.stderr[-300:]}")
    return times


def report(label: str, times: list[float]) -> None:
    print(f"{label:<52} median {statistics.median(times):6.2f} s   max {max(times):6.2f} s   (n={len(times)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--flow", action="store_true", help="also time one replayed refresh through Prefect")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        db, config = folder / "leads.duckdb", folder / "leads.toml"
        config.write_text((ROOT / "tests" / "fixtures" / "flow_replay" / "leads.toml").read_text())
        started = time.perf_counter()
        seed(db, args.runs)
        print(f"seeded {args.runs} runs in {time.perf_counter() - started:.1f} s")
        base = LEADS + ["--db", str(db), "--config", str(config)]

        holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db)], stdout=subprocess.PIPE, text=True,
                                  cwd=ROOT)
        holder.stdout.readline()
        try:
            report("second `leads refresh` refused (exit 2)", timed(base + ["refresh"], args.repeat, expect=2))
        finally:
            holder.kill()
            holder.wait()
        report(f"`leads runs` ({args.runs} runs stored, 20 shown)", timed(base + ["runs"], args.repeat))
        report("`leads runs show latest`", timed(base + ["runs", "show", "latest"], args.repeat))
        if args.flow:
            replay = ROOT / "tests" / "fixtures" / "flow_replay"
            report("replayed `leads refresh` (4 sources, 2 failing)",
                   timed(base + ["refresh", "--replay", str(replay)], 1, expect=1))


if __name__ == "__main__":
    main()
