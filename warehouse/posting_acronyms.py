"""Acronyms a posting spells out as something other than a skill (`warehouse.posting_text.asked_in` leaves their
mentions out)."""
from __future__ import annotations

import re
from typing import Protocol


class FindsSkills(Protocol):
    """What reading a posting needs of a taxonomy (warehouse.skills.Taxonomy): its mentions in a text."""

    def find(self, text: str) -> list[tuple[str, int, int]]: ...

# An acronym the posting spells out as an institution's name ("the Novo Nordisk Foundation Center for
# Protein Research (CPR)" is no resuscitation), anywhere in it: the words right before "(CPR)" end in an
# institution's word and start with its last letters (two at least), and name no skill. (Not a certification's or
# a law's long name, "Neonatal Resuscitation Program (NRP)", "Occupational Safety and Health Administration
# (OSHA)": those are what the acronym asks.)
_BRACKETED_ACRONYM = re.compile(r"\(\s*([A-Z]{2,6})\s*\)")
_LINKING_WORDS = frozenset({"of", "for", "and", "&", "the", "in", "on", "at"})
_INSTITUTION_WORDS = frozenset({"center", "centre", "institute", "foundation", "university", "council", "association",
                                "society", "research", "laboratory", "laboratories", "hospital", "agency", "ministry",
                                "museum", "college", "academy", "bank", "observatory"})
_DEFINITION_REACH = 80  # characters read back from the bracket for the words it abbreviates


def acronyms_defined_otherwise(taxonomy: FindsSkills, text: str) -> frozenset[str]:
    defined = set()
    for bracket in _BRACKETED_ACRONYM.finditer(text):
        acronym = bracket.group(1)
        reach = max(0, bracket.start() - _DEFINITION_REACH)
        words = [w for w in re.finditer(r"[\w&'-]+", text[reach:bracket.start()])]
        if not words or words[-1].group().lower() not in _INSTITUTION_WORDS:
            continue
        initials, first = "", bracket.start()
        for word in reversed(words):
            if word.group().lower() in _LINKING_WORDS:
                continue
            if not word.group()[0].isupper() or len(initials) == len(acronym) \
                    or not acronym.endswith(word.group()[0] + initials):
                break
            initials, first = word.group()[0] + initials, reach + word.start()
        if len(initials) >= 2 and not taxonomy.find(text[first:bracket.start()]):
            defined.add(acronym)
    return frozenset(defined)
