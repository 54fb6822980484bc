"""The skills taxonomy and what a posting asks for: skills (required, preferred or just mentioned),
years of experience and seniority (how the description's sections and sentences are read:
`warehouse.posting_text`).

Matching is compiled once per taxonomy into two regexes (one ignoring case, one for aliases that are
also English words such as "Go" or "React"), each a trie of alternatives so a long text is scanned once.
"""
from __future__ import annotations

import csv
import gzip
import hashlib
import io
from bisect import bisect_right
import json
import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from typing import Any, Iterable, Mapping

from warehouse.posting_text import asked_in, segments, seniority_of, years_asked
from warehouse.skill_spans import asked_skills

CUSTOM_CATEGORY = "custom"

# Characters that continue a token: "C" in "C++" or "C#" is not the skill C.
_TOKEN_CHARS = r"\w+#"
_TOKEN_CHAR = re.compile(rf"[{_TOKEN_CHARS}]")
_DOT_WORD = re.compile(r"\.\w")  # "node.js" is not "node" followed by a full stop


@dataclass(frozen=True)
class Skill:
    name: str
    category: str
    aliases: tuple[str, ...] = ()


@dataclass
class Extraction:
    """What one posting asks for. Each skill sits in exactly one of the three lists, strongest first."""

    required: list[str] = field(default_factory=list)
    preferred: list[str] = field(default_factory=list)
    mentioned: list[str] = field(default_factory=list)
    years: float | None = None
    seniority: str | None = None
    seniority_source: str | None = None
    evidence: dict[str, str] = field(default_factory=dict)  # skill -> the text it was found by, as written

    @property
    def skills(self) -> list[str]:
        return self.required + self.mentioned + self.preferred

    def importance(self) -> dict[str, str]:
        out = {s: "preferred" for s in self.preferred}
        out.update({s: "mentioned" for s in self.mentioned})
        out.update({s: "required" for s in self.required})
        return out


def _trie_pattern(words: Iterable[str]) -> str:
    """One regex alternation shaped as a trie, longest alternative first at every branch."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch != ""]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return f"(?:{body})?"
        return body

    return build(trie)


def _fold(text: str, strip: bool = True) -> str:
    """How aliases and text meet when case does not count: lower case, a hyphen read as a space, so that a
    tag list's "amazon-web-services", "spring-boot" or "back-end" is AWS, Spring Boot and backend
    (the same length as the text, so offsets stay valid)."""
    folded = text.lower().replace("-", " ")
    return folded.strip() if strip else folded


class Taxonomy:
    """Canonical skills with aliases and categories, and the compiled matchers."""

    def __init__(self, skills: Mapping[str, Skill], case_sensitive: Iterable[str] = (),
                 not_after: Mapping[str, Iterable[str]] | None = None,
                 implies: Mapping[str, Iterable[str]] | None = None):
        self.skills: dict[str, Skill] = dict(skills)
        self.implies = {k: tuple(v) for k, v in (implies or {}).items() if k in self.skills}
        cs_wanted = {a.lower(): a for a in case_sensitive}
        self._by_alias: dict[str, str] = {}  # folded alias -> canonical
        self._exact: dict[str, str] = {}     # case-sensitive alias -> canonical
        for skill in self.skills.values():
            for alias in (skill.name, *skill.aliases):
                folded, lowered = _fold(alias), alias.lower().strip()
                if not folded:
                    continue
                if lowered in cs_wanted and alias == cs_wanted[lowered]:
                    self._exact.setdefault(alias, skill.name)
                elif lowered in cs_wanted:
                    continue  # "react" written lower-case stays off: only "React" counts
                else:
                    self._by_alias.setdefault(folded, skill.name)
        self._not_after = {k: {w.lower() for w in v} for k, v in (not_after or {}).items()}
        digest = hashlib.sha1(json.dumps(
            [[s.name, s.category, list(s.aliases)] for s in sorted(self.skills.values(), key=lambda s: s.name)]
            + [sorted(self._exact), sorted((k, sorted(v)) for k, v in self._not_after.items()),
               sorted((k, list(v)) for k, v in self.implies.items())]
        ).encode()).hexdigest()
        self.version = digest[:12]

    # The matchers are built on first use: looking up a name (`canonical`, `category`) needs none of them.
    @cached_property
    def _automaton(self) -> tuple[Any, list[str]]:
        """Every lower-case alias in one Aho-Corasick automaton (25 ms to build; the same trie as one regex
        took half a second to compile in every process that read a new description)."""
        import ahocorasick_rs

        aliases = list(self._by_alias)
        return ahocorasick_rs.AhoCorasick(aliases), aliases

    def _loose_matches(self, lowered: str) -> list[tuple[str, int, int]]:
        """(alias, start, end) as `_loose` finds them: at each place a name may start (no word character
        before it), the longest alias that ends where a name may end; then leftmost first, none overlapping."""
        automaton, aliases = self._automaton
        longest: dict[int, tuple[int, int]] = {}
        size = len(lowered)
        for index, start, end in automaton.find_matches_as_indexes(lowered, overlapping=True):
            if start and _TOKEN_CHAR.match(lowered, start - 1):
                continue
            if end < size and (_TOKEN_CHAR.match(lowered, end) or _DOT_WORD.match(lowered, end)):
                continue
            if end - start > longest.get(start, (0, 0))[0]:
                longest[start] = (end - start, index)
        found, covered = [], 0
        for start in sorted(longest):
            if start >= covered:
                length, index = longest[start]
                found.append((aliases[index], start, start + length))
                covered = start + length
        return found

    @cached_property
    def _loose(self) -> re.Pattern:
        edge_before, edge_after = rf"(?<![{_TOKEN_CHARS}])", rf"(?![{_TOKEN_CHARS}]|\.\w)"
        return re.compile(edge_before + "(" + _trie_pattern(self._by_alias) + ")" + edge_after)

    @cached_property
    def _strict(self) -> re.Pattern | None:
        if not self._exact:
            return None
        return re.compile(rf"(?<![{_TOKEN_CHARS}\-])(" + _trie_pattern(self._exact) + rf")(?![{_TOKEN_CHARS}\-&]|\.\w)")

    def __len__(self) -> int:
        return len(self.skills)

    def category(self, name: str) -> str:
        skill = self.skills.get(name)
        return skill.category if skill else CUSTOM_CATEGORY

    def categories(self) -> list[str]:
        return sorted({s.category for s in self.skills.values()})

    def canonical(self, name: str) -> str | None:
        """The canonical skill a name or alias means ("k8s" -> "Kubernetes"), or None."""
        name = name.strip()
        return self._exact.get(name) or self._by_alias.get(_fold(name))

    def find(self, text: str) -> list[tuple[str, int, int]]:
        """(canonical skill, start, end) of every skill mention, in text order."""
        if not text:
            return []
        lowered = _fold(text, strip=False)
        loose = []
        if len(lowered) == len(text):
            loose = [(self._by_alias[alias], start, end) for alias, start, end in self._loose_matches(lowered)]
        else:  # rare scripts whose lower case changes length: match on the original text instead
            for m in re.compile(self._loose.pattern, re.IGNORECASE).finditer(text.replace("-", " ")):
                name = self._by_alias.get(_fold(m.group(1)))
                if name:
                    loose.append((name, m.start(1), m.end(1)))
        found = list(loose)
        if self._strict is not None:
            starts = [s for _, s, _ in loose]
            for m in self._strict.finditer(text):
                start, end = m.start(1), m.end(1)
                inside = bisect_right(starts, start) - 1
                if inside >= 0 and end <= loose[inside][2]:
                    continue  # "Go" inside a longer match such as "Go-to-market"
                alias = m.group(1)
                if self._vetoed(text, alias, start, end):
                    continue
                found.append((self._exact[alias], start, end))
        found.sort(key=lambda f: f[1])
        return found

    def _vetoed(self, text: str, alias: str, start: int, end: int) -> bool:
        before = text[max(0, start - 40):start].rstrip(" \t")
        if not before and start > 40:
            before = "x"  # a long run of spaces: not the start of the text
        previous_word = re.search(r"([\w']+)$", before)
        if previous_word and previous_word.group(1).lower() in self._not_after.get(alias, ()):
            return True
        at_sentence_start = not before or before[-1] in ".!?:\n•*·–—>" or (
            before[-1] == "-" and (len(before) == 1 or before[-2] in "\n \t"))
        if at_sentence_start:
            # A capitalised first word is usually English ("Go beyond", "Excel at"); a list is not.
            return not re.match(r"[ \t]*(?:[,/;()]|$|\n| and | or |[A-Z]{2,}\b)", text[end:end + 8])
        return False

    def skills_in(self, text: str) -> list[str]:
        """Distinct canonical skills named in a text, in order of first mention."""
        seen: dict[str, None] = {}
        for name, _, _ in self.find(text):
            seen.setdefault(name, None)
        return list(seen)


def taxonomy_source() -> dict:
    path = resources.files("warehouse") / "data" / "skills.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _freeze(mapping: Mapping[str, Iterable[str]] | None) -> tuple:
    return tuple(sorted((k, tuple(v)) for k, v in (mapping or {}).items()))


def load_taxonomy(extra: Mapping[str, Iterable[str]] | None = None, profile_skills: Iterable[str] = (),
                  grown: bool = True) -> Taxonomy:
    """The shipped taxonomy plus the user's [skills] (new skills, or more aliases for known ones) and any
    profile skill it lacks, so everything the user claims can be found. `grown=False`: skills.toml alone,
    without what scripts/build_skills.py grew from ESCO and O*NET (the build compares against it)."""
    return _load(_freeze(extra), tuple(sorted(profile_skills)), grown)


@lru_cache(maxsize=1)
def extra_skills() -> list[tuple[str, str, str, bool]]:
    """(alias, name, family, hot) grown from ESCO and O*NET by scripts/build_skills.py."""
    raw = (resources.files("warehouse") / "data" / "skills_extra.tsv.gz").read_bytes()
    rows = csv.DictReader(io.StringIO(gzip.decompress(raw).decode("utf-8")), delimiter="\t", quoting=csv.QUOTE_NONE)
    return [(r["alias"], r["name"], r["family"], r["hot"] == "1") for r in rows]


def _grown(skills: dict[str, Skill], base: Taxonomy, case_sensitive: list[str]) -> tuple[dict[str, Skill], list[str]]:
    """The shipped skills plus the grown ones; a name skills.toml knows keeps its own entry. An alias that
    is an English word once lower-cased ("LESS", "Salt") only matches in its own casing."""
    grown: dict[str, list[str]] = {}
    family: dict[str, str] = {}
    sensitive = list(case_sensitive)
    for alias, name, kind, _hot in extra_skills():
        if base.canonical(alias) is not None:
            continue
        known = base.canonical(name)
        target = known or name
        grown.setdefault(target, []).append(alias)
        family.setdefault(target, kind)
        if alias.isalpha() and not alias.islower() and len(alias.split()) == 1:
            sensitive.append(alias)
    out = dict(skills)
    for name, aliases in grown.items():
        if name in out:
            old = out[name]
            out[name] = Skill(old.name, old.category, tuple(dict.fromkeys((*old.aliases, *aliases))))
        else:
            out[name] = Skill(name, family[name], tuple(a for a in aliases if a != name))
    return out, sensitive


@lru_cache(maxsize=8)
def _load(extra: tuple, profile_skills: tuple, grown: bool = True) -> Taxonomy:
    """Built once per release and set of the user's skills, then kept on disk: building it (5,500 skills, 16,000
    aliases) took 0.12-0.2 s of every command that reads a description or a profile; loading it takes 0.04 s."""
    from warehouse.disk_memo import kept_on_disk, source_of
    from warehouse.versions import shipped_tables_digest

    built_from = [shipped_tables_digest(), *source_of(__name__), repr((extra, profile_skills, grown))]
    return kept_on_disk("skills-taxonomy", built_from, lambda: _build(extra, profile_skills, grown))


def _build(extra: tuple, profile_skills: tuple, grown: bool) -> Taxonomy:
    data = taxonomy_source()
    options = data.pop("options", {})
    skills: dict[str, Skill] = {}
    for category, entries in data.items():
        for name, aliases in entries.items():
            skills[name] = Skill(name, category, tuple(aliases))
    base = Taxonomy(skills, options.get("case_sensitive", ()), options.get("not_after", {}), options.get("implies", {}))
    if grown:
        skills, case_sensitive = _grown(skills, base, options.get("case_sensitive", []))
        options["case_sensitive"] = case_sensitive
        base = Taxonomy(skills, case_sensitive, options.get("not_after", {}), options.get("implies", {}))
    for name, aliases in extra:
        known = base.canonical(name)
        if known:
            old = skills[known]
            skills[known] = Skill(old.name, old.category, tuple(dict.fromkeys((*old.aliases, *aliases))))
        else:
            skills[name] = Skill(name, CUSTOM_CATEGORY, tuple(aliases))
    for name in profile_skills:
        if base.canonical(name) is None and name not in skills:
            skills[name] = Skill(name, CUSTOM_CATEGORY, ())
    return Taxonomy(skills, options.get("case_sensitive", ()), options.get("not_after", {}), options.get("implies", {}))


def taxonomy_for(config) -> Taxonomy:
    """The taxonomy a jobleads Config asks for."""
    return load_taxonomy(config.skills, config.profile.skills)


# --- sections -----------------------------------------------------------------------------------

def employer_named_in(employer: str | None, description: str | None) -> bool:
    """Whether the employer's name may be in the description: its first word, letters and digits only, is
    (as `warehouse.rules.EMPLOYER_IN_TEXT_SQL` tests it, which keys the extraction cache by employer then)."""
    if not employer or not description:
        return False
    first = re.sub(r"[^A-Za-z0-9]", "", employer.strip(" ").split(" ")[0]).lower()
    return bool(first) and first in description.lower()


def extract(taxonomy: Taxonomy, title: str, description: str | None, employer: str | None = None,
            learned: bool = True) -> Extraction:
    """Skills, years and seniority asked by one posting; a skill in the title counts as required. The employer's
    own name in the text is the employer, not a skill asked: "At GitLab we ..." asks no Git, "Datadog's
    platform" no Datadog (a skill the title names still counts). The description is read as
    `warehouse.skill_spans.asked_skills` reads it; `learned=False`: by the taxonomy and the reading's rules alone
    (`warehouse.posting_text.asked_in`), as `evaluate` checks the taxonomy."""
    text = description or ""
    parts = segments(text)
    rank = {"required": 0, "mentioned": 1, "preferred": 2}
    best: dict[str, str] = {}
    evidence: dict[str, str] = {}
    employer_key = ""
    if employer_named_in(employer, text):
        from warehouse.normalize import company_key  # only then: its module is heavier than this one

        employer_key = company_key(employer)
    for name, start, end in taxonomy.find(title or ""):
        best[name] = "required"
        evidence.setdefault(name, title[start:end])
    for kind, name, start, end in (asked_skills if learned else asked_in)(taxonomy, text, parts):
        if employer_key and company_key(text[start:end]) == employer_key:
            continue
        if name not in best or rank[kind] < rank[best[name]]:
            best[name] = kind
            evidence[name] = text[start:end]
    for name, kind in list(best.items()):
        for implied in taxonomy.implies.get(name, ()):
            if implied not in best or rank[kind] < rank[best[implied]]:
                best[implied] = kind
                evidence[implied] = evidence[name]  # "Django" is the evidence of Python too
    result = Extraction(evidence=evidence)
    for name, kind in best.items():
        getattr(result, kind).append(name)
    result.years = years_asked(text, parts)
    result.seniority, result.seniority_source = seniority_of(title, text, result.years)
    return result


def evaluate(taxonomy: Taxonomy, labelled: Iterable[Mapping]) -> dict[str, dict[str, float]]:
    """Precision and recall per skill family on hand-labelled postings ({title, text, skills}), for
    checking the taxonomy after editing it: read by the taxonomy and the reading's rules alone."""
    counts: dict[str, list[int]] = {}
    for posting in labelled:
        found = set(extract(taxonomy, posting["title"], posting["text"], learned=False).skills)
        wanted = set(posting["skills"])
        for skill in found | wanted:
            tally = counts.setdefault(taxonomy.category(skill), [0, 0, 0])
            tally[0 if skill in found and skill in wanted else 1 if skill in found else 2] += 1
    report = {}
    for family, (tp, fp, fn) in sorted(counts.items()):
        report[family] = {"precision": tp / (tp + fp) if tp + fp else 1.0,
                          "recall": tp / (tp + fn) if tp + fn else 1.0, "tp": tp, "fp": fp, "fn": fn}
    return report
