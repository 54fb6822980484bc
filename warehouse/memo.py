"""A memo that stays small: what the classifier and the scorer remember while they work through a million rows."""
from __future__ import annotations

from typing import Callable, Hashable, TypeVar

T = TypeVar("T")


def remembered(memo: dict, key: Hashable, compute: Callable[[], T], limit: int) -> T:
    """memo[key], computed on first use; past `limit` entries the memo starts afresh, so a long-lived process
    (the dashboard, the MCP server) never grows it without bound."""
    try:
        return memo[key]
    except KeyError:
        if len(memo) >= limit:
            memo.clear()
        value = memo[key] = compute()
        return value
