"""Occupation accuracy on titles held out from the index: O*NET 27.0's "Sample of Reported Titles".

    .venv/bin/python benchmarks/occupation_eval.py [--data ../shared/data] [--show 15]

7,541 titles that incumbents reported, each with the O*NET-SOC occupation it belongs to. The shipped tables
index them; this script measures on tables built without them (`scripts/build_occupations.py --holdout`,
which leaves them out also where an alternate title has the same text), and nothing in the classifier was
tuned on them. Truth at ISCO level is the unit group the build placed
the O*NET occupation in (a crosswalk derived from ESCO's labels, not the official BLS one: its own errors
count against both rows below). Reports unit-group (4 digits) and major-group (1 digit) accuracy, beside a
fuzzy nearest-label baseline (rapidfuzz WRatio over every indexed label).
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz, process  # noqa: E402

from benchmarks.ranking_eval import held_out_index, reported_titles  # noqa: E402
from warehouse.title_words import normalize_label  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--show", type=int, default=15, help="print this many misses")
    parser.add_argument("--baseline-sample", type=int, default=1500, help="titles the slow baseline scores")
    parser.add_argument("--rows", choices=("odd", "even", "all"), default="odd",
                        help="the odd rows are the report; the even ones were used to tune the title vote")
    args = parser.parse_args()
    titles = reported_titles(args.data, args.rows)
    if titles is None:
        return 0
    index = held_out_index(args.data)
    isco_of = {code: o.isco for code, o in index.occupations.items() if o.source == "onet"}
    rows = [(title, isco_of[code]) for title, code in titles if isco_of.get(code)]
    labels = list(index.by_title)
    started = time.monotonic()
    unit = major = answered = 0
    misses = []
    for title, truth in rows:
        found = index.classify(title)
        if found is None:
            continue
        answered += 1
        unit += found.isco == truth
        major += found.isco[:1] == truth[:1]
        if found.isco != truth and len(misses) < args.show:
            misses.append((title, truth, found.isco, found.label))
    took = time.monotonic() - started
    n = len(rows)
    print(f"{n} held-out titles with an ISCO group ({args.rows} rows); classified {answered} ({answered / n:.1%}) in {took:.1f} s")
    print(f"jobleads   unit group {unit / n:.3f}   major group {major / n:.3f}   (unanswered count as wrong)")
    sample = rows[:: max(1, n // args.baseline_sample)]
    b_unit = b_major = 0
    for title, truth in sample:
        hit = process.extractOne(normalize_label(title), labels, scorer=fuzz.WRatio)
        isco = index.occupations[index.by_title[hit[0]]].isco if hit else ""
        b_unit += isco == truth
        b_major += isco[:1] == truth[:1]
    print(f"baseline   unit group {b_unit / len(sample):.3f}   major group {b_major / len(sample):.3f}   "
          f"(fuzzy nearest label, {len(sample)} titles)")
    by_major = Counter(t[:1] for _, t in rows)
    print("titles per ISCO major group:", dict(sorted(by_major.items())))
    for title, truth, got, label in misses:
        print(f"  miss: {title!r}: truth {truth}, got {got} ({label})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
