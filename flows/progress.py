"""How a run tells whoever started it what it is doing: sources done, postings parsed, load stages.

The flow reports to the reporter installed for this process (the CLI installs a display); a run
served by a Prefect worker has nobody watching, so the default reporter says nothing.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator, Protocol

from connectors.base import ExtractResult


class Reporter(Protocol):
    def sources_started(self, total: int) -> None: ...

    def source_done(self, result: ExtractResult) -> None: ...

    def stage(self, name: str) -> None: ...


class Silent:
    def sources_started(self, total: int) -> None:
        pass

    def source_done(self, result: ExtractResult) -> None:
        pass

    def stage(self, name: str) -> None:
        pass


_current: Reporter = Silent()


def current() -> Reporter:
    return _current


@contextmanager
def reporting(reporter: Reporter) -> Iterator[Reporter]:
    global _current
    previous, _current = _current, reporter
    try:
        yield reporter
    finally:
        _current = previous
