"""Unit groups a title reaches only with a word of their own (a mixin of OccupationIndex, as
`warehouse.occupation_parts` is): the armed forces need a military word, chief executives a word of rank. Their
labels share common words with civilian and junior titles, and the nearest labels' vote would otherwise carry
those titles there. It reads the index's `nearest` labels."""
from __future__ import annotations

from functools import cached_property

# Chief executives (ISCO 1120) are named by a word of rank; "executive" alone is a UK board's junior professional.
TOP_EXECUTIVES = "1120"
TOP_EXECUTIVE_WORDS = frozenset({"chief", "president", "presidents", "managing", "director", "directors", "founder",
                                 "owner", "chairman", "chair", "chairperson", "principal", "officer", "general"})


class GroupGuards:
    MILITARY_SHARE = 0.8  # of a word's labels, the armed forces' (ISCO major group 0)

    @cached_property
    def _military_words(self) -> frozenset[str]:
        """Words of the armed forces' labels ("infantry", "artillery", "sergeant", "warfare", "tactical")."""
        isco = self.nearest.isco
        return frozenset(w for w, ids in self.nearest.postings.items()
                         if sum(isco[i].startswith("0") for i in ids.tolist()) >= self.MILITARY_SHARE * len(ids))

    def _guarded_vote(self, found, words: tuple[str, ...]):
        """The vote `found` for these words, unless it names a guarded group the words do not reach.

        O*NET's long armed-forces labels ("military officer special and tactical operations leaders") draw the vote
        of civilian titles that share a word ("Technical Operations Intern", "Threat Intelligence Intern", 17 corpus
        listings, none of them a soldier's): the armed forces win a vote only for a title with a word of theirs.
        Held out: no title right before is wrong now. A chief executive's vote for a title with no word of rank
        is taken again without them ("Social Media Executive" had been one at 0.82)."""
        if found is None:
            return None
        if found.isco.startswith("0") and not any(w in self._military_words for w in words):
            return None
        if self._unranked_executive(found.isco, words):
            return self.nearest.vote(list(words), excluded=TOP_EXECUTIVES)
        return found

    @staticmethod
    def _unranked_executive(isco: str, words: tuple[str, ...]) -> bool:
        """A chief executive's group (TOP_EXECUTIVES) for a title with no word of rank: a UK board's "Social Media
        Executive", "Lettings Executive" or "Events Executive" works in the field it names (O*NET lists "media
        executive" under Chief Executives, and their vote drew "X Executive" titles there)."""
        return isco == TOP_EXECUTIVES and not any(w in TOP_EXECUTIVE_WORDS for w in words)
