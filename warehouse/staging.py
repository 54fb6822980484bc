"""Arrow tables handed to SQL for the length of a few statements (`staged`).

Not through `con.register`: inside a transaction DuckDB keeps every table registered there alive until the
commit, unregistered or not, so a night's import held each normalized batch, dedupe table and scoring chunk
at once (0.7-1.2 GB at a million postings). The table is copied into a TEMP table instead (a replacement
scan of a local variable, which DuckDB lets go at once), and the copy is dropped on exit: DuckDB owns that
memory, within its limit, and can spill it.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import duckdb
import pyarrow as pa


def skip_pandas_probe() -> None:
    """Spare a writing process pyarrow's import of pandas (0.2-0.3 s of every write command).

    The first time pyarrow converts Python objects (`pa.array`, `pa.table`), it imports pandas only to ask
    whether they are pandas objects; none of ours are. That first question is asked here with pandas out of
    reach, so pyarrow notes that there is none. Anything that really uses pandas later (`to_pandas`,
    `from_pandas`, DuckDB's `.df()`) still imports it then: pyarrow tries again on such calls.
    """
    import sys

    global _probed
    if _probed or "pandas" in sys.modules:
        return  # asked already, or pandas is in use anyway
    _probed = True
    sys.meta_path.insert(0, _NoPandas)  # for the one call below: a few microseconds
    try:
        pa.array([0])
    finally:
        sys.meta_path.remove(_NoPandas)


_probed = False


class _NoPandas:
    """An import finder that has pandas fail to import (ImportError), as if it were not installed."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError("pandas is left out of this probe")
        return None


def settle(con: duckdb.DuckDBPyConnection) -> None:
    """DuckDB 2 refuses some statements while the last statement's result is unread: read it."""
    con.execute("SELECT 1").fetchall()


@contextmanager
def staged(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> Iterator[str]:
    """Expose an Arrow table to SQL as the temp table `name` until the block ends.

    For small tables. A temp table dropped inside a transaction is kept until the transaction ends (a rollback
    would bring it back), so a large table staged inside a run's transaction holds DuckDB's memory for the rest
    of the run: read such a table where it is instead (`run_over`, or a local variable of the function that runs
    the statements, found by DuckDB's replacement scan)."""
    if not name.replace("_", "").isalnum():
        raise ValueError(f"not a plain table name: {name!r}")
    settle(con)
    arrow_batch = table  # noqa: F841 - read by name in the statement below (DuckDB's replacement scan)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM arrow_batch").fetchall()
    del arrow_batch
    try:
        yield name
    finally:
        settle(con)
        con.execute(f"DROP TABLE IF EXISTS temp.{name}").fetchall()


def run_over(con: duckdb.DuckDBPyConnection, table: pa.Table, sql: str, params: dict | None = None) -> list:
    """One statement that reads `table` as `arrow_batch`, with no copy: DuckDB's replacement scan finds the
    local variable by name and lets it go when the statement ends."""
    settle(con)
    arrow_batch = table  # read by name in `sql`
    rows = con.execute(sql, params or {}).fetchall()
    del arrow_batch
    return rows
