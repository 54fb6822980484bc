"""Grow the skills taxonomy from ESCO v1.1.1 knowledge concepts, ESCO's languages and O*NET 27.0's hot
technologies, keeping only what does not cost precision on SkillSpan's train split.

    python scripts/build_skills.py [--data ../shared/data] [--out warehouse/data/skills_extra.tsv.gz]

Writes `skills_extra.tsv.gz`: alias, name, family (knowledge | language | hot technology), hot (1 when
O*NET flags a hot technology, the only O*NET technologies read). `warehouse.skills` adds these beside `skills.toml`, whose entries win.

Candidates: ESCO knowledge labels (the part before a parenthesis: "Python (computer programming)" is
"Python"), language names ("English"), O*NET hot technology examples with and without their vendor
("Microsoft Excel", "Excel"), and the knowledge spans SkillSpan's train split annotates at least twice.
Each alias is then read in the train postings (titles left out, as `skills_eval.py` does): it is kept when
at least 60% of its matches fall in an annotated knowledge or skill span, or, never seen there, when it is
distinctive (two or more words, or a token with a capital inside, a digit or a symbol such as C++). One
plain lower-case word never seen in train ("design", "testing") is too likely an English word: dropped.
SkillSpan's dev split is not read here; benchmarks/skills_eval.py measures on it.
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.skills_eval import postings  # noqa: E402 - the same reading of SkillSpan as the evaluation
from scripts.build_occupations import read_zip_csv, write_tsv  # noqa: E402 - one writer: the same rows, the same bytes
from warehouse.skills import load_taxonomy  # noqa: E402

KEEP_PRECISION = 0.6
MIN_TRAIN_SPAN_COUNT = 2
VENDORS = ("microsoft", "oracle", "amazon", "apache", "adobe", "adobe systems", "google", "ibm", "sap", "autodesk",
           "atlassian", "salesforce", "the mathworks", "red hat", "cisco", "vmware", "jetbrains", "github")
# Words that name no skill one could lack ("development", "support") or a qualification rather than a skill
# ("degree"): left out whatever SkillSpan's annotators did. Words that name a field ("cloud", "testing",
# "security") are not here: the train split decides them like any other alias.
STOP = {"development", "engineering", "maintenance", "implementation", "performance", "finance", "degree",
        "management", "marketing", "sales", "data", "it", "software", "web", "mobile", "research", "quality",
        "support", "operations"}
# Acronyms that ESCO or O*NET give one expansion and job postings of other fields another; never seen in train,
# they would be kept as distinctive, and a retail posting's "POS" would ask blockchain consensus mechanisms
# (the few train's annotators mark are kept, under their own name):
# point of sale (not proof of stake or work), customer service representative (not corporate social
# responsibility), individual contributor, WordPress, instrument flight rules, partner relationship management,
# marketing qualified lead, DMX lighting, table of contents, data management platform ...
AMBIGUOUS_ACRONYMS = {"POS", "POW", "RS", "GPS", "IC", "CSR", "DMP", "DMT", "ADR", "BMS", "ORT", "CPC", "ERM",
                      "GCC", "DDI", "WP", "IFR", "PRM", "MQL", "DMX", "TOC", "MLM", "STE", "SNE", "COPS", "VAM",
                      "WILD"}
LANGUAGES_KEPT = {"English", "German", "French", "Spanish", "Italian", "Dutch", "Portuguese", "Polish", "Swedish",
                  "Danish", "Norwegian", "Finnish", "Japanese", "Mandarin", "Chinese", "Arabic", "Russian",
                  "Turkish", "Hindi", "Korean", "Czech", "Greek", "Hebrew", "Hungarian", "Romanian", "Ukrainian"}


def esco_candidates(esco_zip: Path) -> dict[str, tuple[str, str, int]]:
    out: dict[str, tuple[str, str, int]] = {}
    for row in read_zip_csv(esco_zip, "skills_en.csv"):
        if row["skillType"] != "knowledge" or row["status"] != "released":
            continue
        name = _bare(row["preferredLabel"])
        for label in [row["preferredLabel"], *row["altLabels"].split("\n")]:
            alias = _bare(label)
            if alias and len(alias) <= 40 and len(alias.split()) <= 4:
                out.setdefault(alias, (name, "knowledge", 0))
    for row in read_zip_csv(esco_zip, "languageSkillsCollection_en.csv"):
        for word in re.findall(r"\b[A-Z][a-z]+\b", row["preferredLabel"]):
            if word in LANGUAGES_KEPT:
                out.setdefault(word, (word, "language", 0))
    return out


def onet_candidates(tech: Path) -> dict[str, tuple[str, str, int]]:
    out: dict[str, tuple[str, str, int]] = {}
    with open(tech, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            if row["Hot Technology"] != "Y":
                continue
            example = row["Example"].strip()
            short = example
            for vendor in sorted(VENDORS, key=len, reverse=True):
                if example.lower().startswith(vendor + " "):
                    short = example[len(vendor) + 1:].strip()
                    break
            short = re.sub(r"\s+(?:software|platform|framework)$", "", short, flags=re.I)
            for alias in {example, short}:
                if 2 <= len(alias) <= 40:
                    out.setdefault(alias, (short, "hot technology", 1))  # only hot ones are read: the flag shows
    return out


def train_spans(train: Path) -> dict[str, tuple[str, str, int]]:
    counts: Counter = Counter()
    for text, knowledge, _ in postings(train):
        for start, end, length in knowledge:
            if length <= 3:
                counts[text[start:end]] += 1
    return {span: (span, "knowledge", 0) for span, n in counts.items()
            if n >= MIN_TRAIN_SPAN_COUNT and "<" not in span and len(span) >= 2}


def _bare(label: str) -> str:
    return re.sub(r"\s*\([^)]*\)\s*", " ", label or "").strip()


WELL_FORMED = re.compile(r"^\.?[A-Za-z0-9][\w .+#/&'-]*[\w+#]$")
MIN_EVIDENCE_PLAIN = 3  # a lower-case English-looking word needs this many train matches to stay


def plain_word(alias: str) -> bool:
    return alias.isalpha() and alias.islower()


def distinctive(alias: str) -> bool:
    return len(alias.split()) >= 2 or bool(re.search(r"[0-9+#./]|[a-z][A-Z]|^[A-Z]{2,}", alias))


def train_precision(aliases: list[str], train: Path) -> dict[str, tuple[int, int]]:
    """alias -> (matches in train postings, matches inside an annotated span). A one-word alias must sit
    in a *knowledge* span: inside a long skill span ("lead the project team") any word would look right."""
    texts = list(postings(train))
    index = defaultdict(list)
    for alias in aliases:
        index[alias.lower()].append(alias)
    pattern = re.compile(r"(?<![\w+#])(" + "|".join(re.escape(a) for a in sorted(index, key=len, reverse=True))
                         + r")(?![\w+#])", re.I)
    seen: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for text, knowledge, skills in texts:
        for match in pattern.finditer(text):
            key = match.group(1).lower()
            gold = knowledge if " " not in key else knowledge + skills
            hit = any(match.start() < end and start < match.end() for start, end, _ in gold)
            seen[key][0] += 1
            seen[key][1] += hit
    return {alias: tuple(seen.get(alias.lower(), (0, 0))) for alias in aliases}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "warehouse" / "data" / "skills_extra.tsv.gz")
    args = parser.parse_args()
    train = args.data / "skillspan" / "train.json"
    candidates = {**esco_candidates(args.data / "esco" / "esco_v111_en.zip"),
                  **onet_candidates(args.data / "onet" / "Technology Skills.txt")}
    for alias, entry in train_spans(train).items():
        candidates.setdefault(alias, entry)
    core = load_taxonomy(grown=False)
    fresh = {a: e for a, e in candidates.items() if core.canonical(a) is None and a.lower() not in STOP}
    stats = train_precision(list(fresh), train)
    kept = []
    for alias, (name, family, hot) in sorted(fresh.items()):
        matched, inside = stats[alias]
        if not WELL_FORMED.match(alias):
            continue  # "AWS )", ". NET": SkillSpan's tokenization, not a name
        if "/" in alias and all(core.canonical(part.strip()) for part in alias.split("/")):
            continue  # "C/C++" is C and C++, which the taxonomy finds one by one
        if alias in AMBIGUOUS_ACRONYMS:
            if matched and inside / matched >= KEEP_PRECISION:
                kept.append((alias, alias, family, hot))  # asked as written, under no one field's expansion
            continue
        if matched and inside / matched >= KEEP_PRECISION and (matched >= MIN_EVIDENCE_PLAIN or not plain_word(alias)):
            kept.append((alias, name, family, hot))
        elif not matched and distinctive(alias):
            kept.append((alias, name, family, hot))
    # One canonical name per lower-cased alias; a name whose own alias was dropped keeps its other ones.
    # Train counted an alias in any casing, so where train kept it on its evidence and the candidates hold
    # it in lower case, the lower-case spelling is the one kept: a capitalised one-word alias matches only
    # as written (skills._grown), which would keep "Cloud" and miss the "cloud" train had counted.
    by_alias: dict[str, tuple] = {}
    for row in kept:
        by_alias.setdefault(row[0].lower(), row)
    for row in kept:
        if plain_word(row[0]) and stats[row[0]][0] >= MIN_EVIDENCE_PLAIN:
            by_alias[row[0]] = (row[0], *by_alias[row[0]][1:])  # the same skill, under its first name
    # A name is matched as written too, so a name whose own alias was dropped ("Project" of "Microsoft
    # Project", "pregnancy" of "pregnancy trimesters") gives way to the alias that was kept.
    rows = [row if row[1].lower() in by_alias else (row[0], row[0], *row[2:]) for row in by_alias.values()]
    rows = sorted(rows, key=lambda r: (r[1].lower(), r[0].lower()))
    write_tsv(args.out, ["alias", "name", "family", "hot"], rows)
    print(f"{len(candidates)} candidates, {len(fresh)} new to skills.toml, {len(rows)} kept; "
          f"families {dict(Counter(r[2] for r in rows))}")
    print("kept by train evidence:", json.dumps(sorted(a for a, *_ in rows if stats[a][0])[:80]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
