"""How a record that failed validation is told: one formatter for every reader, the CLI and the config."""
from __future__ import annotations

from typing import Any


def field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    """`('salary_min',)` -> "salary_min"; `('locations', 0)` -> "locations.0"; nothing -> "record"."""
    return ".".join(str(part) for part in loc) or "record"


def reasons(exc: Any, first_only: bool = False) -> str:
    """A pydantic ValidationError as "field: message; field: message" (or only the first)."""
    errors = exc.errors()[:1] if first_only else exc.errors()
    return "; ".join(f"{field_path(err['loc'])}: {_message(err)}" for err in errors)


def _message(err: dict) -> str:
    # Readers pass an absent text field on as "": "String should have at least 1 character" did not say that
    # the file lacks the field (JSONL from another tool, "Job Title" for `title`, failed every record that way).
    if err.get("type") == "string_too_short" and err.get("input") == "":
        return "required, missing or empty"
    return err["msg"]
