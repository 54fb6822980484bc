"""The skills taxonomy and what a posting asks for: skills (required, preferred or just mentioned),
years of experience and seniority.

Matching is compiled once per taxonomy into two regexes (one ignoring case, one for aliases that are
also English words such as "Go" or "React"), each a trie of alternatives so a long text is scanned once.
"""
from __future__ import annotations

import csv
import gzip
import hashlib
import io
from bisect import bisect_left, bisect_right
import json
import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from typing import Any, Iterable, Mapping

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
                folded = _fold(alias)
                if not folded:
                    continue
                if alias.lower().strip() in cs_wanted and alias == cs_wanted[alias.lower().strip()]:
                    self._exact.setdefault(alias, skill.name)
                elif alias.lower().strip() in cs_wanted:
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

_PREFERRED_HEAD = re.compile(
    r"nice[\s-]to[\s-]haves?|bonus|preferred|pluses|\bplus\b|desir(?:ed|able)|good to have|extra credit|"
    r"would be (?:great|nice)|ideally|optional|not required|even better|stand out|added advantage|wünschenswert",
    re.I,
)
_REQUIRED_HEAD = re.compile(
    r"requirements?|required|must[\s-]haves?|what you(?:'|’)?ll? bring|you bring|bring to the|qualifications?|"
    r"looking for|who you are|about you|you have|you should have|you(?:'|’)ll need|what you need|"
    r"skills|experience|minimum|basic|your profile|your background|ideal candidate|you are|we expect|"
    r"competenc|need to (?:have|succeed)|to be successful|to succeed|essential|dein profil|ihr profil|anforderungen",
    re.I,
)
_OTHER_HEAD = re.compile(
    r"responsibilit|what you(?:'|’)?ll do|what you will do|the role|about us|about the|who we are|benefits|perks|"
    r"we offer|what we offer|compensation|salary|pay range|the team|how to apply|values|why join|why you|"
    r"overview|location|equal|diversity|day[\s-]to[\s-]day|in this role|your impact|your mission|tasks|aufgaben|"
    r"what's in it|our stack|tech stack|tools we use|the opportunity|the company|mission|culture|process|"
    r"hiring|interview",
    re.I,
)
_IGNORED_HEAD = re.compile(
    r"benefits|perks|we offer|what's in it|compensation|salary|pay range|about us|about the company|who we are|"
    r"equal|diversity|inclusion|privacy|how to apply|staying safe|fraud|accommodation|disclaimer|legal notice|"
    r"wir bieten|über uns",
    re.I,
)
_INLINE_PREFERRED = ("a plus", "big plus", "nice to have", "nice-to-have", "bonus", "preferred", "preferably",
                     "ideally", "desirable", "advantageous", "an advantage", "not required", "would be great",
                     "helpful", "beneficial", "good to have", "familiarity with")


def _cue_positions(text: str) -> list[int]:
    """Where "nice to have" cues start: plain substring search (far faster than a regex alternation)."""
    lowered = text.lower()
    found = []
    for cue in _INLINE_PREFERRED:
        at = lowered.find(cue)
        while at != -1:
            end = at + len(cue)
            if (at == 0 or not lowered[at - 1].isalnum()) and (end == len(lowered) or not lowered[end].isalnum()):
                found.append(at)
            at = lowered.find(cue, end)
    return sorted(found)


_BULLET = re.compile(r"^\s*(?:[*•·\-–—]|\d+[.)])\s+")
_SENTENCE = re.compile(r"(?<=[.!?;])\s+")


def _heading_kind(line: str) -> tuple[str | None, int]:
    """('required'|'preferred'|'other'|'ignored'|None, offset in the line where the section's text starts)."""
    stripped = line.strip().strip("#*_ ").strip()
    if not stripped or _BULLET.match(line):
        return None, 0
    head, sep, rest = stripped.partition(":")
    if not sep:
        head = stripped
    words = head.split()
    if not words or len(words) > 9 or head.endswith((".", ",")) or (not sep and len(stripped) > 70):
        return None, 0
    after = line.index(":") + 1 if sep else 0  # a heading without a colon may be a short sentence: keep it
    if _IGNORED_HEAD.search(head):
        return "ignored", after
    if _PREFERRED_HEAD.search(head):
        return "preferred", after
    if _OTHER_HEAD.search(head) and not re.search(r"requirement|qualification|must", head, re.I):
        return "other", after
    if _REQUIRED_HEAD.search(head):
        return "required", after
    return None, 0


def segments(text: str) -> list[tuple[str, int, int]]:
    """The text cut into sentences (kind, start, end): kind is 'required', 'preferred' or 'mentioned'.
    Sections about the company, benefits, privacy or equal opportunity are left out: they ask for nothing."""
    out: list[tuple[str, int, int]] = []
    cues = _cue_positions(text or "")  # one scan, then placed by offset
    section = "mentioned"
    offset = 0
    for line in (text or "").splitlines(keepends=True):
        kind, skip = _heading_kind(line) if len(line) <= 140 else (None, 0)
        if kind is not None:
            section = {"other": "mentioned"}.get(kind, kind)
        if section != "ignored":
            begin = offset + skip
            body = text[begin:offset + len(line)]
            cut = 0
            for piece in [*_SENTENCE.finditer(body), None]:
                stop = piece.start() if piece else len(body)
                if body[cut:stop].strip():
                    out.extend(_mark_preferred(text, section, begin + cut, begin + stop, cues))
                cut = piece.end() if piece else cut
        offset += len(line)
    return out


def _mark_preferred(text: str, section: str, start: int, end: int, cues: list[int]) -> list[tuple[str, int, int]]:
    """A sentence with a "nice to have" cue is preferred as a whole, unless the cue sits in parentheses:
    then only the parenthesis is ("Project management (PMP a plus)")."""
    if section == "preferred" or not cues:
        return [(section, start, end)]
    index = bisect_left(cues, start)
    if index == len(cues) or cues[index] >= end:
        return [(section, start, end)]
    cue = cues[index]
    opening = text.rfind("(", start, cue)
    closing = text.find(")", cue, end)
    if opening == -1 or closing == -1 or text.find(")", opening, cue) != -1:
        return [("preferred", start, end)]
    return [(section, start, opening), ("preferred", opening, closing + 1), (section, closing + 1, end)]


# --- years and seniority --------------------------------------------------------------------------

_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10, "twelve": 12, "fifteen": 15}
_YEAR_WORD = re.compile(r"\b(?:years?|yrs?)\b", re.I)
_YEARS_BEFORE = re.compile(
    r"\b(\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")(?:\.\d)?\s*(?:\+|plus)?\s*(?:(?:-|–|to)\s*\d{1,2}\s*)?\+?\s*"
    r"(?:\(\d{1,2}\)\s*)?$",
    re.I,
)
_EXPERIENCE = re.compile(r"experience|exp\b|background|track record|working|building|in (?:a|an|the)\b|as (?:a|an)\b|professional", re.I)

SENIORITY_RANK = {"intern": 0, "junior": 1, "mid": 2, "senior": 3, "staff": 4, "manager": 4, "principal": 5,
                  "director": 6}
_TITLE_SENIORITY = [
    ("intern", re.compile(r"\b(?:intern|internship|praktikant\w*|werkstudent\w*|working student|apprentice\w*|trainee)\b", re.I)),
    ("director", re.compile(r"\b(?:director|head of|vp|vice president|chief)\b", re.I)),
    ("principal", re.compile(r"\b(?:principal|distinguished|fellow)\b", re.I)),
    ("manager", re.compile(r"\b(?:engineering|people|team|general|store|department|site|plant|branch|office|operations|warehouse|shift|restaurant|nurse) manager\b|\bmanager,? (?:engineering|software)\b", re.I)),
    ("staff", re.compile(r"\b(?:staff|lead|tech lead|team lead)\b", re.I)),
    ("senior", re.compile(r"\b(?:senior|sr\.?|iii|expert)\b|\(senior\)", re.I)),
    ("junior", re.compile(r"\b(?:junior|jr\.?|entry[\s-]level|graduate|new grad|i)\b|^associate\b", re.I)),
    ("mid", re.compile(r"\b(?:mid[\s-]?level|intermediate|ii)\b", re.I)),
]
_TEXT_SENIORITY = [
    ("junior", re.compile(r"\b(?:entry[\s-]level|new grads?|recent graduates?|no experience (?:required|needed))\b", re.I)),
    ("senior", re.compile(r"\bsenior[\s-]level\b", re.I)),
]


def years_asked(text: str, parts: list[tuple[str, int, int]]) -> float | None:
    """The most years of experience a required or plain sentence asks for ("5+ years of Python")."""
    best: float | None = None
    starts = [start for _, start, _ in parts]
    for word in _YEAR_WORD.finditer(text):  # find "years" first, then look back for the number
        number = _YEARS_BEFORE.search(text, max(0, word.start() - 30), word.start())
        if number is None:
            continue
        index = bisect_right(starts, number.start()) - 1
        if index < 0 or number.start() >= parts[index][2] or parts[index][0] == "preferred":
            continue
        kind, start, end = parts[index]
        tail = re.split(r"[.;\n]", text[word.end():word.end() + 70], maxsplit=1)[0]
        if not _EXPERIENCE.search(tail) and "experience" not in text[start:end].lower():
            continue
        raw = number.group(1).lower()
        value = float(_NUMBER_WORDS[raw]) if raw in _NUMBER_WORDS else float(raw)
        if 0 < value <= 20:
            best = value if best is None else max(best, value)
    return best


def seniority_of(title: str, text: str, years: float | None) -> tuple[str | None, str | None]:
    """(level, where it came from): the title first, then telling phrases, then the years asked."""
    for level, pattern in _TITLE_SENIORITY:
        if pattern.search(title or ""):
            return level, "title"
    for level, pattern in _TEXT_SENIORITY:
        if pattern.search(text or ""):
            return level, "text"
    if years is not None:
        return seniority_for_years(years), "years"
    return None, None


def seniority_for_years(years: float) -> str:
    if years < 2:
        return "junior"
    if years < 4:
        return "mid"
    if years < 8:
        return "senior"
    return "staff"


# A skill that names a role or a team ("our DevOps Manager", "Java Developer positions", "the Procurement
# team") says who, not what the posting asks; the posting's own title is read apart (extract). On SkillSpan's
# train split 63 of 73 such mentions are in no annotated span.
_ROLE_AFTER = re.compile(
    r"[ \t]*[-/]?[ \t]*(?:engineers?|developers?|architects?|managers?|administrators?|teams?|specialists?|"
    r"consultants?|experts?|designers?|programmers?|department|analysts?|testers?|scientists?|officers?)\b", re.I)


# A sentence outside the requirements, in the employer's own voice and saying nothing of the candidate ("We
# build Cloud based SaaS for pharma", "We strive to build long-term partnerships with our clients") describes
# the employer: the names in it are not asked, unless it lists what the team works with ("Our stack: Python,
# Django, AWS", "we use Kafka and Spark"), which the job will use. On SkillSpan's train split 191 mentions in
# such sentences are in an annotated span 30% of the time, against 86% where the sentence speaks of the candidate.
_TEAM_TOOLS = re.compile(r"\b(?:stack|tech|technolog\w*|tools?|tooling|using|use|uses|built (?:with|on)|run|runs|"
                         r"running|works? (?:in|with|on)|working (?:in|with|on)|languages?|frameworks?)\b|:", re.I)
_CANDIDATE_VOICE = re.compile(
    r"\b(?:you|your|you'll|you're|candidates?|applicants?|experienced?|knowledge|skills?|familiar\w*|proficien\w*|"
    r"understanding|background|expertise|ability|degree|must|required|requirements?|strong|solid|good|excellent|"
    r"working|hands-on|years?)\b", re.I)
_EMPLOYER_VOICE = re.compile(r"\b(?:we|we're|we've|our|us|company|clients|founded|headquartered)\b", re.I)


def asked_in(taxonomy: Taxonomy, text: str, parts: list[tuple[str, int, int]]) -> list[tuple[str, str, int, int]]:
    """(section kind, skill, start, end) of the skills a description asks: one scan of the whole text, each hit
    placed in its section (segments); hits in headings, left-out sections, role names and the employer's
    description of itself are not asked."""
    starts = [start for _, start, _ in parts]
    asked = []
    about_employer: dict[int, bool] = {}
    for name, start, end in taxonomy.find(text):
        index = bisect_right(starts, start) - 1
        if index < 0 or start >= parts[index][2] or _ROLE_AFTER.match(text, end):
            continue
        kind, begin, stop = parts[index]
        if kind == "mentioned":
            if index not in about_employer:
                about_employer[index] = _about_employer(text[begin:stop])
            if about_employer[index]:
                continue
        asked.append((kind, name, start, end))
    return asked


def _about_employer(sentence: str) -> bool:
    """The employer describing itself (see _EMPLOYER_VOICE); a bullet is a duty or a requirement, whatever
    its pronouns ("Own our PostgreSQL schemas")."""
    return not _BULLET.match(sentence) and bool(_EMPLOYER_VOICE.search(sentence)) \
        and not _CANDIDATE_VOICE.search(sentence) and not _TEAM_TOOLS.search(sentence)


def extract(taxonomy: Taxonomy, title: str, description: str | None) -> Extraction:
    """Skills, years and seniority asked by one posting; a skill in the title counts as required."""
    text = description or ""
    parts = segments(text)
    rank = {"required": 0, "mentioned": 1, "preferred": 2}
    best: dict[str, str] = {}
    evidence: dict[str, str] = {}
    for name, start, end in taxonomy.find(title or ""):
        best[name] = "required"
        evidence.setdefault(name, title[start:end])
    for kind, name, start, end in asked_in(taxonomy, text, parts):
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
    checking the taxonomy after editing it."""
    counts: dict[str, list[int]] = {}
    for posting in labelled:
        found = set(extract(taxonomy, posting["title"], posting["text"]).skills)
        wanted = set(posting["skills"])
        for skill in found | wanted:
            tally = counts.setdefault(taxonomy.category(skill), [0, 0, 0])
            tally[0 if skill in found and skill in wanted else 1 if skill in found else 2] += 1
    report = {}
    for family, (tp, fp, fn) in sorted(counts.items()):
        report[family] = {"precision": tp / (tp + fp) if tp + fp else 1.0,
                          "recall": tp / (tp + fn) if tp + fn else 1.0, "tp": tp, "fp": fp, "fn": fn}
    return report
