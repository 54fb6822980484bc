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
   dates more than `REPOST_DAYS` apart (unless one is a referral, dated the day the user logged it) => not
   the same job: an annual re-post, a new lead (re-posts are counted on the lead, see rollup_leads.sql). Levels both titles name that differ ("Engineer II" vs
   "Engineer III", "Senior" vs "Staff") => different jobs.
5. Title similarity (rapidfuzz `token_sort_ratio` on the normalized title key, `default_process`)
   >= `TITLE_MATCH` and the location keys overlap, or one side's country or state holds the other's city
   (`warehouse.places`), or either side names no location
   => same job (`similar title and location`, score = title similarity).
6. Title similarity >= `TITLE_SAME_INSTANT` and both records carry the very same posting instant
   (to the second, not on a whole hour: aggregators copy the ATS timestamp, so an edited copy of a
   listing keeps it) => same job (`similar title, same posting time`).
Anything else: not the same job.

Titles are only compared within a block: the same company identity, `coalesce(company_id, company_norm)`,
so the company resolver's aliases (issue 5) decide which names are one company. Rule 1 also reaches across
blocks (`CROSS_COMPANY_SQL`): one job id of an ATS with global ids, or of a Workday or iCIMS tenant on its
own host, is one job however the company was written.
"""
from __future__ import annotations

import numpy as np
from rapidfuzz import fuzz, process, utils

REPOST_DAYS = 60
# A referral's date is the day the user logged it, not the posting's: the re-post rule does not apply to it.
REFERRAL = "referral"
TITLE_MATCH = 0.90
TITLE_SAME_INSTANT = 0.75
MIN_SHARED_ID = 5
SHARED_LINK_TITLE = 0.6

RULE_SAME_ID = "same ATS job id"
RULE_SAME_URL = "same canonical URL"
RULE_TITLE_LOCATION = "similar title and location"
RULE_TITLE_INSTANT = "similar title, same posting time"
RULE_FIRST = "first record of the lead"
RULES = (RULE_SAME_ID, RULE_SAME_URL, RULE_TITLE_LOCATION, RULE_TITLE_INSTANT)

# SQL over a pair of postings `a`, `b` (columns of warehouse/dedupe.py's node table).
SAME_ID_SQL = f"""(a.ats_job_id IS NOT NULL AND a.ats_job_id = b.ats_job_id
    AND (a.ats = b.ats OR length(a.ats_job_id) >= {MIN_SHARED_ID}))"""
# Ids that name one job whoever lists it: ATSs whose ids are unique across all their customers, and a
# company's own careers site (its host is in `ats`). The same such id under two company spellings ("Lockheed
# Martn" / "Lockheed Martin") is one job. Workday requisitions and iCIMS numbers repeat across employers but
# not within one employer's tenant, which the URL's host names ("hp.wd5.myworkdayjobs.com",
# "careers-acme.icims.com"): the same number on the same host is one job too ("Hewlett ackard (HP)" /
# "Hewlett Packard (HP)", which the company resolver's typo tier leaves apart). A URL alone does not count (a
# careers page or an aggregator's link lists many jobs of many companies).
# (Not Workday's shared host "wd1.myworkdaysite.com/recruiting/<tenant>/...": only hosts that are a tenant's own.)
GLOBAL_ID_ATS = ("greenhouse", "lever", "ashby", "smartrecruiters")
TENANT_HOSTS = (".myworkdayjobs.com", ".icims.com")


def host_sql(canonical_url: str) -> str:
    """The host of a canonical URL (no scheme, no "www.")."""
    return f"split_part({canonical_url}, '/', 1)"


def global_id_sql(a: str, other_host: str) -> str:
    """Whether record `a`'s job id names one job whoever lists it, the other record's URL host being `other_host`."""
    tenant_host = " OR ".join(f"ends_with({other_host}, {h!r})" for h in TENANT_HOSTS)
    return (f"({a}.ats IN ({', '.join(repr(x) for x in GLOBAL_ID_ATS)}) OR starts_with({a}.ats, 'site:')"
            f" OR ({a}.ats IN ('workday', 'icims') AND {host_sql(f'{a}.canonical_url')} = {other_host}"
            f" AND ({tenant_host})))")


CROSS_COMPANY_SQL = (f"(a.ats = b.ats AND a.ats_job_id = b.ats_job_id"
                     f" AND {global_id_sql('a', host_sql('b.canonical_url'))})")
ID_CONFLICT_SQL = "(a.ats = b.ats AND a.ats_job_id <> b.ats_job_id)"
SAME_URL_SQL = "(a.canonical_url IS NOT NULL AND a.canonical_url = b.canonical_url)"
DAYS_APART_SQL = "abs(epoch(a.posted_at) - epoch(b.posted_at)) / 86400.0"
EVIDENCE_CONFLICT_SQL = f"""(
    (a.title_years <> '' AND b.title_years <> '' AND a.title_years <> b.title_years)
    OR (a.title_seasons <> '' AND b.title_seasons <> '' AND a.title_seasons <> b.title_seasons)
    OR (a.title_level <> '' AND b.title_level <> '' AND a.title_level <> b.title_level)
    OR (coalesce({DAYS_APART_SQL} > {REPOST_DAYS}, FALSE) AND a.source <> '{REFERRAL}' AND b.source <> '{REFERRAL}'))"""
# Places agree: either side names none, they share a key, one side names only countries or states (its
# scope, warehouse/places.py) and the other lies in them ("United States" holds "Santa Clara, CA"), or both
# name one city, a misspelling read as the city it means ("Camridge, MA").
# list_has_any, and the cities of an area set apart per node (`place_city`): this test runs on millions of pairs,
# and len(list_intersect(...)) > 0 there took half again as long.
LOCATION_OK_SQL = """(len(a.location_norm) = 0 OR len(b.location_norm) = 0
    OR list_has_any(a.location_norm, b.location_norm)
    OR (len(a.place_area) > 0 AND len(b.place_area) > 0  -- most nodes have no areas: skip the list work
        AND (list_has_any(a.place_scope, b.place_area) OR list_has_any(b.place_scope, a.place_area)
             OR list_has_any(a.place_city, b.place_city))))"""
PLACE_CITY_SQL = "list_filter({area}, lambda x: starts_with(x, 'city:'))"  # the cities of an area list
# A scope as explanations write it: without the map cells a metropolitan area holds (warehouse/places.py).
READABLE_SCOPE_SQL = "array_to_string(list_filter({scope}, lambda x: NOT starts_with(x, 'cell:')), ', ')"
SAME_INSTANT_SQL = "(a.posted_at = b.posted_at AND (second(a.posted_at) <> 0 OR minute(a.posted_at) <> 0))"
# Rules 1-4, in order: (name of the test, the test over a pair, the verdict when it holds): 1 same id, 2 same
# URL, 0 settled as different; a pair none settles is 3, left to the titles (rules 5-6). They read no list
# column, so they can sift millions of pairs cheaply (OPEN_PAIR_SQL).
_SETTLING_RULES = (("same_id", SAME_ID_SQL, 1), ("id_conflict", ID_CONFLICT_SQL, 0), ("same_url", SAME_URL_SQL, 2),
                   ("evidence_conflict", EVIDENCE_CONFLICT_SQL, 0))
# True for a pair the rules 1-4 leave open: one CASE, which tests a pair only as far as the first rule that
# holds (tests as columns of their own took half again as long on 21.5M pairs).
OPEN_PAIR_SQL = "(CASE {} ELSE 3 END) > 0".format(
    " ".join(f"WHEN {test} THEN {verdict}" for _, test, verdict in _SETTLING_RULES))
# Every test a pair's verdict and evidence read, each a column of its own (`PAIR_FLAGS_SQL`), worked out once
# per pair in a materialized step; the verdicts below read these columns. Inlined, DuckDB evaluated the
# whole verdict inside the hash join and each test again for every column that reads it (at a million
# postings, 2.9M pairs 3.3-4.1 s -> 2.4 s).
PAIR_FLAGS_SQL = ", ".join([f"{test} AS {name}" for name, test, _ in _SETTLING_RULES]
                           + [f"{LOCATION_OK_SQL} AS location_ok", f"{SAME_INSTANT_SQL} AS same_instant"])
PAIR_VERDICT_SQL = "CASE {} WHEN location_ok OR same_instant THEN 3 ELSE 0 END".format(
    " ".join(f"WHEN {name} THEN {verdict}" for name, _, verdict in _SETTLING_RULES))
# A same-id pair whose titles differ is a shared apply link, judged by rules 4-6: does that evidence allow it?
EVIDENCE_OK_SQL = "NOT evidence_conflict AND (location_ok OR coalesce(same_instant, FALSE))"


def title_similarity(left: list[str], right: list[str], workers: int = -1) -> np.ndarray:
    """Pairwise token_sort_ratio / 100 of aligned title keys (rapidfuzz `cpdist`, all cores)."""
    return pair_title_similarity(processed_titles(left), processed_titles(right),
                                 np.arange(len(left)), np.arange(len(right)), workers)


def processed_titles(titles: list[str | None]) -> np.ndarray:
    """Title keys as the scorer reads them (rapidfuzz's default_process), once per title."""
    return np.array([utils.default_process(t or "") for t in titles], dtype=object)


def pair_title_similarity(titles: np.ndarray, other: np.ndarray, a: np.ndarray, b: np.ndarray,
                          workers: int = -1) -> np.ndarray:
    """token_sort_ratio / 100 of titles[a[i]] and other[b[i]] for every i: the pairs hold references to one
    processed string per node, not a string per pair (2.9M pairs at a million postings)."""
    if not len(a):
        return np.zeros(0, dtype=np.float32)
    scores = process.cpdist(titles[a], other[b], scorer=fuzz.token_sort_ratio, dtype=np.float32, workers=workers)
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


def decide(verdict: np.ndarray, evidence_ok: np.ndarray, location_ok: np.ndarray, same_instant: np.ndarray,
           title_score: np.ndarray) -> np.ndarray:
    """The rule that joins each pair: index into RULES (0 same id, 1 same URL, 2 title and place, 3 title and
    instant), or -1 for none. `verdict` and the flags are PAIR_VERDICT_SQL's and the columns beside it."""
    fuzzy_match, which = fuzzy_decision(title_score, location_ok, same_instant)
    same_id = (verdict == 1) & (title_score >= SHARED_LINK_TITLE)
    # a shared apply link (same id, unrelated titles) is judged like any pair without an id
    fuzzy_ok = (verdict == 3) | ((verdict == 1) & evidence_ok)
    return np.select([same_id, verdict == 2, fuzzy_ok & fuzzy_match], [0, 1, np.where(which == 0, 2, 3)], default=-1)


def is_same_job(a: dict, b: dict) -> tuple[bool, str | None, float]:
    """The decision rule for one pair of normalized postings (dicts with the node columns), for tests and
    explanations: the very SQL and numpy the bulk path in `dedupe` runs, on a table of two rows."""
    import duckdb

    if (a.get("company") or "") != (b.get("company") or ""):
        return False, None, 0.0
    from warehouse.places import node_places

    columns = ("title_years", "title_seasons", "title_level", "ats", "ats_job_id", "canonical_url", "source")
    lists = ("location_norm", "place_area", "place_scope", "place_city")
    with duckdb.connect() as con:
        con.execute(f"CREATE TABLE pair (side INTEGER, {', '.join(c + ' VARCHAR' for c in columns)}, "
                    f"{', '.join(c + ' VARCHAR[]' for c in lists)}, posted_at TIMESTAMPTZ)")
        for side, node in enumerate((a, b)):
            text = [node.get(c) or ("" if c.startswith("title_") or c == "source" else None) for c in columns]
            area, scope = node_places(node.get("locations") or [])
            con.execute(f"INSERT INTO pair VALUES ({', '.join('?' * (len(columns) + 4))}, "
                        f"{PLACE_CITY_SQL.format(area='?::VARCHAR[]')}, ?)",
                        [side, *text, list(node.get("location_norm") or []), area, scope, area, node.get("posted_at")])
        verdict, evidence_ok, location_ok, instant = con.execute(
            f"SELECT {PAIR_VERDICT_SQL}, {EVIDENCE_OK_SQL}, location_ok, coalesce(same_instant, FALSE) "
            f"FROM (SELECT {PAIR_FLAGS_SQL} FROM pair a, pair b WHERE a.side = 0 AND b.side = 1)").fetchone()
    score = float(title_similarity([a.get("title_norm") or ""], [b.get("title_norm") or ""], workers=1)[0])
    rule = int(decide(np.array([verdict]), np.array([bool(evidence_ok)]), np.array([bool(location_ok)]),
                      np.array([bool(instant)]), np.array([score]))[0])
    if rule < 0:
        return False, None, score
    return True, RULES[rule], {0: 1.0, 1: 0.99}.get(rule, score)
