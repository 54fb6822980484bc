"""Why a source could not be read: one-line messages meant for the user. No imports, so that every
`leads` command can catch them without loading the HTTP client."""
from __future__ import annotations


class SourceError(Exception):
    """A source could not be read; the message is one line meant for the user."""

    retryable = False


class SourceConfigError(SourceError):
    """The configuration names something the source does not have (404, 401, 403 ...). Never retried."""


class SourceUnavailable(SourceError):
    """The source kept failing (5xx, 429, timeouts) after every retry."""

    retryable = True


class BadPayload(SourceError):
    """The body was not the JSON the connector expects (truncated, HTML error page, too large ...)."""


class DeadlineExceeded(SourceUnavailable):
    """The source's whole time budget (`source_deadline`) ran out."""
