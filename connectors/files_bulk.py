"""The bulk reader of large generic jsonl files: DuckDB reads the records it can vouch for, field for field
as `connectors.files` (the per-line reader) and the Posting model would; every other record goes through that
reader's own model step. `jobleads.importers` picks it from BULK_JSONL_BYTES on."""
from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from connectors.base import ExtractResult
from connectors.files import GENERIC_FIELDS, NOT_AN_OBJECT, REMOTE_VALUES, _quarantined, fmt_source, read_row
from connectors.http import BadPayload
from connectors.salary import PAY_WORDS_PATTERN, parse_salary_text, salary_in_description
from connectors.text import PLAIN_QUERY_URL_PATTERN, PLAIN_URL_PATTERN, TRACKING_KEY_PATTERN, strip_tracking

if TYPE_CHECKING:
    import pyarrow as pa

# DuckDB spills beyond this while reading a large generic file, so a million postings stay under 2 GiB.
BULK_MEMORY_LIMIT = "400MB"  # 1M lines: peak 1.79 GiB and 6.9 s; at 768MB, 2.06 GiB and 7.6 s

REMOTE_SQL = ("CASE lower(trim(coalesce(j.remote, ''))) "
              + " ".join(f"WHEN '{word}' THEN '{value}'" for word, value in REMOTE_VALUES.items() if value)
              + " ELSE NULL END")

# Python's whitespace (what str.strip() and str.split() take away: str.isspace), as an RE2 class, so that the
# bulk reader cleans text exactly as the Posting model does (a tab or a no-break space at a title's end).
_WS = r"[\t-\r\x{1c}-\x{1f}\x{85}\p{Z}]"
_BULK_MACROS = f"""
CREATE MACRO py_strip(x) AS CASE WHEN x = '' THEN NULL
    -- the usual text starts and ends in a printable ASCII character: nothing to strip, no regex
    WHEN ord(left(x, 1)) BETWEEN 33 AND 126 AND ord(right(x, 1)) BETWEEN 33 AND 126 THEN x
    ELSE nullif(regexp_replace(x, '^{_WS}+|{_WS}+$', '', 'g'), '') END;
CREATE MACRO py_words(x) AS trim(regexp_replace(x, '{_WS}+', ' ', 'g'));
CREATE MACRO first_of_each(l) AS list_filter(l, lambda x, i: list_position(l, x) = i);
CREATE MACRO listed_places(locs) AS CASE json_type(locs)
    WHEN 'ARRAY' THEN list_transform(from_json(locs, '["VARCHAR"]'), lambda x: py_words(x))
    WHEN 'VARCHAR' THEN list_filter(list_transform(string_split(locs->>'$', ';'), lambda x: py_words(x)), lambda x: x <> '')
    END;
"""

def read_generic_bulk(path: Path, company: str | None = None) -> ExtractResult:
    """Read a large generic jsonl file with DuckDB instead of one pydantic model per line.

    The same result as `read_generic`: DuckDB reads the records it can vouch for (every required field,
    known fields only, values of the right kind) into an Arrow table in `connectors.models.POSTING_SCHEMA`
    (`result.bulk`); every other record goes through the very model step of the per-line reader
    (`read_row`), so a bad `posted_at`, `remote: "maybe"` or a missing title is quarantined with the
    same reason, and unknown fields land in `note` the same way. A line that is no JSON object is
    quarantined by both readers with its number.
    """
    import duckdb
    import pyarrow as pa
    import pyarrow.compute as pc

    from connectors.salary import ANNUAL_FACTOR, period_of
    from connectors.models import POSTING_SCHEMA

    path = Path(path)
    if not path.is_file():
        raise BadPayload(f"{path}: cannot read (no such file)")
    factors = " ".join(f"WHEN '{k}' THEN {v}" for k, v in ANNUAL_FACTOR.items())
    plain_periods = ", ".join(f"'{k}'" for k in ANNUAL_FACTOR if period_of(k) == k)
    lines = _numbered_lines(path)
    spill = tempfile.TemporaryDirectory(prefix="leads-read-")  # past the limit DuckDB spills here, never fails
    con = duckdb.connect(config={"memory_limit": BULK_MEMORY_LIMIT, "temp_directory": spill.name})
    try:
        con.execute("SET enable_progress_bar = false").fetchall()  # DuckDB's bar goes to stdout (warehouse/db.py)
        con.execute(_BULK_MACROS).fetchall()
        con.register("raw_lines", lines)
        con.execute(
            """
            CREATE TEMP VIEW lines AS
            SELECT line_no, line, ok, CASE WHEN ok THEN from_json(line, '{"source": "VARCHAR", "source_id": "VARCHAR",
                "title": "VARCHAR", "company": "VARCHAR", "locations": "JSON", "location": "JSON", "url": "VARCHAR",
                "description": "VARCHAR", "posted_at": "JSON", "remote": "VARCHAR", "salary_min": "VARCHAR",
                "salary_max": "VARCHAR", "salary_currency": "VARCHAR", "salary_period": "VARCHAR",
                "salary": "JSON"}') END AS j
            FROM (SELECT line_no, line, coalesce(json_valid(line) AND left(ltrim(line), 1) = '{', FALSE) AS ok FROM raw_lines)
            """
        ).fetchall()
        con.execute(
            f"""
            CREATE TEMP TABLE parsed AS
            SELECT * EXCLUDE (j, line, listed, salary_period_word),
                   coalesce(salary_period_word, 'year') AS period,
                   upper(default_currency) AS salary_currency,
                   -- as generic_posting and the model: a string is split at ';', an empty listing (or none)
                   -- gives way to `location`, each place's spaces are collapsed, the first of each kept
                   first_of_each(list_filter(
                       CASE WHEN len(coalesce(listed, [])) > 0 THEN listed
                            WHEN j.location->>'$' <> '' THEN [py_words(j.location->>'$')] ELSE []::VARCHAR[] END,
                       lambda x: x <> '')) AS locations,
                   -- what DuckDB cannot vouch for goes to the model step, which says why (or accepts it)
                   (source IS NULL OR source_id IS NULL OR title IS NULL OR company IS NULL
                    OR (j.remote IS NOT NULL AND NOT list_contains($remote_words, lower(trim(j.remote))))
                    OR (nullif(trim(j.posted_at->>'$'), '') IS NOT NULL AND json_type(j.posted_at) <> 'NULL'
                        AND CASE WHEN json_type(j.posted_at) IN ('BIGINT', 'UBIGINT', 'DOUBLE')
                                 THEN TRY_CAST(j.posted_at::VARCHAR AS DOUBLE) IS NULL
                                 ELSE TRY_CAST(j.posted_at->>'$' AS TIMESTAMPTZ) IS NULL END)
                    -- an amount that is no plain number of at most two decimals ("30k", "$30,000", 1e5), a
                    -- period word other than the plain ones, a blank currency, a pay text that is no string
                    OR (j.salary_min IS NOT NULL AND NOT regexp_full_match(j.salary_min, '[0-9]+([.][0-9]{{1,2}})?'))
                    OR (j.salary_max IS NOT NULL AND NOT regexp_full_match(j.salary_max, '[0-9]+([.][0-9]{{1,2}})?'))
                    OR coalesce(salary_period_word NOT IN ({plain_periods}), FALSE)
                    OR (j.salary_currency IS NOT NULL AND default_currency IS NULL)
                    OR coalesce(json_type(j.salary) NOT IN ('VARCHAR', 'NULL'), FALSE)
                    OR len(list_filter(json_keys(line), lambda k: NOT list_contains($known, k))) > 0
                    -- places that are no strings: the model says what it makes of them
                    OR coalesce(json_type(j.locations) NOT IN ('ARRAY', 'VARCHAR', 'NULL'), FALSE)
                    OR coalesce(json_type(j.locations) = 'ARRAY' AND NOT list_bool_and(list_transform(
                           from_json(j.locations, '["JSON"]'), lambda e: json_type(e) = 'VARCHAR')), FALSE)
                    OR coalesce(json_type(j.location) NOT IN ('VARCHAR', 'NULL'), FALSE)) AS doubtful
            FROM (
                SELECT line_no, line, j,
                       py_strip(j.source) AS source,
                       py_strip(j.source_id) AS source_id,
                       py_strip(j.title) AS title,
                       coalesce(py_strip(j.company), py_strip($company)) AS company,
                       listed_places(j.locations) AS listed,
                       py_strip(j.url) AS url,
                       py_strip(j.description) AS description,
                       CASE WHEN json_type(j.posted_at) IN ('BIGINT', 'UBIGINT', 'DOUBLE')
                            THEN to_timestamp(TRY_CAST(j.posted_at::VARCHAR AS DOUBLE))
                            ELSE TRY_CAST(j.posted_at->>'$' AS TIMESTAMPTZ) END AS posted_at,
                       {REMOTE_SQL} AS remote,
                       -- pay as connectors.salary.annualize reads it: amounts above zero, 'year' unless stated
                       nullif(lower(py_strip(j.salary_period)), '') AS salary_period_word,
                       CASE WHEN TRY_CAST(j.salary_min AS DOUBLE) > 0 THEN TRY_CAST(j.salary_min AS DOUBLE) END AS salary_min,
                       CASE WHEN TRY_CAST(j.salary_max AS DOUBLE) > 0 THEN TRY_CAST(j.salary_max AS DOUBLE) END AS salary_max,
                       py_strip(j.salary_currency) AS default_currency,  -- what a pay text is read with
                       CASE WHEN j.salary->>'$' <> '' THEN j.salary->>'$' END AS salary_text
                FROM lines WHERE ok)
            """,
            {"company": company, "remote_words": sorted(REMOTE_VALUES), "known": sorted(GENERIC_FIELDS)},
        ).fetchall()
        bad = con.execute(
            """
            SELECT line_no, line FROM raw_lines
            WHERE NOT coalesce(json_valid(line) AND left(ltrim(line), 1) = '{', FALSE) AND trim(line) <> ''
            """
        ).fetchall()
        doubtful = con.execute(
            "SELECT line_no, r.line FROM parsed JOIN raw_lines r USING (line_no) WHERE doubtful"
        ).fetchall()
        _price_salary_texts(con)
        # A record repeated in the file (the same source and id): its last line wins. The window that picks
        # it sorts every row (0.8 s at a million), so it runs only when some record is repeated.
        repeated = con.execute("SELECT EXISTS (SELECT 1 FROM parsed WHERE NOT doubtful GROUP BY source, source_id "
                               "HAVING count(*) > 1)").fetchall()[0][0]
        last_line_wins = ("QUALIFY row_number() OVER (PARTITION BY source, source_id ORDER BY line_no DESC) = 1"
                          if repeated else "")
        table = con.sql(
            f"""
            SELECT line_no, source || ':' || source_id AS posting_uid, source, NULL AS source_key, source_id, title, company,
                   locations, remote, description, url, url AS apply_url, posted_at,
                   -- the lower first, as the model orders them
                   CASE WHEN pay_min IS NOT NULL AND pay_max IS NOT NULL THEN least(pay_min, pay_max) ELSE pay_min END AS salary_min,
                   CASE WHEN pay_min IS NOT NULL AND pay_max IS NOT NULL THEN greatest(pay_min, pay_max) ELSE pay_max END AS salary_max,
                   salary_currency, salary_period,
                   NULL AS department, NULL AS employment_type, []::VARCHAR[] AS tags, NULL AS credit,
                   NULL AS contact, NULL AS note
            FROM (
                -- the pay fields; else the pay text; else a pay sentence of the description (the model's order)
                SELECT *,
                       CASE WHEN has_fields THEN round(salary_min * factor, 2) WHEN has_text THEN text_min ELSE desc_min END AS pay_min,
                       CASE WHEN has_fields THEN round(salary_max * factor, 2) WHEN has_text THEN text_max ELSE desc_max END AS pay_max,
                       CASE WHEN has_fields THEN field_currency WHEN has_text THEN text_currency
                            WHEN has_desc THEN desc_currency ELSE text_currency END AS salary_currency,
                       CASE WHEN has_fields THEN period WHEN has_text THEN text_period
                            WHEN has_desc THEN desc_period ELSE text_period END AS salary_period
                FROM (SELECT * RENAME (salary_currency AS field_currency),
                             salary_min IS NOT NULL OR salary_max IS NOT NULL AS has_fields,
                             text_min IS NOT NULL OR text_max IS NOT NULL AS has_text,
                             desc_min IS NOT NULL OR desc_max IS NOT NULL AS has_desc,
                             CASE period {factors} END AS factor
                      FROM priced WHERE NOT doubtful))
            {last_line_wins}
            """
        ).to_arrow_table()
        # In line order (the payloads and the quarantine follow it). A scan keeps it; after a join or a window
        # Arrow sorts (an ORDER BY in the query sorted every wide row even when in order: 0.6-0.9 s at a million).
        numbers = table["line_no"].combine_chunks()
        if len(numbers) > 1 and not pc.all(pc.less(numbers[:-1], numbers[1:])).as_py():
            table = table.sort_by("line_no")
    finally:
        con.close()
        spill.cleanup()
    # each posting's line as the file wrote it: its raw payload, as the per-line reader keeps it
    # (every line kept, the usual case: they are the lines themselves, without a 1 s copy of them all)
    kept_all = table.num_rows == lines.num_rows
    payloads = lines["line"] if kept_all else lines["line"].take(pc.subtract(table["line_no"], 1))
    del lines
    result = ExtractResult(source="jsonl", source_key=path.name,
                           bulk=_without_tracking(table.drop_columns(["line_no"]).cast(POSTING_SCHEMA)),
                           bulk_payloads=payloads, pages=1)
    del table
    pa.default_memory_pool().release_unused()  # the parse's buffers: 0.4 GiB at a million lines, else kept
    pending = [(n, None, line) for n, line in bad] + [(n, json.loads(line), line) for n, line in doubtful]
    for line_no, row, text in sorted(pending, key=lambda item: item[0]):
        if row is None:
            result.quarantined.append(_quarantined(fmt_source(text), path, None,
                                                   f"{path.name} line {line_no}: {NOT_AN_OBJECT}", text))
        else:
            read_row(path, "jsonl", line_no, row, company, result, text)
    return result


def _without_tracking(table: pa.Table) -> pa.Table:
    """The same URL cleaning as `Posting` (tracking parameters dropped); only URLs with a query need it."""
    import pyarrow as pa
    import pyarrow.compute as pc

    urls = table["url"]
    # Left as they are: a plain key=value query with no tracking key, and a URL with neither a query nor a
    # fragment (the model drops a fragment: "careers.oracle.com/jobs/#en/job/211250009"). Only the rest is
    # cleaned in Python.
    untouched = pc.or_(pc.and_(pc.match_substring_regex(urls, PLAIN_QUERY_URL_PATTERN),
                               pc.invert(pc.match_substring_regex(urls, TRACKING_KEY_PATTERN))),
                       pc.match_substring_regex(urls, PLAIN_URL_PATTERN))
    to_clean = pc.invert(untouched).fill_null(False)
    if not pc.any(to_clean).as_py():
        return table
    listed = urls.to_pylist()
    if isinstance(to_clean, pa.ChunkedArray):
        to_clean = to_clean.combine_chunks()
    for i in pc.indices_nonzero(to_clean).to_pylist():
        listed[i] = strip_tracking(listed[i])
    column = pa.array(listed, pa.string())
    table = table.set_column(table.schema.get_field_index("url"), "url", column)
    return table.set_column(table.schema.get_field_index("apply_url"), "apply_url", column)


def _numbered_lines(path: Path) -> pa.Table:
    """Every line of the file (blank ones too, so numbers match an editor's), read by Arrow's
    multi-threaded CSV reader with a delimiter and quoting that never split a JSON line."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    try:
        table = pcsv.read_csv(
            path,
            read_options=pcsv.ReadOptions(column_names=["line"], block_size=1 << 24),
            parse_options=pcsv.ParseOptions(delimiter="\x01", quote_char=False, escape_char=False,
                                            ignore_empty_lines=False, newlines_in_values=False),
            convert_options=pcsv.ConvertOptions(column_types={"line": pa.string()}, strings_can_be_null=False),
        )
    except pa.ArrowInvalid as exc:
        raise BadPayload(f"{path}: cannot read as UTF-8 lines ({str(exc).splitlines()[0]})") from None
    numbers = pa.array(range(1, table.num_rows + 1), pa.int64())
    lines = table["line"]
    # Each trim copies every line (1.2 s at a million), so only when there is something to trim: a
    # Windows file's "\r" at each line's end, a BOM before the first record (as the per-line reader).
    if pc.any(pc.ends_with(lines, "\r")).as_py():
        lines = pc.utf8_rtrim(lines, characters="\r")
    if lines.length() and lines[0].as_py().startswith("\ufeff"):
        lines = pa.chunked_array([pa.array([lines[0].as_py().lstrip("\ufeff")], pa.string())] + lines[1:].chunks,
                                 pa.string())
    return pa.table({"line_no": numbers, "line": lines})


def _price_salary_texts(con) -> None:
    """`priced`: the parsed rows with the pay the model path would find in words: their free-text `salary`
    (text_*), and for a row with no pay at all a pay sentence of its description (desc_*), each read by the
    same parser as the model path (`parse_salary_text`, `salary_in_description`).

    Each distinct text is parsed once in Python, and only descriptions that name pay and hold a digit are read
    (the test is looser than the parser's own, so it skips none it would find): most files have no pay in
    words and get no copy of their rows through a join.
    """
    texts = con.execute(
        "SELECT DISTINCT salary_text, default_currency FROM parsed "
        "WHERE NOT doubtful AND salary_text IS NOT NULL AND salary_min IS NULL AND salary_max IS NULL"
    ).fetchall()
    rows = []
    for text, currency in texts:
        pay = parse_salary_text(text, currency, is_salary=True)
        rows.append((text, currency, pay))
    _attach_pay(con, "texted", "parsed", "text", rows,
                "p.salary_min IS NULL AND p.salary_max IS NULL AND p.salary_text = f.k_text "
                "AND p.default_currency IS NOT DISTINCT FROM f.k_cur")
    # the model reads a description with the currency the pay fields left it (a pay text's, or none)
    descriptions = con.execute(
        "SELECT DISTINCT description, text_currency FROM texted WHERE NOT doubtful AND description IS NOT NULL "
        "AND salary_min IS NULL AND salary_max IS NULL AND text_min IS NULL AND text_max IS NULL "
        "AND regexp_matches(description, $pay_words) AND regexp_matches(description, '\\p{Nd}')",
        {"pay_words": "(?i)" + PAY_WORDS_PATTERN},
    ).fetchall()
    found = [(description, currency, pay) for description, currency in descriptions
             for pay in [salary_in_description(description, currency)]
             if pay.minimum is not None or pay.maximum is not None]
    _attach_pay(con, "priced", "texted", "desc", found,
                "p.salary_min IS NULL AND p.salary_max IS NULL AND p.text_min IS NULL AND p.text_max IS NULL "
                "AND p.description = f.k_text AND p.text_currency IS NOT DISTINCT FROM f.k_cur")


def _attach_pay(con, into: str, source: str, prefix: str, read: list, match: str) -> None:
    """`into`: the rows of `source` with the pay read in their words as {prefix}_min, _max, _currency, _period,
    from `read` ((text, currency, Salary) each) where `match` holds; a view with nothing when nothing was read."""
    import pyarrow as pa

    kinds = [("min", pa.float64(), "DOUBLE"), ("max", pa.float64(), "DOUBLE"), ("currency", pa.string(), "VARCHAR"),
             ("period", pa.string(), "VARCHAR")]
    if not read:
        nulls = ", ".join(f"NULL::{sql} AS {prefix}_{name}" for name, _, sql in kinds)
        con.execute(f"CREATE TEMP VIEW {into} AS SELECT *, {nulls} FROM {source}").fetchall()
        return
    schema = pa.schema([("k_text", pa.string()), ("k_cur", pa.string())]
                       + [(f"{prefix}_{name}", kind) for name, kind, _ in kinds])
    table = pa.Table.from_pylist([{"k_text": text, "k_cur": currency, f"{prefix}_min": pay.minimum,
                                   f"{prefix}_max": pay.maximum, f"{prefix}_currency": pay.currency,
                                   f"{prefix}_period": pay.period} for text, currency, pay in read], schema=schema)
    con.register("pay_read", table)
    columns = ", ".join(f"f.{prefix}_{name}" for name, _, _ in kinds)
    con.execute(f"CREATE TEMP TABLE {into} AS SELECT p.*, {columns} FROM {source} p LEFT JOIN pay_read f ON {match}"
                ).fetchall()
    con.unregister("pay_read")
