"""Which occupation a job title names, in ESCO / O*NET terms with its ISCO-08 unit group.

Tables derived from ESCO v1.1.1 and O*NET 27.0 (CC BY 4.0; `scripts/build_occupations.py` rebuilds them)
ship in `warehouse/data/`. A title is cleaned of what is not the role (seniority, "(m/w/d)", "- Remote",
"Job in Derry", pay), abbreviations are spelled out (SRE, RN, BDR ...), then the longest run of its words
that is a known occupation label wins, the head of the title (its last word) first; with no exact label,
the closest label sharing the head word, by rapidfuzz. Proximity between two occupations follows ISCO:
same unit group, a unit group whose occupations need alike skills (ESCO), the same sub-major group, or
unrelated.
"""
from __future__ import annotations

import csv
import gzip
import io
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from rapidfuzz import fuzz, process, utils

FUZZY_CUTOFF = 78  # token_sort_ratio below this is no occupation at all
SAME_WORD = 85  # fuzz.ratio at which two words are one word misspelt or inflected

# Proximity of a lead's occupation to the profile's target occupations (ISCO-08 levels): the same unit
# group; a neighbour (a unit group whose ESCO occupations need alike essential skills); the same
# sub-major group (family); else unrelated.
PROXIMITY = {"same": 1.0, "neighbour": 0.8, "family": 0.5, "unrelated": 0.0}

ABBREVIATIONS = {
    "sre": "site reliability engineer", "swe": "software engineer", "sde": "software development engineer",
    "sdet": "software development engineer in test", "pm": "product manager", "tpm": "technical program manager",
    "rn": "registered nurse", "lpn": "licensed practical nurse", "lvn": "licensed vocational nurse",
    "cna": "certified nursing assistant", "hca": "healthcare assistant", "np": "nurse practitioner",
    "qa": "quality assurance", "qc": "quality control", "bdr": "business development representative",
    "sdr": "sales development representative", "ae": "account executive", "csm": "customer success manager",
    "ux": "user experience", "ui": "user interface", "ml": "machine learning", "ai": "artificial intelligence",
    "hr": "human resources", "vp": "vice president", "cto": "chief technology officer",
    "ceo": "chief executive officer", "cfo": "chief financial officer", "coo": "chief operating officer",
    "cmo": "chief marketing officer", "ciso": "chief information security officer", "dba": "database administrator",
    "emt": "emergency medical technician", "slp": "speech language pathologist", "gp": "general practitioner",
    "hgv": "heavy goods vehicle", "cdl": "truck", "frontend": "front end", "backend": "back end",
    "fullstack": "full stack", "devops": "devops", "sysadmin": "system administrator", "it": "ict",
    "dev": "developer", "eng": "engineer", "mgr": "manager", "asst": "assistant", "admin": "administrator",
    "ops": "operations", "sr": "", "jr": "",
}
# Words that say how senior, how long or where: never part of the occupation.
NOT_THE_ROLE = frozenset(
    "senior junior lead staff principal head chief mid level entry graduate trainee apprentice intern "
    "internship i ii iii iv 1 2 3 4 remote hybrid onsite fulltime parttime temporary temp "
    "permanent freelance locum days nights weekends urgent immediate m w d f x h div genders "
    "co op coop fellowship summer fall spring winter autumn undergraduate undergrad bachelors masters phd".split()
)
# Kept despite the list above when a label needs them ("head chef", "chief executive officer", "lead nurse").
_KEEP_IN_LABELS = frozenset("head chief lead staff principal trainee apprentice".split())

_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_PAY = re.compile(r"[£$€]\s*[\d*][\d,.*]*\s*[kK]?|\b[\d*][\d,.*]*\s*[kK]\b|\b(?:doe|ote|neg|negotiable)\b|\*+", re.I)
_JOB_IN = re.compile(r"\bjobs?\s+(?:in|at)\s+.*$", re.I)
_SEGMENTS = re.compile(r"\s+[-–—|/]\s+|[|:;,]|\s+at\s+|\s+@\s+")
_SCHEDULE = re.compile(r"\b(?:full|part)[\s-]?time\b|\bfixed[\s-]term\b|\bon[\s-]site\b|\bmid[\s-]level\b|"
                       r"\bentry[\s-]level\b|\ball genders\b", re.I)


def normalize_label(text: str) -> str:
    """Lower case, words only: '&' and '+' spelled out first so 'Health & Safety' keeps its 'and'."""
    text = (text or "").replace("&", " and ").replace("+", " plus ")
    return " ".join(utils.default_process(text).split())


@dataclass(frozen=True)
class Occupation:
    code: str
    label: str
    isco: str
    source: str
    confidence: float = 0.0

    def as_json(self) -> dict:
        return {"code": self.code, "label": self.label, "isco": self.isco, "confidence": round(self.confidence, 2)}


def _rows(name: str) -> list[dict[str, str]]:
    data = (resources.files("warehouse") / "data" / name).read_bytes()
    return list(csv.DictReader(io.StringIO(gzip.decompress(data).decode("utf-8")), delimiter="\t"))


class OccupationIndex:
    def __init__(self) -> None:
        self.occupations = {r["code"]: Occupation(r["code"], r["label"], r["isco"], r["source"])
                            for r in _rows("occupations.tsv.gz")}
        weights: dict[str, dict[str, int]] = defaultdict(dict)
        for r in _rows("occupation_titles.tsv.gz"):
            if r["code"] in self.occupations:
                codes = weights[r["title"]]
                codes[r["code"]] = max(codes.get(r["code"], 0), int(r["weight"]))
        # The occupation a label names: the heaviest claim, ESCO before O*NET (ESCO carries ISCO itself).
        # Ties (an O*NET alternate title shared by several occupations) go to the occupation whose own
        # name is most like the title: "full stack developer" is a web developer's, not a film developer's.
        self.by_title: dict[str, str] = {
            title: max(codes, key=lambda c: (codes[c], self.occupations[c].source == "esco",
                                             fuzz.ratio(title, self.occupations[c].label.lower()), c))
            for title, codes in weights.items()
        }
        self.by_head: dict[str, list[str]] = defaultdict(list)
        for title in self.by_title:
            self.by_head[title.rsplit(" ", 1)[-1]].append(title)
        self.neighbours: dict[str, set[str]] = defaultdict(set)
        for r in _rows("isco_neighbours.tsv.gz"):
            self.neighbours[r["isco"]].add(r["neighbour"])
            self.neighbours[r["neighbour"]].add(r["isco"])
        self.skills: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for r in _rows("occupation_skills.tsv.gz"):
            self.skills[r["code"]].append((r["skill"], r["type"]))

    # --- titles -----------------------------------------------------------------------------------

    def classify(self, title: str) -> Occupation | None:
        """The occupation a posting's or a profile's title names, or None when nothing fits."""
        best: tuple[float, str] | None = None
        for segment in role_segments(title):
            for words, weight in role_readings(segment):
                found = self._match(words) or self._by_tool(words)
                if found and (best is None or found[0] * weight > best[0]):
                    best = (found[0] * weight, found[1])
        if best is None:
            return None
        occupation = self.occupations[self.by_title[best[1]]]
        return Occupation(occupation.code, occupation.label, occupation.isco, occupation.source, best[0])

    def _match(self, words: list[str]) -> tuple[float, str] | None:
        n = len(words)
        if not n:
            return None
        for length in range(n, 0, -1):
            # Prefer the run that ends at the head of the title (its last word), then the later one.
            for start in range(n - length, -1, -1):
                phrase = " ".join(words[start:start + length])
                if phrase in self.by_title:
                    coverage = length / n
                    exact = (0.55 + 0.4 * coverage) * (1.0 if start + length == n else 0.85)
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
        for label, score, _ in process.extract(" ".join(words), candidates, scorer=fuzz.token_sort_ratio,
                                               score_cutoff=FUZZY_CUTOFF, limit=5):
            if all(any(fuzz.ratio(w, t) >= SAME_WORD for t in words) for w in label.split()):
                return score / 100 * 0.9, label
        return None

    def _by_tool(self, words: list[str]) -> tuple[float, str] | None:
        """"Python Engineer", "Kafka Developer": a maker's title whose other words are a software or data
        tool (from the skills taxonomy) is a software developer's, however the taxonomies spell it."""
        if len(words) < 2 or words[-1] not in MAKER_HEADS:
            return None
        from warehouse.skills import load_taxonomy

        tools = load_taxonomy(grown=False)
        modifiers = words[:-1]
        phrases = [" ".join(modifiers[i:j]) for i in range(len(modifiers)) for j in range(i + 1, len(modifiers) + 1)]
        for phrase in phrases:
            name = tools.canonical(phrase)
            if name and tools.category(name) in TOOL_FAMILIES:
                return 0.7, TOOL_FAMILIES[tools.category(name)]
        return None

    def targets(self, titles) -> list[Occupation]:
        """The occupations a profile's target titles name (titles that name none are left out)."""
        return [o for o in (self.classify(t) for t in titles if t.strip()) if o is not None]

    # --- between occupations ----------------------------------------------------------------------

    def proximity(self, isco: str | None, targets: set[str]) -> str:
        """How close an ISCO unit group is to the target groups: same, neighbour, family, unrelated, unknown."""
        if not isco or not targets:
            return "unknown"
        if isco in targets:
            return "same"
        # Not the minor group: ISCO's 343 puts chefs beside photographers and sound technicians.
        if any(isco in self.neighbours.get(t, ()) for t in targets):
            return "neighbour"
        if any(isco[:2] == t[:2] for t in targets):
            return "family"
        return "unrelated"

    def essential_skills(self, code: str) -> list[tuple[str, str]]:
        return self.skills.get(code, [])


# A field where the role should be ("Software Engineering Intern", "Data Science Intern"): read as the role.
FIELD_ROLE = {"engineering": "engineer", "development": "developer", "science": "scientist", "analytics": "analyst",
              "design": "designer", "research": "researcher", "management": "manager", "programming": "programmer",
              "accounting": "accountant", "nursing": "nurse", "consulting": "consultant"}
# A segment that is only a field ("Intern - Software"): the role it most often means.
FIELD_ALONE = {"software": "software developer", "data science": "data scientist",
               "machine learning": "data scientist", "user experience": "user experience designer",
               "user interface user experience": "user interface designer", "cybersecurity": "ict security engineer"}
MAKER_HEADS = frozenset({"engineer", "developer", "programmer", "architect"})
TOOL_FAMILIES = {"software": "software developer", "data": "data scientist"}  # skills family -> ESCO label


def role_readings(words: list[str]) -> list[tuple[list[str], float]]:
    """The words as written, then as the role a field names (slightly less sure)."""
    readings = [(words, 1.0)]
    if words and words[-1] in FIELD_ROLE:
        readings.append((words[:-1] + FIELD_ROLE[words[-1]].split(), 0.95))
    phrase = " ".join(words)
    alone = FIELD_ALONE.get(phrase)
    if alone:
        readings.append((alone.split(), 0.9))
    elif re.search(r"\b(?:machine learning|artificial intelligence)\b", phrase):
        rest = re.sub(r"\b(?:machine learning|artificial intelligence|and)\b", " ", phrase).split()
        if all(word in FIELD_ROLE for word in rest):  # "AI & ML Intern", "AI/ML Engineering"; not "AI Transformation Owner"
            readings.append((["data", "scientist"], 0.85))
    return readings


def role_segments(title: str) -> list[list[str]]:
    """The parts of a title that may name the role, as normalized words with noise and seniority removed."""
    text = _SCHEDULE.sub(" ", _JOB_IN.sub(" ", _PAY.sub(" ", _BRACKETS.sub(" , ", title or ""))))
    segments = []
    for part in _SEGMENTS.split(text):
        words = []
        for word in normalize_label(part).split():
            expanded = ABBREVIATIONS.get(word, word)
            words.extend(expanded.split())
        kept = [w for w in words if w not in NOT_THE_ROLE or w in _KEEP_IN_LABELS]
        # "Senior Staff Nurse": keep "staff" only before a role word, never as the whole title.
        while kept and kept[0] in _KEEP_IN_LABELS and len(kept) > 1 and kept[0] in ("lead", "staff", "principal"):
            kept = kept[1:]
        if kept:
            segments.append(kept)
    return segments


@lru_cache(maxsize=1)
def occupation_index() -> OccupationIndex:
    return OccupationIndex()
