"""Skill extraction against SkillSpan (Zhang et al., 2022): real postings with annotated knowledge spans.

    .venv/bin/python benchmarks/skills_eval.py [--split dev|train] [--show 20]

scripts/build_skills.py keeps or drops candidate aliases by how they fare on the train split; dev measured
the taxonomy (read by us since session 26: see docs/benchmarks.md). The model that reads descriptions learnt
from both splits (scripts/train_skill_spans.py; its held-out figures come from that script's `--folds 4`), so
what this script reports with it is in-sample; `--taxonomy-only` measures the taxonomy and the reading's rules
without the model. The test split is not in ../shared and is never looked up.

Each posting's sentences are joined (tokens by spaces, sentences by newlines; the first sentence, its
title, left out) and read as `warehouse.skills.extract` reads a description: the taxonomy as shipped, no
profile, sections such as benefits or "about us" left out. A found span is correct when it overlaps a gold knowledge or skill span (SkillSpan tags
"Java" inside "develop Java services" as part of a skill span); recall is over gold knowledge spans of at
most 3 tokens ("short knowledge spans": tools, languages, frameworks, fields).
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from warehouse.posting_text import asked_in, segments  # noqa: E402
from warehouse.skill_spans import asked_skills  # noqa: E402
from warehouse.skills import load_taxonomy  # noqa: E402

SHORT = 3


def postings(path: Path):
    """(text, gold knowledge spans, gold skill spans) per posting: its sentences joined by newlines, the first
    one (the job title, which SkillSpan leaves unannotated and jobleads reads apart) left out."""
    current, key = [], None
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if (row["source"], row["idx"]) != key and current:
            yield _joined(current[1:])
            current = []
        key = (row["source"], row["idx"])
        current.append(row)
    if current:
        yield _joined(current[1:])


def _joined(rows: list[dict]):
    text, knowledge, skills, position = [], [], [], 0
    for row in rows:
        offsets = []
        for token in row["tokens"]:
            offsets.append((position, position + len(token)))
            position += len(token) + 1
        text.append(" ".join(row["tokens"]))
        knowledge += _spans(row["tags_knowledge"], offsets)
        skills += _spans(row["tags_skill"], offsets)
    return "\n".join(text), knowledge, skills


def _spans(tags: list[str], offsets: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
    spans, i = [], 0
    while i < len(tags):
        if tags[i] == "B":
            j = i + 1
            while j < len(tags) and tags[j] == "I":
                j += 1
            spans.append((offsets[i][0], offsets[j - 1][1], j - i))
            i = j
        else:
            i += 1
    return spans


def overlaps(start: int, end: int, spans) -> bool:
    """Whether [start, end) overlaps one of the spans ((start, end, ...) each): how a find is right and how a gold
    span is recalled, here and in scripts/train_skill_spans.py's cross-validation."""
    return any(start < stop and begin < end for begin, stop, *_ in spans)


def evaluate(path: Path, taxonomy, show: int = 0, taxonomy_only: bool = False) -> dict:
    found = correct = strict = short = recalled = 0
    wrong: Counter = Counter()
    missed: Counter = Counter()
    for text, gold, skill_spans in postings(path):
        read = asked_in if taxonomy_only else asked_skills  # as extract() reads a description, or the taxonomy alone
        hits = [(name, start, end) for _, name, start, end in read(taxonomy, text, segments(text))]
        for name, start, end in hits:
            found += 1
            if overlaps(start, end, gold + skill_spans):
                correct += 1
                strict += overlaps(start, end, gold)
            else:
                wrong[text[start:end]] += 1
        for g_start, g_end, length in gold:
            if length > SHORT:
                continue
            short += 1
            if overlaps(g_start, g_end, [(start, end) for _, start, end in hits]):
                recalled += 1
            else:
                missed[text[g_start:g_end]] += 1
    result = {"found": found, "precision": correct / found if found else 1.0, "short_gold": short,
              "strict_precision": strict / found if found else 1.0,
              "recall": recalled / short if short else 1.0}
    if show:
        result["wrong"] = wrong.most_common(show)
        result["missed"] = missed.most_common(show)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "skillspan")
    parser.add_argument("--split", choices=("dev", "train"), default="dev")
    parser.add_argument("--show", type=int, default=0)
    parser.add_argument("--core-only", action="store_true", help="skills.toml alone, without the grown skills")
    parser.add_argument("--taxonomy-only", action="store_true",
                        help="the taxonomy's finds alone (warehouse.posting_text.asked_in), without the learned model")
    args = parser.parse_args()
    path = args.data / f"{args.split}.json"
    if not path.exists():
        print(f"skipped: {path} not found")
        return 0
    taxonomy = load_taxonomy(grown=not args.core_only)
    result = evaluate(path, taxonomy, args.show, args.taxonomy_only)
    print(f"SkillSpan {args.split}: {len(taxonomy)} skills in the taxonomy; {result['found']} spans found")
    print(f"precision {result['precision']:.3f} (found spans overlapping a gold knowledge or skill span)")
    print(f"precision {result['strict_precision']:.3f} counting knowledge spans only")
    print(f"recall    {result['recall']:.3f} of {result['short_gold']} gold knowledge spans of at most {SHORT} tokens")
    for key in ("wrong", "missed"):
        if key in result:
            print(f"most {key}: {result[key]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
