"""The dashboard through Streamlit's AppTest: every page and filter, a lead's own address, statuses (also
while a refresh holds the database), and the first-run pages. The real-browser test is
tests/test_dashboard_browser.py."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.dashboard_seed import seed

APP = str(Path(__file__).resolve().parents[1] / "dashboards" / "app.py")


@pytest.fixture(scope="module")
def seeded_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dash")
    base, db, hostile = seed(folder)
    return folder, db, hostile


@pytest.fixture
def seeded(seeded_folder, tmp_path, monkeypatch):
    """A private copy of the seeded database for each test (statuses change it)."""
    folder, db, hostile = seeded_folder
    for name in ("leads.toml", "leads.duckdb"):
        shutil.copy(folder / name, tmp_path / name)
    monkeypatch.setenv("LEADS_DB", str(tmp_path / "leads.duckdb"))
    monkeypatch.setenv("LEADS_CONFIG", str(tmp_path / "leads.toml"))
    return tmp_path / "leads.duckdb", hostile


def app(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def table(at: AppTest):
    return at.dataframe[0].value


def titles(at: AppTest) -> list[str]:
    return list(table(at)["title"])


def test_ranked_leads_put_the_profile_s_professions_first(seeded):
    at = app()
    assert at.title[0].value == "Ranked leads"
    shown = titles(at)
    assert set(shown) == {"Senior Backend Engineer", "Site Reliability Engineer", "Platform Engineer",
                          "Registered Nurse", "Store Manager"}
    assert max(shown.index("Senior Backend Engineer"), shown.index("Site Reliability Engineer")) < min(
        shown.index("Registered Nurse"), shown.index("Store Manager"))
    frame = table(at)
    assert {"score", "skills part", "title part", "warmth part", "salary part", "location part", "seniority part",
            "open"} <= set(frame.columns)
    assert all(link.startswith("?lead=L") for link in frame["open"])


@pytest.mark.parametrize("widget, value, expected", [
    ("warm", True, {"Senior Backend Engineer", "Platform Engineer"}),
    ("remote", True, {"Site Reliability Engineer"}),
    ("title", "engineer", {"Senior Backend Engineer", "Site Reliability Engineer", "Platform Engineer"}),
    ("company", "northwind", {"Senior Backend Engineer", "Platform Engineer"}),
    ("occupation", "nurs", {"Registered Nurse"}),
])
def test_each_filter_narrows_the_table(seeded, widget, value, expected):
    at = app()
    if isinstance(value, bool):
        at.sidebar.checkbox(key=widget).check().run()
    else:
        at.sidebar.text_input(key=widget).input(value).run()
    assert not at.exception
    assert set(titles(at)) == expected


def test_min_score_and_new_since_last_run_filters(seeded):
    at = app()
    scores = list(table(at)["score"])
    at.sidebar.slider(key="min_score").set_value(0.4).run()
    assert len(titles(at)) == sum(1 for s in scores if s >= 0.4) and len(titles(at)) < len(scores)
    at = app()
    at.sidebar.checkbox(key="new").check().run()
    assert len(titles(at)) == len(scores)  # the one import brought every lead


def test_a_lead_s_address_opens_it_with_sources_contacts_and_the_ask(seeded):
    db, _ = seeded
    at = app()
    lead_id = table(at)["lead"][list(table(at)["title"]).index("Senior Backend Engineer")]
    at = app(lead=lead_id)
    assert at.title[0].value == "Senior Backend Engineer"
    text = " ".join(m.value for m in at.markdown)
    assert "Northwind Cloud" in text and "Priya Raman" in text
    assert "northwind.example/jobs/1" in text  # its source, as a link
    assert any("Priya Raman" in i.value for i in at.info)  # the suggested ask
    assert "Kafka" in text  # missing skill


def test_a_hostile_description_is_shown_without_scripts_or_handlers(seeded):
    _, hostile = seeded
    at = app(lead=hostile)
    shown = " ".join(h.proto.body for h in at.get("html"))
    assert "Build our" in shown and "Requirements" in shown
    lowered = shown.lower()
    assert "<script" not in lowered and "onerror" not in lowered and "javascript:" not in lowered


def test_an_unknown_lead_says_so(seeded):
    at = app(lead="Lnope")
    assert at.error and "No lead with id" in at.error[0].value


def test_a_status_is_saved_with_its_note_and_hidden_statuses_leave_the_ranking(seeded):
    at = app()
    frame = table(at)
    nurse = frame["lead"][list(frame["title"]).index("Registered Nurse")]
    backend = frame["lead"][list(frame["title"]).index("Senior Backend Engineer")]
    at = app(lead=backend)
    at.selectbox[0].set_value("applied")
    at.text_area[0].input("asked Priya first")
    at.button[1].click().run()  # [0] is "all leads"
    assert not at.exception and "applied" in at.success[0].value
    at = app(lead=nurse)
    at.selectbox[0].set_value("not_interested")
    at.button[1].click().run()
    at = app()
    assert "Registered Nurse" not in titles(at)
    assert dict(zip(table(at)["title"], table(at)["status"]))["Senior Backend Engineer"] == "applied"
    at = app(page="applications")
    shown = at.dataframe[0].value
    assert set(shown["status"]) == {"applied", "not interested"}
    assert "asked Priya first" in list(shown["note"])
    at = app(lead=backend)
    history = at.dataframe[-1].value
    assert list(history["status"]) == ["applied"] and list(history["note"]) == ["asked Priya first"]


def test_the_status_filter_shows_only_the_chosen_statuses(seeded):
    at = app()
    backend = table(at)["lead"][list(table(at)["title"]).index("Senior Backend Engineer")]
    at = app(lead=backend)
    at.selectbox[0].set_value("archived")
    at.button[1].click().run()
    at = app()
    assert "Senior Backend Engineer" not in titles(at)  # archived leaves the ranking
    at.sidebar.multiselect(key="statuses").set_value(["archived"]).run()
    assert titles(at) == ["Senior Backend Engineer"]


def test_a_status_set_while_a_refresh_writes_is_queued_then_applied(seeded):
    from warehouse.db import writer_lock

    db, _ = seeded
    at = app()
    backend = table(at)["lead"][list(table(at)["title"]).index("Senior Backend Engineer")]
    with writer_lock(db, "refresh"):  # what a running refresh holds
        at = app(lead=backend)
        assert any("refresh is running" in w.value for w in at.warning)
        at.selectbox[0].set_value("interviewing")
        at.text_area[0].input("call on Monday")
        at.button[1].click().run()
        assert not at.exception
        assert "queued" in at.success[0].value
        assert app().title[0].value == "Ranked leads"  # the page still reads the last published state
    at = app(lead=backend)  # the refresh let go: the queued change is in
    history = at.dataframe[-1].value
    assert list(history["status"]) == ["interviewing"] and list(history["note"]) == ["call on Monday"]


def test_warm_skills_and_health_pages(seeded):
    at = app(page="warm")
    warm = at.dataframe[0].value
    assert list(warm["company"]) == ["Northwind Cloud"] and "Priya Raman" in warm["contacts"][0]
    at = app(page="skills")
    assert len(at.get("vega_lite_chart")) >= 2, "the skill gaps chart and a pay chart"
    assert any("your pay" in m.value for m in at.markdown)
    at = app(page="health")
    assert "Next scheduled run" in at.markdown[0].value
    runs = at.dataframe[1].value
    assert list(runs["kind"]) == ["import"] and list(runs["new leads"]) == [5]


def test_follow_ups_and_hidden_openings_show_on_their_pages(seeded):
    from datetime import datetime, timedelta, timezone

    from warehouse.db import connect

    db, _ = seeded
    at = app()
    backend = table(at)["lead"][list(table(at)["title"]).index("Senior Backend Engineer")]
    at = app(lead=backend)
    at.selectbox[0].set_value("applied")
    at.button[1].click().run()
    con = connect(db)
    con.execute("UPDATE lead_status_events SET changed_at = ?", [datetime.now(timezone.utc) - timedelta(days=12)])
    con.execute("UPDATE leads SET status = 'closed' WHERE company = 'Lumen Health'")
    con.execute("UPDATE contacts SET strength = 'close'")
    con.close()
    con = connect(db)
    con.execute("INSERT INTO contacts (contact_id, name, company, company_id, strength, created_at, updated_at) "
                "SELECT 'Kx', 'Ana Lee', 'Lumen Health', company_id, 'known', now(), now() FROM leads "
                "WHERE company = 'Lumen Health' LIMIT 1")
    con.close()
    at = app(page="applications")
    assert any("Follow-ups due" == h.value for h in at.subheader)
    assert any("Senior Backend Engineer" in m.value and "heard nothing" in m.value for m in at.markdown)
    at = app(page="warm")
    openings = [d.value for d in at.dataframe if "past roles" in d.value.columns]
    assert openings and "Lumen Health" in list(openings[0]["company"])


def test_a_missing_database_gets_a_first_run_page(tmp_path, monkeypatch):
    monkeypatch.setenv("LEADS_DB", str(tmp_path / "none.duckdb"))
    at = app()
    assert "No database yet" in at.info[0].value and "leads demo" in at.markdown[0].value


def test_an_empty_database_says_what_to_do(tmp_path, monkeypatch):
    from warehouse.db import connect

    connect(tmp_path / "empty.duckdb").close()
    monkeypatch.setenv("LEADS_DB", str(tmp_path / "empty.duckdb"))
    at = app()
    assert "no leads yet" in at.info[0].value and "leads refresh" in at.markdown[0].value


def test_a_damaged_database_is_one_line(tmp_path, monkeypatch):
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"this is not a database" * 100)
    monkeypatch.setenv("LEADS_DB", str(bad))
    at = app()
    assert at.error and "Cannot read" in at.error[0].value and "leads doctor" in at.error[0].value


def test_boards_found_by_discover_and_not_watched_show_on_the_warm_page(seeded):
    from warehouse.db import connect

    db, _ = seeded
    con = connect(db)
    con.execute("INSERT INTO discovered_boards SELECT 'ashby', '', 'northwind', company_id, NULL, 4, 2, TRUE, "
                "'its job texts name it', now(), now() FROM companies WHERE name = 'Northwind Cloud'")
    con.execute("INSERT INTO discovered_boards SELECT 'workable', '', 'northwindx', company_id, 'Other Co', 1, 0, FALSE, "
                "'another company', now(), now() FROM companies WHERE name = 'Northwind Cloud'")
    con.close()
    at = app(page="warm")
    found = [d.value for d in at.dataframe if "open jobs" in d.value.columns]
    assert found and list(found[0]["board"]) == ["ashby: northwind"]  # the unconfirmed one is not offered
    assert "Priya Raman" in list(found[0]["you know"])[0]
