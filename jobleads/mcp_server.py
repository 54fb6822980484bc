"""`leads mcp`: a read-only Model Context Protocol server over stdio, built on the official `mcp` SDK.

An assistant (Claude Desktop, an IDE, any MCP client) can ask for the ranked leads, why one scores as it
does, the warm companies and whom to ask, whom to reconnect with, the skill gaps and the pay of the
user's market. Every tool calls the same read queries as the CLI and returns the same JSON shapes as its
`--format json`. Nothing is written, except a rescoring when the profile changed (as every query does).
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from jobleads.config import Config

INSTRUCTIONS = (
    "jobleads: the user's own job leads, merged from public job APIs and their network, ranked by skill fit, "
    "occupation and whether someone they know works there. Read-only. Start with top_leads; explain_lead "
    "tells why one scores as it does; warm_companies says whom to ask for a referral."
)


def _plain(value: Any) -> Any:
    """JSON-safe: datetimes as ISO text, as the CLI's JSON output writes them."""
    return json.loads(json.dumps(value, default=str))


def build_server(db_path: Path, config: Config, rescore: bool = True):
    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError

    from jobleads import __version__
    from warehouse.read_side import fresh_reader

    server = MCPServer(name="jobleads", version=__version__, instructions=INSTRUCTIONS)

    def reading():
        return fresh_reader(db_path, config, rescore=rescore)

    @server.tool(description="The best open leads, best first: the same filters and JSON as `leads top`.")
    def top_leads(limit: int = 20, min_score: float | None = None, remote: bool = False,
                  company: str | None = None, warm: bool = False) -> list[dict[str, Any]]:
        from warehouse.queries import LeadFilter, leads

        with reading() as con:
            return _plain(leads(con, LeadFilter(limit=max(1, min(limit, 500)), min_score=min_score, remote=remote,
                                                company=company, warm=warm)))

    @server.tool(description="Why one lead scores what it does, and every source record merged into it "
                             "(`leads explain LEAD_ID --format json`).")
    def explain_lead(lead_id: str) -> dict[str, Any]:
        from warehouse.queries import lead_detail

        with reading() as con:
            found = lead_detail(con, lead_id)
        if found is None:
            raise ToolError(f"no lead with id '{lead_id}'")
        return _plain(found)

    @server.tool(description="Companies with open leads where a contact works, and the suggested ask "
                             "(`leads warm --format json`).")
    def warm_companies(limit: int | None = None) -> list[dict[str, Any]]:
        from warehouse import network

        with reading() as con:
            return _plain(network.warm_companies(con, limit))

    @server.tool(description="Contacts at companies with strong leads not touched lately (`leads reconnect`).")
    def reconnect(days: int | None = None, min_score: float | None = None) -> list[dict[str, Any]]:
        from warehouse import network

        days = days or config.network.reconnect_days
        threshold = config.network.reconnect_min_score if min_score is None else min_score
        with reading() as con:
            return _plain(network.reconnect(con, days, threshold, datetime.now(timezone.utc)))

    @server.tool(description="Skills the best leads of the user's occupations ask for that the profile lacks, "
                             "then what ESCO says those occupations need (`leads skills gap --format json`).")
    def skill_gaps(top: int = 15, leads: int = 50) -> list[dict[str, Any]]:
        from warehouse.market import essential_gaps
        from warehouse.gaps import skill_gaps as gaps

        with reading() as con:
            rows = [{"kind": "gap", **g} for g in gaps(con, config, best=leads, limit=top)]
        return _plain(rows + essential_gaps(config, limit=top))

    @server.tool(description="Annual pay of open leads of the user's occupations (or of the given titles): "
                             "p25, median, p75 per currency and where the user's pay falls (`leads pay`).")
    def pay(titles: list[str] | None = None) -> list[dict[str, Any]]:
        from warehouse.market import pay_distribution

        with reading() as con:
            return _plain(pay_distribution(con, config, list(titles or config.profile.titles)))

    @server.tool(description="Companies where the user knows someone well but no fitting lead is open, with "
                             "whom to ask and what (`leads hidden --format json`).")
    def hidden_openings(limit: int = 30) -> list[dict[str, Any]]:
        from warehouse.outreach import hidden_openings as hidden

        with reading() as con:
            return _plain(hidden(con, config, max(1, limit)))

    @server.tool(description="Referrals offered and applications sent with nothing heard since: what to follow "
                             "up (`leads followups --format json`).")
    def followups(days: int | None = None) -> list[dict[str, Any]]:
        from warehouse.outreach import followups as due

        with reading() as con:
            return _plain(due(con, days or config.network.followup_days, datetime.now(timezone.utc)))

    @server.tool(description="Public job boards found for the companies of the user's network by `leads discover` "
                             "(confirmed or not, watched in leads.toml or not); read only: discovering and adding "
                             "are the user's commands.")
    def job_boards(confirmed_only: bool = False) -> list[dict[str, Any]]:
        from warehouse.discovery import board_rows

        with reading() as con:
            rows = board_rows(con, config)
        return _plain([r for r in rows if r["confirmed"] or not confirmed_only])

    return server


def serve(db_path: Path, config: Config, rescore: bool = True) -> None:
    build_server(db_path, config, rescore).run("stdio")
