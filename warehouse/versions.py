"""What stored scores and classifications were computed from: the scoring rules' version and a digest of
the shipped tables. Below both `freshness` (which compares them) and `scoring` (which stores them)."""
from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import resources

SCORING_VERSION = "10"  # bump when a scoring rule changes what a score means: stored scores are recomputed
_SHIPPED_TABLES = ("skills.toml", "skills_extra.tsv.gz", "occupation_titles.tsv.gz", "occupations.tsv.gz", "isco_neighbours.tsv.gz")


@lru_cache(maxsize=1)
def shipped_tables_digest() -> str:
    folder = resources.files("warehouse") / "data"
    digest = hashlib.sha256()
    for name in _SHIPPED_TABLES:
        digest.update((folder / name).read_bytes())
    return digest.hexdigest()[:16]


def classifier_version() -> str:
    """What a title's stored occupation was computed from: the tables and the rules (the classifier is part
    of scoring: a change to it bumps SCORING_VERSION)."""
    return f"{shipped_tables_digest()}-{SCORING_VERSION}"


def extraction_version(taxonomy_version: str) -> str:
    """What a description's stored skills were read with: the taxonomy and the reading rules (which sentences
    ask, which sections count: warehouse/posting_text.py; a change to them bumps SCORING_VERSION)."""
    return f"{taxonomy_version}-{SCORING_VERSION}"
