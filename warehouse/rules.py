"""Rules that SQL and Python must agree on, written once. SQL files name them as `$NAME` placeholders
(filled by `warehouse.db.view_scripts`) or take them as query parameters."""
from __future__ import annotations

# The order of ranked leads everywhere (the ranked_leads view, `leads top`, the run digest): best score
# first, ties broken by recency, then by id so that equal leads keep one order.
RANKING_ORDER = "s.score DESC NULLS LAST, l.posted_at DESC NULLS LAST, l.lead_id"


# The employer's name, where its first word (letters and digits only, lower case) is in the description: then
# the employer's own name there is not a skill asked ("At GitLab we ..." asks no Git; `skills.extract`, which
# tests the same with `employer_named_in`). Else empty, as when there is no description.
EMPLOYER_IN_TEXT_SQL = (
    "CASE WHEN description IS NOT NULL AND description <> '' AND company IS NOT NULL "
    "AND strpos(lower(description), nullif(lower(regexp_replace(split_part(trim(company), ' ', 1), "
    "'[^A-Za-z0-9]', '', 'g')), '')) > 0 THEN company ELSE '' END")
# The key of a posting's or lead's text in the skill_extractions cache: the same title and description are
# read once, whichever lead or run they come from (and, where its name is in the text, whichever employer).
CONTENT_KEY_SQL = ("md5(title || chr(31) || coalesce(description, '') || "
                   f"CASE WHEN ({EMPLOYER_IN_TEXT_SQL}) <> '' THEN chr(30) || company ELSE '' END)")


# The user's statuses that take a lead out of the ranking (it stays, with its history).
HIDDEN_STATUSES = ("not_interested", "archived")


def render(sql: str) -> str:
    """The script with the rules' placeholders written out."""
    hidden = ", ".join(f"'{s}'" for s in HIDDEN_STATUSES)
    return sql.replace("$RANKING_ORDER", RANKING_ORDER).replace("$HIDDEN_STATUSES", hidden)
