"""The decision rule: are two postings of the same company the same job?

Evidence is weighed strongest first; the first rule that applies decides.

1. Same ATS job id (same ATS and id, or the same id of 5+ characters under two names, e.g. a Greenhouse
   id and the company site's `?gh_jid=` or `/listing/.../<id>`) => same job (rule `same ATS job id`, 1.0),
   unless the titles have almost nothing in common (similarity < `SHARED_LINK_TITLE`): then the id is a
   generic application link several jobs share, and the pair is judged by rules 4-6 like any other.
2. Two different ids on the same ATS => different jobs. Clustering also refuses any merge that would
   put two such ids in one lead, however the two records are connected (see `dedupe.cluster`).
3. Same canonical URL (tracking parameters removed) => same job (`same canonical URL`, 0.99).
4. A year or a season both titles name, and they differ ("Summer 2024" vs "Summer 2025"), or posted
   dates more than `REPOST_DAYS` apart => not the same job: an annual re-post, a new lead (re-posts are
   counted on the lead, see rollup_leads.sql). Levels both titles name that differ ("Engineer II" vs
   "Engineer III", "Senior" vs "Staff") => different jobs.
5. Title similarity (rapidfuzz `token_sort_ratio` on the normalized title key, `default_process`)
   >= `TITLE_MATCH` and the location keys overlap, or either side names no location
   => same job (`similar title and location`, score = title similarity).
6. Title similarity >= `TITLE_SAME_INSTANT` and both records carry the very same posting instant
   (to the second, not on a whole hour: aggregators copy the ATS timestamp, so an edited copy of a
   listing keeps it) => same job (`similar title, same posting time`).
Anything else: not the same job.

Titles are only compared within a block: the same company identity, `coalesce(company_id, company_norm)`,
so the company resolver's aliases (issue 5) decide which names are one company.
"""
from __future__ import annotations

import numpy as np
from rapidfuzz import fuzz, process, utils

REPOST_DAYS = 60
TITLE_MATCH = 0.90
TITLE_SAME_INSTANT = 0.75
MIN_SHARED_ID = 5
SHARED_LINK_TITLE = 0.6

RULE_SAME_ID = "same ATS job id"
RULE_SAME_URL = "same canonical URL"
RULE_TITLE_LOCATION = "similar title and location"
RULE_TITLE_INSTANT = "similar title, same posting time"
RULE_FIRST = "first record of the lead"

# SQL over a pair of postings `a`, `b` (columns of warehouse/dedupe.py's node table).
SAME_ID_SQL = f"""(a.ats_job_id IS NOT NULL AND a.ats_job_id = b.ats_job_id
    AND (a.ats = b.ats OR length(a.ats_job_id) >= {MIN_SHARED_ID}))"""
ID_CONFLICT_SQL = "(a.ats = b.ats AND a.ats_job_id <> b.ats_job_id)"
SAME_URL_SQL = "(a.canonical_url IS NOT NULL AND a.canonical_url = b.canonical_url)"
DAYS_APART_SQL = "abs(epoch(a.posted_at) - epoch(b.posted_at)) / 86400.0"
EVIDENCE_CONFLICT_SQL = f"""(
    (a.title_years <> '' AND b.title_years <> '' AND a.title_years <> b.title_years)
    OR (a.title_seasons <> '' AND b.title_seasons <> '' AND a.title_seasons <> b.title_seasons)
    OR (a.title_level <> '' AND b.title_level <> '' AND a.title_level <> b.title_level)
    OR coalesce({DAYS_APART_SQL} > {REPOST_DAYS}, FALSE))"""
LOCATION_OK_SQL = "(len(a.location_norm) = 0 OR len(b.location_norm) = 0 OR len(list_intersect(a.location_norm, b.location_norm)) > 0)"
SAME_INSTANT_SQL = "(a.posted_at = b.posted_at AND (second(a.posted_at) <> 0 OR minute(a.posted_at) <> 0))"


def title_similarity(left: list[str], right: list[str], workers: int = -1) -> np.ndarray:
    """Pairwise token_sort_ratio / 100 of aligned title keys (rapidfuzz `cpdist`, all cores)."""
    if not left:
        return np.zeros(0, dtype=np.float32)
    scores = process.cpdist(left, right, scorer=fuzz.token_sort_ratio, processor=utils.default_process,
                            dtype=np.float32, workers=workers)
    return scores / np.float32(100.0)


def edge_strength(title_score: np.ndarray, location_overlap: np.ndarray, same_instant: np.ndarray,
                  days_apart: np.ndarray) -> np.ndarray:
    """Order in which clustering takes fuzzy matches: title first; a shared place, the same posting
    instant and close dates break ties, so an edited copy joins its own original, not a sibling."""
    days = np.nan_to_num(days_apart.astype(np.float64), nan=REPOST_DAYS / 2)
    return title_score + 0.05 * location_overlap + 0.05 * same_instant - 0.0005 * np.minimum(days, REPOST_DAYS)


def fuzzy_decision(title_score: np.ndarray, location_ok: np.ndarray, same_instant: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rules 5 and 6 on pairs that passed rules 1-4: (is a match, rule index 0 = title+location, 1 = instant)."""
    by_location = (title_score >= TITLE_MATCH) & location_ok
    by_instant = (title_score >= TITLE_SAME_INSTANT) & same_instant
    return by_location | by_instant, np.where(by_location, 0, 1)


def is_same_job(a: dict, b: dict) -> tuple[bool, str | None, float]:
    """The decision rule for one pair of normalized postings (dicts with the node columns), for tests
    and explanations; the bulk path in `dedupe` applies the same rule in SQL and numpy."""
    if (a.get("company") or "") != (b.get("company") or ""):
        return False, None, 0.0
    ida, idb = a.get("ats_job_id"), b.get("ats_job_id")
    score = float(title_similarity([a.get("title_norm") or ""], [b.get("title_norm") or ""], workers=1)[0])
    same_id = bool(ida and ida == idb and (a.get("ats") == b.get("ats") or len(ida) >= MIN_SHARED_ID))
    if same_id and score >= SHARED_LINK_TITLE:
        return True, RULE_SAME_ID, 1.0
    if not same_id and ida and idb and a.get("ats") == b.get("ats") and ida != idb:
        return False, None, 0.0
    if a.get("canonical_url") and a.get("canonical_url") == b.get("canonical_url"):
        return True, RULE_SAME_URL, 0.99
    for part in ("title_years", "title_seasons", "title_level"):
        if a.get(part) and b.get(part) and a[part] != b[part]:
            return False, None, 0.0
    pa_, pb = a.get("posted_at"), b.get("posted_at")
    if pa_ and pb and abs((pa_ - pb).total_seconds()) / 86400.0 > REPOST_DAYS:
        return False, None, 0.0
    la, lb = set(a.get("location_norm") or []), set(b.get("location_norm") or [])
    location_ok = not la or not lb or bool(la & lb)
    instant = bool(pa_ and pa_ == pb and (pa_.second or pa_.minute))
    match, rule = fuzzy_decision(np.array([score]), np.array([location_ok]), np.array([instant]))
    if not match[0]:
        return False, None, score
    return True, (RULE_TITLE_LOCATION if rule[0] == 0 else RULE_TITLE_INSTANT), score
