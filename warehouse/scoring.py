"""Score every open lead against the profile the way a career coach would.

Each named part is 0..1 (`warehouse.score_parts`) and kept for the explanation; the score is their weighted mean (weights from
[weights], normalized by their sum). What a posting asks for comes from `warehouse.skills`, cached in
`skill_extractions` by a hash of its text so unchanged leads are not re-read every night.
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Iterable, Mapping

import duckdb
import numpy as np
import pyarrow as pa

from jobleads.config import Config
from warehouse.score_parts import (
    RELATED_FLOOR, UNRELATED_CEILING, TitleMatch, epoch_us, location_fit, match_title, profile_levels, salary_fit,
    seniority_fit, shares, skill_fit, user_seniority,
)
from warehouse.lead_rows import PostingFit, lead_scores, lead_skills
from warehouse.memo import remembered
from warehouse.rules import CONTENT_KEY_SQL, EMPLOYER_IN_TEXT_SQL
from warehouse.staging import run_over, staged
from warehouse.occupations import RELATED_CONFIDENCE, Occupation, OccupationIndex, occupation_index
from warehouse.versions import classifier_version, extraction_version
from warehouse.skills import Extraction, Taxonomy, extract, taxonomy_for

if TYPE_CHECKING:
    from warehouse.scoring_ahead import ScoringAhead

SCORE_SCHEMA = pa.schema([
    ("lead_id", pa.string()), ("score", pa.float64()), ("parts", pa.string()),
    ("skills_matched", pa.list_(pa.string())), ("skills_missing", pa.list_(pa.string())),
    ("details", pa.string()), ("computed_at", pa.timestamp("us", tz="UTC")), ("occupation", pa.string()),
])
EXTRACTION_SCHEMA = pa.schema([
    ("content_key", pa.string()), ("taxonomy_version", pa.string()), ("required", pa.list_(pa.string())),
    ("preferred", pa.list_(pa.string())), ("mentioned", pa.list_(pa.string())), ("years_asked", pa.float64()),
    ("seniority", pa.string()), ("seniority_source", pa.string()), ("extracted_at", pa.timestamp("us", tz="UTC")),
    ("evidence", pa.string()),
])

# Everything of a lead its score depends on, besides the profile, weights and tables (the fingerprint,
# warehouse.freshness) and the day (recency): a rescore within a day recomputes only leads where this changed.
# What it reads of the lead's own fields is hashed once per change, as the rollup writes them (LEAD_INPUTS_SQL, into
# `leads.inputs_hash`, migration 013): hashing the fields at every plan read every open lead's description on every
# run (0.65-0.71 s at a million leads with 4 KB texts; 0.10-0.15 s this way). DuckDB's 64-bit hash: a changed lead
# keeps its old value by chance once in 2^64.
LEAD_INPUTS_SQL = ("hash({row}title, {row}locations, {row}remote, {row}posted_at, {row}salary_min, {row}salary_max, "
                   "{row}salary_currency, {row}description, {row}company)")
SCORE_INPUTS_SQL = "hash(l.inputs_hash, coalesce(w.warmth, 0))::VARCHAR"


def hash_lead_inputs(con: duckdb.DuckDBPyConnection, rewritten: str | None = None) -> None:
    """`leads.inputs_hash` of the leads in the table `rewritten` (lead_id and the leads' fields, as the rollup
    wrote them), or of every lead without one (stored before migration 013, or written outside the rollup). The
    values are read from `rewritten` itself: read back from `leads`, a nightly run's 10,000 scattered leads made
    DuckDB decompress most of a million leads' descriptions (0.45 s)."""
    if rewritten:
        con.execute(f"UPDATE leads SET inputs_hash = {LEAD_INPUTS_SQL.format(row='c.')} FROM {rewritten} c "
                    "WHERE leads.lead_id = c.lead_id").fetchall()
    else:
        con.execute(f"UPDATE leads SET inputs_hash = {LEAD_INPUTS_SQL.format(row='')} WHERE inputs_hash IS NULL"
                    ).fetchall()


# --- the transform --------------------------------------------------------------------------------

def cached_extractions(con: duckdb.DuckDBPyConnection, taxonomy: Taxonomy, now: datetime,
                       done: Mapping[str, Extraction] | None = None) -> dict[str, Extraction]:
    """Extraction per content key of every open lead: what the cache has for this taxonomy, plus the rest
    extracted now (or `done` ahead: warehouse/scoring_ahead.py) and stored. Descriptions are read from the
    database only for texts not cached. The cache is keyed on the taxonomy and on the rules that read a
    description (`extraction_version`)."""
    done = done or {}
    version = extraction_version(taxonomy.version)
    con.execute("DELETE FROM skill_extractions WHERE taxonomy_version <> ?", [version]).fetchall()
    out: dict[str, Extraction] = {}
    for key, req, pref, ment, years, level, source, evidence in con.execute(
        f"SELECT x.content_key, x.required, x.preferred, x.mentioned, x.years_asked, x.seniority, x.seniority_source, "
        f"x.evidence "
        f"FROM skill_extractions x WHERE x.content_key IN "
        f"(SELECT {CONTENT_KEY_SQL} FROM leads SEMI JOIN score_todo USING (lead_id))"
    ).fetchall():
        out[key] = Extraction(list(req or []), list(pref or []), list(ment or []), years, level, source,
                              json.loads(evidence) if evidence else {})
    fresh = []
    for key, title, description, company in con.execute(
        f"SELECT DISTINCT ON (k) k, title, description, company FROM (SELECT {CONTENT_KEY_SQL} AS k, title, "
        f"description, company FROM leads SEMI JOIN score_todo USING (lead_id)) "
        f"WHERE k NOT IN (SELECT content_key FROM skill_extractions)"
    ).fetchall():
        out[key] = found = done[key] if key in done else extract(taxonomy, title, description, company)
        fresh.append({"content_key": key, "taxonomy_version": version, "required": found.required,
                      "preferred": found.preferred, "mentioned": found.mentioned, "years_asked": found.years,
                      "seniority": found.seniority, "seniority_source": found.seniority_source, "extracted_at": now,
                      "evidence": json.dumps(found.evidence, ensure_ascii=False)})
    if fresh:
        with staged(con, "extractions_batch", pa.Table.from_pylist(fresh, schema=EXTRACTION_SCHEMA)):
            con.execute("INSERT OR REPLACE INTO skill_extractions BY NAME SELECT * FROM extractions_batch").fetchall()
    return out


def cached_occupations(con: duckdb.DuckDBPyConnection, index: OccupationIndex, also: Iterable[str] = (),
                       done: Mapping[str, Occupation | None] | None = None) -> dict[str, Occupation | None]:
    """The occupation of every open lead's title and of the titles `also` (the profile's): what
    title_occupations has for these tables and rules, plus the titles not seen before, classified now (or
    `done` ahead: warehouse/scoring_ahead.py) and stored. A night of new postings classifies only its new
    titles (the 87k labels are not even loaded)."""
    done = done or {}
    version = classifier_version()
    con.execute("DELETE FROM title_occupations WHERE classifier_version <> ?", [version]).fetchall()
    wanted = ("SELECT title FROM leads SEMI JOIN score_todo USING (lead_id) WHERE title IS NOT NULL "
              "UNION SELECT unnest($also)")
    out: dict[str, Occupation | None] = {}
    for title, found in con.execute(
        f"SELECT title, occupation FROM title_occupations WHERE title IN ({wanted})", {"also": list(also)}
    ).fetchall():
        out[title] = Occupation.from_json(json.loads(found)) if found else None
    fresh: dict[str, list] = {"title": [], "classifier_version": [], "occupation": []}
    for (title,) in con.execute(
        f"SELECT DISTINCT title FROM ({wanted}) WHERE title NOT IN (SELECT title FROM title_occupations)",
        {"also": list(also)},
    ).fetchall():
        out[title] = found = done[title] if title in done else index.classify(title)
        fresh["title"].append(title)
        fresh["classifier_version"].append(version)
        fresh["occupation"].append(json.dumps(found.as_stored()) if found else None)
    if fresh["title"]:
        with staged(con, "title_occupations_batch", pa.Table.from_pydict(fresh)):
            con.execute("INSERT OR REPLACE INTO title_occupations BY NAME "
                        "SELECT * FROM title_occupations_batch").fetchall()
    return out


def warmth_by_lead(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """max(warmth) per lead from the network's lead_contacts; nothing when it is not built yet."""
    columns = {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'lead_contacts'").fetchall()}
    if not {"lead_id", "warmth"} <= columns:
        return {}
    return {lead_id: min(1.0, max(0.0, float(w or 0.0))) for lead_id, w in con.execute(
        "SELECT lead_id, max(warmth) FROM lead_contacts GROUP BY lead_id").fetchall()}


def plan_scoring(con: duckdb.DuckDBPyConnection, full: bool, new_day: bool = False) -> None:
    """`score_todo`: the open leads to score, with their inputs; all of them, or (not `full`) those never
    scored or whose inputs changed since, and on a `new_day` also those whose recency still moves. A recency
    stored as 0 (posted some 154 days before) stays 0, since it only falls with age, and an unknown date's is
    always the neutral one: those leads score what they scored yesterday, and are left as they are."""
    hash_lead_inputs(con)  # leads written outside the rollup, or before migration 013: none on a nightly run
    unchanged = "s.inputs = t.inputs"  # a lead scored from these very inputs
    if new_day:
        unchanged += " AND (t.undated OR CAST(s.parts->>'$.recency' AS DOUBLE) = 0)"
    # one statement (an anti join) rather than every open lead written and then most of them deleted: at 694k
    # open leads 0.14-0.24 s instead of 0.18-0.30 s, on a new day 0.19-0.25 s instead of 0.52-0.75 s
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE score_todo AS
        WITH w AS (SELECT lead_id, max(warmth) AS warmth FROM lead_contacts GROUP BY lead_id),
             t AS (SELECT l.lead_id, {SCORE_INPUTS_SQL} AS inputs, l.posted_at IS NULL AS undated
                   FROM leads l LEFT JOIN w USING (lead_id) WHERE l.status = 'open')
        SELECT t.* FROM t {"" if full else f"ANTI JOIN lead_scores s ON s.lead_id = t.lead_id AND {unchanged}"}
        """).fetchall()


# What a lead's score takes from its posting alone (title, places, remote, pay, text, whether it is dated), as one
# 64-bit number: leads of one posting share it, so the scoring loop reads two numbers per lead, not nine columns
# turned into Python (a chance collision of two postings' facts is once in 2^64, as SCORE_INPUTS_SQL's).
POSTING_FACTS_SQL = ("hash(title, locations, remote, salary_min, salary_max, salary_currency, description, "
                     f"posted_at IS NULL, {EMPLOYER_IN_TEXT_SQL})")

SCORE_CHUNK = 50_000  # leads scored, then written, at a time: a million leads' columns never sit in memory at once


def score_leads(con: duckdb.DuckDBPyConnection, config: Config, now: datetime, full: bool = True,
                ahead: "ScoringAhead | None" = None, new_day: bool = False) -> int:
    """Recompute lead_scores and lead_skills: of every open lead, or (not `full`) of the open leads whose
    inputs changed since they were scored, and on a `new_day` of those whose recency still moves (`plan_scoring`;
    extraction and occupations are cached either way; `ahead`: the run's new titles and texts, read in a second
    process meanwhile). Returns how many leads were scored."""
    occupations_done, extractions_done = ahead.done() if ahead else ({}, {})
    plan_scoring(con, full, new_day)
    profile = config.profile
    taxonomy = ahead.taxonomy if ahead else taxonomy_for(config)
    target_titles = [t for t in profile.titles if t.strip()]
    # Read as Arrow (compact) and turned into Python a chunk at a time.
    todo = con.sql(
        f"SELECT lead_id, title, locations, remote, epoch_us(posted_at) AS posted_us, salary_min, salary_max, "
        f"salary_currency, {CONTENT_KEY_SQL} AS content_key, {POSTING_FACTS_SQL} AS facts, t.inputs "
        f"FROM leads JOIN score_todo t USING (lead_id)"
    ).to_arrow_table()
    index = ahead.index if ahead else occupation_index()
    scorer = _Scorer(config, taxonomy, now, found=cached_extractions(con, taxonomy, now, extractions_done),
                     occupations=cached_occupations(con, index, also=target_titles, done=occupations_done),
                     warmth=warmth_by_lead(con), index=index)
    for table in ("lead_scores", "lead_skills"):
        if full:
            con.execute(f"DELETE FROM {table}").fetchall()
        else:  # the rescored leads, and leads no longer open: two statements (one with OR took twice as long).
            # Leads are never deleted, only closed, so "not open" is the closed ones: a hash of the few closed
            # ids, not of 700k open ones (NOT IN: 0.13 s of a nightly fold at a million; this, 0.002 s)
            con.execute(f"DELETE FROM {table} WHERE lead_id IN (SELECT lead_id FROM score_todo)").fetchall()
            con.execute(f"DELETE FROM {table} WHERE lead_id IN (SELECT lead_id FROM leads WHERE status <> 'open')"
                        ).fetchall()
    for batch in todo.to_batches(max_chunksize=SCORE_CHUNK):
        if not batch.num_rows:
            continue
        scores, lead_skills = scorer.score(batch)
        run_over(con, scores.append_column("inputs", batch.column(-1)),
                 "INSERT INTO lead_scores BY NAME SELECT * FROM arrow_batch")
        if lead_skills.num_rows:
            run_over(con, lead_skills, "INSERT INTO lead_skills BY NAME SELECT * FROM arrow_batch")
    return todo.num_rows


class _Scorer:
    """Scores leads given what every lead shares: the profile, its skill levels and target occupations, the
    cached extractions and occupations, warmth; each distinct title is classified and compared once."""

    def __init__(self, config: Config, taxonomy: Taxonomy, now: datetime, found: dict[str, Extraction],
                 occupations: dict[str, Occupation | None], warmth: dict[str, float], index: OccupationIndex):
        self.profile, self.taxonomy, self.now = config.profile, taxonomy, now
        self.levels = profile_levels(taxonomy, self.profile)
        self.weights = config.weights.model_dump()
        self.share = shares(self.weights)
        self.index = index  # the one cached_occupations used: its tables are read once
        self.target_titles = [t for t in self.profile.titles if t.strip()]
        self.found, self.occupations, self.warmth = found, occupations, warmth
        self.targets = {o.isco for o in (occupations[t] for t in self.target_titles) if o is not None}
        self.matches: dict[str, TitleMatch] = {}
        self._postings: dict[int, PostingFit] = {}  # by POSTING_FACTS_SQL: see _same_postings

    def score(self, batch: pa.RecordBatch) -> tuple[pa.Table, pa.Table]:
        """The lead_scores and lead_skills rows of a batch of `score_leads`' leads. Only the score and its parts
        are the lead's own; what the leads of one posting share (details, occupation, skills and their rows) is
        turned into Arrow once per posting and gathered by index: each lead's copy of its posting's details
        text, made into Arrow one by one, was most of writing a million leads' scores."""
        lead_ids = batch.column(0).cast(pa.string())
        # the batch's postings, each once (by POSTING_FACTS_SQL), and per lead its posting's place among them;
        # only the first row of a posting not met in an earlier batch is read into Python
        keys, first, inverse = np.unique(batch.column("facts").to_numpy(), return_index=True, return_inverse=True)
        fits = self._same_postings(batch, keys.tolist(), first)
        score_column, parts_column = lead_scores(
            fits, inverse, batch.column("posted_us"), lead_ids, self.warmth, epoch_us(self.now), self.share,
            tiered=bool(self.target_titles))
        which = inverse.astype(np.int64)
        index = pa.array(inverse.astype(np.int32))

        def shared(values: list, kind: pa.DataType) -> pa.Array:
            return pa.array(values, kind).take(index)

        scores = pa.Table.from_arrays([
            lead_ids, score_column, parts_column,
            shared([f.matched for f in fits], pa.list_(pa.string())),
            shared([f.missing for f in fits], pa.list_(pa.string())),
            shared([f.details for f in fits], pa.string()),
            pa.repeat(pa.scalar(self.now, pa.timestamp("us", tz="UTC")), len(which)),  # one time for the scoring
            shared([f.occupation for f in fits], pa.string()),
        ], schema=SCORE_SCHEMA)
        return scores, lead_skills(lead_ids, fits, which)

    def _same_postings(self, batch: pa.RecordBatch, keys: list[int], first: np.ndarray) -> list["PostingFit"]:
        """Every part but warmth and recency, and the details, which depend on the posting alone, for each of
        the batch's postings (`keys`: POSTING_FACTS_SQL; `first`: a row of each): leads that share title, text,
        place and pay (listings without descriptions, mostly) are worked out once, in this batch or an earlier
        one, and only the rows of postings not met before are read into Python."""
        memo = self._postings
        unseen = [i for i, key in enumerate(keys) if key not in memo]
        fits: list[PostingFit | None] = [memo.get(key) for key in keys]
        if unseen:
            rows = batch.select(["title", "locations", "remote", "posted_us", "salary_min", "salary_max",
                                 "salary_currency", "content_key"]).take(pa.array(first[unseen])).to_pylist()
            for i, row in zip(unseen, rows):
                fits[i] = remembered(memo, keys[i], lambda row=row: self._posting_fit(
                    row["title"], list(row["locations"] or ()), row["remote"], row["salary_min"], row["salary_max"],
                    row["salary_currency"], row["content_key"], row["posted_us"] is None), self.MEMO_LIMIT)
        return fits  # type: ignore[return-value]

    MEMO_LIMIT = 50_000  # postings remembered within one scoring (~1 KB each: at most ~50 MB beside the 2 GiB budget)

    def _posting_fit(self, title, locations, remote, lo, hi, cur, key, undated) -> "PostingFit":
        profile, levels, target_titles = self.profile, self.levels, self.target_titles
        asked = self.found[key]
        importance = asked.importance()
        fit, matched, missing = skill_fit(importance, levels)
        salary, salary_note = salary_fit(lo, hi, cur, profile)
        seniority, penalties = seniority_fit(asked, profile)
        match = self.matches.get(title) or self.matches.setdefault(
            title, match_title(self.index, title, self.targets, target_titles, self.occupations))
        unknown = [name for name, is_unknown in (
            ("salary", lo is None and hi is None), ("seniority", not asked.seniority or not user_seniority(profile)),
            ("posted_at", undated), ("occupation", match.occupation is None),
        ) if is_unknown]
        missing_required = [s for s in missing if importance[s] == "required"]
        details = {
            "required": asked.required, "preferred": asked.preferred, "mentioned": asked.mentioned,
            "missing_required": missing_required, "years_asked": asked.years,
            "seniority": asked.seniority, "seniority_from": asked.seniority_source,
            "penalties": penalties, "unknown": unknown, "weights": self.weights,
            "relevance": _relevance(match, bool(target_titles)),
            "tier": match.tier if target_titles else None,
        }
        if salary_note:
            details["salary_note"] = salary_note
        skill_rows = tuple((skill, imp, self.taxonomy.category(skill), bool(levels.get(skill)),
                            asked.evidence.get(skill)) for skill, imp in importance.items())
        location = location_fit(locations, remote, profile)
        return PostingFit(skills=fit, title=match.part, salary=salary, location=location, seniority=seniority,
                          tier=match.tier, matched=matched, missing=missing,
                          details=json.dumps({k: v for k, v in details.items() if v not in (None, [])}),
                          occupation=match.occupation_json, skill_rows=skill_rows)


def _relevance(match: TitleMatch, gating: bool) -> str:
    occupation = (f"{match.occupation.label} (ISCO {match.occupation.isco}, confidence "
                  f"{match.occupation.confidence:.2f})" if match.occupation else "no known occupation")
    if not gating:
        return f"{occupation}; no target titles in the profile, so no relevance gate"
    guess = (match.occupation is not None and match.proximity in ("same", "neighbour")
             and match.occupation.confidence < RELATED_CONFIDENCE)
    return {"related": f"{occupation}: {match.proximity} to your target occupations; scored in "
                       f"{RELATED_FLOOR}..1",
            "uncertain": f"{occupation}: {match.proximity}"
                         + (f" but only a guess (confidence under {RELATED_CONFIDENCE})" if guess else "")
                         + f"; scored {UNRELATED_CEILING}..{RELATED_FLOOR}",
            "unrelated": f"{occupation}: unrelated to your target occupations; scored at most "
                         f"{UNRELATED_CEILING}"}[match.tier]
