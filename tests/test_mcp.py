"""`leads mcp` through the official SDK's own client over stdio: the tools are listed, and top leads come
back as the same JSON `leads top --format json` prints."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import anyio
import pytest

LEADS = Path(sys.executable).parent / "leads"
FIX = Path(__file__).resolve().parent / "fixtures" / "cli"
TOOLS = {"top_leads", "explain_lead", "warm_companies", "reconnect", "skill_gaps", "pay", "hidden_openings",
         "followups", "job_boards"}


@pytest.fixture
def seeded(tmp_path):
    config = tmp_path / "leads.toml"
    config.write_text('[profile]\ntitles = ["Backend Engineer"]\nskills = ["Python"]\n')
    db = tmp_path / "leads.duckdb"
    base = [str(LEADS), "--db", str(db), "--config", str(config)]
    done = subprocess.run([*base, "import", str(FIX / "postings.jsonl"), "--format", "jsonl"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return base, tmp_path


def call_over_stdio(base: list[str], cwd: Path, calls: list[tuple[str, dict]]):
    from mcp import Client
    from mcp.client.stdio import StdioServerParameters

    async def session():
        params = StdioServerParameters(command=base[0], args=[*base[1:], "mcp"], cwd=str(cwd))
        async with Client(params) as client:
            tools = await client.list_tools()
            results = [await client.call_tool(name, arguments) for name, arguments in calls]
            return tools, results

    return anyio.run(session)


def test_a_real_mcp_client_lists_the_tools_and_gets_top_leads(seeded):
    base, cwd = seeded
    tools, (top, explained, gaps) = _with_first_lead(base, cwd)
    assert TOOLS <= {t.name for t in tools.tools}
    expected = json.loads(subprocess.run([*base, "top", "--format", "json", "--limit", "5"], cwd=cwd,
                                         capture_output=True, text=True, timeout=60).stdout)
    assert not top.is_error
    assert structured(top) == expected and len(expected) == 2
    assert structured(explained)["lead_id"] == expected[0]["lead_id"]
    assert all(row["kind"] in ("gap", "essential") for row in structured(gaps))


def _with_first_lead(base, cwd):
    first = json.loads(subprocess.run([*base, "top", "--format", "json", "--limit", "1"], cwd=cwd,
                                      capture_output=True, text=True, timeout=60).stdout)[0]["lead_id"]
    return call_over_stdio(base, cwd, [("top_leads", {"limit": 5}), ("explain_lead", {"lead_id": first}),
                                       ("skill_gaps", {})])


def structured(result):
    data = result.structured_content
    if isinstance(data, dict) and set(data) == {"result"}:  # a list is wrapped by the SDK
        return data["result"]
    return data


def test_an_unknown_lead_is_a_tool_error_not_a_crash(seeded):
    base, cwd = seeded
    _, (missing,) = call_over_stdio(base, cwd, [("explain_lead", {"lead_id": "nope"})])
    assert missing.is_error and "no lead with id 'nope'" in missing.content[0].text


def test_a_missing_database_is_one_line_and_exit_2(tmp_path):
    done = subprocess.run([str(LEADS), "--db", str(tmp_path / "none.duckdb"), "mcp"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 2 and "no database yet" in done.stderr and "Traceback" not in done.stderr


def test_the_network_tools_answer_what_the_cli_prints(tmp_path):
    discover_fix = Path(__file__).resolve().parent / "fixtures" / "discover"
    config = tmp_path / "leads.toml"
    config.write_text('[profile]\ntitles = ["Backend Engineer"]\n[http]\nattempts = 1\n')
    base = [str(LEADS), "--db", str(tmp_path / "leads.duckdb"), "--config", str(config)]

    def cli(*args):
        done = subprocess.run([*base, *args], cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    cli("import", str(discover_fix / "Connections.csv"), "-f", "contacts")
    boards = json.loads(cli("discover", "--replay", str(discover_fix / "http"), "-f", "json"))
    _, (listed, hidden, due) = call_over_stdio(base, tmp_path, [("job_boards", {}), ("hidden_openings", {}),
                                                                ("followups", {})])
    def key(rows):
        return sorted((r["company"], r["provider"], r["token"], r["confirmed"]) for r in rows)
    assert key(structured(listed)) == key(boards) and len(boards) == 3
    assert structured(hidden) == json.loads(cli("hidden", "-f", "json"))
    assert structured(due) == json.loads(cli("followups", "-f", "json")) == []
