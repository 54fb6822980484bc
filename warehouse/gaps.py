"""What learning one skill would change (`leads skills gap`), and the keywords of a resume against the best
leads (`leads skills resume`): read-side questions over the scores `warehouse.scoring` stored."""
from __future__ import annotations

import json

import duckdb

from jobleads.config import LEVEL_WEIGHT, Config
from warehouse.score_parts import combine, gated, profile_levels, skill_fit
from warehouse.skills import taxonomy_for

# --- what learning one skill would change ---------------------------------------------------------

def skill_gaps(con: duckdb.DuckDBPyConnection, config: Config, best: int = 50, limit: int = 15,
               level: str = "intermediate") -> list[dict]:
    """Skills the user's best `best` open leads ask for that the profile lacks, most asked first, with
    the share of those leads that would move up the ranking if the skill were learned at `level`
    (their score recomputed with it; everyone else's unchanged). Only leads of the target occupations
    and their neighbours count (all leads when the profile names no titles)."""
    taxonomy = taxonomy_for(config)
    levels = profile_levels(taxonomy, config.profile)
    weights = config.weights.model_dump()
    ranked = con.execute(
        "SELECT s.lead_id, s.score, s.parts, s.details->>'tier' FROM lead_scores s JOIN leads l USING (lead_id) "
        "WHERE l.status = 'open' ORDER BY s.score DESC, l.posted_at DESC NULLS LAST, s.lead_id"
    ).fetchall()
    tier_of = {lead_id: tier for lead_id, _, _, tier in ranked}
    ranked = [row[:3] for row in ranked if row[3] in (None, "related")]
    if not ranked:
        return []
    top = ranked[:best]
    demand: dict[str, list[str]] = {}
    required: dict[str, int] = {}
    for lead_id, skill, importance in con.execute(
        "SELECT lead_id, skill, importance FROM lead_skills WHERE list_contains($ids, lead_id) AND NOT has_skill",
        {"ids": [lead_id for lead_id, _, _ in top]},
    ).fetchall():
        if not levels.get(skill):
            demand.setdefault(skill, []).append(lead_id)
            required[skill] = required.get(skill, 0) + (importance == "required")
    candidates = sorted(demand, key=lambda s: (-len(demand[s]), -required[s], s))[:limit]
    # Only leads asking for a candidate can change score: read just their asks.
    asked: dict[str, dict[str, str]] = {}
    for lead_id, skill, importance in con.execute(
        "SELECT lead_id, skill, importance FROM lead_skills WHERE lead_id IN "
        "(SELECT lead_id FROM lead_skills WHERE list_contains($skills, skill))",
        {"skills": candidates},
    ).fetchall():
        asked.setdefault(lead_id, {})[skill] = importance
    score_of = {lead_id: score for lead_id, score, _ in ranked}
    parts_of = {lead_id: json.loads(parts) for lead_id, _, parts in ranked}
    # A lead that may change is compared with itself recomputed from the same parts and this profile, not with
    # its stored score: the stored one may come from another profile (a database scored with a config that is
    # not the one in use: `leads --db data/demo.duckdb skills gap` outside the demo's folder showed every gain
    # negative), and it is rounded. Recomputed with this profile, learning a skill can only raise a score.
    for lead_id, wants in asked.items():
        if lead_id in score_of:
            fit, _, _ = skill_fit(wants, levels)
            score_of[lead_id] = gated(combine({**parts_of[lead_id], "skills": fit}, weights), tier_of[lead_id])
    everyone = sorted(score_of.values(), reverse=True)
    market = {skill: n for skill, n in con.execute(
        "SELECT skill, count(*) FROM lead_skills WHERE NOT has_skill AND list_contains($ids, lead_id) GROUP BY skill",
        {"ids": list(score_of)}).fetchall()}
    out = []
    for skill in candidates:
        learned = {**levels, skill: LEVEL_WEIGHT[level]}
        changed = {}
        for lead_id, wants in asked.items():
            if skill in wants and lead_id in score_of:
                fit, _, _ = skill_fit(wants, learned)
                changed[lead_id] = gated(combine({**parts_of[lead_id], "skills": fit}, weights), tier_of[lead_id])
        others = sorted((score for lead_id, score in score_of.items() if lead_id not in changed), reverse=True)
        risen = sorted(changed.values(), reverse=True)
        moved, gains = 0, []
        for lead_id in demand[skill]:
            old, new = score_of[lead_id], changed[lead_id]
            gains.append(new - old)
            rank_after = _count_above(others, new) + _count_above(risen, new)
            moved += rank_after < _count_at_least(everyone, old) - 1  # a tie counts as ahead: passing it is moving up
        asking = demand[skill]
        out.append({
            "skill": skill,
            "category": taxonomy.category(skill),
            "leads_asking": len(asking),
            "required_by": required[skill],
            "share_moving_up": round(moved / len(asking), 3),
            "avg_score_gain": round(sum(gains) / len(gains), 4),
            "open_leads_asking": market.get(skill, len(asking)),
        })
    return out


def _count_above(descending: list[float], value: float) -> int:
    """How many of a descending list are strictly greater than value."""
    lo, hi = 0, len(descending)
    while lo < hi:
        mid = (lo + hi) // 2
        if descending[mid] > value:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _count_at_least(descending: list[float], value: float) -> int:
    lo, hi = 0, len(descending)
    while lo < hi:
        mid = (lo + hi) // 2
        if descending[mid] >= value:
            lo = mid + 1
        else:
            hi = mid
    return lo


def resume_keywords(con: duckdb.DuckDBPyConnection, config: Config, resume_text: str, best: int = 50) -> list[dict]:
    """Profile skills that the best leads ask for but the resume never names: keywords to add to it."""
    taxonomy = taxonomy_for(config)
    levels = profile_levels(taxonomy, config.profile)
    named = set(taxonomy.skills_in(resume_text))
    rows = con.execute(
        """
        WITH top AS (
            SELECT s.lead_id FROM lead_scores s JOIN leads l USING (lead_id) WHERE l.status = 'open'
            ORDER BY s.score DESC, l.posted_at DESC NULLS LAST, s.lead_id LIMIT $best)
        SELECT skill, count(*) AS asking, count(*) FILTER (WHERE importance = 'required') AS required_by
        FROM lead_skills WHERE lead_id IN (SELECT lead_id FROM top) AND has_skill
        GROUP BY skill ORDER BY asking DESC, required_by DESC, skill
        """,
        {"best": best},
    ).fetchall()
    return [{"skill": skill, "category": taxonomy.category(skill), "leads_asking": asking, "required_by": required_by}
            for skill, asking, required_by in rows if skill in levels and skill not in named]
