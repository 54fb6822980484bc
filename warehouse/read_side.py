"""The read side every face shares (CLI, MCP server, dashboard): a connection whose scores are fresh.

Faces open the database through `fresh_reader` and then call the query functions of `warehouse.queries`,
`warehouse.network`, `warehouse.scoring` and `warehouse.market`; none holds SQL of its own.
"""
from __future__ import annotations

from contextlib import ExitStack, closing, contextmanager
from pathlib import Path
from typing import Iterator

import duckdb

from jobleads.config import Config
from warehouse.db import WarehouseBusy, connect, read_copy_path, readable_path, schema_is_current, upgrade
from warehouse.file_patch import shared_hold
from warehouse.freshness import ensure_fresh_scores, scores_are_stale


@contextmanager
def fresh_reader(db_path: str | Path, config: Config, rescore: bool = True,
                 on_rescore=None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection; first a database made by an older jobleads is migrated, and with `rescore`
    every open lead is rescored if the stored scores came from another profile, weights or taxonomy
    (`on_rescore(count)` is told how many). One open of the file when nothing needs doing.

    What is opened is the read copy (`warehouse.db.readable_path`): while a refresh writes, the state the
    last writer published, as it was (neither migrated nor rescored until the refresh ends)."""
    with published_reader(db_path) as con:
        current = schema_is_current(con)
        stale = rescore and current and scores_are_stale(con, config)
        if current and not stale:
            yield con
            return
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
    with published_reader(db_path) as con:
        yield con


@contextmanager
def published_reader(db_path: str | Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to what readers see (`readable_path`). On the read copy it holds a shared lock
    on the file while it is open, so that a writer brings the copy up to date in place only when nobody reads
    it (warehouse/file_patch.py); a copy replaced between the lock and the open is opened again."""
    for _ in range(5):
        path = readable_path(db_path)
        if path != read_copy_path(db_path):
            with closing(connect(path, read_only=True)) as con:
                yield con
            return
        with ExitStack() as held:
            try:
                locked = held.enter_context(shared_hold(path))
            except FileNotFoundError:
                continue  # renamed over between the two steps: look again
            con = held.enter_context(closing(connect(path, read_only=True)))
            if path.stat().st_ino != locked:  # a new copy took the name meanwhile: what was opened is not held
                continue
            yield con
            return
    raise WarehouseBusy(f"{read_copy_path(db_path)}: replaced five times while being opened; try again")
