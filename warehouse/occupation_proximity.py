"""How near a lead's occupation is to the profile's target occupations (`OccupationIndex.closeness`): the same ISCO-08
unit group, a neighbour by shared essential skills, the same family (sub-major group or job family), or unrelated,
with a closeness that orders leads within each. A part of OccupationIndex (a mixin): it reads the index's
`occupations` and `similarity`."""
from __future__ import annotations

from collections import Counter, defaultdict
from functools import cached_property

# Proximity of a lead's occupation to the profile's target occupations: the same ISCO-08 unit group; a
# neighbour (a unit group whose ESCO occupations share at least NEIGHBOUR_SIMILARITY of their essential
# skills, Jaccard); family (the same sub-major group or job family, below); else unrelated. A fainter likeness
# of skills (0.05..0.1) no longer makes a family: across fields it is mostly chance (a head chef ~ a funeral
# director 0.055, a nurse ~ university teachers 0.056, a pharmacologist 0.088), and the likeness that matters
# (chefs ~ bartenders, developers ~ test analysts) is already in one sub-major group or job family. Even rows:
# nursing's category AUC 0.894 -> 0.914, occupation 0.981 -> 0.984, software and chef unchanged.
NEIGHBOUR_SIMILARITY = 0.1  # software developers ~ web developers 0.22, ~ security professionals 0.11
SIMILARITY_SCALE = 0.25  # closeness = skill similarity / this (capped), so 0.1 -> 0.4, 0.25 or more -> 0.9
PROXIMITY_FLOOR = {"same": 1.0, "neighbour": 0.4, "family": 0.2, "unrelated": 0.0}
# ISCO-08 puts the associate professionals of a field in the sub-major group that matches its professionals':
# science and engineering 21/31, health 22/32, business 24/33, ICT 25/35. (Not 26/34: 34 mixes legal and
# social work with sport, culture and cooking.) Such a pair is one family: a web administrator (3514) is
# nearer a software developer (2512) than an aerospace engineer (2144) is.
FIELD_PAIRS = {"21": "31", "31": "21", "22": "32", "32": "22", "24": "33", "33": "24", "25": "35", "35": "25"}
# O*NET's job families (SOC major groups) are what job boards' categories follow: statisticians sit with
# developers (15), waiters and cooks with chefs (35), where ISCO and ESCO's skills keep them apart. A unit
# group belongs to a SOC major group holding at least SOC_FAMILY_SHARE of the O*NET occupations the build
# placed in it; sharing one makes two groups a family. Healthcare practitioners (29) and healthcare support
# (31) are one field, as 22/32 are in ISCO. Chosen on the even rows of O*NET's reported titles.
SOC_FAMILY_SHARE = 0.2
SOC_PAIRS = {"29": "31", "31": "29"}
# Running a kitchen or a ward is another job than cooking or nursing, however many skills the two share
# (ESCO gives restaurant managers more of a chef's skills than cooks have): for a profile that targets no
# manager group (ISCO major group 1), a manager's group is this much less close (neighbour or family; an
# unrelated one stays where it is). It stays related, only after the practitioners' jobs. Chosen on the
# even rows (chef P@20 0.80 -> 0.95, other figures within 0.001; odd rows unchanged).
MANAGER_STEP = 0.2


class Proximity:
    """OccupationIndex's questions between occupations; `occupations` (code -> Occupation) and `similarity` (unit
    group -> unit group -> Jaccard of their essential skills) come from the index."""

    def proximity(self, isco: str | None, targets: set[str]) -> str:
        """How close an ISCO unit group is to the target groups: same, neighbour, family, unrelated, unknown."""
        return self.closeness(isco, targets)[0]

    def closeness(self, isco: str | None, targets: set[str]) -> tuple[str, float]:
        """The proximity and a closeness in [0, 1] that orders leads within it: 1 for the same unit group,
        else the skills the groups share (scaled by SIMILARITY_SCALE), at least the proximity's floor."""
        if not isco or not targets:
            return "unknown", 0.0
        if isco in targets:
            return "same", 1.0
        shared = max(self.similarity.get(isco, {}).get(t, 0.0) for t in targets)
        if shared >= NEIGHBOUR_SIMILARITY:
            name = "neighbour"
        # The sub-major group, not the minor one: ISCO's 343 puts chefs beside photographers and sound technicians.
        elif any(isco[:2] in (t[:2], FIELD_PAIRS.get(t[:2])) for t in targets) or self._same_job_family(isco, targets):
            name = "family"
        else:
            name = "unrelated"
        closeness = max(PROXIMITY_FLOOR[name], min(0.9, shared / SIMILARITY_SCALE))
        if name != "unrelated" and isco.startswith("1") and not any(t.startswith("1") for t in targets):
            closeness = max(0.0, closeness - MANAGER_STEP)
        return name, closeness

    @cached_property
    def soc_families(self) -> dict[str, frozenset[str]]:
        """ISCO unit group -> the SOC major groups ("15", "29") of at least SOC_FAMILY_SHARE of its O*NET occupations."""
        counts: dict[str, Counter] = defaultdict(Counter)
        for code, occupation in self.occupations.items():
            if occupation.source == "onet" and occupation.isco:
                counts[occupation.isco][code[:2]] += 1
        return {isco: frozenset(m for m, n in c.items() if n >= SOC_FAMILY_SHARE * sum(c.values()))
                for isco, c in counts.items()}

    def _same_job_family(self, isco: str, targets: set[str]) -> bool:
        mine = self.soc_families.get(isco, frozenset())
        wanted = {m for t in targets for major in self.soc_families.get(t, ()) for m in (major, SOC_PAIRS.get(major))}
        return bool(mine & wanted)
