"""Skills a description asks for, read by a model that learned where people mark them, beside the taxonomy.

The taxonomy (`warehouse.skills`) knows names, not whether a sentence asks for them: a team's stack in prose,
a product the employer sells and a tool the candidate must know all match alike, and what it does not list
("IT consulting", "proteomics", "model rules") it never finds. A linear-chain CRF (crfsuite) trained on
SkillSpan's train and dev splits (Zhang et al., 2022: real postings whose knowledge spans people annotated; MIT)
reads each asking sentence word by word, with what the taxonomy found there as features, and marks the
spans a person would have marked. `scripts/train_skill_spans.py` rebuilds the model from the source file.

What a description asks (`asked_skills`):
- the taxonomy's required and preferred finds, as before (their own precision is 0.92-0.95 on SkillSpan);
- its mentioned finds only where the model marks a span over them (0.75 on train alone);
- the model's spans over no taxonomy find, named as written (a find the reading's rules leave out stays out).
"""
from __future__ import annotations

import re
import string
from bisect import bisect_right
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from warehouse.posting_acronyms import FindsSkills
from warehouse.posting_text import asked_in
from warehouse.versions import READING_MODEL

# The splits of SkillSpan the shipped model learns from (the issue lets us tune on both; its test split is held out).
TRAINED_ON = ("train", "dev")
# Regularization, chosen by 4-fold cross-validation by posting (the whole reading, `scripts/train_skill_spans.py
# --folds 4`): on train, L1 0.5 / 1.0 / 2.0 gave precision 0.873 / 0.887 / 0.890 at recall 0.637 / 0.616 / 0.596;
# on train and dev, 0.5 / 1.0 gave 0.862 / 0.874 at 0.625 / 0.613.
L1, L2, ITERATIONS = 1.0, 0.01, 150
# The taxonomy's finds the model's spans need not confirm: a name in a requirement or a nice-to-have.
TRUSTED_KINDS = ("required", "preferred")
# The model reads a description's first 30,000 characters (4,500 on average in SkillSpan, 5 ms of reading);
# beyond them the taxonomy's finds stand alone, so a pasted 5 MB text costs what it did before.
MODEL_READS = 30_000

_WORD = re.compile(r"[^\s,]+")  # SkillSpan's text has no commas: a comma separates words, as a space does
_ABBREVIATION = re.compile(r"(?:\w\.){2,}")  # "e.g.", "U.S." keep their last dot


def tokens(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A sentence's words as SkillSpan writes them: a bracket or a sentence's full stop is a word of its own
    ("(AWS)" -> "(", "AWS", ")"), other punctuation stays on its word ("Likes:", "Node.js", "C++")."""
    out: list[tuple[int, int]] = []
    for match in _WORD.finditer(text, start, end):
        begin, stop = match.span()
        while begin < stop and text[begin] in "([{\"“'":
            out.append((begin, begin + 1))
            begin += 1
        tail: list[tuple[int, int]] = []
        while stop > begin + 1 and text[stop - 1] in ")]}\"”'" or (
                stop > begin + 1 and text[stop - 1] == "." and not _ABBREVIATION.fullmatch(text, begin, stop)):
            tail.append((stop - 1, stop))
            stop -= 1
        if begin < stop:
            out.append((begin, stop))
        out.extend(reversed(tail))
    return out


_SHAPE_LETTERS = str.maketrans({**{c: "X" for c in string.ascii_uppercase}, **{c: "x" for c in string.ascii_lowercase},
                                **{c: "d" for c in string.digits}})
_RUN = re.compile(r"(.)\1+")


@lru_cache(maxsize=1 << 16)
def _shape(word: str) -> str:
    """"Node.js" -> "Xxx.xx", "C++" -> "X++": letters and digits by kind, a run cut to two."""
    return _RUN.sub(r"\1\1", word.translate(_SHAPE_LETTERS))


def _tags(words: list[tuple[int, int]], finds: list[tuple[str, int, int]]) -> list[str]:
    """Per word: 'B-<label>' where a find starts at or inside it, 'I-<label>' inside one, 'O' outside."""
    out = []
    for start, end in words:
        tag = "O"
        for label, begin, stop in finds:
            if start < stop and begin < end:
                tag = ("B-" if start <= begin else "I-") + label
                break
        out.append(tag)
    return out


def features(text: str, words: list[tuple[int, int]], section: str, asked: list[tuple[str, int, int]],
             found: list[tuple[str, int, int]]) -> list[dict[str, Any]]:
    """Per word of one sentence: the word, its shape and neighbours, what the taxonomy found there (asked, with
    the sentence's kind; found at all) and the sentence's section."""
    names = [text[s:e] for s, e in words]
    asked_tags = _tags(words, asked)
    found_tags = [tag[0] for tag in _tags(words, found)]  # 'B', 'I' or 'O'
    lowered = [w.lower() for w in names]
    shapes = [_shape(w) for w in names]
    size = len(names)
    out = []
    for i, word in enumerate(names):
        row: dict[str, Any] = {
            "b": 1.0, "w": lowered[i], "s3": word[-3:].lower(), "p3": word[:3].lower(), "sh": shapes[i],
            "up": word.isupper(), "ti": word.istitle(), "g": asked_tags[i],
            "gi": asked_tags[i][2:] if asked_tags[i] != "O" else "O", "len": min(size, 30) // 5,
            "sec": section, "rf": found_tags[i], "-1rf": found_tags[i - 1] if i else "<B>",
            "1rf": found_tags[i + 1] if i + 1 < size else "<E>"}
        for step in (-2, -1, 1, 2):
            j = i + step
            if 0 <= j < size:
                row[f"{step}w"] = lowered[j]
                row[f"{step}g"] = asked_tags[j]
                row[f"{step}sh"] = shapes[j]
            else:
                row[f"{step}w"] = "<B>" if j < 0 else "<E>"
        if i == 0:
            row["first"] = True
        out.append(row)
    return out


def sentences(taxonomy: FindsSkills, text: str, parts: list[tuple[str, int, int]]):
    """Per asking sentence within the first `MODEL_READS` characters: (section, words, features, the taxonomy's
    asked finds there, all its finds there); and the asked finds beyond, which the model does not read."""
    asked = asked_in(taxonomy, text, parts)
    found = taxonomy.find(text[:MODEL_READS])
    starts_asked = [start for _, _, start, _ in asked]
    starts_found = [start for _, start, _ in found]
    out, read_to = [], 0
    for section, begin, stop in parts:
        if begin >= MODEL_READS:
            break
        read_to = stop
        words = tokens(text, begin, stop)
        here = asked[bisect_right(starts_asked, begin - 1):bisect_right(starts_asked, stop - 1)]
        if not words:
            continue
        there = found[bisect_right(starts_found, begin - 1):bisect_right(starts_found, stop - 1)]
        spans = [(kind, start, end) for kind, _, start, end in here]
        out.append((section, words, features(text, words, section, spans, there), here, there))
    return out, asked[bisect_right(starts_asked, read_to - 1):]


@lru_cache(maxsize=2)
def _tagger(model: Path | None = None):
    """The shipped model, or another one (`scripts/train_skill_spans.py` cross-validates with its own)."""
    import pycrfsuite

    tagger = pycrfsuite.Tagger()
    with resources.as_file(model or resources.files("warehouse") / "data" / READING_MODEL) as path:
        tagger.open(str(path))
    return tagger


def marked_spans(text: str, words: list[tuple[int, int]], labels: list[str]) -> list[tuple[int, int]]:
    """Character spans of the words a B/I/O labelling marks (an I after an O starts a span too). A comma between two
    words ends a span: SkillSpan's text has none, so the model never learnt that "Python, Java" are two."""
    spans, i = [], 0
    while i < len(labels):
        if labels[i] == "O":
            i += 1
            continue
        j = i + 1
        while j < len(labels) and labels[j] == "I" and "," not in text[words[j - 1][1]:words[j][0]]:
            j += 1
        spans.append((words[i][0], words[j - 1][1]))
        i = j
    return spans


_EDGE_PUNCTUATION = " \t.,;:!?()[]{}\"'“”‘’*•·-–—/|"


def asked_skills(taxonomy: FindsSkills, text: str, parts: list[tuple[str, int, int]],
                 model: Path | None = None) -> list[tuple[str, str, int, int]]:
    """(section kind, skill, start, end) of what a description asks: see the module's docstring."""
    read, beyond = sentences(taxonomy, text, parts)
    tagger = _tagger(model) if read else None
    out: list[tuple[str, str, int, int]] = []
    for section, words, rows, asked, found in read:
        marked = marked_spans(text, words, tagger.tag(rows))
        kept = [hit for hit in asked if hit[0] in TRUSTED_KINDS or any(s < hit[3] and hit[2] < e for s, e in marked)]
        out += kept
        for start, end in marked:
            # over a kept find: that find; over one the reading's rules left out (a role's or a team's name, the
            # employer describing itself, a notice ...): still out, whatever the model says
            if any(start < stop and begin < end for _, begin, stop in found):
                continue
            start, end = _trimmed(text, start, end)
            if end - start < 2:
                continue
            out.append((section, _as_named(text[start:end]), start, end))
    return sorted(out, key=lambda hit: hit[2]) + beyond


_EDGE_WORD = re.compile(r"(?i)^(?:and|or|&|of|the|a|an|with|in|for|to|from|by|at|on|as|e\.g\.|i\.e\.|etc\.?)$")


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """A span without punctuation or a joining word at either edge ("or channel compliance." -> "channel
    compliance"; "of" -> nothing)."""
    while True:
        while start < end and text[start] in _EDGE_PUNCTUATION:
            start += 1
        while end > start and text[end - 1] in _EDGE_PUNCTUATION:
            end -= 1
        words = text[start:end].split()
        if len(words) == 1 and _EDGE_WORD.match(words[0]):
            return start, start  # nothing but a joining word
        if len(words) > 1 and _EDGE_WORD.match(words[0]):
            start = text.index(words[1], start + len(words[0]))
        elif len(words) > 1 and _EDGE_WORD.match(words[-1]):
            end = text.rindex(words[-2], start, end - len(words[-1])) + len(words[-2])
        else:
            return start, end


def _as_named(written: str) -> str:
    """A span's text as a skill's name: spaces collapsed, a first letter in capitals ("walking robots" ->
    "Walking robots"; "IT consulting", "iOS" as written)."""
    name = " ".join(written.split())
    return name[0].upper() + name[1:] if name[:1].islower() and not name[1:2].isupper() else name
