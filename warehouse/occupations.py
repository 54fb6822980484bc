"""Which occupation a job title names, in ESCO / O*NET terms with its ISCO-08 unit group.

Tables derived from ESCO v1.1.1 and O*NET 27.0 (CC BY 4.0; `scripts/build_occupations.py` rebuilds them)
ship in `warehouse/data/`. A title is cleaned of what is not the role (seniority, "(m/w/d)", "- Remote",
"Job in Derry", pay), abbreviations are spelled out (SRE, RN, BDR ...), then the longest run of its words
that is a known occupation label wins when it is the whole title (or a typo of one); otherwise the labels
nearest to the title's words vote (warehouse/occupation_vote.py) and the answer carries a lower confidence.
Every title with one known word gets an occupation. Proximity between two occupations follows ISCO and
ESCO's skills: same unit group, a neighbour (groups whose occupations share essential skills), a family
(the same sub-major group or its associate professionals, or the same O*NET job family), or unrelated.
"""
from __future__ import annotations

import csv
import gzip
import io
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

from warehouse.disk_memo import kept_on_disk, source_of
from warehouse.memo import remembered
from warehouse.occupation_guards import GroupGuards
from warehouse.occupation_parts import READ_IN_FULL, PartRewrites
from warehouse.occupation_proximity import Proximity
from warehouse.occupation_vote import NearestLabels
from warehouse.title_words import GENERIC_LABELS, GENERIC_ROLES, role_readings, role_segments

# How surely `_match` reads a label in a title: the floor, plus this much times the share of the title's words it
# covers; a label that is the whole title is read at their sum (0.95).
LABEL_FLOOR, LABEL_COVERAGE = 0.55, 0.4

FUZZY_CUTOFF = 78  # token_sort_ratio below this is no occupation at all
# Below this confidence an occupation is a guess that is right less than half the time (41% at 0.2-0.3 on
# the even rows of O*NET's reported titles): it cannot make a lead related, nor put it in a market, by itself.
RELATED_CONFIDENCE = 0.25
# A reading without the title's unknown words is a little less sure than the title as written.
UNKNOWN_WORDS_LEFT_OUT = 0.95
# A reading and a vote in two unit groups of one minor group agree on the minor group: the vote's unit keeps a
# share of the reading's confidence. "System Software Engineer" is read as O*NET's "software systems engineer"
# (2511) and voted a software developer (2512) at 0.19, a guess, which had sent NVIDIA's $184k-356k posting below
# every related lead of a backend profile; now 0.35. Even rows: unit and major group, AUC and P@20 unchanged;
# of the corpus listings' 5,099 titles 80 more sure, most of them developers' ("Mobile Software Engineer" 0.10 ->
# 0.33, "React Developer" 0.13 -> 0.30).
MINOR_GROUP_AGREEMENT = 0.4
SAME_WORD = 85  # fuzz.ratio at which two words are one word misspelt or inflected
# Labels this short are abbreviations ("da" a dental assistant, "dc" a chiropractor, "pa", "ot", "md"), and a title
# writes the same letters for a team, a place or a product ("Data Analytics - DA", "DC Analytics Intern" at a
# distribution centre, "Building Technology - D.C"): one is read only as a whole part of the title, and a part
# that is one of them alone, after the first part, is a qualifier ("Physician Assistant (PA)"). Nor do they tell
# the vote what a title is ("DC Analytics Intern" had been voted a chiropractor), and a single letter ("I&C",
# "PA-C", "D.C") is no role for it to find. Corpus listings: 16 of 5,099 titles moved, 11 from a wrong occupation
# (most a health role) to none or their own ("RF Software Engineer": an RFID specialist, now a developer; see
# docs/benchmarks.md, session 25); O*NET's reported titles: 4 right more, 2 fewer ("Medical Technologist (MT)").
ABBREVIATION_LETTERS = 2


@dataclass(frozen=True)
class Occupation:
    code: str
    label: str
    isco: str
    source: str
    confidence: float = 0.0

    def as_json(self) -> dict:
        return {"code": self.code, "label": self.label, "isco": self.isco, "confidence": round(self.confidence, 2)}

    def as_stored(self) -> dict:
        """Everything, unrounded: what `from_json` reads back as an equal Occupation."""
        return {"code": self.code, "label": self.label, "isco": self.isco, "source": self.source,
                "confidence": self.confidence}

    @classmethod
    def from_json(cls, data: dict) -> "Occupation":
        return cls(data["code"], data["label"], data["isco"], data.get("source", ""), float(data["confidence"]))


@dataclass(frozen=True)
class _Labels:
    """What the classifier reads titles with (OccupationIndex._index_labels)."""
    by_title: dict[str, str]
    title_weight: dict[str, int]
    by_head: dict[str, list[str]]
    by_head_sorted: dict[str, list[str]]
    nearest: NearestLabels


def _rows(name: str, folder: Path | None = None) -> list[dict[str, str]]:
    data = (folder / name).read_bytes() if folder else (resources.files("warehouse") / "data" / name).read_bytes()
    return list(csv.DictReader(io.StringIO(gzip.decompress(data).decode("utf-8")), delimiter="\t"))


class OccupationIndex(PartRewrites, GroupGuards, Proximity):
    """Each table is read on first use: scoring with every title's occupation cached needs only the
    occupations and the unit groups' similarity, not the 87k labels. `folder`: tables other than the
    shipped ones (the evaluations build theirs without the titles they measure on)."""

    def __init__(self, folder: Path | None = None):
        self.folder = folder
        self._reads: dict = {}  # word run -> the label read in it (see _read)
        self._votes: dict = {}  # word run -> the nearest labels' vote (see _vote)
        self._respellings: dict = {}  # rare last word -> the common role word it misspells, or None (_head_spelled)
        self._by_parts: dict = {}  # a title's parts -> its occupation (see classify)

    @cached_property
    def occupations(self) -> dict[str, Occupation]:
        return {r["code"]: Occupation(r["code"], r["label"], r["isco"], r["source"])
                for r in _rows("occupations.tsv.gz", self.folder)}

    @cached_property
    def _labels(self) -> "_Labels":
        """The labels' index, built once per release and machine (warehouse/disk_memo.py) for the shipped tables."""
        if self.folder is not None:
            return self._index_labels()
        import rapidfuzz

        from warehouse.versions import shipped_tables_digest

        built_from = [shipped_tables_digest(), rapidfuzz.__version__, np.__version__,
                      *source_of(__name__, "warehouse.occupation_vote")]
        return kept_on_disk("occupation-labels", built_from, self._index_labels)

    def _index_labels(self) -> "_Labels":
        claims: dict[str, dict[str, int]] = defaultdict(dict)
        for r in _rows("occupation_titles.tsv.gz", self.folder):
            if r["code"] in self.occupations:
                codes = claims[r["title"]]
                codes[r["code"]] = max(codes.get(r["code"], 0), int(r["weight"]))
        # The occupation a label names: the heaviest claim, ESCO before O*NET (ESCO carries ISCO itself).
        # Ties (an O*NET alternate title shared by several occupations) go to the occupation whose own
        # name is most like the title: "full stack developer" is a web developer's, not a film developer's.
        by_title = {title: max(codes, key=lambda c: (codes[c], self.occupations[c].source == "esco",
                                                     fuzz.ratio(title, self.occupations[c].label.lower()), c))
                    for title, codes in claims.items()}
        # How strongly each label is claimed: 1 for ESCO hidden labels and O*NET alternate titles, which are
        # noisy ("test analyst" is an alternate title of aerospace engineers), so never read as the answer alone.
        title_weight = {title: claims[title][code] for title, code in by_title.items()}
        by_head: dict[str, list[str]] = defaultdict(list)
        for title in by_title:
            by_head[title.rsplit(" ", 1)[-1]].append(title)
        # each label's words sorted: token_sort_ratio is the ratio of the sorted words, and sorting thousands
        # of candidates once, not at every lookup, makes `_fuzzy` five times faster
        by_head_sorted = {head: [" ".join(sorted(label.split())) for label in labels] for head, labels in by_head.items()}
        labels = list(by_title)
        nearest = NearestLabels(labels, [self.occupations[by_title[t]].isco for t in labels])
        return _Labels(by_title, title_weight, dict(by_head), by_head_sorted, nearest)

    @property
    def by_title(self) -> dict[str, str]:
        return self._labels.by_title

    def isco_of(self, title: str) -> str:
        """The ISCO unit group of a label's occupation."""
        return self.occupations[self.by_title[title]].isco

    @property
    def title_weight(self) -> dict[str, int]:
        return self._labels.title_weight

    @property
    def by_head(self) -> dict[str, list[str]]:
        return self._labels.by_head

    @property
    def by_head_sorted(self) -> dict[str, list[str]]:
        return self._labels.by_head_sorted

    @property
    def nearest(self) -> NearestLabels:
        return self._labels.nearest

    @cached_property
    def similarity(self) -> dict[str, dict[str, float]]:
        """unit group -> unit group -> Jaccard of their essential skills."""
        shared: dict[str, dict[str, float]] = defaultdict(dict)
        for r in _rows("isco_neighbours.tsv.gz", self.folder):
            shared[r["isco"]][r["neighbour"]] = float(r["similarity"])
            shared[r["neighbour"]][r["isco"]] = float(r["similarity"])
        return shared

    @cached_property
    def skills(self) -> dict[str, list[tuple[str, str]]]:
        essential: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for r in _rows("occupation_skills.tsv.gz", self.folder):
            essential[r["code"]].append((r["skill"], r["type"]))
        return essential

    # --- titles -----------------------------------------------------------------------------------

    def classify(self, title: str) -> Occupation | None:
        """The occupation a posting's or a profile's title names, or None when none of its words is known.
        Titles that differ only in what their parts leave out (a place, a level, a year: a million postings' 126k
        titles are 75k lists of parts) are read once."""
        parts = tuple(tuple(segment) for segment in role_segments(title))

        def read() -> Occupation | None:
            segments = [self._in_ict(self._member_as_worker(self._singular_head(self._head_spelled(list(segment)))))
                        for segment in parts]
            return self._or_leading_role(segments, self._classify_parts(segments))
        return remembered(self._by_parts, parts, read, self.MEMO_LIMIT)

    def _classify_parts(self, segments: list[list[str]]) -> Occupation | None:
        found = self._read_whole(self._field_first(segments)) or self._after_department(segments)
        if found is not None:
            return found
        # A word alone after the role names its team, product, place or programme ("Software Engineering Intern -
        # General", "- Compiler", "- Exton - PA", "- CCS"), which the taxonomies may spell as a role of its own (an
        # army general, a statistical compiler, a personal assistant) and read in full: once the first part names a
        # role surely enough, such a word is not read against it. (When it does not, "Intern - Nurse", it is; and a
        # bare role word, "Business Intelligence - Developer", is the role.)
        def qualifier(segment: list[str]) -> bool:
            return len(segment) == 1 and segment[0] not in GENERIC_ROLES

        def abbreviation(segment: list[str]) -> bool:  # a later part that is two letters alone (ABBREVIATION_LETTERS)
            return len(segment) == 1 and len(segment[0]) <= ABBREVIATION_LETTERS

        segments = segments[:1] + [s for s in segments[1:] if not abbreviation(s)]
        if len(segments) < 2:
            return self._classify_segments(segments)
        lead = self._classify_segments(segments[:1])
        found = self._read_whole(self._kind_first(segments)) if lead is None or lead.confidence < READ_IN_FULL else None
        if found is not None:
            return found
        if lead is None or lead.confidence < RELATED_CONFIDENCE:
            return self._classify_segments(segments)
        found = self._classify_segments([segments[0], *(s for s in segments[1:] if not qualifier(s))])
        # A first part that ends in the role it names ("Robotics Software Engineer - Intelligence Systems", "System
        # Software Engineer - New College Grad 2024 - CUDA Driver") is the role; what follows is its team or product
        # and may agree (and make it surer) but not overrule it, unless it is a role read in full ("Quality-Machine
        # Learning Engineer / Data Scientist"). A first part that names no role at its end (a team, a field,
        # "University Graduate - Software Engineer") leaves the role to the parts after it.
        if (found is not None and found.isco != lead.isco and found.confidence < READ_IN_FULL
                and self._ends_in_its_role(segments[0])):
            return lead
        return found

    def _classify_segments(self, segments: list[list[str]]) -> Occupation | None:
        readings = [reading for segment in segments for reading in self._readings(segment)]
        # Words no label has (a tool, a place: "Python Developer Django", "Stress Engineer Glasgow") say nothing
        # of the occupation, yet keep the label beside them from being the whole title: read without them too.
        # Only a label read in full counts so (the vote below takes the title as written: its last word unknown
        # means no role is named, "Intern - Advanced Bioimaging"), and two words at least must be left: one word
        # alone is too broad a label for what the others narrowed ("EDM Programmer", "Quant Researcher").
        for tried in (readings, [(known, weight * UNKNOWN_WORDS_LEFT_OUT) for words, weight in readings
                                 if len(known := tuple(w for w in words if w in self.nearest.postings)) >= 2
                                 and known != words]):
            best = self._best_read(tried)
            if best and self._read_in_full(best):
                return self._decide(best, None)  # the vote could not overrule it: not worth its cost
        # Each word run decides alone and the surest wins, so in "Software Engineer Full Stack - Prevention" a
        # weak guess from one run never overrules what another run reads.
        decided = None
        for words, weight in readings:
            read = self._read(words)
            vote = self._vote(words)
            found = self._decide((read[0] * weight, read[1]) if read else None,
                                 (vote.confidence * weight, vote.title) if vote else None)
            if found and (decided is None or found.confidence > decided.confidence):
                decided = found
        return decided

    @staticmethod
    def _readings(segment: list[str]) -> list[tuple[tuple[str, ...], float]]:
        """A part's readings (title_words.role_readings) as the word runs the memos key on."""
        return [(tuple(words), weight) for words, weight in role_readings(segment)]

    def _best_read(self, readings: list[tuple[tuple[str, ...], float]]) -> tuple[float, str] | None:
        """The surest label read in any of the readings, the first of two as sure (a title's parts in order); but
        of two other readings than as written equally sure, the better attested label ("Engineering Lead":
        "engineering manager", written by hand, before "engineering supervisor", an ESCO alternative label)."""
        best: tuple[float, str] | None = None
        best_weight = 1.0
        for words, weight in readings:
            found = self._read(words)
            if not found:
                continue
            score = found[0] * weight
            if (best is None or score > best[0] or (score == best[0] and weight < 1 and best_weight < 1
                                                     and self.title_weight.get(found[1], 2) > self.title_weight.get(best[1], 2))):
                best, best_weight = (score, found[1]), weight
        return best

    # A million postings carry ~126k distinct titles but only ~51k distinct word runs once cleaned ("Software
    # Engineer Intern" recurs beside every city and season): each run is read and voted on once per process.
    MEMO_LIMIT = 200_000  # runs remembered; the memo starts afresh past this, so a long-lived server stays small

    def _read(self, words: tuple[str, ...]) -> tuple[float, str] | None:
        """The label read in these words: the longest run of them that is a label, or a tool maker's title (also
        when a language named by an English word makes a label only part of the title: "Swift Developer", where
        the bare "developer" read at 0.75 had left the vote to make a textile "swift tender")."""
        def read() -> tuple[float, str] | None:
            found = self._match(list(words))
            if found is not None and self._unranked_executive(self.isco_of(found[1]), words):
                found = None
            if found is None or (found[0] < READ_IN_FULL and any(w in LANGUAGE_WORDS for w in words[:-1])):
                return self._by_tool(list(words)) or found
            return found
        return remembered(self._reads, words, read, self.MEMO_LIMIT)

    def _vote(self, words: tuple[str, ...]):
        """The nearest labels' vote on these words; none when the only known word is generic ("Engineer",
        "SDK Engineer" name no occupation) or an abbreviation's few letters, or the last word is a letter."""
        def vote():
            telling = len(words[-1]) > 1 and any(
                len(x) > ABBREVIATION_LETTERS and x not in GENERIC_LABELS and x in self.nearest.postings for x in words)
            return self._guarded_vote(self.nearest.vote(list(words)) if telling else None, words)
        return remembered(self._votes, words, vote, self.MEMO_LIMIT)

    def _read_in_full(self, read: tuple[float, str]) -> bool:
        return read[0] >= READ_IN_FULL and self.title_weight.get(read[1], 2) >= 2

    def _decide(self, read: tuple[float, str] | None, vote: tuple[float, str] | None) -> Occupation | None:
        """A well-attested label that is the whole title is read as written. Otherwise the nearest labels' vote
        decides; where it names the unit group of the label read in the title, that reading's confidence holds,
        and where only their minor group agrees, a share of it (MINOR_GROUP_AGREEMENT)."""
        def occupation_of(title: str, confidence: float) -> Occupation:
            found = self.occupations[self.by_title[title]]
            return Occupation(found.code, found.label, found.isco, found.source, confidence)

        if read and (vote is None or self._read_in_full(read)):
            return occupation_of(read[1], read[0])
        if vote is None:
            return None
        if read:
            read_isco, vote_isco = self.isco_of(read[1]), self.isco_of(vote[1])
            if read_isco == vote_isco:
                return occupation_of(read[1], max(read[0], vote[0]))
            if read_isco[:3] == vote_isco[:3]:
                return occupation_of(vote[1], max(vote[0], read[0] * MINOR_GROUP_AGREEMENT))
        return occupation_of(vote[1], vote[0])

    def _match(self, words: list[str]) -> tuple[float, str] | None:
        n = len(words)
        if not n:
            return None
        for length in range(n, 0, -1):
            # Prefer the run that ends at the head of the title (its last word), then the later one.
            for start in range(n - length, -1, -1):
                phrase = " ".join(words[start:start + length])
                if length == 1 and n > 1 and len(phrase) <= ABBREVIATION_LETTERS:
                    continue
                if phrase in self.by_title:
                    coverage = length / n
                    exact = (LABEL_FLOOR + LABEL_COVERAGE * coverage) * (1.0 if start + length == n else 0.85)
                    if coverage < 1 and n > 1:
                        fuzzy = self._fuzzy(words)
                        if fuzzy and fuzzy[0] > exact:
                            return fuzzy
                    return exact, phrase
        return self._fuzzy(words)

    def _fuzzy(self, words: list[str]) -> tuple[float, str] | None:
        """The closest label with the same head word whose every word is one of the title's, give or take a
        typo or a plural: "pottery decorator" is no "pastry decorator", "softwre developer" is a software one."""
        candidates = self.by_head.get(words[-1])
        if not candidates:
            return None
        # token_sort_ratio, as fuzz.ratio over words sorted beforehand (the same scores and order)
        for _, score, at in process.extract(" ".join(sorted(words)), self.by_head_sorted[words[-1]],
                                            scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=5):
            label = candidates[at]
            if all(any(fuzz.ratio(w, t) >= SAME_WORD for t in words) for w in label.split()):
                return score / 100 * 0.9, label
        return None

    def _by_tool(self, words: list[str]) -> tuple[float, str] | None:
        """"Python Engineer", "Kafka Developer", "Linux Administrator": a maker's or an administrator's title whose
        other words are a software or data tool (from the skills taxonomy) is a software developer's, a data
        scientist's or an ICT system administrator's, however the taxonomies spell it (TOOL_TITLES)."""
        families = TOOL_TITLES.get(words[-1])
        if len(words) < 2 or families is None:
            return None
        from warehouse.skills import load_taxonomy

        tools = load_taxonomy(grown=False)
        modifiers = words[:-1]
        phrases = [" ".join(modifiers[i:j]) for i in range(len(modifiers)) for j in range(i + 1, len(modifiers) + 1)]
        for phrase in phrases:
            name = tools.canonical(LANGUAGE_WORDS.get(phrase, phrase))
            if name and tools.category(name) in families:
                return READ_IN_FULL, families[tools.category(name)]
        return None

    def targets(self, titles) -> list[Occupation]:
        """The occupations a profile's target titles name (titles that name none are left out)."""
        return [o for o in (self.classify(t) for t in titles if t.strip()) if o is not None]

    # --- between occupations ----------------------------------------------------------------------

    def fits(self, isco: str | None, confidence: float, targets: set[str]) -> bool:
        """A confident occupation of the target unit groups or a neighbour: the roles the user is after
        (`leads hidden`'s history, `leads discover`'s "fit you" count)."""
        return confidence >= RELATED_CONFIDENCE and self.proximity(isco, targets) in ("same", "neighbour")

    def essential_skills(self, code: str) -> list[tuple[str, str]]:
        return self.skills.get(code, [])


# A title's head word -> the skills family of the tool before it -> the ESCO label the title means: "Kafka
# Developer" makes software, "Linux Administrator" or "Jira Administrator" runs it.
_MAKES = {"software": "software developer", "data": "data scientist"}
# Languages and frameworks whose names are English words: the skills taxonomy matches them only as written
# ("Rust", never "rust" in a sentence), but before a maker's title they are the tool ("Rust Engineer" had been a
# rustproofer, "Swift Developer" a textile winder). Not "Assembly" ("Assembly Engineer" works a production line).
LANGUAGE_WORDS = {word.lower(): word for word in ("Rust", "Go", "Swift", "Ruby", "Dart", "Julia", "Elm", "React",
                                                   "Angular", "Node", "Rails", "Unity", "Spring", "Spark")}
TOOL_TITLES = {**{head: _MAKES for head in ("engineer", "developer", "programmer", "architect")},
               "administrator": {"software": "ict system administrator"}}


@lru_cache(maxsize=1)
def occupation_index() -> OccupationIndex:
    return OccupationIndex()
