"""`leads discover`: the public job boards of the network's companies, found on recorded responses."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from connectors.boards import BoardFacts, BoardKey, probe
from connectors.http import ClientSettings, HttpClient, politeness_key
from flows.discovery import discover
from jobleads.config import append_sources, load_config, parse_config
from tests.conftest import FIXTURES, run_leads
from warehouse.db import connect
from warehouse.discovery import NetworkCompany, candidate_tokens, confirm

RECORDED = FIXTURES / "discover" / "http"
PROFILE = ('# my profile: keep this comment\n[profile]\ntitles = ["Backend Engineer", "Site Reliability Engineer"]\n'
           'skills = { Python = "expert" }\n\n[http]\nattempts = 1  # fail fast\n')


@pytest.fixture
def network(tmp_path, capsys):
    config = tmp_path / "leads.toml"
    config.write_text(PROFILE)
    base = ["--db", str(tmp_path / "leads.duckdb"), "--config", str(config)]
    assert run_leads(capsys, *base, "import", str(FIXTURES / "discover" / "Connections.csv"), "-f", "contacts")[0] == 0
    assert run_leads(capsys, *base, "company", "target", "Fjord Bank")[0] == 0
    return base, tmp_path


def discover_json(capsys, base, *args):
    code, out, err = run_leads(capsys, *base, "discover", "--replay", str(RECORDED), "-f", "json", *args)
    assert code == 0, err
    return json.loads(out), err


def test_candidate_tokens_come_from_the_name_without_legal_or_generic_words():
    assert candidate_tokens(["Kestrel Analytics GmbH"]) == ["kestrelanalytics", "kestrel-analytics"]
    assert candidate_tokens(["Brightpath Labs"]) == ["brightpathlabs", "brightpath", "brightpath-labs"]
    assert candidate_tokens(["The Fjord Bank AS."])[:2] == ["fjordbankas", "fjordas"]
    assert candidate_tokens(["Orbit"]) == ["orbit"]
    assert candidate_tokens(["Zoë & Co"])[0] == "zoe"
    # aliases add their own tokens, capped so that a company costs a bounded number of requests
    assert candidate_tokens(["Navan", "TripActions Inc.", "Trip Actions"])[:2] == ["navan", "tripactions"]
    assert len(candidate_tokens(["Alpha Beta Gamma Labs", "Delta Epsilon Labs", "Zeta Eta"])) == 4


def _company(name, *aliases):
    return NetworkCompany("C1", name, [name, *aliases], [], "contact")


def test_a_board_is_confirmed_only_by_a_name_that_resolves_to_the_same_company():
    key = BoardKey("greenhouse", None, "orbit")
    assert confirm(BoardFacts(key, "Orbit Inc.", 3), _company("Orbit"))[0]
    assert confirm(BoardFacts(key, "Northwind Cloud", 3), _company("Northwind Cloud Technologies GmbH"))[0]  # strong
    ok, why = confirm(BoardFacts(key, "Orbit Financial Partners", 3), _company("Orbit"))
    assert not ok and "another company" in why  # shares a word only
    assert confirm(BoardFacts(key, "TripActions", 3), _company("Navan", "TripActions"))[0]  # through an alias


def test_a_board_without_a_name_is_confirmed_by_its_job_texts_naming_the_company():
    key = BoardKey("ashby", None, "notion")
    said = BoardFacts(key, None, 1, ["Engineer"], ["At Notion we build tools for thought."])
    assert confirm(said, _company("Notion"))[0]
    assert confirm(said, _company("Notion Labs Inc."))[0]  # its texts drop the generic "Labs"
    assert not confirm(said, _company("Notion Capital"))[0]  # a fund's name is not the company's (not generic)
    common_word = BoardFacts(key, None, 1, ["Engineer"], ["You have a notion of ownership."])
    assert not confirm(common_word, _company("Notion"))[0]  # a word, not the name
    assert not confirm(BoardFacts(key, None, 0), _company("Notion"))[0]  # nothing to go by


def test_a_404_is_no_board_and_is_never_retried():
    calls = []

    def handler(request):
        calls.append(request.url.path)
        return httpx.Response(404, json={"error": "no board"})

    client = HttpClient(ClientSettings(attempts=3), transport=httpx.MockTransport(handler))
    assert probe(client, BoardKey("greenhouse", None, "nosuchboard")) is None
    assert calls == ["/v1/boards/nosuchboard/jobs"]


def test_an_empty_smartrecruiters_answer_is_no_board():
    client = HttpClient(ClientSettings(), transport=httpx.MockTransport(
        lambda r: httpx.Response(200, json={"offset": 0, "limit": 100, "totalFound": 0, "content": []})))
    assert probe(client, BoardKey("smartrecruiters", None, "anything")) is None


def test_discover_finds_the_boards_of_contacts_employers_and_targets(network, capsys):
    base, _ = network
    rows, err = discover_json(capsys, base)
    found = {(r["company"], r["provider"], r["token"]): r for r in rows}
    kestrel = found[("Kestrel Analytics GmbH", "greenhouse", "kestrelanalytics")]
    assert kestrel["confirmed"] and kestrel["open_jobs"] == 3 and kestrel["matching"] == 2  # not the office manager
    assert kestrel["know"] == ["Dana Whitfield"] and kestrel["board_name"] == "Kestrel Analytics"
    tidewater = found[("Tidewater Labs", "ashby", "tidewater")]  # the third candidate; the texts name the company
    assert tidewater["confirmed"] and "job texts" in tidewater["evidence"]
    assert found[("Fjord Bank", "recruitee", "fjordbank")]["confirmed"]  # a target: nobody known there
    orbit = found[("Orbit", "workable", "orbit")]
    assert not orbit["confirmed"] and "Orbit Financial Partners" in orbit["evidence"]
    assert not any(r["provider"] == "smartrecruiters" for r in rows)  # an empty answer is no board
    assert "Stormcell" in err and "will retry next time" in err  # its host failed: not remembered as checked


def test_a_rerun_skips_companies_checked_recently_and_retries_failures(network, capsys, tmp_path):
    base, _ = network
    discover_json(capsys, base)
    db = tmp_path / "leads.duckdb"
    con = connect(db)
    checked = {r[0] for r in con.execute("SELECT c.name FROM board_checks b JOIN companies c USING (company_id)").fetchall()}
    con.close()
    assert "Stormcell" not in checked and {"Orbit", "Tidewater Labs", "Fjord Bank"} <= checked
    _, err = discover_json(capsys, base)
    assert "checked 1 companies (5 checked within 30 days skipped)" in err  # only Stormcell again
    # a month later every company is due again, and each candidate is asked once more
    con = connect(db)
    con.execute("UPDATE board_checks SET checked_at = checked_at - INTERVAL 31 DAY")
    con.execute("UPDATE board_probes SET checked_at = checked_at - INTERVAL 31 DAY")
    con.close()
    _, err = discover_json(capsys, base)
    assert "checked 6 companies" in err and "0 answered from earlier checks" in err
    _, err = discover_json(capsys, base, "--recheck", "--company", "Orbit")
    # Orbit's one token on all eight hosts (Greenhouse and Lever have two); its board there is not Orbit's
    assert "checked 1 companies: 8 candidate boards (8.0 per company), 8 requests" in err


def test_ctrl_c_keeps_what_was_asked_and_the_next_run_resumes(network, tmp_path):
    from flows.discovery import DiscoveryInterrupted

    config = load_config(tmp_path / "leads.toml")
    done = []

    def stop_after_two(name):
        done.append(name)
        if len(done) == 2:
            raise KeyboardInterrupt

    with pytest.raises(DiscoveryInterrupted) as stopped:
        discover(tmp_path / "leads.duckdb", config, replay_dir=str(RECORDED), on_company=stop_after_two)
    con = connect(tmp_path / "leads.duckdb")
    saved = con.execute("SELECT count(*) FROM board_checks").fetchone()[0]
    asked = con.execute("SELECT count(*) FROM board_probes").fetchone()[0]
    con.close()
    assert 1 <= saved < 6 and asked > 0  # what finished is kept
    assert stopped.value.report.checked < 6
    rest = discover(tmp_path / "leads.duckdb", config, replay_dir=str(RECORDED))
    assert rest.skipped_recent == saved and rest.checked == 6 - saved  # only the rest is asked


def test_discover_add_appends_confirmed_boards_once_and_the_refresh_makes_warm_leads(network, capsys):
    base, folder = network
    config = folder / "leads.toml"
    rows, err = discover_json(capsys, base, "--add")
    assert "added 3 sources" in err
    text = config.read_text()
    assert text.startswith(PROFILE)  # every byte the user wrote is still there, comments too
    sources = load_config(config).sources
    assert {(s.type, s.board, s.company) for s in sources} == {
        ("greenhouse", "kestrelanalytics", "Kestrel Analytics"), ("ashby", "tidewater", "Tidewater Labs"),
        ("recruitee", "fjordbank", "Fjord Bank")}
    assert not any(s.board == "orbit" for s in sources)  # unconfirmed: listed, never added
    rows, err = discover_json(capsys, base, "--add", "--recheck")
    assert "nothing to add" in err and config.read_text() == text
    assert {r["token"] for r in rows if r["watched"]} == {"kestrelanalytics", "tidewater", "fjordbank"}

    code, _, err = run_leads(capsys, *base, "refresh", "--replay", str(RECORDED))
    assert code == 0, err
    code, out, err = run_leads(capsys, *base, "warm", "-f", "json")
    warm = {row["company"]: row for row in json.loads(out)}
    assert set(warm) >= {"Kestrel Analytics GmbH", "Tidewater Labs"}
    code, out, _ = run_leads(capsys, *base, "top", "-f", "json")
    top = json.loads(out)
    sre = next(lead for lead in top if lead["title"] == "Site Reliability Engineer")
    assert sre["warm"] and any(c["name"] == "Dana Whitfield" for c in sre["contacts"])


def test_discover_for_a_company_outside_the_network_says_so(network, capsys):
    base, _ = network
    code, _, err = run_leads(capsys, *base, "discover", "--replay", str(RECORDED), "--company", "Nobody Corp")
    assert code == 2 and "no company of your network is called 'Nobody Corp'" in err


def test_targets_are_listed_and_removed(network, capsys):
    base, _ = network
    code, out, _ = run_leads(capsys, *base, "company", "target", "--list", "-f", "json")
    assert [t["company"] for t in json.loads(out)] == ["Fjord Bank"]
    assert run_leads(capsys, *base, "company", "target", "--remove", "fjord bank")[0] == 0
    code, out, _ = run_leads(capsys, *base, "company", "target", "--list", "-f", "json")
    assert json.loads(out) == []
    code, _, err = run_leads(capsys, *base, "company", "target", "--remove", "Nobody Corp")
    assert code == 2 and "not a target" in err
    code, _, err = run_leads(capsys, *base, "company", "target")
    assert code == 2 and "name a company" in err


def test_discover_without_a_database_says_what_to_do_first(tmp_path, capsys):
    code, _, err = run_leads(capsys, "--db", str(tmp_path / "none.duckdb"), "discover")
    assert code == 2 and "import your contacts first" in err and "Traceback" not in err


def test_append_sources_refuses_to_write_a_file_that_would_not_load(tmp_path):
    config = tmp_path / "leads.toml"
    config.write_text("[profile]\ntitles = []\n")
    with pytest.raises(Exception):
        append_sources(config, [{"type": "greenhouse", "board": "x", "nonsense": {"deep": object()}}])
    assert config.read_text() == "[profile]\ntitles = []\n"


def test_politeness_is_per_host_and_port_and_one_for_a_service_of_subdomains():
    assert politeness_key("https://acme.recruitee.com/api/offers/", "recruitee.com") == "recruitee.com"
    assert politeness_key("https://beta.recruitee.com/api/offers/", "recruitee.com") == "recruitee.com"
    assert politeness_key("https://boards-api.eu.greenhouse.io/v1/boards/x") == "boards-api.eu.greenhouse.io"
    assert politeness_key("http://127.0.0.1:8080/v1") == "127.0.0.1:8080"
    assert politeness_key("http://127.0.0.1:8081/v1", "recruitee.com") == "127.0.0.1:8081"


# --- [http.base_urls]: discovery goes where the config says, to a real local server ----------------------------

class _Boards(BaseHTTPRequestHandler):
    seen: list[tuple[str, str]] = []

    def do_GET(self):  # noqa: N802 - http.server's naming
        self.seen.append((self.headers.get("X-Forwarded-Host", ""), self.path))
        if self.path.startswith("/v1/boards/kestrelanalytics/jobs"):
            status, body = 200, json.loads((RECORDED / "greenhouse_kestrelanalytics.json").read_text())["response"]["json"]
        else:
            status, body = 404, {"error": "no board"}
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args):
        pass


def test_discover_honours_base_urls_with_a_real_local_server(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Boards)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base_url = f"http://127.0.0.1:{server.server_address[1]}"
        providers = ["greenhouse", "lever", "ashby", "workable", "smartrecruiters", "recruitee"]
        config = parse_config({"profile": {"titles": ["Backend Engineer"]}, "http": {
            "attempts": 1, "base_urls": {p: base_url for p in providers}}, "discover": {"requests_per_second": 50}})
        db = tmp_path / "leads.duckdb"
        con = connect(db)
        con.execute("INSERT INTO companies VALUES ('C1', 'Kestrel Analytics', 'kestrel analytics')")
        con.execute("INSERT INTO company_aliases VALUES ('kestrel analytics', 'C1', 'Kestrel Analytics', 'rule')")
        con.execute("INSERT INTO target_companies VALUES ('C1', 'Kestrel Analytics', now())")
        con.close()
        report = discover(db, config)
    finally:
        server.shutdown()
        server.server_close()
    assert [(r["provider"], r["token"], r["confirmed"]) for r in report.boards] == [("greenhouse", "kestrelanalytics", True)]
    assert report.requests == 1  # the first candidate was the board: nothing else asked
    assert _Boards.seen == [("boards-api.greenhouse.io", "/v1/boards/kestrelanalytics/jobs")]


def test_the_nightly_run_checks_new_companies_and_the_digest_lists_new_boards(network, prefect_harness):
    from flows.notify import build_digest
    from flows.nightly import nightly_refresh

    _, folder = network
    config = folder / "leads.toml"
    config.write_text(config.read_text() + '\n[[sources]]\ntype = "greenhouse"\nboard = "kestrelanalytics"\n')
    summary = nightly_refresh(config_path=str(config), db_path=str(folder / "leads.duckdb"), replay_dir=str(RECORDED))
    boards = {(b["company"], b["provider"], b["token"]) for b in summary["new_boards"]}
    # watched already (Kestrel) or not the company's (Orbit): not news
    assert boards == {("Tidewater Labs", "ashby", "tidewater"), ("Fjord Bank", "recruitee", "fjordbank")}
    digest = build_digest(summary)
    assert "New job boards at your network's companies" in digest.body
    assert "Tidewater Labs: ashby board 'tidewater', 1 open jobs" in digest.body
    assert "Priya" not in digest.body  # company and board only: no contact details in a digest
