"""Company names read as words: the tokens, the distinctive words and signature that identify an employer,
the key and its former names, and how alike two names are (`match_tier`, `one_word_typo`). The resolver
(warehouse/companies.py) builds on these; discovery reads them too.
"""
from __future__ import annotations

import hashlib
import re
from typing import Literal

from rapidfuzz import fuzz

from warehouse import normalize
from warehouse.normalize import company_key, fold

Tier = Literal["exact", "strong", "weak"]

GENERIC_WORDS = frozenset("""
    a an and the of for de la le by at
    group groups grp holding holdings technologies technology tech labs lab bank banks
    systems system solutions solution software services service international intl global worldwide
    enterprise enterprises industries company companies co corp corporation inc
    incorporated llc ltd limited gmbh ag plc sa se bv nv
""".split())

# "Ventures", "Partners", "Capital", "Fund": an investment firm named after a word is not the company of that
# word ("Amplitude Ventures" is a venture fund, not Amplitude), so these words stay in a name's identity.
FIRM_WORDS = frozenset("ventures partners capital fund funds investments investment equity vc".split())
assert not FIRM_WORDS & GENERIC_WORDS

# Typo tier: a company key this long or longer, within this rapidfuzz ratio of a known one, is that company,
# when the two differ in one word only, and that word by a typo (TYPO_WORD_RATIO, same first letter):
# "Lockheed Martn" is Lockheed Martin, "Acme Robotics Milo" is not "Acme Robotics Ralo".
TYPO_MIN_LENGTH = 6
TYPO_RATIO = 90
TYPO_WORD_RATIO = 80

_PARENTHESES = re.compile(r"\(.*?\)")

# The version of what `tokens`, `distinctive_of` and `spelled_of` make of a name: the words stored per alias
# (table company_alias_words) are read only when they were made by this version. Raise it when those change.
ALIAS_WORDS_VERSION = 1


def tokens(name: str | None) -> list[str]:
    """The words of a company name as written (folded; parentheses and dots out, so "U.S." is "US")."""
    name = name or ""
    return fold((_PARENTHESES.sub(" ", name) if "(" in name else name).replace(".", "")).split()


LEGAL_WORDS = frozenset("inc incorporated llc ltd limited gmbh ag plc sa se bv nv corp corporation co lp llp".split())


def distinctive(name: str | None) -> list[str]:
    """The words that identify a company: not generic, not a lone letter."""
    return distinctive_of(tokens(name))


def distinctive_of(words_of_name: list[str]) -> list[str]:
    return [t for t in words_of_name if t not in GENERIC_WORDS and len(t) > 1]


def signature(name: str | None) -> str:
    """The strong-tier identity: the distinctive words run together ("Northwind Cloud Technologies" and
    "NorthwindCloud" -> "northwindcloud"); empty for a name made only of generic words."""
    return "".join(distinctive(name))


def key_aliases(name: str) -> tuple[str, list[str]]:
    """The normalizer's key, and the former names it finds ("Navan (fka TripActions)")."""
    with_aliases = getattr(normalize, "company_key_aliases", None)
    return with_aliases(name) if with_aliases else (company_key(name), [])


def words(name: str | None) -> str:
    """A name's words without legal suffixes, for comparing names word by word (the key runs them together)."""
    return spelled_of(tokens(name))


def spelled_of(words_of_name: list[str]) -> str:
    return " ".join(t for t in words_of_name if t not in LEGAL_WORDS)


def one_word_typo(a: str, b: str) -> bool:
    """Two keys of as many words that differ in at most one word, and there by a typo."""
    words_a, words_b = a.split(), b.split()
    if len(words_a) != len(words_b):
        return len(words_a) == 1 or len(words_b) == 1  # "Lockheedmartn": the ratio alone decides
    differ = [(x, y) for x, y in zip(words_a, words_b) if x != y]
    return len(differ) <= 1 and all(x[0] == y[0] and fuzz.ratio(x, y) >= TYPO_WORD_RATIO for x, y in differ)


def lengths_within_ratio(length: int) -> range:
    """The lengths a string may have and still score TYPO_RATIO against one of `length` (fuzz.ratio is at most
    100 * (1 - |a - b| / (a + b)))."""
    slack = 100 - TYPO_RATIO
    low = -(-length * (100 - slack) // (100 + slack))  # ceil(length * 0.9 / 1.1) at TYPO_RATIO 90
    high = length * (100 + slack) // (100 - slack)  # floor(length * 1.1 / 0.9)
    return range(low, high + 1)


def compact(key: str) -> str:
    return key.replace(" ", "")


def company_id_for(sig: str) -> str:
    return "C" + hashlib.sha1(sig.encode()).hexdigest()[:11]


def match_tier(a: str | None, b: str | None) -> Tier | None:
    """How strongly two company names match, or None. Only exact and strong are used for flags."""
    ka, kb = company_key(a), company_key(b)
    if not ka or not kb:
        return None
    if ka == kb or compact(ka) == compact(kb):
        return "exact"
    sa, sb = signature(a), signature(b)
    if sa and sa == sb:
        return "strong"
    if set(distinctive(a)) & set(distinctive(b)) or (sa and sb and fuzz.ratio(sa, sb) >= 90):
        return "weak"
    return None
