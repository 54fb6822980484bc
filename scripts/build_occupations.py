"""Rebuild jobleads' occupation tables from ESCO v1.1.1 and O*NET 27.0 (both CC BY 4.0).

    python scripts/build_occupations.py [--data ../shared/data] [--out warehouse/data]

Writes, gzip-compressed TSV:
- `occupations.tsv.gz`: code, label, isco (ISCO-08 unit group), source (esco | onet)
- `occupation_titles.tsv.gz`: title (normalized), code, weight: every label a title is matched against
  (ESCO preferred 3, alternative 2, hidden 1; O*NET title 3, alternate title 1, reported title 1; a short
  hand-written list of everyday titles 4). With `--holdout`, O*NET's "Sample of Reported Titles" is left
  out, also where an alternate title is the same text: the tables benchmarks/occupation_eval.py and
  ranking_eval.py build for themselves and measure on those titles with. Either way the reported titles
  never help place an O*NET occupation in an ISCO group, so both builds place every occupation alike.
- `occupation_skills.tsv.gz`: code, skill, type (knowledge | skill): ESCO's essential skills per occupation
- `isco_neighbours.tsv.gz`: isco, neighbour, similarity: unit groups whose occupations need alike skills

O*NET-SOC codes carry no ISCO group and the official BLS crosswalk is not in the data folder, so each
O*NET occupation gets the ISCO unit group its own titles most often have in ESCO (exact label matches,
then close fuzzy ones). One that no ESCO label places takes the group of its SOC detailed occupation's
placed ones, else the group the classifier reads its own titles as (`place_the_rest`); 86 of 1,016 with
no agreeing evidence are left out. `curated_placements.toml` corrects by hand the placements that are plainly
another trade's (Food Service Managers had landed among manufacturing managers, Flight Attendants among
vocational teachers). This derived crosswalk is an approximation and is named as one in docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import csv
import gzip
import io
import sys
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from warehouse.title_words import GENERIC_LABELS, normalize_label  # noqa: E402 - one normalization for build and lookup

OWN_NAME_VOTE = 20
# An O*NET occupation no ESCO label places takes the unit group the classifier reads its titles as, when at
# least this share of the reading agrees and the reading adds up to one sure title (see place_the_rest).
PLACEMENT_SHARE = 0.5
PLACEMENT_EVIDENCE = 1.5
# Kept per unit group: its closest groups by shared essential skills, down to a faint likeness, so that the
# ranking can order even unrelated leads by how near they are (warehouse/occupations.py draws the tiers).
NEIGHBOURS_PER_GROUP = 40
MIN_NEIGHBOUR_SIMILARITY = 0.02
# Titles job boards use every day that neither taxonomy spells this way (or gives to an odd occupation),
# written by hand: title -> the ESCO preferred label it means.
CURATED_FILE = Path(__file__).with_name("curated_titles.toml")
# O*NET occupations whose derived unit group is plainly another trade's, placed by hand: code -> ISCO group.
CURATED_PLACEMENTS_FILE = Path(__file__).with_name("curated_placements.toml")


def read_zip_csv(path: Path, member: str) -> list[dict[str, str]]:
    with zipfile.ZipFile(path) as archive, archive.open(member) as raw:
        return list(csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8")))


def read_tsv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def write_tsv(path: Path, header: list[str], rows: list[tuple], quiet: bool = False) -> None:
    text = io.StringIO(newline="")
    writer = csv.writer(text, delimiter="\t", lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    # mtime 0: the same tables give the same bytes, so a rebuild changes in git only what really changed
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as handle:
        handle.write(text.getvalue().encode("utf-8"))
    if not quiet:
        print(f"wrote {path} ({len(rows)} rows, {path.stat().st_size / 1024:.0f} KiB)")


def esco_tables(esco_dir: Path):
    occupations, titles = [], []
    uri_to_code = {}
    for row in read_zip_csv(esco_dir / "esco_v111_en.zip", "occupations_en.csv"):
        if row["status"] != "released" or not row["iscoGroup"]:
            continue
        code = row["code"]
        uri_to_code[row["conceptUri"]] = code
        occupations.append((code, row["preferredLabel"], row["iscoGroup"], "esco"))
        for text, weight in [(row["preferredLabel"], 3)] + [(a, 2) for a in row["altLabels"].split("\n")] + \
                [(h, 1) for h in row["hiddenLabels"].split("\n")]:
            title = normalize_label(text)
            if title and title not in GENERIC_LABELS:
                titles.append((title, code, weight))
    skills = {}
    for row in read_zip_csv(esco_dir / "esco_v111_en.zip", "skills_en.csv"):
        skills[row["conceptUri"]] = (row["preferredLabel"], "knowledge" if row["skillType"] == "knowledge" else "skill")
    needs = []
    for row in read_zip_csv(esco_dir / "esco_v111_rel.zip", "occupationSkillRelations.csv"):
        code = uri_to_code.get(row["occupationUri"])
        skill = skills.get(row["skillUri"])
        if code and skill and row["relationType"] == "essential":
            needs.append((code, skill[0], skill[1]))
    return occupations, titles, needs


def onet_tables(onet_dir: Path, esco_titles: list[tuple], esco_isco: dict[str, str], holdout: bool = False):
    """O*NET occupations and titles, each occupation placed in the ISCO group its titles have in ESCO. The
    reported titles are indexed unless `holdout`, and never vote on the placement."""
    from rapidfuzz import fuzz, process, utils

    isco_by_title: dict[str, Counter] = defaultdict(Counter)
    for title, code, weight in esco_titles:
        isco_by_title[title][esco_isco[code]] += weight
    esco_labels = list(isco_by_title)
    names = {r["O*NET-SOC Code"]: r["Title"] for r in read_tsv(onet_dir / "Occupation Data.txt")}
    # The evaluation's titles: they vote on no placement, and with `holdout` they are indexed nowhere, not
    # even as an identical alternate title.
    reported = read_tsv(onet_dir / "Sample of Reported Titles.txt")
    held_out = {normalize_label(r["Reported Job Title"]) for r in reported}
    own_titles: dict[str, list[tuple[str, int]]] = defaultdict(list)
    indexed_only: dict[str, list[tuple[str, int]]] = defaultdict(list)  # indexed, but no vote on the placement
    for code, name in names.items():
        own_titles[code].append((normalize_label(name), 3))
    for row in read_tsv(onet_dir / "Alternate Titles.txt"):
        for text in (row["Alternate Title"], row["Short Title"]):
            if text and text != "n/a":
                title = normalize_label(text)
                if title not in held_out:
                    own_titles[row["O*NET-SOC Code"]].append((title, 1))
                elif not holdout:
                    indexed_only[row["O*NET-SOC Code"]].append((title, 1))
    if not holdout:
        for row in reported:
            indexed_only[row["O*NET-SOC Code"]].append((normalize_label(row["Reported Job Title"]), 1))
    occupations, titles, unplaced = [], [], {}
    for code, entries in own_titles.items():
        votes: Counter = Counter()
        # The occupation's own name (singular, as ESCO labels are) speaks loudest ...
        name = singular(normalize_label(names[code]))
        # (plain ratio: word order matters, "chief executive" is no "executive chef")
        close = [(label, score) for label, score, _ in process.extract(
            name, esco_labels, scorer=fuzz.ratio, processor=utils.default_process, limit=3, score_cutoff=88)]
        close += [(label, 90) for label in esco_labels if label.startswith(name + " ")][:3]  # "chief executive officer"
        for label, score in close:
            for isco, n in isco_by_title[label].items():
                votes[isco] += OWN_NAME_VOTE * score / 100 * min(n, 3)
        # ... then each of its alternate titles that ESCO also has, one small vote each.
        for title, weight in entries:
            for isco, n in isco_by_title.get(title, {}).items():
                votes[isco] += min(n, 3) * weight
        if not votes:
            unplaced[code] = names[code]
            continue
        occupations.append((code, names[code], votes.most_common(1)[0][0], "onet"))
    for code, _, _, _ in occupations:
        titles.extend(occupation_titles(code, own_titles, indexed_only))
    return occupations, titles, OnetRest(unplaced, own_titles, indexed_only)


@dataclass
class OnetRest:
    """The O*NET occupations no ESCO label placed (orthodontists, nurse midwives, licensed practical nurses,
    bus drivers ...: 185 of 1,016), with the titles each would index (`occupation_titles`)."""
    names: dict[str, str]
    own_titles: dict[str, list[tuple[str, int]]]
    indexed_only: dict[str, list[tuple[str, int]]]


def occupation_titles(code: str, own_titles: dict, indexed_only: dict) -> list[tuple[str, str, int]]:
    return [(title, code, weight) for title, weight in own_titles[code] + indexed_only.get(code, [])
            if title and title not in GENERIC_LABELS]


def place_the_rest(rest: OnetRest, occupations: list[tuple], votable_titles: list[tuple], by_hand: dict[str, str]):
    """Place the occupations no ESCO label placed: first beside the placed ones of the same SOC detailed
    occupation ("Acute Care Nurses" 29-1141.01 with "Registered Nurses" 29-1141.00); else where the
    classifier, on tables of everything placed so far, reads the occupation's own name and alternate titles,
    when at least PLACEMENT_SHARE of that reading agrees and it adds up to PLACEMENT_EVIDENCE ("Orthodontist",
    "Orthodontic Dentist" -> dentists; "Licensed Practical Nurse (LPN)" -> nurses). The reported titles take
    no part, so the holdout build places every occupation as the shipped one does. The rest stay out, but for
    those placed `by_hand` (curated_placements.toml): a reading that moves with every rule of the classifier
    does not decide whether drywall tapers are in the tables."""
    import tempfile

    from warehouse.occupations import OccupationIndex

    placed = {code: isco for code, _, isco, source in occupations if source == "onet"}
    found: list[tuple] = []
    with tempfile.TemporaryDirectory(prefix="occupations_placing_") as folder:
        write_tsv(Path(folder) / "occupations.tsv.gz", ["code", "label", "isco", "source"], occupations, quiet=True)
        write_tsv(Path(folder) / "occupation_titles.tsv.gz", ["title", "code", "weight"], votable_titles, quiet=True)
        index = OccupationIndex(Path(folder))
        for code, name in sorted(rest.names.items()):
            if code in by_hand:
                found.append((code, name, by_hand[code], "onet"))
                continue
            siblings = Counter(isco for other, isco in placed.items() if other[:7] == code[:7])
            if siblings:
                found.append((code, name, siblings.most_common(1)[0][0], "onet"))
                continue
            votes: Counter = Counter()
            # its own name without O*NET's qualifier (", General", ", All Other"), singular as ESCO's labels are,
            # counts as two titles
            own_name = singular(normalize_label(name.split(",")[0]))
            for title, weight in [(own_name, 2)] + [(title, 1) for title, _ in rest.own_titles[code]]:
                reading = index.classify(title)
                if reading is not None:
                    votes[reading.isco] += weight * reading.confidence
            if votes:
                isco, weight = votes.most_common(1)[0]
                if weight >= PLACEMENT_SHARE * sum(votes.values()) and sum(votes.values()) >= PLACEMENT_EVIDENCE:
                    found.append((code, name, isco, "onet"))
    titles = [row for code, *_ in found for row in occupation_titles(code, rest.own_titles, rest.indexed_only)]
    print(f"O*NET: {len(found)} more placed by their SOC occupation or their titles' reading, "
          f"{len(rest.names) - len(found)} left out")
    return found, titles


def curated_titles(esco_occupations: list[tuple], onet_occupations: list[tuple]) -> list[tuple]:
    """CURATED_FILE: title -> the occupation it means, by its ESCO preferred label or, where ESCO has no such
    occupation (a US medical technologist), its O*NET title."""
    import tomllib

    curated = tomllib.loads(CURATED_FILE.read_text(encoding="utf-8"))
    by_label = {label: code for code, label, _, _ in onet_occupations}
    by_label.update({label: code for code, label, _, _ in esco_occupations})
    missing = sorted(label for label in curated.values() if label not in by_label)
    if missing:
        raise SystemExit(f"{CURATED_FILE.name} names labels neither ESCO nor O*NET has: {missing}")
    return [(normalize_label(title), by_label[label], 4) for title, label in curated.items()]


def curated_placements(isco_groups: set[str]) -> dict[str, str]:
    """CURATED_PLACEMENTS_FILE: O*NET-SOC code -> ISCO unit group, each group one ESCO occupation has."""
    import tomllib

    placements = tomllib.loads(CURATED_PLACEMENTS_FILE.read_text(encoding="utf-8"))
    unknown = sorted(isco for isco in placements.values() if isco not in isco_groups)
    if unknown:
        raise SystemExit(f"{CURATED_PLACEMENTS_FILE.name} names ISCO groups no ESCO occupation has: {unknown}")
    return placements


def placed_by_hand(occupations: list[tuple], placements: dict[str, str]) -> list[tuple]:
    return [(code, label, placements.get(code, isco), source) for code, label, isco, source in occupations]


IRREGULAR_PLURALS = {"midwives": "midwife"}


def singular(title: str) -> str:
    """O*NET names its occupations in the plural ("Registered Nurses"); ESCO's labels are singular."""
    words = title.split()
    if words and words[-1].endswith("s") and not words[-1].endswith("ss"):
        last = words[-1]
        words[-1] = IRREGULAR_PLURALS.get(last) or (last[:-3] + "y" if last.endswith("ies") else last[:-1])
    return " ".join(words)


def neighbours(occupations: list[tuple], needs: list[tuple]) -> list[tuple]:
    """ISCO unit groups whose ESCO occupations share essential skills (Jaccard of the groups' skill sets)."""
    isco_of = {code: isco for code, _, isco, source in occupations if source == "esco"}
    skills_of: dict[str, set] = defaultdict(set)
    for code, skill, _ in needs:
        if code in isco_of:
            skills_of[isco_of[code]].add(skill)
    groups = sorted(skills_of)
    rows = []
    for a in groups:
        scored = []
        for b in groups:
            if a == b:
                continue
            inter = len(skills_of[a] & skills_of[b])
            if inter:
                similarity = inter / len(skills_of[a] | skills_of[b])
                if similarity >= MIN_NEIGHBOUR_SIMILARITY:
                    scored.append((similarity, b))
        for similarity, b in sorted(scored, reverse=True)[:NEIGHBOURS_PER_GROUP]:
            rows.append((a, b, round(similarity, 3)))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "warehouse" / "data")
    parser.add_argument("--holdout", action="store_true",
                        help="leave O*NET's Sample of Reported Titles out of the index (the evaluations' tables)")
    args = parser.parse_args()
    build(args.data, args.out, args.holdout)
    return 0


def build(data: Path, out: Path, holdout: bool = False) -> None:
    """Write the four tables into `out` (see the module's docstring)."""
    esco_occupations, esco_titles, needs = esco_tables(data / "esco")
    esco_isco = {code: isco for code, _, isco, _ in esco_occupations}
    onet_occupations, onet_titles, rest = onet_tables(data / "onet", esco_titles, esco_isco, holdout)
    # by hand before the rest are placed: their placement reads these occupations' groups
    placements = curated_placements(set(esco_isco.values()))
    onet_occupations = placed_by_hand(onet_occupations, placements)
    print(f"O*NET: {len(onet_occupations)} occupations placed in ISCO groups by ESCO's labels")
    curated = curated_titles(esco_occupations, onet_occupations)
    # what the classifier that places the rest may read: nothing of the reported titles, in either build
    votable = [row for code, _, _, _ in onet_occupations for row in occupation_titles(code, rest.own_titles, {})]
    more_occupations, more_titles = place_the_rest(rest, esco_occupations + onet_occupations,
                                                   sorted(set(esco_titles + votable + curated)), placements)
    occupations = esco_occupations + onet_occupations + more_occupations
    if missing := sorted(set(placements) - {code for code, _, _, _ in occupations}):
        raise SystemExit(f"{CURATED_PLACEMENTS_FILE.name} names O*NET codes no table has: {missing}")
    titles = sorted(set(esco_titles + onet_titles + more_titles + curated))
    out.mkdir(parents=True, exist_ok=True)
    write_tsv(out / "occupations.tsv.gz", ["code", "label", "isco", "source"], occupations)
    write_tsv(out / "occupation_titles.tsv.gz", ["title", "code", "weight"], titles)
    write_tsv(out / "occupation_skills.tsv.gz", ["code", "skill", "type"], sorted(set(needs)))
    write_tsv(out / "isco_neighbours.tsv.gz", ["isco", "neighbour", "similarity"], neighbours(occupations, needs))


if __name__ == "__main__":
    sys.exit(main())
