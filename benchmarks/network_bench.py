"""Company resolution and contact linking at scale: 1M postings, ~30k employers, 2k contacts.

    .venv/bin/python benchmarks/network_bench.py [--postings 1000000] [--companies 30000] [--contacts 2000]

Prints seconds for the first resolve (every name new), a second resolve (nothing changed), linking
contacts to leads, and peak memory (RSS).
"""
from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa

from connectors.models import Contact
from jobleads.config import Config
from warehouse import companies, network
from warehouse.db import connect
from warehouse.staging import staged

SUFFIXES = ["", " Inc.", ", Inc.", " GmbH", " Ltd", " LLC", " Technologies", " Group"]
WORDS = ["north", "wind", "lumen", "acme", "globex", "initech", "umbrella", "stark", "wayne", "tyrell", "cyber",
         "dyne", "hooli", "pied", "piper", "vandelay", "soylent", "massive", "dynamic", "blue", "sun", "nova"]


def employer_names(n: int, rng: random.Random) -> list[str]:
    names = set()
    while len(names) < n:
        names.add(" ".join(rng.choice(WORDS).title() for _ in range(rng.randint(1, 3))) + f" {len(names)}")
    return sorted(names)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postings", type=int, default=1_000_000)
    parser.add_argument("--companies", type=int, default=30_000)
    parser.add_argument("--contacts", type=int, default=2_000)
    args = parser.parse_args()
    rng = random.Random(5)
    employers = employer_names(args.companies, rng)
    spellings = [e + rng.choice(SUFFIXES) for e in employers for _ in range(2)]  # two spellings each
    now = datetime.now(timezone.utc)
    with tempfile.TemporaryDirectory() as folder:
        con = connect(Path(folder) / "bench.duckdb")
        table = pa.table({"company": pa.array([spellings[rng.randrange(len(spellings))] for _ in range(args.postings)])})
        with staged(con, "names", table):
            con.execute(
                """
                INSERT INTO postings (posting_uid, source, source_key, source_id, title, company, first_seen,
                                      last_seen, lead_id)
                SELECT 'board:' || i, 'board', NULL, i::VARCHAR, 'Engineer ' || (i % 50), company, $now, $now, 'L' || i
                FROM (SELECT row_number() OVER () AS i, company FROM names)
                """, {"now": now}).fetchall()
        con.execute("INSERT INTO leads (lead_id, title, company, first_seen, last_seen) "
                    "SELECT lead_id, title, company, first_seen, last_seen FROM postings").fetchall()
        people = [Contact(name=f"Person {i}", company=rng.choice(spellings), strength=rng.choice(["close", "known", "weak"]))
                  for i in range(args.contacts)]
        network.upsert_contacts(con, people, "bench", now)
        distinct = con.execute("SELECT count(DISTINCT company) FROM postings").fetchone()[0]
        print(f"postings: {args.postings:,}  distinct company spellings: {distinct:,}  contacts: {args.contacts:,}")
        for label, full in (("resolve_companies (first run, every name new)", False),
                            ("resolve_companies (nightly, nothing new)", False),
                            ("resolve_companies (full, after a user alias)", True)):
            started = time.perf_counter()
            companies.resolve_companies(con, full=full)
            print(f"{label}: {time.perf_counter() - started:.2f} s")
        count = con.execute("SELECT count(*) FROM companies").fetchone()[0]
        print(f"companies: {count:,} (from {len(employers):,} employers)")
        started = time.perf_counter()
        links = network.link_contacts(con, Config(), now)
        print(f"link_contacts: {time.perf_counter() - started:.2f} s ({links:,} lead-contact links)")
        started = time.perf_counter()
        rows = network.warm_companies(con)
        print(f"warm_companies: {time.perf_counter() - started:.2f} s ({len(rows):,} companies)")
        con.close()
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
