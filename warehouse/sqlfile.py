"""Run the transform scripts in warehouse/sql/: one statement at a time, named parameters where used."""
from __future__ import annotations

import re
from importlib import resources
from typing import Any

import duckdb

_STATEMENT_END = re.compile(r";\s*(?:--[^\n]*)?\n")


def statements(sql: str) -> list[str]:
    """Split a script on semicolons at line ends (the scripts keep ';' out of strings)."""
    parts = _STATEMENT_END.split(sql + "\n")
    return [p.strip() for p in parts if p.strip() and not all(
        line.strip().startswith("--") or not line.strip() for line in p.splitlines())]


def run_script(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any] | None = None) -> None:
    sql = (resources.files("warehouse") / "sql" / name).read_text(encoding="utf-8")
    params = params or {}
    for statement in statements(sql):
        used = {k: v for k, v in params.items() if re.search(rf"\${k}\b", statement)}
        con.execute(statement, used) if used else con.execute(statement)
