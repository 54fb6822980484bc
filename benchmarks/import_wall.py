"""The whole `leads import` as a user runs it, beside a plain-Python rule matcher on the same file.

    .venv/bin/python benchmarks/import_wall.py [--n 100000] [--fold 10000] [--next-day] [--workdir DIR]

Generates N + fold synthetic postings (benchmarks/dedupe_generate.py, truth in `source_id`), then in one run:

1. `leads import FIRST.jsonl -f jsonl` in a fresh folder: a new process, so start-up, reading, normalizing,
   company resolution, dedupe, rollup, scoring and the commit all count; wall time and the peak RSS of that
   process (os.wait4), and of it with its helper process (sampled);
2. with --fold, a second `leads import` of the held-out postings into that database (10k new into N), the same
   day; with --next-day also first into a copy of it whose last scoring is moved a day back, as the next
   night's run finds it (a new day rescores the leads whose recency still moves);
3. `benchmarks/rule_matcher.py` on FIRST.jsonl, pair by pair (--loop) and with cdist, timed the same way.

Prints each command's seconds and peak RSS, the ratio of the import to each matcher, and pairwise precision,
recall and F1 of every grouping against the generated truth.
"""
from __future__ import annotations

import argparse
import collections
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.dedupe_scale import split  # noqa: E402

LEADS = Path(sys.executable).parent / "leads"


def _tree_rss(pid: int) -> int:
    """Bytes resident in a process and all its descendants now (Linux /proc; 0 elsewhere)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                total += next((int(line.split()[1]) * 1024 for line in status if line.startswith("VmRSS")), 0)
            with open(f"/proc/{current}/task/{current}/children") as children:
                todo += [int(c) for c in children.read().split()]
        except (OSError, ValueError):
            continue
    return total


def timed(command: list[str], cwd: Path) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (GiB) of the command's own process and peak RSS of it and its helper processes
    together (`leads import` reads a run's titles ahead in a second process: warehouse/scoring_ahead.py),
    sampled every 50 ms. The command must succeed."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
        tree_peak, running = [0], threading.Event()
        running.set()

        def sample() -> None:
            while running.is_set():
                tree_peak[0] = max(tree_peak[0], _tree_rss(child.pid))
                time.sleep(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(child.pid, 0)  # this child's own rusage, not all children's
        took = time.perf_counter() - started
        running.clear()
        sampler.join()
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            err.seek(0)
            sys.exit(f"{' '.join(command)} failed ({child.returncode}):\n{err.read()[-2000:].decode()}")
    own = usage.ru_maxrss / 1024 / 1024
    return took, own, max(own, tree_peak[0] / 2**30)


def quality(groups: list[tuple[str, str]]) -> dict[str, float]:
    """Pairwise precision, recall, F1 of (source_id, group) against the truth in source_id ("job~copy")."""
    def pairs(keys) -> int:
        return sum(k * (k - 1) // 2 for k in collections.Counter(keys).values())
    tp = pairs((s.split("~")[0], g) for s, g in groups)
    predicted, actual = pairs(g for _, g in groups), pairs(s.split("~")[0] for s, _ in groups)
    p, r = tp / predicted if predicted else 1.0, tp / actual if actual else 1.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0}


def lead_groups(folder: Path) -> list[tuple[str, str]]:
    con = duckdb.connect(str(folder / "data" / "leads.duckdb"), read_only=True)
    try:
        return con.execute("SELECT source_id, lead_id FROM postings").fetchall()
    finally:
        con.close()


def fold(postings: Path, folder: Path, label: str) -> None:
    """`leads import` of more postings into the database in `folder`, timed and printed."""
    took, peak, together = timed([str(LEADS), "import", str(postings), "-f", "jsonl"], folder)
    print(f"leads import ({label}): {took:.1f} s, peak RSS {peak:.2f} GiB ({together:.2f} GiB with its helper "
          f"process)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--fold", type=int, default=0, help="then import this many held-out postings into it")
    parser.add_argument("--workdir", default=None)
    parser.add_argument("--next-day", action="store_true",
                        help="with --fold, also fold into a copy of the database as the next night's run would")
    args = parser.parse_args()
    work = Path(args.workdir or tempfile.mkdtemp(prefix="import_wall_"))
    work.mkdir(parents=True, exist_ok=True)
    full, first, second = work / f"all_{args.n}_{args.fold}.jsonl", work / "first.jsonl", work / "second.jsonl"
    if not full.exists():
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "dedupe_generate.py"), "--n",
                        str(args.n + args.fold), "--out", str(full)], check=True)
    if args.fold:
        split(full, first, second, args.fold)
    else:
        first.write_bytes(full.read_bytes())
    print(f"cores {os.cpu_count()}, load average {os.getloadavg()[0]:.2f}; {args.n:,} postings; workdir {work}",
          flush=True)

    home = Path(tempfile.mkdtemp(prefix="home_", dir=work))
    took, peak, together = timed([str(LEADS), "import", str(first), "-f", "jsonl"], home)
    print(f"leads import ({args.n:,} into an empty database): {took:.1f} s, peak RSS {peak:.2f} GiB "
          f"({together:.2f} GiB with its helper process), {quality(lead_groups(home))}", flush=True)
    if args.fold and args.next_day:
        night = work / "next_day"
        shutil.rmtree(night, ignore_errors=True)
        shutil.copytree(home, night)
        con = duckdb.connect(str(night / "data" / "leads.duckdb"))
        con.execute("UPDATE score_state SET computed_at = computed_at - INTERVAL 1 DAY").fetchall()  # a night ago
        con.close()
        fold(second, night, f"{args.fold:,} new into {args.n:,}, the next day")
        shutil.rmtree(night)
    if args.fold:
        fold(second, home, f"{args.fold:,} new into {args.n:,}")

    matcher = ROOT / "benchmarks" / "rule_matcher.py"
    for label, extra in (("rule matcher, Python loop over pairs", ["--loop"]), ("rule matcher, cdist", [])):
        out = work / "groups.tsv"
        m_took, m_peak, _ = timed([sys.executable, str(matcher), str(first), "--out", str(out), *extra], work)
        groups = [tuple(line.rstrip("\n").split("\t")) for line in out.open(encoding="utf-8")]
        print(f"{label}: {m_took:.1f} s, peak RSS {m_peak:.2f} GiB, {quality(groups)}; "
              f"leads import / matcher = {took / m_took:.2f}x", flush=True)


if __name__ == "__main__":
    main()
