"""The read side every face shares (CLI, MCP server, dashboard): a connection whose scores are fresh.

Faces open the database through `fresh_reader` and then call the query functions of `warehouse.queries`,
`warehouse.network`, `warehouse.scoring` and `warehouse.market`; none holds SQL of its own.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb

from jobleads.config import Config
from warehouse.db import WarehouseBusy, connect, readable_path, schema_is_current, upgrade
from warehouse.freshness import ensure_fresh_scores, scores_are_stale


@contextmanager
def fresh_reader(db_path: str | Path, config: Config, rescore: bool = True,
                 on_rescore=None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection; first a database made by an older jobleads is migrated, and with `rescore`
    every open lead is rescored if the stored scores came from another profile, weights or taxonomy
    (`on_rescore(count)` is told how many). One open of the file when nothing needs doing.

    What is opened is the read copy (`warehouse.db.readable_path`): while a refresh writes, the state the
    last writer published, as it was (neither migrated nor rescored until the refresh ends)."""
    con = connect(readable_path(db_path), read_only=True)
    try:
        current = schema_is_current(con)
        stale = rescore and current and scores_are_stale(con, config)
        if not current or stale:
            con.close()
            try:
                if not current:
                    upgrade(db_path)
                count = ensure_fresh_scores(db_path, config) if rescore else None
            except WarehouseBusy:
                if not current:
                    raise
                count = None  # a refresh is writing: it rescores on its own; show what was published
            if count is not None and on_rescore is not None:
                on_rescore(count)
            con = connect(readable_path(db_path), read_only=True)
        yield con
    finally:
        con.close()
