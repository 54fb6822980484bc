"""How `OccupationIndex.classify` rewrites a title's parts before reading them (a mixin of OccupationIndex, as
`warehouse.occupation_proximity` is): a role word then its field read as one part, "IT" before an ICT role as its
department, a misspelt role word as the role word, whether a part ends in the role it names, and the role a weakly
read title's first words name. It reads the
index's tables (`by_head`, `by_title`, `occupations`, `nearest`) and its readings (`_read`, `_best_read`, `_readings`,
`_read_in_full`)."""
from __future__ import annotations

from functools import cached_property

from rapidfuzz.distance import OSA

from warehouse.memo import remembered
from warehouse.title_words import DEPARTMENT_ALONE, FIELD_ROLE, GENERIC_ROLES

READ_IN_FULL = 0.9  # a label that is the whole title (0.95), or a typo of one: trusted over the labels' vote


class PartRewrites:
    # A role word alone, then its field, as ATS titles write them ("Analyst, Finance", "Engineer II, Site Reliability",
    # "Manager, Software Engineering", "Engineer (Electrical)"), or a trade's name alone then its kind ("Teacher -
    # Elementary", "Chef - Pastry", "Nurse - ICU"; a trade heads ROLE_HEAD_LABELS labels or more, see below): one
    # part, the field before the role, when that is read in full (else the parts are read as written: "Manager,
    # Nursing" is a nurse by its field). Not when the second part ends in a role of its own ("Associate - Software
    # Engineer", "Manager - Nurse"): a role word, or a word that heads as many labels as a trade's name does (nurse
    # 164, chef 54, cashier 58; fields head fewer: science 35, operations 29, engineering 26, service 7).
    ROLE_HEAD_LABELS = 40

    def _field_first(self, segments: list[list[str]]) -> list[str] | None:
        """The first two parts as one, field before role, when the first is a role word or a trade's name alone."""
        if len(segments) < 2 or len(segments[0]) != 1 or (segments[0][0] not in GENERIC_ROLES and len(
                self.by_head.get(segments[0][0], ())) < self.ROLE_HEAD_LABELS):
            return None
        field = segments[1]
        if field[-1] in GENERIC_ROLES or (field[-1] not in FIELD_ROLE
                                          and len(self.by_head.get(field[-1], ())) >= self.ROLE_HEAD_LABELS):
            return None
        return field + segments[0]

    def _read_whole(self, words: list[str] | None):
        """These words read as one title, when that is a label read in full; else None."""
        found = self._classify_segments([words]) if words is not None else None
        return found if found is not None and found.confidence >= READ_IN_FULL else None

    # A role the labels read only weakly, then a word or two naming its kind ("Machine Operator - CNC", "Operator -
    # Forklift", "Assistant - Pharmacy"): read as one part, the kind first, when that is a label read in full
    # ("cnc machine operator"). Else the parts are read as before ("Machine Operator - Nights").
    QUALIFIER_WORDS = 2

    def _kind_first(self, segments: list[list[str]]) -> list[str] | None:
        if len(segments) < 2 or not 1 <= len(segments[1]) <= self.QUALIFIER_WORDS:
            return None
        return segments[1] + segments[0]

    # A role read in full, then words naming where it works or what it holds ("RGN Nursing Home", "Cook Nursing Home",
    # "Network Engineer CCNP"): when the title as a whole reads only weakly (the vote drawn to "nursing home manager"),
    # the longest run of its first part's first words that is a label read in full is the role.
    LEADING_ROLE_TAIL_HEADS = 10  # a last word heading this many labels names a role ("Journeyman"): no place
    # A title read less surely than this may be led. Up to 0.6 the even rows of O*NET's reported titles read the same
    # and corpus titles only gain ("Cook Residential Care Home" at 0.39 was a care home worker); at 0.8 "Chef
    # Concierge" (0.75) became a chef.
    LEADING_ROLE_BELOW = 0.5

    def _or_leading_role(self, segments: list[list[str]], found):
        """The title's leading role where the title as a whole reads weakly; a weak reading whose label has every word
        of the leading role's is kept (it narrows it: "Project Manager IT Infrastructure" an ICT project manager)."""
        if not segments or (found is not None and found.confidence >= self.LEADING_ROLE_BELOW):
            return found
        leading = self._leading_role(segments[0])
        if leading is None or (found is not None
                               and set(leading.label.lower().split()) <= set(found.label.lower().split())):
            return found
        return leading

    def _leading_role(self, segment: list[str]):
        if segment[-1] in GENERIC_ROLES or len(self.by_head.get(segment[-1], ())) >= self.LEADING_ROLE_TAIL_HEADS:
            return None
        for end in range(len(segment) - 1, 0, -1):
            if end == 1 and len(self.by_head.get(segment[0], ())) < self.ROLE_HEAD_LABELS:
                continue  # one word alone only when it is a trade's name ("Cook"), no word that names a role rarely
            read = self._best_read(self._readings(segment[:end]))
            if read is None or read[0] < READ_IN_FULL:
                continue  # only a label read in full leads: no need to ask the labels' vote
            found = self._read_whole(segment[:end])
            if found is not None:
                return found
        return None

    # A team's or a crew's member named by where they work ("Warehouse Team Member", "Construction Crew Member",
    # "Retail Team Member") is that place's worker: the labels give "crew member" to a deckhand or a fast-food
    # counter and "team member" to nothing, so the vote had made them food preparation workers or decksmen. Not
    # when the words are a label in full ("Production Team Member", "Flight Crew Member"). Where "X worker" is no
    # label but "X assistant" is, the assistant ("Customer Service Team Member" had been a production worker,
    # "Checkout Team Member" a checkout supervisor).
    MEMBER_WORDS = (["team", "member"], ["crew", "member"])
    MEMBER_ROLES = ("worker", "assistant")

    def _member_as_worker(self, segment: list[str]) -> list[str]:
        if len(segment) < 3 or segment[-2:] not in self.MEMBER_WORDS:
            return segment
        whole = self._best_read(self._readings(segment))
        if whole and whole[0] >= READ_IN_FULL:  # a label, however rarely written ("restaurant crew member")
            return segment
        for role in self.MEMBER_ROLES:
            read = self._best_read(self._readings(segment[:-2] + [role]))
            if read and read[0] >= READ_IN_FULL:
                return segment[:-2] + [role]
        return segment[:-2] + [self.MEMBER_ROLES[0]]

    # A department alone, then a part that names a role surely ("Information Technology Intern (Cybersecurity)"):
    # the role is that part's; what the department alone reads (DEPARTMENT_ALONE) is only what an intern of it
    # most often does. A place or a team after it ("- Dallas", "- Supporting FedEx Freight") reads no role so surely.
    AFTER_DEPARTMENT_CONFIDENCE = 0.8

    def _after_department(self, segments: list[list[str]]):
        if len(segments) < 2 or " ".join(segments[0]) not in DEPARTMENT_ALONE:
            return None
        found = self._classify_segments(segments[1:])
        return found if found is not None and found.confidence >= self.AFTER_DEPARTMENT_CONFIDENCE else None

    # An "IT" before a role names the department it works in: "IT Data Engineer", "IT DevOps Engineer" are a data and
    # a DevOps engineer (the labels' vote, drawn to "ict engineer" and "ict technician", had made them help desk
    # technicians, and "IT Data Analyst" a call centre analyst). It is left out when the rest is a whole label of an
    # ICT occupation; otherwise it stays, and says which field an ambiguous rest is in ("IT QA Engineer" tests
    # software, no quality engineer), as does a label that keeps it ("ict project manager").
    ICT_GROUPS = ("25", "35", "1330", "2434", "2356")  # ICT professionals, technicians, managers, sales, trainers

    def _in_ict(self, segment: list[str]) -> list[str]:
        if len(segment) < 3 or segment[0] != "ict":
            return segment
        whole = self._read(tuple(segment))
        if whole and self._read_in_full(whole):
            return segment
        rest = segment[1:]
        read = self._best_read(self._readings(rest))
        if read and self._read_in_full(read) and self.isco_of(read[1]).startswith(self.ICT_GROUPS):
            return rest
        return segment

    # A role word that many labels end in ("engineer", "manager"): a rare last word one letter from one of them
    # (one added, left out, changed, or two swapped) misspells it: "Machine Learning Egnineer", "Development
    # Enginner". ESCO's hidden labels keep some misspellings, which made "Software Enginer" an agricultural engineer
    # ("agricultural automation enginer"). Not a word alone (a place or a team as often), nor a city's name
    # ("Leeds" is no "feeds", "Boulder" no "moulder"), nor short.
    COMMON_HEAD_LABELS = 20
    RARE_HEAD_LABELS = 5
    MISSPELT_HEAD_LENGTH = 5

    @cached_property
    def _common_heads(self) -> list[str]:
        return sorted(head for head, labels in self.by_head.items() if len(labels) >= self.COMMON_HEAD_LABELS)

    def _head_spelled(self, segment: list[str]) -> list[str]:
        """The words with their last one, if it is rare, as the common role word it misspells."""
        head = segment[-1]
        if (len(segment) < 2 or len(head) < self.MISSPELT_HEAD_LENGTH
                or len(self.nearest.postings.get(head, ())) > self.RARE_HEAD_LABELS):
            return segment

        def respelt() -> str | None:  # of two words as near ("manger": "manager", "hanger"), the commoner
            from warehouse.places import is_city  # loaded only for a word that may be misspelt

            near = [h for h in self._common_heads if OSA.distance(head, h, score_cutoff=1) <= 1
                    and self._misspelt_in_labels(head, h)]
            return max(near, key=lambda h: (len(self.by_head[h]), h)) if near and not is_city(head) else None

        found = remembered(self._respellings, head, respelt, self.MEMO_LIMIT)
        return [*segment[:-1], found] if found else segment

    # A role in the plural ("Software Engineers", "Nurses", "Cooks", as a board hires several): O*NET names its
    # occupations in the plural ("Aerospace Engineers"), so "engineers" is no rare word, and the vote over those
    # titles had made "Software Engineers" an equipment engineer. The singular is read when a common role word
    # ends it and it reads surer than the plural ("Registered Nurses" is an O*NET title and stays).
    NO_ROLE_HEADS = frozenset({"other", *FIELD_ROLE})  # O*NET's "..., All Other"; a field ("Sciences") is no role

    def _singular_head(self, segment: list[str]) -> list[str]:
        head = segment[-1] if segment else ""
        if (len(head) < 4 or not head.endswith("s") or head.endswith("ss") or head[:-1] in self.NO_ROLE_HEADS
                or len(self.by_head.get(head[:-1], ())) < self.COMMON_HEAD_LABELS):
            return segment
        singular = [*segment[:-1], head[:-1]]
        as_plural, as_singular = self._classify_segments([segment]), self._classify_segments([singular])
        if as_singular is not None and (as_plural is None or as_singular.confidence > as_plural.confidence):
            return singular
        return segment

    def _misspelt_in_labels(self, word: str, meant: str) -> bool:
        """A word no label has, or one the labels have only as a misspelling: a label with it is another label
        misspelt ("agricultural automation enginer"; but "public sector" is no "public lector")."""
        labels = self.nearest.postings.get(word, ())
        return not len(labels) or any(
            " ".join(meant if w == word else w for w in self.nearest.labels[i].split()) in self.by_title for i in labels)

    def _ends_in_its_role(self, segment: list[str]) -> bool:
        """The words end in the role word of the label read in them ("Evidence Specialist", "Camera Operator"),
        and are more than one generic role word ("Associate - Software Engineer")."""
        if len(segment) == 1 and segment[0] in GENERIC_ROLES:
            return False
        read = self._read(tuple(segment))
        return read is not None and read[1].rsplit(" ", 1)[-1] == segment[-1]
