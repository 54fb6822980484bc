"""Operations: run history and scheduling."""
from __future__ import annotations

from jobleads.cli import app  # noqa: F401
