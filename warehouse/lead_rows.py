"""A batch of leads' rows of lead_scores and lead_skills from their postings' fits: what the leads of one posting
share is worked out once per posting (warehouse.scoring) and gathered here by index; only warmth and recency
are a lead's own."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from warehouse.score_parts import gated, recency_fit

LEAD_SKILL_SCHEMA = pa.schema([
    ("lead_id", pa.string()), ("skill", pa.string()), ("category", pa.string()), ("importance", pa.string()),
    ("has_skill", pa.bool_()), ("evidence", pa.string()),
])


@dataclass(frozen=True)
class PostingFit:
    """What scoring one lead takes from its posting alone (see warehouse.scoring._Scorer._same_postings)."""
    skills: float
    title: float
    salary: float
    location: float
    seniority: float
    tier: str
    matched: list[str]
    missing: list[str]
    details: str
    occupation: str | None
    skill_rows: tuple[tuple, ...]


def lead_scores(fits: list["PostingFit"], place: np.ndarray, posted_us: pa.Array, lead_ids: pa.Array,
                warmth: Mapping[str, float], now_us: int, share: Mapping[str, float], tiered: bool
                ) -> tuple[pa.Array, pa.Array]:
    """Each lead's score and parts text from its posting's fit (`fits[place[row]]`) and its own warmth and
    recency: combine() of the seven parts in their order, then gated() in its posting's tier, the very same
    floats and text as lead by lead. Worked out once per distinct value and gathered: a Python loop over each
    lead took 4 s of a first import's million."""
    rows = len(place)
    # recency per distinct posted time (the leads of one day share it); an unknown time is NEUTRAL's
    known = posted_us.is_valid().to_numpy(zero_copy_only=False)
    times, time_at = np.unique(pc.fill_null(posted_us, 0).to_numpy(), return_inverse=True)
    recency_of = [recency_fit(t, now_us) for t in times.tolist()] + [recency_fit(None, now_us)]
    time_at[~known] = len(times)
    recency = np.array(recency_of)[time_at]
    lead_warmth = np.zeros(rows)
    if warmth:  # most profiles have no contact at a company with leads
        warm = np.flatnonzero(pc.is_in(lead_ids, value_set=pa.array(list(warmth), pa.string()))
                              .to_numpy(zero_copy_only=False))
        lead_warmth[warm] = [round(warmth[i], 3) for i in lead_ids.take(pa.array(warm)).to_pylist()]
    warmth_values, warmth_at = np.unique(lead_warmth, return_inverse=True)

    # the parts in PARTS order, each weighted and added as combine() adds them, so the very same floats
    own = np.array([(f.skills, f.title, f.salary, f.location, f.seniority) for f in fits], dtype=np.float64)[place]
    skills, title, salary, location, seniority = own.T
    total = (skills * share["skills"] + title * share["title"] + lead_warmth * share["warmth"]
             + recency * share["recency"] + salary * share["salary"] + location * share["location"]
             + seniority * share["seniority"])
    scores = np.empty(rows)
    tiers = [f.tier if tiered else None for f in fits]
    tier_names = sorted(set(tiers), key=str)
    tier_of_row = np.array([tier_names.index(t) for t in tiers], dtype=np.int64)[place]
    for code, tier in enumerate(tier_names):
        in_tier = np.flatnonzero(tier_of_row == code)
        values, value_at = np.unique(total[in_tier], return_inverse=True)
        scores[in_tier] = np.array([gated(round(v, 4), tier) for v in values.tolist()], dtype=np.float64)[value_at]
    posting_index = pa.array(place.astype(np.int32))
    # json.dumps of the parts dict, written out (floats as repr, as json writes them)
    parts = pc.binary_join_element_wise(
        pa.array([f'{{"skills": {f.skills!r}, "title": {f.title!r}, "warmth": ' for f in fits]).take(posting_index),
        pa.array([repr(w) for w in warmth_values.tolist()], pa.string()).take(pa.array(warmth_at.astype(np.int32))),
        pa.array([f', "recency": {r!r}' for r in recency_of], pa.string()).take(pa.array(time_at.astype(np.int32))),
        pa.array([f', "salary": {f.salary!r}, "location": {f.location!r}, "seniority": {f.seniority!r}}}'
                  for f in fits]).take(posting_index),
        "")
    return pa.array(scores, pa.float64()), parts


def lead_skills(lead_ids: pa.Array, fits: list["PostingFit"], which: np.ndarray) -> pa.Table:
    """lead_skills rows: each lead's posting's skill rows in order, leads in order; the rows of every posting
    made into Arrow once and gathered by index."""
    counts = np.array([len(f.skill_rows) for f in fits], dtype=np.int64)
    per_lead = counts[which]
    total = int(per_lead.sum())
    if not total:
        return LEAD_SKILL_SCHEMA.empty_table()
    columns = list(zip(*(row for f in fits for row in f.skill_rows)))
    first_row = np.cumsum(counts) - counts  # each posting's first row among all postings' rows
    lead_of_row = np.repeat(np.arange(len(which)), per_lead)
    row_in_lead = np.arange(total) - np.repeat(np.cumsum(per_lead) - per_lead, per_lead)
    take = pa.array(np.repeat(first_row[which], per_lead) + row_in_lead)
    skill, importance, category, has_skill, evidence = columns  # a PostingFit's skill_rows, in their order
    return pa.Table.from_arrays(
        [lead_ids.take(pa.array(lead_of_row)), *(pa.array(list(values), field.type).take(take) for values, field in (
            (skill, LEAD_SKILL_SCHEMA.field("skill")), (category, LEAD_SKILL_SCHEMA.field("category")),
            (importance, LEAD_SKILL_SCHEMA.field("importance")), (has_skill, LEAD_SKILL_SCHEMA.field("has_skill")),
            (evidence, LEAD_SKILL_SCHEMA.field("evidence"))))],
        schema=LEAD_SKILL_SCHEMA)
