"""Occupations of everyday job-board titles, against the ISCO-08 unit group we expected.

    .venv/bin/python benchmarks/board_titles_eval.py [--show 20]

`benchmarks/board_titles.tsv`: 670 titles we wrote in session 26 (2026-12-05) as UK, US and European boards write
them ("Warehouse Operative - Nights - £11.50ph", "RN - Med/Surg - Full Time Days", "Controller (m/f/d)"), each with
the unit group we expected before classifying it. In-sample twice over: the titles and the expected groups are
ours, and the classifier was corrected where it misread them. Where ESCO places an occupation in another group than
we expected (its "call centre agent" is 5244, its "bookkeeper" 3313) the title counts as a miss: those were left.
The held-out measurement is benchmarks/occupation_eval.py.
"""
from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from warehouse.occupations import occupation_index  # noqa: E402

TITLES = Path(__file__).with_name("board_titles.tsv")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--show", type=int, default=0, help="print this many titles whose major group differs")
    args = parser.parse_args()
    with TITLES.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    index = occupation_index()
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    misses = []
    for row in rows:
        found = index.classify(row["title"])
        got = found.isco if found else ""
        for key in (row["list"], "all"):
            tally[key][0] += 1
            tally[key][1] += got == row["isco"]
            tally[key][2] += got[:1] == row["isco"][:1]
        if got[:1] != row["isco"][:1]:
            misses.append((row["title"], row["isco"], got, found.label if found else ""))
    print(f"{len(rows)} board titles we wrote (in-sample): unit group and major group as we expected them")
    for key, (n, unit, major) in tally.items():
        print(f"{key:8} {n:4d} titles   unit group {unit / n:.3f}   major group {major / n:.3f}")
    for title, want, got, label in misses[:args.show]:
        print(f"  major group differs: {title!r}: expected {want}, got {got or 'none'} ({label})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
