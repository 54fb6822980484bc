"""The run digest: what it says, that contacts never appear in it, and delivery through apprise."""
from __future__ import annotations

import pytest

from flows.notify import build_digest, send_digest

SUMMARY = {
    "run_id": "20261122T030000Z-abc123", "status": "partial", "new_leads": 4, "closed_leads": 1, "open_leads": 40,
    "new_warm_companies": ["Orbit Labs"],
    "top_new_leads": [
        {"lead_id": "L1", "title": "Backend Engineer", "company": "Orbit Labs", "score": 0.81,
         "url": "https://job-boards.greenhouse.io/orbit/jobs/5001",
         # fields a future summary might carry: the digest must never pass them on
         "contacts": [{"name": "Dana Whitfield", "email": "dana@example.org", "position": "CTO"}]},
        {"lead_id": "L2", "title": "Data Engineer", "company": "Harbor Data", "score": 0.55, "url": None},
    ],
    "failures": ["greenhouse:stormy: gave up after 4 attempts: HTTP 500"],
}

received: list[dict] = []


@pytest.fixture(scope="module", autouse=True)
def _apprise_test_schema():
    """A real apprise plugin, registered for the `jobleadstest://` scheme, that records what it is sent."""
    from apprise.decorators import notify

    @notify(on="jobleadstest")
    def _record(body, title, notify_type, *args, **kwargs):
        received.append({"title": title, "body": body})
        return True

    yield


def test_digest_lists_top_new_leads_warm_companies_and_failures():
    digest = build_digest(SUMMARY, top=5)
    assert digest.title == "jobleads: 4 new leads, 1 new warm company"
    assert "0.81  Backend Engineer at Orbit Labs https://job-boards.greenhouse.io/orbit/jobs/5001" in digest.body
    assert "0.55  Data Engineer at Harbor Data" in digest.body
    assert "New warm companies" in digest.body and "- Orbit Labs" in digest.body
    assert "greenhouse:stormy" in digest.body


def test_digest_never_includes_contact_names_or_emails():
    digest = build_digest(SUMMARY)
    for secret in ("Dana", "Whitfield", "dana@example.org", "CTO"):
        assert secret not in digest.body and secret not in digest.title


def test_digest_honours_top():
    body = build_digest(SUMMARY, top=1).body
    assert "Backend Engineer" in body and "Data Engineer" not in body


def test_no_url_means_no_notification():
    received.clear()
    assert send_digest(SUMMARY, [], 5) is None
    assert received == []


def test_digest_is_delivered_to_every_url():
    received.clear()
    assert send_digest(SUMMARY, ["jobleadstest://first", "jobleadstest://second"], 5) is True
    assert len(received) == 2
    assert received[0]["title"].startswith("jobleads: 4 new leads")
    assert "Backend Engineer at Orbit Labs" in received[0]["body"]


def test_unusable_url_is_reported_not_raised():
    received.clear()
    assert send_digest(SUMMARY, ["not a url at all"], 5) is False
    assert received == []


@pytest.mark.flow
def test_flow_sends_the_digest_after_the_run(prefect_harness, tmp_path, db_path):
    from flows.nightly import nightly_refresh
    from tests.conftest import FIXTURES

    config = tmp_path / "leads.toml"
    config.write_text('[profile]\ntitles = ["Backend Engineer"]\n\n[[sources]]\ntype = "greenhouse"\n'
                      'board = "orbitlabs"\n\n[notify]\nurls = ["jobleadstest://digest"]\ntop = 2\n')
    received.clear()
    summary = nightly_refresh(config_path=str(config), db_path=str(db_path),
                              replay_dir=str(FIXTURES / "flow_replay"))

    assert len(received) == 1
    assert received[0]["title"] == f"jobleads: {summary['new_leads']} new leads, 0 new warm companies"
    body = received[0]["body"]
    assert summary["run_id"] in body and "Backend Engineer at Orbit Labs" in body
    assert body.count(" at Orbit Labs") == 2  # top = 2 of the 3 new leads


def test_each_lead_links_to_its_page_in_the_dashboard():
    summary = {**SUMMARY, "top_new_leads": [{**lead, "lead_id": f"L{i:011d}"}
                                            for i, lead in enumerate(SUMMARY["top_new_leads"])]}
    body = build_digest(summary, dashboard="http://127.0.0.1:8502/").body
    assert "open in your dashboard: http://127.0.0.1:8502/?lead=L00000000000" in body
    assert "?lead=" not in build_digest(summary).body  # no dashboard address given: no link


def test_followups_due_are_in_the_digest_without_contact_details():
    summary = {**SUMMARY, "followups": [{"kind": "referral", "title": "SRE", "company": "Lumen", "days": 9,
                                         "lead_id": "L1", "contact": "Priya Raman"}]}
    body = build_digest(summary).body
    assert "Follow-ups due" in body and "referral offered 9 days ago: SRE at Lumen" in body
    assert "Priya" not in body
