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
from warehouse.db import reader, upgrade_if_needed


@contextmanager
def fresh_reader(db_path: str | Path, config: Config, rescore: bool = True,
                 on_rescore=None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection; first a database made by an older jobleads is migrated, and with `rescore`
    every open lead is rescored if the stored scores came from another profile, weights or taxonomy
    (`on_rescore(count)` is told how many)."""
    upgrade_if_needed(db_path)
    if rescore:
        from warehouse.freshness import ensure_fresh_scores

        count = ensure_fresh_scores(db_path, config)
        if count is not None and on_rescore is not None:
            on_rescore(count)
    with reader(db_path) as con:
        yield con
