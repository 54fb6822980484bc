"""Score every lead against the profile; each named part is 0..1 and kept for the explanation."""
from __future__ import annotations

import json
import math
import re
from datetime import datetime

import duckdb
import pyarrow as pa
from rapidfuzz import fuzz, utils

from jobleads.config import Config
from warehouse.load import staged

SCORE_SCHEMA = pa.schema([
    ("lead_id", pa.string()), ("score", pa.float64()), ("parts", pa.string()),
    ("skills_matched", pa.list_(pa.string())), ("skills_missing", pa.list_(pa.string())),
    ("details", pa.string()), ("computed_at", pa.timestamp("us", tz="UTC")),
])

PARTS = ("skills", "title", "warmth", "recency", "salary", "location")


def skill_pattern(skill: str) -> re.Pattern[str]:
    # Word edges that also work for "C++", "C#", ".NET".
    return re.compile(r"(?<![\w+#.])" + re.escape(skill.lower()) + r"(?![\w+#])")


def skills_in(text: str, skills: list[str]) -> list[str]:
    lowered = text.lower()
    return [s for s in skills if skill_pattern(s).search(lowered)]


def title_fit(title: str, targets: list[str]) -> float:
    if not targets:
        return 0.5
    best = max(fuzz.token_sort_ratio(title, t, processor=utils.default_process) for t in targets)
    return round(best / 100, 3)


def recency_fit(posted_at: datetime | None, now: datetime, half_life_days: float = 14) -> float:
    if posted_at is None:
        return 0.5
    age = max(0.0, (now - posted_at).total_seconds() / 86400)
    return round(math.pow(0.5, age / half_life_days), 3)


def salary_fit(lo: float | None, hi: float | None, currency: str | None, config: Config) -> float:
    floor = config.profile.salary_floor
    if not floor or (lo is None and hi is None):
        return 0.5
    if currency and currency != config.profile.salary_currency:
        return 0.5
    top = hi if hi is not None else lo
    return round(min(1.0, max(0.0, top / floor)) if top < floor else 1.0, 3)


def location_fit(locations: list[str], remote: str | None, config: Config) -> float:
    pref = config.profile.remote
    wanted = [w.lower() for w in config.profile.locations if w.lower() != "remote"]
    here = any(w in loc.lower() for loc in locations for w in wanted)
    if remote == "remote":
        return 1.0 if pref in ("required", "preferred", "any") else (1.0 if here else 0.3)
    if pref == "required":
        return 0.0
    if here:
        return 0.9 if remote == "hybrid" or pref != "preferred" else 0.7
    return 0.2 if wanted else 0.5


def score_leads(con: duckdb.DuckDBPyConnection, config: Config, now: datetime) -> int:
    """Recompute lead_scores for every open lead (cheap, and keeps scores in step with the profile)."""
    skills = list(config.profile.skills)
    weights = config.weights.model_dump()
    total_weight = sum(weights.values()) or 1.0
    rows = con.execute(
        "SELECT lead_id, title, description, locations, remote, posted_at, salary_min, salary_max, salary_currency "
        "FROM leads WHERE status = 'open'"
    ).fetchall()
    out = []
    for lead_id, title, description, locations, remote, posted_at, lo, hi, cur in rows:
        text = f"{title}\n{description or ''}"
        matched = skills_in(text, skills)
        parts = {
            "skills": round(len(matched) / len(skills), 3) if skills else 0.0,
            "title": title_fit(title, config.profile.titles),
            "warmth": 0.0,
            "recency": recency_fit(posted_at, now),
            "salary": salary_fit(lo, hi, cur, config),
            "location": location_fit(locations or [], remote, config),
        }
        score = sum(parts[p] * weights[p] for p in PARTS) / total_weight
        out.append({
            "lead_id": lead_id, "score": round(score, 4), "parts": json.dumps(parts),
            "skills_matched": matched, "skills_missing": [], "details": json.dumps({}), "computed_at": now,
        })
    con.execute("DELETE FROM lead_scores")
    if out:
        table = pa.Table.from_pylist(out, schema=SCORE_SCHEMA)
        with staged(con, "scores_batch", table):
            con.execute("INSERT INTO lead_scores SELECT * FROM scores_batch")
    return len(out)
