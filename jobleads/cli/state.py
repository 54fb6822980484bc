"""What the global options decided, shared by every command module."""
from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from jobleads.config import Config, load_config, resolve_config_path
from warehouse.db import resolve_db_path


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
    from warehouse.read_side import fresh_reader

    def told(count: int) -> None:
        from jobleads.cli.output import err_console

        # the stored fingerprint covers the profile and weights and jobleads' own tables and rules (an upgrade)
        err_console.print(f"{state.config_path} or jobleads' rules changed since the last scoring: rescored "
                          f"{count} open leads",
                          markup=False, highlight=False)

    with fresh_reader(state.db, state.config(), rescore=state.config_path.exists(), on_rescore=told) as con:
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
