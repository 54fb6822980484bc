"""Does the ranking separate professions? AUC and precision at 20 per profile, on held-out public titles.

    .venv/bin/python benchmarks/ranking_eval.py [--data ../shared/data]

The "postings" are O*NET 27.0's Sample of Reported Titles (7,541 real titles incumbents reported, each
with its O*NET-SOC occupation). The shipped tables index them; this script builds tables without them
(`held_out_index`) and measures with those, so none is indexed here and none was used to tune anything. For a software, a nursing and a chef profile, a title is relevant when its O*NET-SOC code is in
the profession's own occupations (listed below, by SOC code, fixed before any run). Every title is scored
by the real scoring code (the title part and the relevance gate) with every other part equal, since a
title alone has no description, place or pay: so this measures what the occupation logic adds.
AUC counts ties as half; precision at 20 takes the 20 best, ties broken by title.
"""
from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from warehouse import score_parts  # noqa: E402
from warehouse.occupations import OccupationIndex  # noqa: E402

PROFILES = {
    # SOC minor group 15-12: every computer occupation (developers, testers, admins, analysts, architects)
    "software": (["Software Engineer", "Backend Developer"], ("15-12",)),
    "nursing": (["Registered Nurse"], ("29-1141", "29-1151", "29-1161", "29-1171", "29-2061", "31-1131")),
    "chef": (["Chef", "Sous Chef"], ("35-1011", "35-1012", "35-2011", "35-2012", "35-2013", "35-2014", "35-2015",
                                     "35-2019", "35-2021")),
}
# The coarser question a job board's categories ask ("IT", "Healthcare & Nursing", "Hospitality & Catering"):
# relevant = the profession's SOC major groups, fixed here beside the narrow codes above.
CATEGORIES = {"software": ("15-",), "nursing": ("29-", "31-"), "chef": ("35-",)}
EQUAL_PARTS = {"skills": 0.5, "warmth": 0.0, "recency": 0.5, "salary": 0.5, "location": 0.5, "seniority": 0.5}
WEIGHTS = {"skills": 0.35, "title": 0.2, "warmth": 0.15, "recency": 0.1, "salary": 0.1, "location": 0.1, "seniority": 0.1}


def held_out_index(data: Path) -> OccupationIndex:
    """The classifier on tables built without O*NET's reported titles (scripts/build_occupations.py --holdout,
    8 s, into a temporary folder): the shipped tables index them, which would make this measurement in-sample.
    Both builds place every O*NET occupation in the same ISCO group, so the truth does not move."""
    import atexit
    import contextlib
    import io
    import shutil
    import tempfile

    sys.path.insert(0, str(ROOT / "scripts"))
    from build_occupations import build

    folder = Path(tempfile.mkdtemp(prefix="occupations_holdout_"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    with contextlib.redirect_stdout(io.StringIO()):
        build(data, folder, holdout=True)
    return OccupationIndex(folder)


def in_split(row: int, rows: str) -> bool:
    """Rows of the file by parity: "even" tuned the title vote (warehouse/occupation_vote.py), "odd" reports."""
    return rows == "all" or (row % 2 == 0) == (rows == "even")


def reported_titles(data: Path, rows: str) -> list[tuple[str, str]] | None:
    """(reported title, O*NET-SOC code) of O*NET's Sample of Reported Titles, the rows of one split; None
    (after saying so) when the file is not there."""
    path = data / "onet" / "Sample of Reported Titles.txt"
    if not path.exists():
        print(f"skipped: {path} not found")
        return None
    with open(path, encoding="utf-8", newline="") as handle:
        return [(r["Reported Job Title"], r["O*NET-SOC Code"])
                for i, r in enumerate(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)) if in_split(i, rows)]


def auc(relevant: list[float], others: list[float]) -> float:
    """Mann-Whitney: the share of (relevant, other) pairs the relevant one wins, ties half."""
    ranked = sorted([(s, 1) for s in relevant] + [(s, 0) for s in others])
    wins, seen_others, i = 0.0, 0, 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        group_rel = sum(flag for _, flag in ranked[i:j])
        group_oth = (j - i) - group_rel
        wins += group_rel * (seen_others + group_oth / 2)
        seen_others += group_oth
        i = j
    return wins / (len(relevant) * len(others))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--rows", choices=("odd", "even", "all"), default="odd",
                        help="the odd rows are the report; the even ones were used to tune the title vote")
    parser.add_argument("--level", choices=("occupation", "category"), default="occupation",
                        help="relevant = the profession's own occupations, or its SOC major groups (a board's category)")
    args = parser.parse_args()
    rows = reported_titles(args.data, args.rows)
    if rows is None:
        return 0
    index = held_out_index(args.data)
    print(f"{len(rows)} held-out titles (O*NET 27.0 Sample of Reported Titles, {args.rows} rows)")
    print(f"{'profile':10} {'relevant':>8} {'AUC':>6} {'P@20':>6}   AUC without the occupation logic (title similarity only)")
    for name, (titles, codes) in PROFILES.items():
        if args.level == "category":
            codes = CATEGORIES[name]
        targets = score_parts.target_groups(index, titles)
        scored, plain = [], []
        for title, code in rows:
            match = score_parts.match_title(index, title, targets, titles)
            parts = {**EQUAL_PARTS, "title": match.part}
            scored.append((score_parts.gated(score_parts.combine(parts, WEIGHTS), match.tier), title, code.startswith(codes)))
            similarity = {**EQUAL_PARTS, "title": match.similarity}
            plain.append((score_parts.combine(similarity, WEIGHTS), code.startswith(codes)))
        relevant = [s for s, _, hit in scored if hit]
        others = [s for s, _, hit in scored if not hit]
        top = sorted(scored, key=lambda r: (-r[0], r[1]))[:20]
        base = auc([s for s, hit in plain if hit], [s for s, hit in plain if not hit])
        print(f"{name:10} {len(relevant):8d} {auc(relevant, others):6.3f} {sum(hit for _, _, hit in top) / 20:6.2f}"
              f"   {base:.3f}   (targets: {', '.join(sorted(targets))})")
        misses = [t for _, t, hit in top if not hit]
        if misses:
            print(f"{'':10} not of the profession in the top 20: {misses[:6]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
