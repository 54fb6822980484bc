"""Train the model `warehouse.skill_spans` reads descriptions with, from SkillSpan's train split.

    python scripts/train_skill_spans.py [--data ../shared/data] [--out warehouse/data/skill_spans.crfsuite]
    python scripts/train_skill_spans.py --folds 4 [--l1 0.5 1.0 2.0]    # cross-validation only, writes nothing

Each train posting is read as the product reads a description (titles left out, as `benchmarks/skills_eval.py`
does): its asking sentences cut into words, each word's features with what the shipped taxonomy finds there,
labelled B/I/O by the annotated knowledge spans it overlaps. Cross-validation splits the postings, not the
sentences, into folds and reports what `skills_eval.py` reports (precision over spans overlapping a knowledge
or skill span, recall over knowledge spans of at most three words). SkillSpan's dev split is not read here.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.skills_eval import SHORT, postings  # noqa: E402 - the same reading of SkillSpan as the evaluation
from warehouse.posting_text import segments  # noqa: E402
from warehouse.skill_spans import ITERATIONS, L1, L2, asked_skills, sentences  # noqa: E402
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


def cross_validate(items: list, folds: int, l1: float) -> tuple[float, float]:
    """(precision, recall) of the whole reading (warehouse.skill_spans.asked_skills) over held-out folds."""
    taxonomy = load_taxonomy()
    found = correct = short = recalled = 0
    with tempfile.TemporaryDirectory() as folder:
        for fold in range(folds):
            model = Path(folder) / f"fold{fold}.crfsuite"
            train([item for n, item in enumerate(items) if n % folds != fold], model, l1)
            for text, knowledge, skill_spans, _ in items[fold::folds]:
                hits = asked_skills(taxonomy, text, segments(text), model)
                for _, _, start, end in hits:
                    found += 1
                    correct += any(start < e and s < end for s, e, _ in knowledge + skill_spans)
                for s, e, length in knowledge:
                    if length <= SHORT:
                        short += 1
                        recalled += any(start < e and s < end for _, _, start, end in hits)
    return correct / max(found, 1), recalled / max(short, 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "warehouse" / "data" / READING_MODEL)
    parser.add_argument("--folds", type=int, default=0, help="cross-validate on train instead of writing the model")
    parser.add_argument("--l1", type=float, nargs="*", default=[L1])
    args = parser.parse_args()
    path = args.data / "skillspan" / "train.json"
    if not path.exists():
        print(f"{path} not found", file=sys.stderr)
        return 2
    items = list(labelled(path))
    if args.folds:
        for l1 in args.l1:
            precision, recall = cross_validate(items, args.folds, l1)
            print(f"L1 {l1}: {args.folds}-fold precision {precision:.3f} recall {recall:.3f}")
        return 0
    train(items, args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes) from {len(items)} train postings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
