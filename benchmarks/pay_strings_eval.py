"""Pay read from real postings' sentences: SkillSpan's train and dev postings (../shared/data/skillspan, MIT).

    .venv/bin/python benchmarks/pay_strings_eval.py [--show]

Every sentence of those postings with a currency or a "k" figure next to a number is a candidate (108 of them:
Stack Overflow job headers, "£40k - 50k" lines, Danish and Austrian university and collective-agreement pay,
funding rounds, budgets, company sizes). `benchmarks/pay_strings.tsv` says, for each (by split, source, posting
and sentence number: the text stays in ../shared), what a careful reader takes from it: the annual figures, the
currency, the period quoted and whether the sentence says it, or no pay at all. Labelled by us in session 27
after reading them, and the parser was changed in the same session to read lines of pay alone, long headers and
the Nordic crowns: in-sample. The strings themselves are real and were not written by us.

A sentence is read as `connectors.salary.salary_in_description` reads a description. A pay sentence is right when
every figure expected has a figure read within 10% and every figure read is within 10% of one expected, in the
expected currency (where the sentence names one); a sentence with no pay is right when nothing is read.
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from connectors.salary import salary_in_description  # noqa: E402

LABELS = Path(__file__).with_name("pay_strings.tsv")
CANDIDATE = re.compile(r"(£|€|\$|EUR|GBP|USD|CHF|DKK|SEK|NOK|PLN|kr)\s?\d"
                       r"|\d\s?(k|K)?\s?(£|€|EUR|GBP|USD|CHF|DKK|SEK|NOK|PLN)\b|\d+\s?k\b")
TOLERANCE = 0.10


def candidates(data: Path):
    """(split, source, posting idx, sentence number, text) of every candidate sentence."""
    for split in ("train", "dev"):
        count: dict[tuple[str, int], int] = {}
        for line in (data / f"{split}.json").read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            key = (row["source"], row["idx"])
            number = count[key] = count.get(key, -1) + 1
            text = " ".join(row["tokens"])
            if CANDIDATE.search(text):
                yield split, row["source"], row["idx"], number, text


def close(expected: list[float], found: list[float]) -> bool:
    def near(a: float, b: float) -> bool:
        return abs(a - b) <= TOLERANCE * a
    return (bool(found) == bool(expected) and all(any(near(e, f) for f in found) for e in expected)
            and all(any(near(e, f) for e in expected) for f in found))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "skillspan")
    parser.add_argument("--show", action="store_true", help="print every sentence read wrong")
    args = parser.parse_args()
    if not (args.data / "train.json").exists():
        print(f"skipped: {args.data} not found")
        return 0
    with LABELS.open(encoding="utf-8", newline="") as handle:
        labels = {(r["split"], r["source"], int(r["idx"]), int(r["sentence"])): r
                  for r in csv.DictReader(handle, delimiter="\t")}
    tally: dict[str, list[int]] = {}
    unlabelled = 0
    for split, source, idx, number, text in candidates(args.data):
        label = labels.get((split, source, idx, number))
        if label is None:
            unlabelled += 1
            continue
        pay = salary_in_description(text)
        found = [v for v in (pay.minimum, pay.maximum) if v is not None]
        if label["period"] == "none":
            groups, right = ["no pay"], not found
        else:
            expected = [float(label[k]) for k in ("min", "max") if label[k]]
            right = close(expected, found) and (not label["currency"] or pay.currency == label["currency"])
            groups = ["pay, period said" if label["period_said"] == "yes" else "pay, period not said"]
            if label["currency"] == "GBP":
                groups.append("UK pay (GBP)")
        for group in groups + ["all"]:
            tally.setdefault(group, [0, 0])[0] += right
            tally[group][1] += 1
        if args.show and not right:
            print(f"  wrong: {split}/{source}/{idx}/{number}: read {found} {pay.currency} {pay.period}; "
                  f"expected {label['min']}-{label['max']} {label['currency']} {label['period']}: {label['note']}")
    print(f"SkillSpan train + dev sentences with a currency or a 'k' figure (labels: {LABELS.name}, in-sample)")
    for group in ("UK pay (GBP)", "pay, period said", "pay, period not said", "no pay", "all"):
        right, total = tally.get(group, [0, 0])
        print(f"{group:22} {right:3d} / {total:3d} right ({right / total if total else 0:.2f})")
    if unlabelled:
        print(f"{unlabelled} candidate sentences have no label in {LABELS.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
