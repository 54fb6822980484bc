"""Market insight: skill gaps, pay benchmark, profile from a resume."""
from __future__ import annotations

from jobleads.cli import app  # noqa: F401
