"""Scoring speed at scale (issue 6): score_leads on N open leads, cold (every description read) and
nightly (extractions cached by content hash, a share of leads changed), then `leads skills gap` and
`leads pay` on the result.

Descriptions are built from the hand-labelled ones in tests/data plus filler paragraphs, each made
unique, so no two leads share a cache entry.

    .venv/bin/python benchmarks/skills_scoring.py [--leads 100000] [--changed 0.02]
"""
from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
import tomllib
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pyarrow as pa  # noqa: E402

from jobleads.config import parse_config  # noqa: E402
from warehouse import gaps, scoring  # noqa: E402
from warehouse.db import connect  # noqa: E402
from warehouse.staging import staged  # noqa: E402

FILLER = [
    "We are a distributed team across Europe and North America, working asynchronously with a strong writing culture.",
    "You will partner with product, design and customer teams to ship improvements every week.",
    "Our customers range from small startups to large enterprises in regulated industries.",
    "We value ownership, curiosity and kindness, and we invest in each other's growth.",
    "The role reports to the head of the department and works closely with leadership.",
]
PROFILE = {"titles": ["Backend Engineer", "Site Reliability Engineer"],
           "skills": {"Python": "expert", "Go": "advanced", "Kubernetes": "advanced", "PostgreSQL": "advanced",
                      "Docker": "advanced", "AWS": "intermediate"},
           "locations": ["Berlin", "Remote"], "remote": "preferred", "salary_floor": 80000, "salary_currency": "EUR",
           "current_pay": 75000, "seniority": "senior", "years_experience": 7}


def make_leads(n: int, seed: int = 7) -> pa.Table:
    labelled = tomllib.loads((ROOT / "tests" / "data" / "labelled_descriptions.toml").read_text())["posting"]
    rng = random.Random(seed)
    now = datetime.now(timezone.utc)
    rows = []
    for i in range(n):
        base = labelled[i % len(labelled)]
        filler = "\n\n".join(rng.sample(FILLER, 3) * 4)
        lo = rng.choice([None, 50000, 70000, 90000])
        rows.append({
            "lead_id": f"L{i:07d}", "title": base["title"], "company": f"Company {i % 5000}",
            "locations": [rng.choice(["Berlin", "Remote", "London", "New York"])],
            "remote": rng.choice([None, "remote", "hybrid", "onsite"]),
            "description": f"{filler}\n\n{base['text']}\n\nReference {i}.",
            "posted_at": now - timedelta(days=rng.randint(0, 60)), "first_seen": now, "last_seen": now,
            "salary_min": lo, "salary_max": lo * 1.2 if lo else None,
            "salary_currency": rng.choice(["EUR", "USD"]) if lo else None,
        })
    return pa.Table.from_pylist(rows)


def timed(label: str, fn):
    t0 = time.perf_counter()
    result = fn()
    print(f"| {label} | {time.perf_counter() - t0:.1f} |", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--changed", type=float, default=0.02, help="share of leads whose text changes overnight")
    args = parser.parse_args()
    config = parse_config({"profile": PROFILE})
    table = make_leads(args.leads)
    chars = sum(len(d) for d in table.column("description").to_pylist()) // args.leads
    print(f"{args.leads:,} open leads, descriptions of {chars:,} chars on average\n")
    print("| step | seconds |\n|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        con = connect(Path(tmp) / "bench.duckdb")
        with staged(con, "bench_leads", table):
            con.execute("INSERT INTO leads BY NAME SELECT * FROM bench_leads").fetchall()
        now = datetime.now(timezone.utc)
        timed("score_leads, cold (every description extracted)", lambda: scoring.score_leads(con, config, now))
        timed("score_leads, nightly, nothing changed", lambda: scoring.score_leads(con, config, now))
        changed = int(args.leads * args.changed)
        con.execute("UPDATE leads SET description = description || ' Updated.', inputs_hash = NULL "
                    f"WHERE lead_id < 'L{changed:07d}'").fetchall()  # as the rollup rewrites a lead
        timed(f"score_leads, nightly, {changed:,} descriptions changed", lambda: scoring.score_leads(con, config, now))
        timed("skill_gaps (best 50 leads, 15 skills)", lambda: gaps.skill_gaps(con, config))
        from warehouse.market import pay_distribution
        timed("pay benchmark (leads of the target occupations)", lambda: pay_distribution(con, config, PROFILE["titles"]))
        con.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
