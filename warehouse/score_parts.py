"""The parts of a lead's score, each 0..1, and the occupation gate that places a score in its tier.

Pure functions of a posting's fields and the profile; `warehouse.scoring` applies them to every open lead
and stores the results, `warehouse.gaps` and `warehouse.market` reuse them for their own questions.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cached_property
from typing import Iterable, Mapping

from rapidfuzz import fuzz, utils

from jobleads.config import LEVEL_WEIGHT, Profile
from warehouse.occupations import RELATED_CONFIDENCE, Occupation, OccupationIndex
from warehouse.posting_text import SENIORITY_RANK, seniority_for_years
from warehouse.skills import Extraction, Taxonomy

PARTS = ("skills", "title", "warmth", "recency", "salary", "location", "seniority")
# A required skill counts most; one named in passing less; a nice-to-have least.
IMPORTANCE_WEIGHT = {"required": 1.0, "mentioned": 0.6, "preferred": 0.3}
# Skill fit blends coverage (the share of what the posting asks that the user has, required asks
# weighing most) with strength (how much the user brings, saturating: a posting listing twenty tools is
# still a good fit when the user has its core four). Coverage is shrunk toward PRIOR_FIT as if one more
# skill of unknown fit were asked, so a posting naming one skill the user has is not a perfect fit.
PRIOR_FIT, PRIOR_WEIGHT = 0.2, 1.0
STRENGTH_SCALE = 2.0
NEUTRAL = 0.5
# Rough rates to USD for comparing a salary quoted in another currency with the floor (not for display).
USD_PER = {"USD": 1.0, "EUR": 1.08, "GBP": 1.27, "CHF": 1.13, "CAD": 0.73, "AUD": 0.66, "NZD": 0.6,
           "SEK": 0.095, "NOK": 0.093, "DKK": 0.145, "PLN": 0.25, "CZK": 0.043, "INR": 0.012, "JPY": 0.0067,
           "SGD": 0.74, "HKD": 0.128, "BRL": 0.18, "MXN": 0.055, "ZAR": 0.054, "ILS": 0.27, "AED": 0.27}
_TITLE_NOISE = re.compile(
    r"\((?:[^)]*)\)|\b(?:senior|sr|junior|jr|lead|staff|principal|mid[\s-]?level|intern|iii|ii|i|"
    r"m/w/d|f/m/d|w/m/d|m/f/d|all genders)\b\.?",
    re.I,
)
_TITLE_CUT = re.compile(r"\s+[-–—|/]\s+|,|\(|:")


# --- the parts ------------------------------------------------------------------------------------

def profile_levels(taxonomy: Taxonomy, profile: Profile) -> dict[str, float]:
    """Profile skills under their canonical names ("Postgres" -> PostgreSQL) with a level weight."""
    levels: dict[str, float] = {}
    for name, level in profile.skills.items():
        canonical = taxonomy.canonical(name) or name
        levels[canonical] = max(levels.get(canonical, 0.0), LEVEL_WEIGHT[level])
    return levels


def skill_fit(asked: Mapping[str, str], levels: Mapping[str, float]) -> tuple[float, list[str], list[str]]:
    """(fit, skills matched, skills missing) for skills asked as {skill: importance}."""
    have = want = 0.0
    for skill, importance in asked.items():
        weight = IMPORTANCE_WEIGHT[importance]
        want += weight
        have += weight * levels.get(skill, 0.0)
    coverage = (have + PRIOR_FIT * PRIOR_WEIGHT) / (want + PRIOR_WEIGHT)
    strength = 1 - math.exp(-have / STRENGTH_SCALE)
    fit = (coverage + strength) / 2
    order = {"required": 0, "mentioned": 1, "preferred": 2}
    ranked = sorted(asked, key=lambda s: order[asked[s]])
    matched = [s for s in ranked if levels.get(s)]
    missing = [s for s in ranked if not levels.get(s)]
    return round(fit, 3), matched, missing


def clean_title(title: str) -> str:
    """The role itself: no seniority words, gender tags, locations or team after a dash or comma."""
    head = _TITLE_CUT.split(title or "", maxsplit=1)[0]
    return utils.default_process(_TITLE_NOISE.sub(" ", head))


def title_fit(title: str, targets: Iterable[str]) -> float:
    """Best token_sort_ratio against the target titles (it does not reward mere containment the way
    WRatio, partial or token_set ratios do). Compares both the role alone and the whole title."""
    targets = [t for t in targets if t.strip()]
    if not targets:
        return NEUTRAL
    core = clean_title(title)
    whole = utils.default_process(_TITLE_NOISE.sub(" ", title or ""))
    best = 0.0
    for target in targets:
        goal = clean_title(target)
        best = max(best, fuzz.token_sort_ratio(core, goal), fuzz.token_sort_ratio(whole, goal))
    return round(best / 100, 3)


def recency_fit(posted_us: int | None, now_us: int, half_life_days: float = 14) -> float:
    """Halves every `half_life_days`; times in microseconds since 1970 (as DuckDB's epoch_us gives them: a
    million leads' times read as integers, not as datetime objects). The same float as from datetimes:
    (now - posted).total_seconds() is the microseconds divided by 10**6."""
    if posted_us is None:
        return NEUTRAL
    age = max(0.0, (now_us - posted_us) / 10**6 / 86400)
    return round(math.pow(0.5, age / half_life_days), 3)


def epoch_us(moment: datetime) -> int:
    """Microseconds since 1970 of an aware datetime, exactly."""
    return (moment - _EPOCH) // timedelta(microseconds=1)


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def salary_fit(lo: float | None, hi: float | None, currency: str | None, profile: Profile) -> tuple[float, str | None]:
    """(fit, note): 1 at or above the floor, falling to 0 at half of it; unknown pay is neutral."""
    floor = profile.salary_floor
    if not floor or (lo is None and hi is None):
        return NEUTRAL, None
    top = hi if hi is not None else lo
    note = None
    wanted = profile.salary_currency
    if currency and currency.upper() != wanted:
        rate_from, rate_to = USD_PER.get(currency.upper()), USD_PER.get(wanted)
        if rate_from is None or rate_to is None:
            return NEUTRAL, f"{currency} not comparable with {wanted}"
        top = top * rate_from / rate_to
        note = f"{currency} {hi if hi is not None else lo:,.0f} is about {wanted} {top:,.0f}"
    if top >= floor:
        return 1.0, note
    return round(max(0.0, 1 - 2 * (floor - top) / floor), 3), note


def location_fit(locations: list[str], remote: str | None, profile: Profile) -> float:
    pref = profile.remote
    wanted = [w.lower() for w in profile.locations if w.lower() != "remote"]
    here = any(w in loc.lower() for loc in locations for w in wanted)
    if remote == "remote":
        return 1.0 if pref in ("required", "preferred", "any") else (1.0 if here else 0.3)
    if pref == "required":
        return 0.0
    if here:
        return 0.9 if remote == "hybrid" or pref != "preferred" else 0.7
    return 0.2 if wanted else NEUTRAL


def user_seniority(profile: Profile) -> str | None:
    if profile.seniority:
        return profile.seniority
    if profile.years_experience is not None:
        return seniority_for_years(profile.years_experience)
    return None


def seniority_fit(found: Extraction, profile: Profile) -> tuple[float, list[str]]:
    """(fit, penalties): a level above the user's costs more than one below; so do missing years."""
    penalties: list[str] = []
    mine = user_seniority(profile)
    fit = 1.0 if mine and found.seniority else NEUTRAL  # unknown on either side is no perfect fit
    if mine and found.seniority:
        gap = SENIORITY_RANK[found.seniority] - SENIORITY_RANK[mine]
        fit = {0: 1.0, 1: 0.7, 2: 0.35}.get(gap, 0.0) if gap >= 0 else {-1: 0.8, -2: 0.45}.get(gap, 0.15)
        if gap:
            penalties.append(f"seniority: posting is {found.seniority}, you are {mine}")
    if found.years and profile.years_experience is not None and found.years > profile.years_experience:
        short = found.years - profile.years_experience
        fit *= max(0.0, 1 - 0.15 * short)
        penalties.append(f"years: asks {found.years:g}, you have {profile.years_experience:g}")
    return round(fit, 3), penalties


def shares(weights: Mapping[str, float]) -> dict[str, float]:
    """Each part's weight over the sum of the weights."""
    total = sum(weights.get(p, 0.0) for p in PARTS) or 1.0
    return {p: weights.get(p, 0.0) / total for p in PARTS}


def combine(parts: Mapping[str, float], weights: Mapping[str, float], share: Mapping[str, float] | None = None) -> float:
    """The weighted mean of the parts (`share`: shares(weights), when the caller combines many)."""
    share = share or shares(weights)
    return round(sum(parts.get(p, 0.0) * w for p, w in share.items()), 4)


# --- occupations: the gate that keeps other professions out of the way ----------------------------

# A lead of the target occupations or a neighbouring one (or whose title is nearly a target title) scores
# in [RELATED_FLOOR, 1]; one whose occupation is only in the same ISCO family or unknown, in
# [UNRELATED_CEILING, RELATED_FLOOR); one of an unrelated occupation, in [0, UNRELATED_CEILING]. Within each
# tier, the nearer occupation (OccupationIndex.closeness) and the closer title rank first. However well its place and
# pay fit, a nurse's job never outranks a developer's for a developer.
RELATED_FLOOR = 0.4
UNRELATED_CEILING = 0.25
CLOSE_TITLE = 0.85  # title similarity that makes a lead related whatever the taxonomy says
TITLE_PROXIMITY_SHARE = 0.6  # the title part: this much occupational proximity, the rest title similarity


@dataclass(frozen=True)
class TitleMatch:
    occupation: Occupation | None
    proximity: str  # same | neighbour | family | unrelated | unknown
    similarity: float
    closeness: float = 0.0  # of the occupation to the targets, in [0, 1] (OccupationIndex.closeness)
    targeted: bool = True  # the profile's titles have occupations for a lead's to be close to

    @cached_property
    def occupation_json(self) -> str | None:
        return json.dumps(self.occupation.as_json()) if self.occupation else None

    @property
    def part(self) -> float:
        if not self.targeted:
            return self.similarity  # nothing to be close to: the title's words alone
        # A title of no known occupation has no proximity share (closeness 0): before, its part was its title
        # similarity alone, so it ranked as if its occupation were as close as its words, above titles known
        # to be of the targets' job family (ranking_eval.py, even rows: every AUC up to +0.007).
        return round(TITLE_PROXIMITY_SHARE * self.closeness + (1 - TITLE_PROXIMITY_SHARE) * self.similarity, 3)

    @property
    def tier(self) -> str:
        if self.similarity >= CLOSE_TITLE:
            return "related"
        if self.proximity in ("same", "neighbour"):
            # A guess (the labels' vote) proves relatedness only when it is sure enough.
            return "related" if self.occupation.confidence >= RELATED_CONFIDENCE else "uncertain"
        return "unrelated" if self.proximity == "unrelated" else "uncertain"


def target_groups(index: OccupationIndex, titles: Iterable[str]) -> set[str]:
    return {o.isco for o in index.targets(titles)}


def match_title(index: OccupationIndex, title: str, targets: set[str], target_titles: list[str],
                known: Mapping[str, Occupation | None] | None = None) -> TitleMatch:
    occupation = known[title] if known is not None and title in known else index.classify(title)
    proximity, closeness = index.closeness(occupation.isco if occupation else None, targets)
    return TitleMatch(occupation, proximity, title_fit(title, target_titles) if target_titles else NEUTRAL, closeness,
                      targeted=bool(targets))


def gated(score: float, tier: str | None) -> float:
    """The score placed in its tier (see RELATED_FLOOR); unchanged without a tier (no target titles)."""
    if tier == "related":
        return round(RELATED_FLOOR + (1 - RELATED_FLOOR) * score, 4)
    if tier == "unrelated":
        return round(UNRELATED_CEILING * score, 4)
    if tier == "uncertain":
        return round(UNRELATED_CEILING + (RELATED_FLOOR - UNRELATED_CEILING) * 0.999 * score, 4)
    return score
