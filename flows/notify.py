"""The digest after each run, sent through apprise to the URLs in `[notify] urls`.

Only what the run found goes out: lead titles, companies, scores, links, company names. Contacts'
names and e-mail addresses never leave the machine, so the digest is built from an allow-list of fields.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

_LEAD_FIELDS = ("lead_id", "title", "company", "score", "url")


@dataclass
class Digest:
    title: str
    body: str


def build_digest(summary: dict[str, Any], top: int = 5, dashboard: str | None = None) -> Digest:
    """A short plain-text digest of one run summary (`RunSummary.to_json()`); with `dashboard` (the address
    `leads dashboard` serves), each lead links to its page there."""
    leads = [{k: lead.get(k) for k in _LEAD_FIELDS} for lead in (summary.get("top_new_leads") or [])][:top]
    warm = [str(c) for c in (summary.get("new_warm_companies") or [])]
    failures = [str(f) for f in (summary.get("failures") or [])]
    title = (
        f"jobleads: {summary.get('new_leads', 0)} new leads, {len(warm)} new warm "
        f"{'company' if len(warm) == 1 else 'companies'}"
    )
    lines = [
        f"Run {summary.get('run_id')} ({summary.get('status')}): {summary.get('new_leads', 0)} new, "
        f"{summary.get('closed_leads', 0)} closed, {summary.get('open_leads', 0)} open leads.",
    ]
    if leads:
        lines += ["", "Top new leads:"]
        for lead in leads:
            score = f"{lead['score']:.2f}" if isinstance(lead["score"], (int, float)) else "?"
            link = f" {lead['url']}" if lead["url"] else ""
            lines.append(f"- {score}  {lead['title']} at {lead['company']}{link}")
            if dashboard and lead.get("lead_id"):
                lines.append(f"  open in your dashboard: {dashboard.rstrip('/')}/?lead={lead['lead_id']}")
    followups = summary.get("followups") or []
    if followups:
        lines += ["", "Follow-ups due (nothing heard since):"]
        lines += [f"- {'referral offered' if f.get('kind') == 'referral' else 'applied'} {f.get('days')} days ago: "
                  f"{f.get('title')} at {f.get('company')}" for f in followups[:top]]
    if warm:
        lines += ["", "New warm companies (someone you know works there):"]
        lines += [f"- {company}" for company in warm]
    boards = summary.get("new_boards") or []
    if boards:
        lines += ["", "New job boards at your network's companies (`leads discover --add` watches them):"]
        lines += [f"- {b.get('company')}: {b.get('provider')} board '{b.get('token')}', {b.get('open_jobs')} open jobs, "
                  f"{b.get('matching')} of your occupations" for b in boards[:top]]
    if failures:
        lines += ["", "Sources that failed:"]
        lines += [f"- {failure}" for failure in failures]
    return Digest(title=title, body="\n".join(lines))


def send_digest(summary: dict[str, Any], urls: list[str], top: int = 5, dashboard: str | None = None) -> bool | None:
    """Send the digest to every URL; None when no URL is configured, else whether all deliveries worked.

    A failed delivery is logged and reported, never raised: the run's data is already safely stored.
    """
    if not urls:
        return None
    import apprise  # only runs that notify pay for the import

    digest = build_digest(summary, top, dashboard)
    sender = apprise.Apprise()
    for url in urls:
        if not sender.add(url):
            log.warning("notify: ignoring an apprise URL it cannot parse: %s", _scheme(url))
    if not len(sender):
        return False
    ok = bool(sender.notify(title=digest.title, body=digest.body, body_format=apprise.NotifyFormat.TEXT))
    if not ok:
        log.warning("notify: at least one notification could not be delivered")
    return ok


def _scheme(url: str) -> str:
    # URLs carry tokens and passwords: log only the scheme.
    return url.split("://", 1)[0] + "://…" if "://" in url else "(not a URL)"
