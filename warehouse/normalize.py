"""Normalized forms of postings that dedupe, the company resolver and scoring compare.

Every rule is written once, as data (regular expressions in the common subset of Python `re` and RE2),
and applied two ways:

- pure functions per value (`company_key`, `title_parts`, `location_keys`, `ats_job`, `canonical_url`)
  used by tests, property tests and small callers;
- `normalize_table`, the bulk path: Unicode folding with Arrow compute, then the same rules as one
  DuckDB SQL statement over the distinct values (vectorized, multi-threaded, no Python loop per row).

`tests/test_normalize.py` checks with hypothesis that both paths agree.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from warehouse.disk_memo import kept_on_disk, source_of
from warehouse.staging import staged

# --------------------------------------------------------------------------------------------- folding

_NON_ALNUM = r"[^a-z0-9]+"
_NON_ALNUM_RUN = re.compile(_NON_ALNUM)


def fold(text: str | None) -> str:
    """Lowercase ASCII (NFKD, marks and other non-ASCII dropped); runs of anything else become one space."""
    if not text:
        return ""
    if not text.isascii():  # ASCII is its own NFKD form: most names skip the Unicode pass
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NON_ALNUM_RUN.sub(" ", text.lower()).strip()


def _fold_array(values: pa.Array) -> pa.Array:
    """Arrow form of `fold` (before the final punctuation pass, which SQL does)."""
    values = pc.utf8_normalize(values, form="NFKD")
    values = pc.replace_substring_regex(values, pattern=r"[^\x00-\x7f]", replacement="")
    return pc.ascii_lower(values)


# --------------------------------------------------------------------------------------------- company

def _legal_terms() -> list[str]:
    from cleanco import termdata

    terms = {fold(t.replace(".", "")) for kind in termdata.terms_by_type.values() for t in kind}
    terms |= {"holdings", "the"}  # "Acme Holdings" is Acme for a job seeker
    return sorted((t for t in terms if t), key=len, reverse=True)


# A team's own recruiting board is its employer: "Foo Early Career Programs", "Foo University Recruiting".
_BOARD_WORDS = (r"early careers?(?: programs?)?|university (?:recruiting|relations|programs?|hiring)|"
                r"campus(?: recruiting| hiring| programs?)?|student programs?|internships?(?: programs?)?|"
                r"new grads?|graduate programs?|careers")
# What comes off the end of a company name: legal suffixes (cleanco's list) and recruiting boards, in any order.
_LEGAL_TAIL = r"(?: (?:" + "|".join(re.escape(t) for t in _legal_terms()) + "|" + _BOARD_WORDS + r"))+$"
_PARENS = r"\(([^)]*)\)"
_ALIAS_MARKERS = re.compile(r"^\s*(?:fka|f k a|formerly|previously|dba|d b a|aka|a k a|now|was)\b\.?\s*", re.I)


def company_key(name: str | None) -> str:
    """Identity of a company name: "U.S. Bank, Inc." = "US Bank" -> "usbank"; "Elise AI" = "EliseAI".

    Dots go first (so initials join up), parentheses are dropped, legal suffixes (cleanco's term list)
    come off the end, a leading "the" goes, and spaces are removed so spacing variants coincide.
    """
    if not name:
        return ""
    text = re.sub(_PARENS, " ", name).replace(".", "")
    return _company_tail(fold(text))


def _company_tail(folded: str) -> str:
    text = re.sub(r"^the ", "", folded)
    stripped = re.sub(_LEGAL_TAIL, "", text)
    return (stripped or text).replace(" ", "")


def company_key_aliases(name: str | None) -> tuple[str, list[str]]:
    """(key, alias keys): "Navan (fka TripActions)" -> ("navan", ["tripactions"]); "Hewlett Packard (HP)" -> ("hewlettpackard", ["hp"])."""
    key = company_key(name)
    aliases: list[str] = []
    for inner in re.findall(_PARENS, name or ""):
        alias = company_key(_ALIAS_MARKERS.sub("", inner))
        if alias and alias != key and alias not in aliases:
            aliases.append(alias)
    return key, aliases


# --------------------------------------------------------------------------------------------- title

# Applied in order to the folded title (lowercase ASCII words separated by single spaces).
_TITLE_ABBREVIATIONS = [
    (r"\bsn?r\b", "senior"), (r"\bjn?r\b", "junior"), (r"\bengr?\b", "engineer"),
    (r"\bswe\b", "software engineer"), (r"\bsde\b", "software development engineer"),
    (r"\bsdet\b", "software development engineer in test"), (r"\bdevs?\b", "developer"),
    (r"\bmgr\b", "manager"), (r"\bmgmt\b", "management"), (r"\bml\b", "machine learning"),
    (r"\bassoc\b", "associate"), (r"\badmin\b", "administrator"), (r"\bops\b", "operations"),
    (r"\bfront end\b", "frontend"), (r"\bfe (engineer|developer)\b", r"frontend \1"),
    (r"\bback end\b", "backend"), (r"\bbe (engineer|developer)\b", r"backend \1"),  # not "must be a citizen"
    (r"\bfull stack\b", "fullstack"),
    (r"\binternships?\b", "intern"), (r"\bco op\b", "coop"), (r"\bnew graduates?\b|\bnew grads\b", "new grad"),
    (r"\biv\b", "4"), (r"\biii\b", "3"), (r"\bii\b", "2"), (r"\bi\b", "1"), (r"\bv\b", "5"),
    (r"\b(?:level )?l?([1-7])\b", r"\1"),
]
# Taken out of the key: they say nothing about which job it is. Eligibility notes ("(US Citizenship
# Required)", "(Only F1 Sponsorship Available)", "(undergraduate senior only)", "- Visa sponsorship
# available") among them: a board that adds one lists the same job. RE2 syntax (DuckDB runs them too).
_ELIGIBLE = r"(?:us |u s |usa )?(?:citizens?(?:hip)?|permanent residents?|green card(?: holders?)?)"
_TITLE_NOISE = [
    r"\b(?:only |no |without )?(?:(?:f ?1|opt|cpt|h ?1 ?b|visa|work visa|immigration) )*sponsorship(?: is)?(?: not)?"
    r"(?: available| provided| offered| required| needed| possible)?(?: only)?\b",
    r"\b(?:must be (?:an? )?|requires? |only )?" + _ELIGIBLE + r"(?: (?:or|and) " + _ELIGIBLE + r")*"
    r"(?: only)?(?: required)?\b",
    r"\b(?:(?:undergrad(?:uate)?s?|grad(?:uate)?s?|masters?|phd|bachelors?|students?) )+"
    r"(?:(?:seniors?|juniors?|sophomores?|freshm[ae]n) )?only\b",
    r"\b(?:seniors?|juniors?|sophomores?|freshm[ae]n) only\b",
    r"\b(?:opt|cpt)(?: (?:opt|cpt))*(?: candidates| students)?(?: welcome| eligible| ok| friendly)\b",
    r"\b(?:us|usa)$",
    r"\b(?:(?:active|current|ts|sci|secret|top secret|dod|public trust) )+(?:security )?clearance"
    r"(?: required| needed| preferred)?\b",
    r"\b(?:security )?clearance (?:required|needed|preferred)\b",  # not "Security Clearance Analyst"
    r"\b(?:fully )?remote(?: in| from)?(?: us| usa| uk| eu| canada)?\b",
    r"\b(?:hybrid|on site|onsite|in office)\b",
    r"\b(?:start|starts|starting)(?: date)?\b",
    r"\b(?:apply now|urgent|hiring|immediate start)\b",
]
_SEASON = r"\b(spring|summer|fall|autumn|winter)\b"
TITLE_YEAR = r"\b(20[0-9][0-9])\b"  # also what the title classifier leaves out (title_words)
_LEVEL_WORDS = r"\b(senior|junior|staff|principal|lead|[1-7])\b"
_SPACES = r" +"


def title_parts(title: str | None) -> tuple[str, str, str, str]:
    """(key, years, seasons, level) of a title; the last three are space-separated evidence.

    "Sr. Software Eng. II - Summer 2025 (No Sponsorship)" -> ("senior software engineer 2", "2025", "summer", "2 senior").
    Levels stay in the key ("Engineer II" is not "Engineer III"); season, year and noise are taken out
    of the key and kept as evidence, so a yearly re-post compares equal on title but differs on year.
    """
    text = fold(title)
    for pattern, replacement in _TITLE_ABBREVIATIONS:
        text = re.sub(pattern, replacement, text)
    years = _evidence(re.findall(TITLE_YEAR, text))
    seasons = _evidence(s.replace("autumn", "fall") for s in re.findall(_SEASON, text))
    for pattern in (TITLE_YEAR, _SEASON, *_TITLE_NOISE):
        text = re.sub(pattern, " ", text)
    key = re.sub(_SPACES, " ", text).strip()
    level = _evidence(re.findall(_LEVEL_WORDS, key))
    return key, years, seasons, level


def title_key(title: str | None) -> str:
    return title_parts(title)[0]


def _evidence(values) -> str:
    return " ".join(sorted(set(values)))


# --------------------------------------------------------------------------------------------- locations

_LOCATION_ALIASES = [
    (r"^(?:nyc|new york city|manhattan|brooklyn)(?: .*)?$", "new york"),
    (r"^new york(?: ny| new york)?(?: us| usa| united states)?$", "new york"),
    (r"^(?:sf|san francisco|sf bay area|bay area|san francisco bay area)(?: .*)?$", "san francisco"),
    (r"^la(?: ca)?$", "los angeles"),
    (r"^(?:dc|washington dc|washington d c)$", "washington"),
]
_REMOTE_LOC = r"\b(?:remote|anywhere|work from home|wfh)\b"
_ANYWHERE = r"^(?:multiple(?: locations)?|various(?: locations)?|tbd|flexible|global|worldwide|anywhere)$"


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    """Folded country names and codes -> alpha-2 code, from pycountry (plus common short forms); read from
    pycountry once per release and machine (warehouse/disk_memo.py)."""
    from importlib.metadata import version

    return kept_on_disk("countries", [version("pycountry"), *source_of(__name__)], _read_countries)


def _read_countries() -> dict[str, str]:
    import pycountry

    out: dict[str, str] = {}
    for c in pycountry.countries:
        for name in (c.name, getattr(c, "common_name", None), getattr(c, "official_name", None), c.alpha_3):
            if name:
                out[fold(name)] = c.alpha_2.lower()
    for alias, code in {"usa": "us", "us": "us", "america": "us", "uk": "gb", "great britain": "gb",
                        "england": "gb", "britain": "gb", "south korea": "kr", "korea": "kr", "russia": "ru"}.items():
        out[alias] = code
    return out


def location_key(location: str | None) -> str:
    """One location as a comparable key: a city ("new york"), "remote", "remote:us" or "country:ca".

    "NYC" = "New York, NY" = "New York City"; "Remote (US)" = "Remote in USA" -> "remote:us";
    "Toronto, ON, Canada" -> "toronto"; "Canada" -> "country:ca"; "Multiple Locations" -> "" (says nothing).
    """
    folded = fold(location)
    if not folded:
        return ""
    if re.search(_REMOTE_LOC, folded):
        rest = re.sub(_REMOTE_LOC, " ", folded)
        rest = re.sub(r"\b(?:in|from|only|based|within|friendly|ok|or|and|the)\b", " ", rest)
        code = _countries().get(" ".join(rest.split()), "")
        return f"remote:{code}" if code else "remote"
    if re.search(_ANYWHERE, folded):
        return ""
    code = _countries().get(folded)
    if code:
        return f"country:{code}"
    city = fold((location or "").split(",")[0])
    for pattern, replacement in _LOCATION_ALIASES:
        if re.search(pattern, city):
            return replacement
    return city


def location_keys(locations: list[str] | None) -> list[str]:
    return sorted({k for k in (location_key(loc) for loc in locations or []) if k})


# --------------------------------------------------------------------------------------------- URLs

# (ats, pattern on the lowercased URL; group 1 is the job id). First match wins; "site" ids are any
# long number in a company's own careers URL (its namespace is the host).
_ATS_PATTERNS: list[tuple[str, str]] = [
    ("greenhouse", r"[?&]gh_jid=([0-9]+)"),
    ("greenhouse", r"greenhouse\.io/.*[?&]token=([0-9]+)"),
    ("greenhouse", r"greenhouse\.io/(?:[^/?#]+/)*jobs/([0-9]+)"),
    ("lever", r"lever\.co/[^/?#]+/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"),
    ("ashby", r"ashbyhq\.com/[^/?#]+/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"),
    ("workday", r"myworkday(?:jobs|site)\.com/.*_([a-z]{0,4}-?[0-9][0-9a-z]*(?:-[0-9]+)?)(?:[/?#]|$)"),
    ("smartrecruiters", r"smartrecruiters\.com/[^/?#]+/([0-9]{6,})"),
    ("icims", r"icims\.com/jobs/([0-9]+)"),
    ("jobvite", r"jobvite\.com/[^/?#]+/job/([0-9a-z]{6,})"),
    ("workable", r"workable\.com/(?:[^/?#]+/)?j/([0-9a-f]{6,})"),
    ("site", r"^.*[/=_-]([0-9]{6,})(?:[/?#&_.-]|$)"),  # the last 6+ digit number (zip codes have 5)
]
_TRACKING = (
    r"utm_[a-z0-9_]*|gh_src|source|src|ref|referrer|referer|lever-source|lever-origin|trk|trackingid|refid|"
    r"fbclid|gclid|msclkid|mc_cid|mc_eid|_hsenc|_hsmi|iis|iisn|ccuid|jobsource|source_id|sourcetype|campaign|"
    r"spread|lang|mode|icims|in_iframe|codes|ccode|t|s"
)
_TRACKING_PARAM = r"([?&])(?:" + _TRACKING + r")=[^&#]*"


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


# Around a URL, not part of it; taken off first, since Python's "$" matches before a last newline and RE2's does not.
_URL_SPACE = " \t\n\r\x0b\x0c"


def _ascii_lower(text: str) -> str:
    """Only A-Z: Unicode lowercasing differs between Python and DuckDB ("İ"). Surrounding blanks go."""
    return text.translate(_ASCII_LOWER).strip(_URL_SPACE)


def _host(url: str) -> str:
    match = re.search(r"^[a-z][a-z0-9+.-]*://(?:www\.)?([^/?#:]+)", url)
    return match.group(1) if match else ""


def ats_job(url: str | None) -> tuple[str | None, str | None]:
    """(ats, job id) when the URL identifies one job: Greenhouse id or gh_jid, Lever/Ashby uuid, Workday
    requisition, SmartRecruiters, iCIMS, Jobvite, Workable; else ("site:<host>", id) for a long number in a
    company's own careers URL; else (None, None)."""
    if not url:
        return None, None
    lowered = _ascii_lower(url)
    for ats, pattern in _ATS_PATTERNS:
        match = re.search(pattern, lowered)
        if match:
            return (f"site:{_host(lowered)}" if ats == "site" else ats), match.group(1)
    return None, None


_SCHEME = r"^[a-z][a-z0-9+.-]*://(?:www\.)?"
_URL_STEPS = [  # applied in order to the lowercased URL; (pattern, replacement)
    (r"#.*$", ""),
    (_SCHEME, ""),
    (r"/+(\?|$)", r"\1"),
    (r"/(?:apply|application)(\?|$)", r"\1"),
    (_TRACKING_PARAM, r"\1"),
    (r"\?&+", "?"),
    (r"&&+", "&"),
    (r"[?&]+$", ""),
]


def canonical_url(url: str | None) -> str | None:
    """Lowercased host (no scheme, no www) + path (no trailing slash, /apply, /application) + query
    without tracking parameters; None when the text is not an absolute URL."""
    text = _ascii_lower(url or "")
    if not re.search(_SCHEME, text):
        return None
    for pattern, replacement in _URL_STEPS:
        text = re.sub(pattern, replacement, text)
    return text or None


# --------------------------------------------------------------------------------------------- bulk path

NORMALIZED_COLUMNS: list[tuple[str, pa.DataType]] = [
    ("company_norm", pa.string()),
    ("title_norm", pa.string()),
    ("title_years", pa.string()),
    ("title_seasons", pa.string()),
    ("title_level", pa.string()),
    ("location_norm", pa.list_(pa.string())),
    ("canonical_url", pa.string()),
    ("ats", pa.string()),
    ("ats_job_id", pa.string()),
    ("content_hash", pa.string()),
]


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _sub(expr: str, pattern: str, replacement: str) -> str:
    return f"regexp_replace({expr}, {_q(pattern)}, {_q(replacement)}, 'g')"


def _folded_sql(expr: str) -> str:
    """The last step of `fold` (Arrow did NFKD, ASCII and lowercase)."""
    return f"trim({_sub(expr, _NON_ALNUM, ' ')})"


def _evidence_sql(spaced: str, pattern: str, mapping: str = "x") -> str:
    found = f"regexp_extract_all({spaced}, {_q(pattern)}, 1)"
    return f"array_to_string(list_sort(list_distinct(list_transform({found}, lambda x: {mapping}))), ' ')"


def _title_select() -> str:
    text = _folded_sql("folded")
    for pattern, replacement in _TITLE_ABBREVIATIONS:
        text = _sub(text, pattern, replacement)
    key = "expanded"
    for pattern in (TITLE_YEAR, _SEASON, *_TITLE_NOISE):
        key = _sub(key, pattern, " ")
    season = "CASE WHEN x = 'autumn' THEN 'fall' ELSE x END"
    return f"""
        SELECT raw, key AS title_norm,
               {_evidence_sql('expanded', TITLE_YEAR)} AS title_years,
               {_evidence_sql('expanded', _SEASON, season)} AS title_seasons,
               {_evidence_sql('key', _LEVEL_WORDS)} AS title_level
        FROM (SELECT raw, expanded, trim({_sub(key, _SPACES, ' ')}) AS key
              FROM (SELECT raw, {text} AS expanded FROM norm_values))
    """


def _company_select() -> str:
    text = _sub(f"({_folded_sql('folded')})", r"^the ", "")
    stripped = _sub(text, _LEGAL_TAIL, "")
    return f"""
        SELECT raw, replace(CASE WHEN s = '' THEN t ELSE s END, ' ', '') AS company_norm
        FROM (SELECT raw, {text} AS t, {stripped} AS s FROM norm_values)
    """


def _location_select() -> str:
    aliases = " ".join(f"WHEN regexp_matches(city, {_q(p)}) THEN {_q(r)}" for p, r in _LOCATION_ALIASES)
    fillers = r"\b(?:in|from|only|based|within|friendly|ok|or|and|the)\b"
    rest = f"trim(regexp_replace({_sub(_sub('f', _REMOTE_LOC, ' '), fillers, ' ')}, ' +', ' ', 'g'))"
    return f"""
        SELECT raw, CASE
            WHEN f = '' THEN ''
            WHEN regexp_matches(f, {_q(_REMOTE_LOC)}) THEN coalesce('remote:' || rc.code, 'remote')
            WHEN regexp_matches(f, {_q(_ANYWHERE)}) THEN ''
            WHEN fc.code IS NOT NULL THEN 'country:' || fc.code
            {aliases}
            ELSE city END AS location_key
        FROM (SELECT raw, f, city, {rest} AS rest
              FROM (SELECT raw, {_folded_sql('folded')} AS f, {_folded_sql('city_folded')} AS city FROM norm_values))
        LEFT JOIN norm_countries rc ON rc.name = rest
        LEFT JOIN norm_countries fc ON fc.name = f
    """


# A cheap substring that must be present before an ATS pattern can match (skips most regex work in bulk).
_ATS_HINTS = {"greenhouse": "g", "lever": "lever.co", "ashby": "ashbyhq.com", "workday": "myworkday",
              "smartrecruiters": "smartrecruiters.com", "icims": "icims.com", "jobvite": "jobvite.com",
              "workable": "workable.com", "site": ""}


# The steps that only touch a query: a URL without "?" or "&" skips them (most job URLs: 0.15 s a 250k chunk).
_QUERY_STEPS = 4


def _url_select() -> str:
    path_steps, query_steps = _URL_STEPS[:-_QUERY_STEPS], _URL_STEPS[-_QUERY_STEPS:]
    assert path_steps[0][0] == r"#.*$" and all("?" in p or "&" in p for p, _ in query_steps)
    steps = "CASE WHEN contains(lowered, '#') THEN regexp_replace(lowered, '#.*$', '') ELSE lowered END"
    for pattern, replacement in path_steps[1:]:
        steps = _sub(steps, pattern, replacement)
    query = "base"
    for pattern, replacement in query_steps:
        query = _sub(query, pattern, replacement)
    host = "regexp_extract(lowered, '^[a-z][a-z0-9+.-]*://(?:www\\.)?([^/?#:]+)', 1)"
    found = []
    for ats, pattern in _ATS_PATTERNS:
        name = f"'site:' || {host}" if ats == "site" else _q(ats)
        hint = _ATS_HINTS[ats]
        guard = f"contains(lowered, {_q(hint)}) AND " if hint else ""
        found.append(f"CASE WHEN {guard}regexp_matches(lowered, {_q(pattern)}) "
                     f"THEN {{'ats': {name}, 'id': regexp_extract(lowered, {_q(pattern)}, 1)}} END")
    return f"""
        SELECT raw, canonical_url, hit.ats AS ats, hit.id AS ats_job_id
        FROM (SELECT raw,
                     CASE WHEN regexp_matches(lowered, {_q(_SCHEME)}) THEN nullif(
                         CASE WHEN contains(base, '?') OR contains(base, '&') THEN {query} ELSE base END, '')
                     END AS canonical_url,
                     coalesce({', '.join(found)}) AS hit
              FROM (SELECT raw, lowered, {steps} AS base FROM norm_values WHERE raw IS NOT NULL))
    """


def _map_values(con: duckdb.DuckDBPyConnection, values: pa.Array, select: str, city: bool = False) -> pa.Table:
    """Run one normalizing SELECT over the distinct values of a column (folded by Arrow first)."""
    distinct = pc.drop_null(pc.unique(values))
    columns = {"raw": distinct, "folded": _fold_array(distinct)}
    if city:
        first = pc.list_element(pc.split_pattern(distinct, ",", max_splits=1), 0)
        columns["city_folded"] = _fold_array(first)
    columns["lowered"] = pc.utf8_trim(pc.ascii_lower(distinct), characters=_URL_SPACE)
    norm_values = pa.table(columns)  # noqa: F841 - read by name in `select` (DuckDB's replacement scan): see _normalize
    return con.sql(select).to_arrow_table()


def _column(table: pa.Table, name: str, kind: pa.DataType) -> pa.Array:
    if name in table.column_names:
        return table[name].combine_chunks().cast(kind)
    return pa.nulls(table.num_rows, kind)


class TitleMemo:
    """Titles normalized by earlier chunks of one import: a million postings in four chunks hold 126k
    distinct titles, but each chunk 110k, so without it most titles were normalized four times."""

    def __init__(self) -> None:
        self.known: pa.Table | None = None

    def covering(self, con: duckdb.DuckDBPyConnection, titles: pa.Array) -> pa.Table:
        """The normalized titles, every one of `titles` among them; only titles not seen before are worked out."""
        if self.known is not None:
            seen = pc.fill_null(pc.is_in(titles, value_set=self.known["raw"].combine_chunks()), False)
            titles = pc.filter(titles, pc.invert(seen))
        found = _map_values(con, titles, _title_select())
        self.known = found if self.known is None else pa.concat_tables([self.known, found])
        return self.known


def normalize_table(table: pa.Table, con: duckdb.DuckDBPyConnection | None = None,
                    titles: TitleMemo | None = None) -> pa.Table:
    """Add the normalized columns (`NORMALIZED_COLUMNS`) to an Arrow table of postings with columns
    title, company, locations and url and/or apply_url (description optional).

    Vectorized: each distinct title, company, location and URL is normalized once, by Arrow compute
    and one DuckDB statement; the results are joined back. Same results as the pure functions.
    `titles`: a memo shared by the chunks of one import, so a title is normalized once across them."""
    own = con is None
    con = con or duckdb.connect()
    try:
        return _normalize(table, con, titles or TitleMemo())
    finally:
        if own:
            con.close()


def _normalize(table: pa.Table, con: duckdb.DuckDBPyConnection, memo: TitleMemo) -> pa.Table:
    table = table.drop_columns([c for c, _ in NORMALIZED_COLUMNS if c in table.column_names])
    url = pc.coalesce(_column(table, "apply_url", pa.string()), _column(table, "url", pa.string()))
    locations = _column(table, "locations", pa.list_(pa.string()))
    description = _column(table, "description", pa.string())
    # The distinct values are read where they are, by name (DuckDB's replacement scan), never copied into a temp
    # table: a table dropped inside the run's transaction is kept until it ends, and a million postings' chunks
    # held 0.3 GB of DuckDB's 1 GB that way. The countries (a few hundred rows) are a temp table all selects see.
    countries = pa.table({"name": list(_countries()), "code": list(_countries().values())})
    with staged(con, "norm_countries", countries):
        titles = memo.covering(con, table["title"].combine_chunks())
        companies = _company_map(con, table["company"].combine_chunks())
        places = _map_values(con, pc.list_flatten(locations), _location_select(), city=True)
    urls = _map_values(con, url, _url_select())
    # Each row takes its values' normalized forms by an Arrow lookup (no join of every row, no sort back
    # into row order); only the content hash and the places' keys need one SQL pass, a projection.
    found = {**_looked_up(table["title"], titles, ("title_norm", "title_years", "title_seasons", "title_level")),
             **_looked_up(table["company"], companies, ("company_norm",)),
             **_looked_up(url, urls, ("canonical_url", "ats", "ats_job_id"))}
    lengths = pc.fill_null(pc.list_value_length(locations), 0)
    keys = pa.ListArray.from_arrays(
        pa.array(np.concatenate([[0], np.cumsum(lengths.to_numpy(zero_copy_only=False))]), pa.int32()),
        _looked_up(pc.list_flatten(locations), places, ("location_key",))["location_key"])
    arrow_batch = pa.table({"row_no": pa.array(np.arange(table.num_rows)), "title": table["title"],  # noqa: F841
                            "company": table["company"], "description": description, "keys": keys})
    added = con.sql("""
        SELECT row_no,
               coalesce(list_sort(list_distinct(list_filter(keys, lambda k: k <> ''))), []::VARCHAR[]) AS location_norm,
               left(md5(title || chr(31) || company || chr(31) || coalesce(description, '')), 16) AS content_hash
        FROM arrow_batch
    """).to_arrow_table()
    del arrow_batch
    if not pc.all(pc.equal(added["row_no"], pa.chunked_array([np.arange(table.num_rows)]))).as_py():
        added = added.sort_by("row_no")  # a projection keeps the scan's order; this is the fallback
    found.update(location_norm=added["location_norm"], content_hash=added["content_hash"])
    for name, kind in NORMALIZED_COLUMNS:
        table = table.append_column(name, found[name].cast(kind))
    return table


def _looked_up(values, mapping: pa.Table, columns: tuple[str, ...]) -> dict[str, pa.Array]:
    """Per value, the columns of its row in `mapping` (one row per distinct `raw`); null where none."""
    at = pc.index_in(values, value_set=mapping["raw"].combine_chunks())
    return {name: mapping[name].combine_chunks().take(at) for name in columns}


def _company_map(con: duckdb.DuckDBPyConnection, names: pa.Array) -> pa.Table:
    """Companies take a SQL pass before folding (parentheses and dots out), then the finishing SELECT."""
    norm_raw = pa.table({"raw": pc.drop_null(pc.unique(names))})  # noqa: F841 - read by name, as norm_values
    pre = con.sql(f"SELECT raw, replace({_sub('raw', _PARENS, ' ')}, '.', '') AS pre FROM norm_raw").to_arrow_table()
    norm_values = pa.table({"raw": pre["raw"], "folded": _fold_array(pre["pre"])})  # noqa: F841
    return con.sql(_company_select()).to_arrow_table()
