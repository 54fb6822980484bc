"""Rules that SQL and Python must agree on, written once. SQL files name them as `$NAME` placeholders
(filled by `warehouse.db.view_scripts`) or take them as query parameters."""
from __future__ import annotations

# The order of ranked leads everywhere (the ranked_leads view, `leads top`, the run digest): best score
# first, ties broken by recency, then by id so that equal leads keep one order.
RANKING_ORDER = "s.score DESC NULLS LAST, l.posted_at DESC NULLS LAST, l.lead_id"


# The key of a posting's or lead's text in the skill_extractions cache: the same title and description are
# read once, whichever lead or run they come from.
CONTENT_KEY_SQL = "md5(title || chr(31) || coalesce(description, ''))"


# The user's statuses that take a lead out of the ranking (it stays, with its history).
HIDDEN_STATUSES = ("not_interested", "archived")


def render(sql: str) -> str:
    """The script with the rules' placeholders written out."""
    hidden = ", ".join(f"'{s}'" for s in HIDDEN_STATUSES)
    return sql.replace("$RANKING_ORDER", RANKING_ORDER).replace("$HIDDEN_STATUSES", hidden)
