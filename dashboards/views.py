"""The dashboard's pages: each reads through dashboards.data and renders; no SQL, no business rules."""
from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from dashboards import data
from dashboards.safe import description_html, link, md, plain
from jobleads.cli.output import salary_range
from warehouse.statuses import STATUSES, HIDDEN, StatusError

TABLE_LIMIT = 500
PART_COLUMNS = ("skills", "title", "warmth", "recency", "salary", "location", "seniority")


def _label(status: str | None) -> str:
    return (status or "new").replace("_", " ")


# --- ranked leads ---------------------------------------------------------------------------------

def lead_filters(summary: dict) -> dict:
    side = st.sidebar
    side.markdown("**Filter leads**")
    flt = {
        "limit": TABLE_LIMIT,
        "min_score": side.slider("Minimum score", 0.0, 1.0, 0.0, 0.05, key="min_score") or None,
        "warm": side.checkbox("Warm only (someone you know works there)", key="warm"),
        "remote": side.checkbox("Remote only", key="remote"),
        "title": side.text_input("Title contains", key="title").strip() or None,
        "company": side.text_input("Company contains", key="company").strip() or None,
        "occupation": side.text_input("Occupation (words or ISCO code)", key="occupation").strip() or None,
    }
    if side.checkbox("New since the last run", key="new") and summary.get("new_since"):
        flt["new_since"] = summary["new_since"]
    shown = side.multiselect("Status", list(STATUSES), default=[s for s in STATUSES if s not in HIDDEN],
                             format_func=_label, key="statuses")
    flt["statuses"] = shown or None
    return flt


def leads_page(s: data.Settings, state: str, summary: dict) -> None:
    st.title("Ranked leads")
    flt = lead_filters(summary)
    rows, total = data.lead_table(s, state, flt)
    st.caption(f"{total:,} leads match" + (f"; the best {len(rows):,} are shown" if total > len(rows) else "")
               + ". Click a column to sort, a row (or its Open link) for the lead.")
    if not rows:
        st.info("No open lead matches these filters.")
        return
    table = pd.DataFrame([{
        "open": f"?lead={r['lead_id']}", "score": r["score"], "title": plain(r["title"]),
        "company": plain(r["company"]), "where": plain("; ".join(r["locations"])), "mode": r["remote"] or "",
        "salary": salary_range(r), "warm": "★" if r["warm"] else "", "occupation": plain(r["occupation"] or ""),
        "status": _label(r["user_status"]), "first seen": r["first_seen"],
        **{f"{p} part": r["score_parts"].get(p) for p in PART_COLUMNS}, "lead": r["lead_id"],
    } for r in rows])
    picked = st.dataframe(
        table, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
        key="lead_table",
        column_config={
            "open": st.column_config.LinkColumn("Open", display_text="open"),
            "score": st.column_config.ProgressColumn("Score", min_value=0.0, max_value=1.0, format="%.2f"),
            "first seen": st.column_config.DatetimeColumn("First seen", format="YYYY-MM-DD"),
            **{f"{p} part": st.column_config.NumberColumn(f"{p} part", format="%.2f") for p in PART_COLUMNS},
        })
    selected = picked.selection.rows if picked and picked.selection else []
    if selected:
        st.query_params["lead"] = rows[selected[0]]["lead_id"]
        st.rerun()


# --- one lead -------------------------------------------------------------------------------------

def lead_detail(s: data.Settings, state: str, lead_id: str) -> None:
    if st.button("← all leads"):
        del st.query_params["lead"]
        st.rerun()
    lead = data.lead(s, state, lead_id)
    if lead is None:
        st.error(f"No lead with id {plain(lead_id)}.")
        return
    st.title(md(lead["title"]))
    where = "; ".join(lead["locations"]) or "location not given"
    st.markdown(f"**{md(lead['company'])}** · {md(where)} · {md(lead['remote'] or 'mode not given')} · "
                f"{md(salary_range(lead) or 'salary not given')} · {md(lead['status'])}")
    if lead.get("applied_before"):
        before = lead["applied_before"]
        st.warning(f"Looks like a job you already {md(_label(before['status']))}: "
                   f"[{md(before['title'])}](?lead={before['lead_id']}) ({(before.get('at') or '')[:10]}).")
    left, right = st.columns([3, 2])
    with left:
        score_explanation(lead)
        skills_of(lead)
        st.subheader("Description")
        st.html(description_html(lead.get("description")))
    with right:
        status_form(s, lead)
        people(lead)
        sources(lead)


def score_explanation(lead: dict) -> None:
    st.subheader(f"Score {lead['score']:.2f}")
    details = dict(lead.get("score_details") or {})
    weights, unknown = details.get("weights", {}), set(details.get("unknown", []))
    total = sum(weights.values()) or 1.0
    of_part = {"salary": "salary", "seniority": "seniority", "recency": "posted_at", "title": "occupation"}
    st.dataframe(pd.DataFrame([
        {"part": name, "value": value, "weight": f"{weights.get(name, 0) / total:.0%}",
         "unknown": "unknown: neutral" if of_part.get(name) in unknown else ""}
        for name, value in lead["score_parts"].items()]), hide_index=True, width="stretch")
    if details.get("relevance"):
        st.caption(plain(details["relevance"]))
    occupation = lead.get("occupation")
    if occupation:
        st.caption(f"Occupation: {md(occupation['label'])} (ISCO {md(occupation['isco'])}, "
                   f"confidence {occupation['confidence']:.2f})")
    for note in details.get("penalties", []):
        st.caption(plain(note))


def skills_of(lead: dict) -> None:
    st.subheader("Skills")
    st.markdown(f"**Matched:** {md(', '.join(lead['skills_matched']) or '–')}  \n"
                f"**Missing:** {md(', '.join(lead['skills_missing']) or '–')}")
    if lead.get("skills"):
        st.dataframe(pd.DataFrame([{"skill": plain(k["name"]), "importance": k["importance"],
                                    "as written": plain(k.get("evidence") or "")} for k in lead["skills"]]),
                     hide_index=True, width="stretch")


def status_form(s: data.Settings, lead: dict) -> None:
    from jobleads.usecases import set_status

    st.subheader("Your status")
    current = lead.get("user_status") or "new"
    with st.form(f"status-{lead['lead_id']}", clear_on_submit=False):
        chosen = st.selectbox("Status", list(STATUSES), index=list(STATUSES).index(current), format_func=_label)
        note = st.text_area("Note", value="", max_chars=2000, placeholder="whom you asked, next step ...")
        submitted = st.form_submit_button("Save")
    if submitted:
        try:
            done = set_status(s.db, lead["lead_id"], chosen, note or None, origin="dashboard")
        except StatusError as exc:
            st.error(str(exc))
        except Exception as exc:  # noqa: BLE001 - the form keeps what was typed; one line, no traceback
            st.error(f"Not saved: {str(exc).splitlines()[0]}. Your note is still in the form; try again.")
        else:
            st.cache_data.clear()
            st.success(plain(done.message))
    if lead.get("history"):
        st.dataframe(pd.DataFrame([{"when": h["at"][:16].replace("T", " "), "status": _label(h["status"]),
                                    "note": plain(h["note"] or "")} for h in lead["history"]]),
                     hide_index=True, width="stretch")


def people(lead: dict) -> None:
    st.subheader("Whom to ask")
    if not lead["contacts"]:
        st.caption("No contact of yours works here (yet).")
        return
    for person in lead["contacts"]:
        st.markdown(f"- **{md(person['name'])}**, {md(person.get('position') or 'position unknown')} "
                    f"({md(person['strength'])})")
    if lead.get("suggested_ask"):
        st.info(plain(lead["suggested_ask"]))
    if lead.get("referred_by"):
        st.caption("Referred by " + plain(", ".join(lead["referred_by"])))


def sources(lead: dict) -> None:
    st.subheader("Sources")
    for record in lead.get("records", []):
        url = link(record.get("url"))
        name = md(f"{record['source']}: {record.get('title') or ''}")
        why = md(f" ({record['rule']})") if record.get("rule") else ""
        st.markdown(f"- [{name}]({url}){why}" if url else f"- {name}{why}")


# --- warm companies, skills and pay, applications, health ---------------------------------------------

def warm_page(s: data.Settings, state: str, summary: dict) -> None:
    st.title("Warm companies")
    companies, reconnect = data.warm(s, state)
    if not companies:
        st.info("No company with open leads has a contact of yours yet: `leads import Connections.csv -f linkedin`.")
    else:
        st.dataframe(pd.DataFrame([{
            "company": plain(c["company"]), "open leads": c["open_leads"], "best score": c["best_score"],
            "contacts": plain(", ".join(f"{p['name']} ({p['strength']})" for p in c["contacts"])),
            "last touch": max((p["last_touch"] for p in c["contacts"] if p.get("last_touch")), default="never"),
            "suggested ask": plain(c["suggested_ask"] or ""),
        } for c in companies]), hide_index=True, width="stretch")
    openings = data.hidden(s, state)
    if openings:
        st.subheader("Hidden openings: people you know, no fitting lead posted")
        st.dataframe(pd.DataFrame([{
            "company": plain(h["company"]), "past roles": h["past_postings"], "ask": plain(h["ask"] or ""),
            "suggestion": plain(h["suggestion"]), "history": plain(h["history"]),
        } for h in openings]), hide_index=True, width="stretch")
    found = data.boards(s, state)
    if found:
        st.subheader("Job boards of your network, not watched yet")
        st.caption("Found by `leads discover`; `leads discover --add` adds them to leads.toml.")
        st.dataframe(pd.DataFrame([{
            "company": plain(b["company"]), "board": f"{b['provider']}{' (EU)' if b['region'] else ''}: {plain(b['token'])}",
            "open jobs": b["open_jobs"], "fit you": b["matching"], "you know": plain(", ".join(b["know"])),
        } for b in found]), hide_index=True, width="stretch")
    st.subheader("Reconnect before you ask")
    if not reconnect:
        st.caption("Nobody to reconnect with: every contact at a company with strong leads was touched lately.")
        return
    st.dataframe(pd.DataFrame([{
        "name": plain(r["name"]), "company": plain(r["company"]), "position": plain(r.get("position") or ""),
        "strength": r["strength"], "last touch": (str(r["last_touch"])[:10] if r.get("last_touch") else "never"),
        "strong leads": r["strong_leads"], "best lead": plain(r["best_lead"]),
    } for r in reconnect]), hide_index=True, width="stretch")


def skills_page(s: data.Settings, state: str, summary: dict) -> None:
    import altair as alt  # only this page draws charts: the first page loads without it

    st.title("Skills and pay")
    found = data.gaps_and_pay(s, state)
    st.subheader("Most demanded skills you lack")
    if found["gaps"]:
        gaps = pd.DataFrame([{"skill": plain(g["skill"]), "leads asking": g["leads_asking"],
                              "required by": g["required_by"]} for g in found["gaps"]])
        st.altair_chart(alt.Chart(gaps).mark_bar().encode(
            x=alt.X("leads asking:Q"), y=alt.Y("skill:N", sort="-x"), tooltip=["skill", "leads asking", "required by"]),
            width="stretch")
    else:
        st.caption("No missing skill among your best leads (or no skills in your profile yet).")
    if found["essential"]:
        st.caption("Essential to your target occupations (ESCO) and not in your profile: "
                   + md(", ".join(e.get("skill", "") for e in found["essential"])))
    st.subheader("What your market pays")
    if not found["pay"]:
        st.caption("No lead of your target occupations quotes pay yet.")
    for market in found["pay"]:
        points = pd.DataFrame({"annual pay": market.get("points", [])})
        chart = alt.Chart(points).mark_bar().encode(x=alt.X("annual pay:Q", bin=alt.Bin(maxbins=30)), y="count()")
        if market.get("current_pay") is not None:
            mine = pd.DataFrame({"annual pay": [market["current_pay"]]})
            chart = chart + alt.Chart(mine).mark_rule(color="red", size=3).encode(x="annual pay:Q")
        st.markdown(f"**{md(market['currency'])}**: {market['leads']} leads, median {market['median']:,.0f} "
                    f"(p25 {market['p25']:,.0f}, p75 {market['p75']:,.0f})"
                    + (f"; your pay is at the {market['current_pay_percentile']:.0f}th percentile (red line)"
                       if market.get("current_pay_percentile") is not None else ""))
        st.altair_chart(chart, width="stretch")


def applications_page(s: data.Settings, state: str, summary: dict) -> None:
    st.title("My applications")
    due = data.followups(s, state)
    if due:
        st.subheader("Follow-ups due")
        for item in due:
            st.markdown(f"- [{md(item['title'])} at {md(item['company'])}](?lead={item['lead_id']}): "
                        f"{md(item['suggestion'])}")
    rows = data.applications(s, state)
    if not rows:
        st.info("No lead has a status yet: open a lead and set one (or `leads status LEAD_ID applied`).")
        return
    st.dataframe(pd.DataFrame([{
        "open": f"?lead={r['lead_id']}", "status": _label(r["user_status"]), "since": r["since"][:10],
        "title": plain(r["title"]), "company": plain(r["company"]), "note": plain(r["note"] or ""),
        "applied": (r["applied_at"] or "")[:10], "still open": r["lead_open"],
    } for r in rows]), hide_index=True, width="stretch",
        column_config={"open": st.column_config.LinkColumn("Open", display_text="open")})


def health_page(s: data.Settings, state: str, summary: dict) -> None:
    st.title("Pipeline health")
    found = data.health(s, state)
    due = data.next_scheduled_run(s)
    st.markdown(f"Next scheduled run: **{due.strftime('%Y-%m-%d %H:%M %Z') if due else 'not scheduled'}** "
                f"(from `{md(s.config_path)}` [schedule]; it runs only while `leads schedule` serves it or "
                "a cron/systemd timer from `leads schedule --cron/--systemd` is installed).")
    latest = found["latest"]
    if latest:
        failures = latest.get("failures") or []
        (st.error if failures else st.success)(
            f"Last run {md(latest['run_id'])} ({md(latest['kind'])}): {latest['status']}, "
            f"{latest.get('new_leads', 0)} new leads, {len(failures)} failed sources.")
        for failure in failures:
            st.caption(plain(failure))
    st.subheader("Sources")
    if found["sources"]:
        st.dataframe(pd.DataFrame([{
            "source": plain(f"{r['source']}:{r['source_key']}" if r["source_key"] else r["source"]),
            "status": r["status"], "fetched": r["fetched"], "parsed": r["parsed"], "quarantined": r["quarantined"],
            "last run": _when(r.get("last_run_at")), "last ok": _when(r.get("last_ok_at")),
            "error": plain(r.get("error") or ""),
        } for r in found["sources"]]), hide_index=True, width="stretch")
    st.subheader("Runs")
    st.dataframe(pd.DataFrame([{
        "run": r["run_id"], "kind": r["kind"], "started": _when(r["started_at"]), "seconds": r["seconds"],
        "status": r["status"], "new leads": r["new_leads"], "closed": r["closed_leads"],
        "quarantined": r["quarantined"], "failed sources": plain(", ".join(r["failed_sources"] or [])),
    } for r in found["runs"]]), hide_index=True, width="stretch")
    st.subheader("Quarantined records")
    if not found["quarantined"]:
        st.caption("None: every record read was stored.")
    else:
        st.dataframe(pd.DataFrame([{
            "when": _when(q["quarantined_at"]), "source": plain(q["source"]), "record": plain(q["source_id"] or ""),
            "reason": plain(q["reason"]), "payload": plain(q["payload"] or ""),
        } for q in found["quarantined"]]), hide_index=True, width="stretch")


def _when(value) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value or "")[:16]
