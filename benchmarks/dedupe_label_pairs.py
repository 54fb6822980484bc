"""Build the labelled pairs of tests/data/dedupe_pairs.csv from the listings corpus (source_id pairs only).

Labelling criteria are independent of the matcher's thresholds (no title score is used for positives):

- positive `same job id in URL`: both rows' URLs carry the same job id (same ATS, or the same 5+ digit id
  on the company site and on its ATS) and the title keys share a word beyond generic ones ("intern").
- negative `shared apply link, different titles`: the same job id but titles with no word in common
  (one generic application link listed for several jobs).
- positive `archive revision`: an `archive` row (an earlier revision of a listing, no URL) and the one
  `simplify` row of the same company with the very same posted_at and the same title once emoji,
  case, punctuation and sponsorship/citizenship notes are ignored.
- negative `different job ids, same title`: same company and same title key, different job ids on one
  ATS (another location, or a re-post).
- negative `annual re-post`: same company and title key, different years named in the title.
- negative `same company, same batch`: archive row vs a simplify row of the same company and the same
  posted_at whose title keys share at most a third of their words (generic words like "intern" aside).

Run: python benchmarks/dedupe_label_pairs.py [--corpus PATH] [--out tests/data/dedupe_pairs.csv]
"""
from __future__ import annotations

import argparse
import csv
import random
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from connectors.files import read_generic  # noqa: E402
from warehouse.normalize import ats_job, company_key, fold, title_parts  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "listings" / "postings.jsonl"
GENERIC_WORDS = {"intern", "internship", "new", "grad", "program", "summer", "fall", "spring", "winter"}
NOTE_WORDS = {"no", "sponsorship", "visa", "us", "citizens", "citizen", "only", "citizenship", "required", "u", "s"}


def shared_words(a: dict, b: dict) -> tuple[int, int]:
    """(words the two title keys share, size of the smaller), generic words like "intern" left out."""
    wa, wb = set(a["key"].split()) - GENERIC_WORDS, set(b["key"].split()) - GENERIC_WORDS
    return len(wa & wb), min(len(wa), len(wb))


def plain_title(title: str) -> str:
    return " ".join(w for w in fold(title).split() if w not in NOTE_WORDS)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", default=str(CORPUS))
    parser.add_argument("--out", default=str(ROOT / "tests" / "data" / "dedupe_pairs.csv"))
    args = parser.parse_args()
    rows = read_generic(Path(args.corpus), "jsonl").postings
    rng = random.Random(20241025)
    info = []
    for p in rows:
        ats, job = ats_job(p.url)
        key, years, _, _ = title_parts(p.title)
        info.append(dict(id=p.source_id, source=p.source, company=company_key(p.company), ats=ats, job=job,
                         key=key, years=years, plain=plain_title(p.title), posted=p.posted_at))
    by_company = defaultdict(list)
    for r in info:
        by_company[r["company"]].append(r)
    pairs: dict[tuple[str, str], tuple[int, str]] = {}

    def add(a, b, label, note):
        key = tuple(sorted((a["id"], b["id"])))
        pairs.setdefault(key, (label, note))

    negatives_ids, negatives_years, negatives_batch = [], [], []
    for group in by_company.values():
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                if a["job"] and a["job"] == b["job"] and (a["ats"] == b["ats"] or len(a["job"]) >= 5):
                    if shared_words(a, b)[0]:
                        add(a, b, 1, "same job id in URL")
                    else:
                        add(a, b, 0, "shared apply link, different titles")
                elif a["key"] == b["key"] and a["ats"] and a["ats"] == b["ats"] and a["job"] != b["job"]:
                    negatives_ids.append((a, b))
                elif a["key"] == b["key"] and a["years"] and b["years"] and a["years"] != b["years"]:
                    negatives_years.append((a, b))
        for a in (r for r in group if r["source"] == "archive"):
            same_time = [b for b in group if b["source"] == "simplify" and b["posted"] == a["posted"]]
            same_title = [b for b in same_time if b["plain"] == a["plain"]]
            if len(same_title) == 1:
                add(a, same_title[0], 1, "archive revision")
            for b in same_time:
                shared, smaller = shared_words(a, b)
                if shared * 3 <= smaller and not (shared == 0 and smaller == 0):
                    negatives_batch.append((a, b))
    for found, note, limit in ((negatives_ids, "different job ids, same title", 400),
                               (negatives_years, "annual re-post", 200),
                               (negatives_batch, "same company, same batch", 200)):
        for a, b in rng.sample(found, min(limit, len(found))):
            add(a, b, 0, note)
    with open(args.out, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["source_id_a", "source_id_b", "label", "note"])
        for (a, b), (label, note) in sorted(pairs.items(), key=lambda kv: (kv[1][1], kv[0])):
            out.writerow([a, b, label, note])
    counts = defaultdict(int)
    for label, note in pairs.values():
        counts[(label, note)] += 1
    for (label, note), n in sorted(counts.items()):
        print(f"{'positive' if label else 'negative'} {note}: {n}")


if __name__ == "__main__":
    main()
