"""What stored scores and classifications were computed from: the scoring rules' version and a digest of
the shipped tables. Below both `freshness` (which compares them) and `scoring` (which stores them)."""
from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import resources

# Bump the one whose rules changed. Each one recomputes what it names, and any of them the stored scores
# (freshness.fingerprint): a change to how scores combine need not re-read a million descriptions.
SCORING_VERSION = "11"  # the scoring rules (score_parts, scoring): stored scores are recomputed
CLASSIFIER_VERSION = "56"  # the title classifier's rules (title_words, occupations, occupation_vote)
READING_VERSION = "18"  # how a description is read (posting_text, skill_spans, skills.extract): which sentences ask
READING_MODEL = "skill_spans.crfsuite"  # in warehouse/data: scripts/train_skill_spans.py writes it
_SHIPPED_TABLES = ("skills.toml", "skills_extra.tsv.gz", "occupation_titles.tsv.gz", "occupations.tsv.gz", "isco_neighbours.tsv.gz")


@lru_cache(maxsize=1)
def shipped_tables_digest() -> str:
    folder = resources.files("warehouse") / "data"
    digest = hashlib.sha256()
    for name in _SHIPPED_TABLES:
        digest.update((folder / name).read_bytes())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=1)
def reading_model_digest() -> str:
    """The shipped model that marks what a description asks (warehouse.skill_spans): a new one re-reads them."""
    return hashlib.sha256((resources.files("warehouse") / "data" / READING_MODEL).read_bytes()).hexdigest()[:12]


def rules_version() -> str:
    """Every rule a stored score depends on, as one string."""
    return f"{SCORING_VERSION}.{CLASSIFIER_VERSION}.{reading_model_digest()}.{READING_VERSION}"


def classifier_version() -> str:
    """What a title's stored occupation was computed from: the tables and the classifier's rules."""
    return f"{shipped_tables_digest()}-{CLASSIFIER_VERSION}"


def extraction_version(taxonomy_version: str) -> str:
    """What a description's stored skills were read with: the taxonomy and the reading rules."""
    return f"{taxonomy_version}-{reading_model_digest()}-{READING_VERSION}"
