"""What the global options decided, shared by every command module."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jobleads.config import Config, load_config, resolve_config_path
from warehouse.db import resolve_db_path


@dataclass
class State:
    db: Path = Path("data/leads.duckdb")
    config_path: Path = Path("leads.toml")
    db_explicit: bool = False
    _config: Config | None = None

    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_path)
        return self._config


state = State()


def configure(db: str | None, config: str | None) -> None:
    state.db = resolve_db_path(db)
    state.db_explicit = db is not None
    state.config_path = resolve_config_path(config)
    state._config = None


class UsageError(Exception):
    """Bad usage or bad input: a one-line reason, exit code 2."""
