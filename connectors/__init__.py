"""Connectors: the outside world turned into validated records.

`SOURCES` maps each connector name to its class. A new source is one module with one
`Source` subclass, registered here.
"""
from __future__ import annotations

from connectors.base import ExtractResult, Source, SourceSpec
from connectors.greenhouse import Greenhouse
from connectors.http import SourceConfigError, SourceError

SOURCES: dict[str, type[Source]] = {
    cls.name: cls
    for cls in (
        Greenhouse,
    )
}


def make_source(spec: SourceSpec) -> Source:
    try:
        cls = SOURCES[spec.type]
    except KeyError:
        known = ", ".join(sorted(SOURCES))
        raise SourceConfigError(f"unknown source type '{spec.type}' (known: {known})") from None
    return cls(spec)


__all__ = ["SOURCES", "ExtractResult", "Source", "SourceSpec", "SourceError", "make_source"]
