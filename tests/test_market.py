"""Pay and skill gaps over the right market: the leads of the target occupations and their neighbours.

On the real captures in ../shared/corpus/api (skipped when absent), for the backend/SRE profile: the
skill gaps come from engineering leads, and pay counts the engineering roles (the SRE role paying $185.5k)
while leaving out the "Audio Engineer ... Upto $14/hr" gig.
"""
from __future__ import annotations

import pytest

from connectors import SourceSpec, make_source
from connectors.base import ExtractResult
from jobleads.config import parse_config
from tests.conftest import CORPUS_API
from tests.test_scoring import BACKEND, CAPTURES
from warehouse.db import connect
from warehouse.market import essential_gaps, has_skill, pay_distribution
from warehouse.publish import publish
from warehouse.gaps import skill_gaps

@pytest.fixture(scope="module")
def market(tmp_path_factory):
    if not CORPUS_API.exists():
        pytest.skip("shared corpus not present")
    results = []
    for kind in [*CAPTURES, "hn"]:
        folder = CORPUS_API / ("hn_algolia" if kind == "hn" else kind)
        for path in sorted(folder.glob("*.json")):
            board = path.stem.split("_")[-1] if kind != "hn" else None
            results.append(make_source(SourceSpec(type=kind, board=board, company=board)).parse_file(path))
    config = parse_config({"profile": {**BACKEND, "salary_currency": "USD"}})
    con = connect(tmp_path_factory.mktemp("market") / "leads.duckdb")
    publish(con, [r for r in results if isinstance(r, ExtractResult)], config, kind="import")
    yield con, config
    con.close()


def test_skill_gaps_come_from_the_engineering_market_only(market):
    con, config = market
    gaps = skill_gaps(con, config, best=50, limit=15)
    assert len(gaps) == 15, "the engineering leads ask for skills the profile lacks"
    # Only leads of the engineering occupations are read: the sales leads' asks are gone. What is left of
    # other families comes from engineering postings themselves (a Salesforce architect asks for CRM; a
    # recruiting firm's AI engineer posting names recruiting), an extraction limit, not a market one.
    other = [g["skill"] for g in gaps if g["category"] in ("sales", "marketing", "operations", "finance")]
    assert len(other) <= 5, other
    assert not {g["skill"] for g in gaps} & {"Prospecting", "SEO", "Audit"}
    read = {lead_id for (lead_id,) in con.execute(
        "SELECT lead_id FROM lead_scores WHERE details->>'tier' = 'related'").fetchall()}
    sales_leads = {lead_id for (lead_id,) in con.execute(
        "SELECT lead_id FROM leads WHERE title ILIKE '%account executive%' OR title ILIKE '%business development%'"
    ).fetchall()}
    assert sales_leads and not read & sales_leads  # the sales leads are not part of the engineer's market


def test_pay_counts_the_sre_role_and_leaves_out_the_hourly_gig(market):
    con, config = market
    usd = {r["currency"]: r for r in pay_distribution(con, config, config.profile.titles)}["USD"]
    everything = {r["currency"]: r for r in pay_distribution(con, config, [])}["USD"]
    assert usd["leads"] < everything["leads"]
    assert usd["p75"] >= 150000 and usd["p25"] > 60000  # an engineer's market, not $14/hr gigs
    points = [p for (p,) in con.execute("SELECT annual_pay FROM pay_points WHERE title ILIKE '%audio engineer%'").fetchall()]
    assert points and all(p < 40000 for p in points)  # the gig is there, and would drag p25 down


def test_the_target_occupations_essential_skills_the_profile_lacks():
    config = parse_config({"profile": {"titles": ["Registered Nurse"], "skills": ["Patient care"]}})
    found = essential_gaps(config, limit=50)
    assert found and all(r["occupation"] == "nurse responsible for general care" for r in found)
    assert all(r["isco"] == "2221" for r in found)
    assert [r["type"] for r in found] == sorted((r["type"] for r in found), key=lambda t: t != "knowledge")
    assert not any(r["skill"] == "patient care" for r in found)


def test_a_profile_skill_names_an_esco_skill_as_whole_words():
    assert has_skill(["python"], "Python (computer programming)")
    assert not has_skill(["r"], "resource management")
    assert not has_skill(["go"], "good manufacturing practices")
