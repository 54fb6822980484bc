"""Wall time of `leads demo` as a user runs it, idle and with every core kept busy.

    .venv/bin/python benchmarks/demo_wall.py [--repeat 3] [--busy N] [--fresh-prefect-home]

Each run is a fresh process in a fresh folder (so a fresh demo database); the Prefect home is kept
between runs unless --fresh-prefect-home (then every run also migrates Prefect's own database,
as the first run on a new machine does). --busy N starts N spinning processes for the loaded runs
(default: one per core). Prints each run's wall time, peak RSS of the `leads` process and its exit.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LEADS = Path(sys.executable).parent / "leads"
SPIN = "while True: pass"


def one_demo(prefect_home: Path) -> tuple[float, int, float]:
    with tempfile.TemporaryDirectory() as folder:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
        env["PREFECT_HOME"] = str(prefect_home)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.monotonic()
        done = subprocess.run([str(LEADS), "demo"], cwd=folder, env=env, capture_output=True, text=True)
        took = time.monotonic() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if done.returncode != 0 or "Traceback" in done.stderr:
            print(done.stderr[-2000:], file=sys.stderr)
        return took, done.returncode, max(peak, before) / 1024


def series(label: str, repeat: int, fresh: bool, home_root: Path) -> list[float]:
    times = []
    for i in range(repeat):
        home = home_root / (f"fresh{label}{i}" if fresh else "kept")
        took, code, rss = one_demo(home)
        times.append(took)
        print(f"{label:>6} run {i + 1}: {took:6.1f} s  exit {code}  peak RSS so far {rss:.0f} MiB", flush=True)
    print(f"{label:>6}: median {statistics.median(times):.1f} s, max {max(times):.1f} s", flush=True)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--busy", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--fresh-prefect-home", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as root:
        home_root = Path(root)
        print(f"cores {os.cpu_count()}, load average {os.getloadavg()[0]:.2f} before starting", flush=True)
        series("idle", args.repeat, args.fresh_prefect_home, home_root)
        spinners = [subprocess.Popen([sys.executable, "-c", SPIN]) for _ in range(args.busy)]
        try:
            time.sleep(2)
            print(f"{args.busy} busy processes, load average {os.getloadavg()[0]:.2f}", flush=True)
            series("loaded", args.repeat, args.fresh_prefect_home, home_root)
        finally:
            for spinner in spinners:
                spinner.kill()
                spinner.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
