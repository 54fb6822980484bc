"""Connectors: the outside world turned into validated records.

The registry of sources (`SOURCES`, `make_source`) loads every connector module, so it is imported on
first use: `from connectors.http import SourceError` (every `leads` command) must not pay for fourteen
connectors and their models.
"""
from __future__ import annotations

from typing import Any

_LAZY = {"SOURCES": "connectors.registry", "make_source": "connectors.registry",
         "ExtractResult": "connectors.base", "Source": "connectors.base", "SourceSpec": "connectors.base",
         "SourceError": "connectors.errors"}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'connectors' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_LAZY[name]), name)


__all__ = list(_LAZY)
