"""Train the model `warehouse.skill_spans` reads descriptions with, from SkillSpan's train and dev splits.

    python scripts/train_skill_spans.py [--data ../shared/data] [--out warehouse/data/skill_spans.crfsuite]
    python scripts/train_skill_spans.py --folds 4 [--l1 0.5 1.0 2.0] [--splits train]   # cross-validation only

Each posting is read as the product reads a description (titles left out, as `benchmarks/skills_eval.py`
does): its asking sentences cut into words, each word's features with what the shipped taxonomy finds there,
labelled B/I/O by the annotated knowledge spans it overlaps. Cross-validation splits the postings, not the
sentences, into folds and reports what `skills_eval.py` reports (precision over spans overlapping a knowledge
or skill span, recall over knowledge spans of at most three words), for all of them and for each split's. The
issue allows tuning on both splits; the test split is not in ../shared and is never looked up.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.skills_eval import SHORT, overlaps, postings  # noqa: E402 - SkillSpan read and judged as evaluated
from warehouse.posting_text import segments  # noqa: E402
from warehouse.skill_spans import ITERATIONS, L1, L2, TRAINED_ON, asked_skills, sentences  # noqa: E402
from warehouse.skills import load_taxonomy  # noqa: E402
from warehouse.versions import READING_MODEL  # noqa: E402


def labelled(path: Path):
    """Per posting: (text, gold knowledge spans, gold skill spans, [(section, words, features, labels)])."""
    taxonomy = load_taxonomy()
    for text, knowledge, skill_spans in postings(path):
        read, _ = sentences(taxonomy, text, segments(text))
        rows = []
        for section, words, feats, _, _ in read:
            labels = ["O"] * len(words)
            for begin, stop, _ in knowledge:
                inside = [i for i, (s, e) in enumerate(words) if s < stop and begin < e]
                for n, i in enumerate(inside):
                    labels[i] = "B" if n == 0 else "I"
            rows.append((section, words, feats, labels))
        yield text, knowledge, skill_spans, rows


def train(items, path: Path, l1: float = L1) -> None:
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for _, _, _, rows in items:
        for _, _, feats, labels in rows:
            trainer.append(feats, labels)
    trainer.set_params({"c1": l1, "c2": L2, "max_iterations": ITERATIONS, "feature.possible_transitions": True})
    trainer.train(str(path))


def cross_validate(items: list, splits: list[str], folds: int, l1: float) -> dict[str, tuple[float, float]]:
    """(precision, recall) of the whole reading (warehouse.skill_spans.asked_skills) over held-out folds: of all
    postings ("all") and of each split's (`splits[n]` names the split of `items[n]`)."""
    taxonomy = load_taxonomy()
    found, correct, short, recalled = Counter(), Counter(), Counter(), Counter()
    with tempfile.TemporaryDirectory() as folder:
        for fold in range(folds):
            model = Path(folder) / f"fold{fold}.crfsuite"
            train([item for n, item in enumerate(items) if n % folds != fold], model, l1)
            for split, (text, knowledge, skill_spans, _) in zip(splits[fold::folds], items[fold::folds]):
                hits = [(start, end) for _, _, start, end in asked_skills(taxonomy, text, segments(text), model)]
                for key in ("all", split):
                    for start, end in hits:
                        found[key] += 1
                        correct[key] += overlaps(start, end, knowledge + skill_spans)
                    for start, end, length in knowledge:
                        if length <= SHORT:
                            short[key] += 1
                            recalled[key] += overlaps(start, end, hits)
    return {key: (correct[key] / max(found[key], 1), recalled[key] / max(short[key], 1)) for key in found}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "warehouse" / "data" / READING_MODEL)
    parser.add_argument("--folds", type=int, default=0,
                        help="cross-validate over --splits instead of writing the model")
    parser.add_argument("--l1", type=float, nargs="*", default=[L1])
    parser.add_argument("--splits", nargs="+", choices=("train", "dev"), default=list(TRAINED_ON))
    args = parser.parse_args()
    items, splits = [], []
    for split in args.splits:
        path = args.data / "skillspan" / f"{split}.json"
        if not path.exists():
            print(f"{path} not found", file=sys.stderr)
            return 2
        read = list(labelled(path))
        items += read
        splits += [split] * len(read)
    if args.folds:
        for l1 in args.l1:
            for key, (precision, recall) in cross_validate(items, splits, args.folds, l1).items():
                print(f"L1 {l1}, {key} postings: {args.folds}-fold precision {precision:.3f} recall {recall:.3f}")
        return 0
    train(items, args.out)
    size = args.out.stat().st_size
    print(f"wrote {args.out} ({size:,} bytes) from {len(items)} postings ({' + '.join(args.splits)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
