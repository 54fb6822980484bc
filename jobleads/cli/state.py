"""What the global options decided, shared by every command module."""
from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from jobleads.config import Config, load_config, resolve_config_path
from warehouse.db import reader, resolve_db_path


@dataclass
class State:
    db: Path = Path("data/leads.duckdb")
    config_path: Path = Path("leads.toml")
    db_explicit: bool = False
    config_explicit: bool = False
    _config: Config | None = None

    def config(self) -> Config:
        """The validated config; a file named by --config or $LEADS_CONFIG must exist."""
        if self._config is None:
            self._config = load_config(self.config_path, required=self.config_explicit)
        return self._config


@contextmanager
def scored_reader() -> Iterator:
    """A read-only connection whose scores match the config: a changed profile, weights or taxonomy
    rescores every open lead first (without a config file there is nothing to compare, so no rescoring)."""
    config = state.config()
    if state.config_path.exists():
        from warehouse.freshness import ensure_fresh_scores

        rescored = ensure_fresh_scores(state.db, config)
        if rescored is not None:
            from jobleads.cli.output import err_console

            err_console.print(f"{state.config_path} changed since the last scoring: rescored {rescored} open leads",
                              markup=False, highlight=False)
    with reader(state.db) as con:
        yield con


state = State()


def configure(db: str | None, config: str | None) -> None:
    state.db = resolve_db_path(db)
    state.db_explicit = db is not None
    state.config_path = resolve_config_path(config)
    state.config_explicit = config is not None or bool(os.environ.get("LEADS_CONFIG"))
    state._config = None


class UsageError(Exception):
    """Bad usage or bad input: a one-line reason, exit code 2."""
