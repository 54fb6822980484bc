"""Pairwise precision / recall / F1 of the matcher on the labelled corpus pairs (tests/data/dedupe_pairs.csv).

Loads ../shared/corpus/listings/postings.jsonl into a fresh DuckDB file through the normal path
(upsert_postings -> dedupe.assign_leads) and counts a pair as predicted "same job" when both records
end up in one lead. `--blind` hides every URL first, so only the fuzzy rules can decide.

Run: python benchmarks/dedupe_quality.py [--blind]
"""
from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from connectors.files import read_generic  # noqa: E402
from warehouse import db, dedupe, load  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "listings" / "postings.jsonl"
PAIRS = ROOT / "tests" / "data" / "dedupe_pairs.csv"


def read_pairs(path: Path = PAIRS) -> list[tuple[str, str, int, str]]:
    with open(path, encoding="utf-8") as handle:
        return [(r["source_id_a"], r["source_id_b"], int(r["label"]), r["note"]) for r in csv.DictReader(handle)]


def lead_of_source_id(corpus: Path, workdir: Path, blind: bool = False) -> dict[str, str]:
    postings = read_generic(corpus, "jsonl").postings
    if blind:
        postings = [p.model_copy(update={"url": None, "apply_url": None}) for p in postings]
    con = db.connect(workdir / "quality.duckdb")
    try:
        now = datetime.now(timezone.utc)
        load.upsert_postings(con, "quality", postings, now)
        dedupe.assign_leads(con, now)
        return dict(con.execute("SELECT source_id, lead_id FROM postings").fetchall())
    finally:
        con.close()


def pairwise(leads: dict[str, str], pairs) -> dict[str, float]:
    tp = fp = fn = tn = 0
    for a, b, label, _ in pairs:
        same = leads[a] == leads[b]
        tp += same and label == 1
        fp += same and label == 0
        fn += (not same) and label == 1
        tn += (not same) and label == 0
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"pairs": len(pairs), "tp": tp, "fp": fp, "fn": fn, "tn": tn,
            "precision": precision, "recall": recall, "f1": f1}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", default=str(CORPUS))
    parser.add_argument("--blind", action="store_true", help="hide URLs: fuzzy rules only")
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()
    pairs = read_pairs()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        leads = lead_of_source_id(Path(args.corpus), Path(tmp), args.blind)
        seconds = time.perf_counter() - started
    result = pairwise(leads, pairs)
    print(" ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}" for k, v in result.items()),
          f"seconds={seconds:.2f}", "(blind: URLs hidden)" if args.blind else "")
    for note in sorted({p[3] for p in pairs}):
        subset = [p for p in pairs if p[3] == note]
        wrong = sum((leads[a] == leads[b]) != bool(label) for a, b, label, _ in subset)
        print(f"  {note}: {len(subset)} pairs, {wrong} wrong")
        if args.show_errors:
            for a, b, label, _ in subset:
                if (leads[a] == leads[b]) != bool(label):
                    print("    ", a, b, label)


if __name__ == "__main__":
    main()
