"""Dedupe at scale: import + normalize + dedupe of N synthetic postings, then fold in 10,000 new ones.

Prints wall time per stage, peak RSS, pairs enumerated and scored against n^2, and pairwise precision,
recall and F1 against the generated truth (see benchmarks/dedupe_generate.py).

Run: python benchmarks/dedupe_scale.py [--n 1000000] [--fold 10000] [--threads 2] [--memory-limit 1GB]
"""
from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from connectors.files_bulk import read_generic_bulk  # noqa: E402
from warehouse import db, dedupe, load  # noqa: E402
from warehouse.publish import rollup_leads  # noqa: E402


def peak_rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def split(full: Path, night1: Path, night2: Path, fold: int, seed: int = 11) -> None:
    total = sum(1 for _ in full.open("rb"))
    later = set(random.Random(seed).sample(range(total), fold))
    with full.open("rb") as src, night1.open("wb") as a, night2.open("wb") as b:
        for i, line in enumerate(src):
            (b if i in later else a).write(line)


def quality(con) -> dict[str, float]:
    tp, predicted, actual = con.execute("""
        WITH p AS (SELECT lead_id, split_part(source_id, '~', 1) AS job FROM postings),
        cells AS (SELECT count(*) AS k FROM p GROUP BY lead_id, job),
        leads AS (SELECT count(*) AS k FROM p GROUP BY lead_id),
        jobs AS (SELECT count(*) AS k FROM p GROUP BY job)
        SELECT (SELECT sum(k * (k - 1) / 2) FROM cells), (SELECT sum(k * (k - 1) / 2) FROM leads),
               (SELECT sum(k * (k - 1) / 2) FROM jobs)
    """).fetchall()[0]
    precision, recall = tp / predicted if predicted else 1.0, tp / actual if actual else 1.0
    return {"precision": precision, "recall": recall, "f1": 2 * precision * recall / (precision + recall)}


def night(con, path: Path, now: datetime, label: str) -> None:
    started = time.perf_counter()
    read = read_generic_bulk(path)
    table, bad = read.bulk, read.quarantined
    t_import = time.perf_counter() - started
    rss = [peak_rss_gib()]
    started = time.perf_counter()
    load.upsert_postings_table(con, label, table, now)
    t_load = time.perf_counter() - started
    rss.append(peak_rss_gib())
    del table
    stats = dedupe.DedupeStats()
    started = time.perf_counter()
    dedupe.assign_leads(con, now, stats)
    t_dedupe = time.perf_counter() - started
    rss.append(peak_rss_gib())
    started = time.perf_counter()
    rollup_leads(con, now)
    t_rollup = time.perf_counter() - started
    n = con.execute("SELECT count(*) FROM postings").fetchall()[0][0]
    print(f"[{label}] postings in file: {stats.new_postings:,} (quarantined {len(bad)}), postings now {n:,}")
    print(f"  import {t_import:.1f}s | normalize+load {t_load:.1f}s | dedupe {t_dedupe:.1f}s {stats.seconds}"
          f" | end to end {t_import + t_load + t_dedupe:.1f}s | rollup (survivorship, re-posts) {t_rollup:.1f}s")
    print(f"  blocked nodes {stats.block_nodes:,}; pairs enumerated {stats.pairs_considered:,}, titles scored "
          f"{stats.pairs_scored:,}, matches {stats.matches:,}, refused merges {stats.refused:,}; "
          f"n^2/2 = {stats.new_postings * (stats.new_postings - 1) // 2:,} "
          f"(enumerated = {stats.pairs_considered / max(1, stats.new_postings * (stats.new_postings - 1) // 2):.2e} of it)")
    print(f"  new leads {stats.new_leads:,}; quality vs truth {quality(con)}; peak RSS so far {peak_rss_gib():.2f} GiB "
          f"(after import {rss[0]:.2f}, normalize+load {rss[1]:.2f}, dedupe {rss[2]:.2f})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--fold", type=int, default=10_000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workdir", default=None)
    parser.add_argument("--memory-limit", default="1GB", help="DuckDB memory_limit (it spills beyond it)")
    args = parser.parse_args()
    work = Path(args.workdir or tempfile.mkdtemp(prefix="dedupe_scale_"))
    work.mkdir(parents=True, exist_ok=True)
    full, first, second = work / "all.jsonl", work / "night1.jsonl", work / "night2.jsonl"
    if not full.exists():
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "dedupe_generate.py"), "--n",
                        str(args.n + args.fold), "--out", str(full)], check=True)
        split(full, first, second, args.fold)
    path = work / "bench.duckdb"
    path.unlink(missing_ok=True)
    con = db.connect(path)
    con.execute(f"SET threads = {args.threads}").fetchall()
    con.execute(f"SET memory_limit = '{args.memory_limit}'").fetchall()
    now = datetime.now(timezone.utc)
    print(f"n = {args.n:,}, fold = {args.fold:,}, threads = {args.threads}, memory_limit {args.memory_limit}, workdir {work}")
    night(con, first, now, "night 1: bulk")
    night(con, second, now + timedelta(days=1), "night 2: fold")
    con.close()


if __name__ == "__main__":
    main()
