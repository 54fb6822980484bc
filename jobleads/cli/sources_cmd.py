"""`leads sources`: what is configured, with last run status and counts."""
from __future__ import annotations

from jobleads.cli import app  # noqa: F401
