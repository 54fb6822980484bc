"""What the market of the user's own occupations pays and expects: the read side of `leads pay` and of the
occupation half of `leads skills gap`.

"The market" is the open leads of the target occupations and their neighbours (ISCO proximity, see
`warehouse.occupations`), not every lead that shares a word with a target title: an "Audio Engineer ...
Upto $14/hr" gig says nothing about what a Site Reliability Engineer earns.
"""
from __future__ import annotations

import json
import re
from collections import Counter

import duckdb

from jobleads.config import Config
from warehouse.occupations import RELATED_CONFIDENCE, OccupationIndex, occupation_index

# A lead without a known occupation still counts for pay when its title fits a target title this well.
PAY_TITLE_MATCH = 0.7
IN_MARKET = ("same", "neighbour")
# For a target occupation known only to O*NET, ESCO's occupations of its unit group stand in: a skill
# essential to at least this share of them is essential to the group.
GROUP_ESSENTIAL_SHARE = 0.5


def pay_distribution(con: duckdb.DuckDBPyConnection, config: Config, titles: list[str],
                     points: bool = False) -> list[dict]:
    """Annual pay of open leads in the market of `titles`: count and quartiles per currency (DuckDB's
    quantile_cont over the pay_points view), and the percentile of the user's current pay among leads quoting
    the profile currency; with `points`, every lead's annual pay too (for a chart of the distribution). Which leads are in the market is decided here (occupations); the numbers in SQL."""
    import pyarrow as pa

    from warehouse.staging import staged
    from warehouse.score_parts import title_fit

    index = occupation_index()
    targets = {o.isco for o in index.targets(titles)}
    rows = con.execute(
        "SELECT p.lead_id, p.title, coalesce(h.hourly, FALSE), s.occupation FROM pay_points p "
        "LEFT JOIN (SELECT lead_id, bool_or(salary_period = 'hour') AS hourly FROM postings GROUP BY lead_id) h "
        "USING (lead_id) LEFT JOIN lead_scores s USING (lead_id)"
    ).fetchall()
    market = [lead_id for lead_id, title, hourly, occupation in rows
              if not titles or in_market(index, targets, titles, title, hourly, occupation, title_fit)]
    current = config.profile.current_pay
    with staged(con, "market_leads", pa.table({"lead_id": pa.array(market, pa.string())})):
        quartiles = con.execute(
            """
            SELECT currency, count(*) AS leads,
                   round(quantile_cont(annual_pay, 0.25), 2), round(quantile_cont(annual_pay, 0.5), 2),
                   round(quantile_cont(annual_pay, 0.75), 2),
                   round(100 * (count(*) FILTER (WHERE annual_pay < $current)
                                + 0.5 * count(*) FILTER (WHERE annual_pay = $current)) / count(*), 1),
                   list(annual_pay ORDER BY annual_pay)
            FROM pay_points SEMI JOIN market_leads USING (lead_id)
            GROUP BY currency ORDER BY leads DESC, currency
            """,
            {"current": current},
        ).fetchall()
    mine = config.profile.salary_currency
    return [{"currency": currency, "leads": leads, "p25": p25, "median": median, "p75": p75,
             "current_pay": current if currency == mine else None,
             "current_pay_percentile": percentile if current is not None and currency == mine else None,
             **({"points": [float(v) for v in pays]} if points else {})}
            for currency, leads, p25, median, p75, percentile, pays in quartiles]


def in_market(index: OccupationIndex, targets: set[str], titles: list[str], title: str, hourly: bool,
              occupation: str | None, title_fit) -> bool:
    """Of the target occupations or a neighbour; else, with no known occupation, a close title that is not
    an hourly gig (an unknown occupation paid by the hour is too often another trade)."""
    found = json.loads(occupation) if occupation else None
    if found is None:
        classified = index.classify(title)
        found = classified.as_json() if classified else None
    # a guessed occupation (confidence under RELATED_CONFIDENCE) counts as unknown here, as in the ranking
    isco = found.get("isco") if found and found.get("confidence", 1.0) >= RELATED_CONFIDENCE else None
    if isco is not None and targets:
        return index.proximity(isco, targets) in IN_MARKET
    return not hourly and title_fit(title, titles) >= PAY_TITLE_MATCH


def essential_gaps(config: Config, limit: int = 12) -> list[dict]:
    """What ESCO says the target occupations need (essential knowledge first, then skills) that the
    profile does not name."""
    index = occupation_index()
    mine = [s.lower() for s in config.profile.skills]
    out, seen = [], set()
    for occupation in index.targets(config.profile.titles):
        for skill, kind in sorted(essential_of(index, occupation), key=lambda sk: (sk[1] != "knowledge", sk[0])):
            if skill in seen or has_skill(mine, skill):
                continue
            seen.add(skill)
            out.append({"kind": "essential", "skill": skill, "type": kind, "occupation": occupation.label,
                        "isco": occupation.isco})
    knowledge = [r for r in out if r["type"] == "knowledge"]
    return (knowledge + [r for r in out if r["type"] != "knowledge"])[:limit]


def essential_of(index: OccupationIndex, occupation) -> list[tuple[str, str]]:
    if occupation.source == "esco":
        return index.essential_skills(occupation.code)
    group = [o.code for o in index.occupations.values() if o.source == "esco" and o.isco == occupation.isco]
    counts = Counter(pair for code in group for pair in set(index.essential_skills(code)))
    return [pair for pair, n in counts.items() if group and n / len(group) >= GROUP_ESSENTIAL_SHARE]


def has_skill(mine: list[str], skill: str) -> bool:
    """A profile skill names an ESCO skill when they are equal or one stands as whole words in the other
    ("Python" in "Python (computer programming)")."""
    label = skill.lower()
    return any(m == label or re.search(rf"(?<!\w){re.escape(m)}(?!\w)", label)
               or re.search(rf"(?<!\w){re.escape(label)}(?!\w)", m) for m in mine if m)
