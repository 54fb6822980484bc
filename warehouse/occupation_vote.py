"""The occupation a title most likely names when no label of the taxonomies is in it: its nearest labels vote.

"Head of Sustainability Initiatives", "Plant Superintendent", "Corporate Security Manager": no ESCO or O*NET
label is spelled that way, yet many labels share their telling words. Each title is a TF-IDF vector of its
words (a rare word such as "sustainability" weighs more than "manager"); the labels closest by cosine, with a
bonus for sharing the head word (the last, "manager"), vote for their ISCO unit group, each by its similarity.
The winner is returned with a confidence below that of a label found in the title, so that the ranking can
tell a guess from a reading. Sparse arithmetic on numpy arrays: one title costs a fraction of a millisecond.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from warehouse.distinct import sorted_distinct

# Tuned on the even rows of O*NET's Sample of Reported Titles; benchmarks/occupation_eval.py reports the odd ones.
HEAD_BONUS = 0.3  # added to the cosine of a label that ends in the title's head word
NEIGHBOURS = 5  # labels that vote
VOTE_CONFIDENCE = 0.6  # the confidence of a unanimous vote of identical labels; a label found in the title has more


@dataclass(frozen=True)
class Vote:
    isco: str
    title: str  # the best label of the winning unit group
    confidence: float


class NearestLabels:
    def __init__(self, labels: list[str], isco_of_label: list[str]) -> None:
        self.labels = labels
        self.isco = isco_of_label
        words_of = [set(label.split()) for label in labels]
        frequency = Counter(word for words in words_of for word in words)
        self.idf = {word: math.log(len(labels) / n) for word, n in frequency.items()}
        # summed in word order, not the set's (which follows the hash seed): two labels of the same words
        # ("rf engineer radio frequency engineer") then tie exactly, and the first one wins in every process
        self.norm = np.array([math.sqrt(sum(self.idf[w] ** 2 for w in sorted(words))) or 1.0 for words in words_of])
        postings: dict[str, list[int]] = defaultdict(list)
        heads: dict[str, list[int]] = defaultdict(list)
        for i, (label, words) in enumerate(zip(labels, words_of)):
            for word in words:
                postings[word].append(i)
            heads[label.rsplit(" ", 1)[-1]].append(i)
        self.postings = {w: np.array(ids, dtype=np.int32) for w, ids in postings.items()}
        self.weights = self._weights()
        self.heads = {w: np.array(ids, dtype=np.int32) for w, ids in heads.items()}
        self._head_masks: dict[str, np.ndarray] = {}

    def __getstate__(self) -> dict:
        """Pickled (warehouse/disk_memo.py) as one array per table instead of ~29k small ones: unpickling each
        small array cost a few microseconds, 0.2 s for every process that classified a title."""
        state = self.__dict__.copy()
        for name in ("postings", "heads"):
            table: dict[str, np.ndarray] = state.pop(name)
            state[name] = (list(table), np.array([len(ids) for ids in table.values()], dtype=np.int64),
                           np.concatenate(list(table.values())) if table else np.empty(0, np.int32))
        del state["weights"]  # derived from postings and idf
        state.pop("_isco_codes", None)  # derived from isco
        state["_head_masks"] = {}
        return state

    def __setstate__(self, state: dict) -> None:
        for name in ("postings", "heads"):
            words, lengths, flat = state[name]
            ends = np.cumsum(lengths).tolist()
            state[name] = {word: flat[end - n:end] for word, n, end in zip(words, lengths.tolist(), ends)}
        self.__dict__.update(state)
        self.weights = self._weights()

    def _weights(self) -> dict[str, np.ndarray]:
        """Each word's weight per label it is in (idf squared), ready to add up."""
        return {w: np.full(len(ids), self.idf[w] ** 2) for w, ids in self.postings.items()}

    @cached_property
    def _isco_codes(self) -> np.ndarray:
        return np.array(self.isco)

    def head_mask(self, word: str) -> np.ndarray:
        """For every label: does it end in `word`? (Built on first use of a head word.)"""
        mask = self._head_masks.get(word)
        if mask is None:
            mask = np.zeros(len(self.labels), dtype=bool)
            mask[self.heads.get(word, [])] = True
            self._head_masks[word] = mask
        return mask

    def vote(self, words: list[str], excluded: str | None = None) -> Vote | None:
        """The unit group the title's nearest labels name, or None when its last word ends no label: "Upcoming
        Internship Opportunities" names no role at all, however rare and telling "opportunities" is. `excluded`:
        a unit group whose labels do not vote."""
        known = [w for w in dict.fromkeys(words) if w in self.postings]
        if not known or words[-1] not in self.heads:
            return None
        if len(known) == 1:
            candidates, dot = self.postings[known[0]], self.weights[known[0]]
        else:
            ids = np.concatenate([self.postings[w] for w in known])
            total = np.bincount(ids, weights=np.concatenate([self.weights[w] for w in known]),
                                minlength=len(self.labels))
            candidates = sorted_distinct(ids)
            dot = total[candidates]
        if excluded is not None:
            kept = self._isco_codes[candidates] != excluded
            candidates, dot = candidates[kept], dot[kept]
            if not len(candidates):
                return None
        query_norm = math.sqrt(sum(self.idf[w] ** 2 for w in known))
        cosine = dot / (self.norm[candidates] * query_norm)
        score = cosine + HEAD_BONUS * self.head_mask(words[-1])[candidates]
        if len(score) > NEIGHBOURS:  # the same labels as a full stable sort, ties included, at a fraction of it
            kth = np.partition(score, -NEIGHBOURS)[-NEIGHBOURS]
            near = np.flatnonzero(score >= kth)
            top = near[np.argsort(-score[near], kind="stable")][:NEIGHBOURS]
        else:
            top = np.argsort(-score, kind="stable")
        votes: Counter = Counter()
        best_label: dict[str, tuple[float, str]] = {}
        for t in top:
            label_id = int(candidates[t])
            isco = self.isco[label_id]
            votes[isco] += float(score[t])
            if isco not in best_label or score[t] > best_label[isco][0]:
                best_label[isco] = (float(score[t]), self.labels[label_id])
        isco, weight = votes.most_common(1)[0]
        share = weight / sum(votes.values())
        closeness = float(cosine[top[0]])
        return Vote(isco, best_label[isco][1], round(VOTE_CONFIDENCE * share * closeness, 3))
