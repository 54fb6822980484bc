"""The morning page: what is new and good, whom to ask, what to learn, where each application stands.

Started by `leads dashboard` (Streamlit on 127.0.0.1). `?lead=LEAD_ID` opens that lead; `?page=...` one of
the pages. Reads go through dashboards.data (the core's read side); writes through jobleads.usecases.
"""
from __future__ import annotations

import os

import streamlit as st

os.umask(0o077)  # a status change writes the database (and its WAL): the user's alone, as from the CLI

from dashboards import data, views

PAGES = {
    "leads": "Ranked leads",
    "warm": "Warm companies",
    "skills": "Skills and pay",
    "applications": "My applications",
    "health": "Pipeline health",
}


def first_run(s: data.Settings) -> None:
    st.title("jobleads")
    st.info(f"No database yet at `{s.db}`.")
    st.markdown(
        "To start:\n\n"
        "1. `leads demo` shows everything on recorded responses (a demo database, `data/demo.duckdb`: open it "
        "with `leads --db data/demo.duckdb dashboard`).\n"
        "2. `leads init` writes a `leads.toml`; add your profile and `[[sources]]`, then `leads refresh`.\n"
        "3. Or load a saved file: `leads import postings.jsonl -f jsonl`.\n\n"
        "Then reload this page.")


def empty(s: data.Settings) -> None:
    st.title("jobleads")
    st.info("The database has no leads yet.")
    st.markdown(
        f"Add sources to `{s.config_path}` (`[[sources]]`) and run `leads refresh`, or import a file "
        "(`leads import FILE -f jsonl`). Leads appear here after the next run.")


def main() -> None:
    st.set_page_config(page_title="jobleads", page_icon=":briefcase:", layout="wide")
    s = data.settings()
    state = data.version(s.db)
    if state is None:
        first_run(s)
        return
    try:
        summary = data.overview(s, state)
    except Exception as exc:  # noqa: BLE001 - a damaged or foreign file: one line, not a traceback
        st.error(f"Cannot read {s.db}: {str(exc).splitlines()[0]}. Run `leads doctor` to check it.")
        return
    writer = data.refresh_running(s.db)
    if writer:
        st.warning(f"A refresh is running (pid {writer}): this page shows the state published by the last run. "
                   "Status changes made now are queued and applied as the refresh finishes.")
    waiting = data.queued_changes(s)
    if waiting:
        st.caption(f"{len(waiting)} status changes wait for the running refresh to finish.")
    if not summary["open_leads"] and summary["last_run"] is None:
        empty(s)
        return
    lead_id = st.query_params.get("lead")
    page = st.sidebar.radio("Page", list(PAGES), format_func=PAGES.get,
                            index=list(PAGES).index(st.query_params.get("page", "leads"))
                            if st.query_params.get("page") in PAGES else 0, key="page")
    if lead_id:
        views.lead_detail(s, state, lead_id)
        return
    {"leads": views.leads_page, "warm": views.warm_page, "skills": views.skills_page,
     "applications": views.applications_page, "health": views.health_page}[page](s, state, summary)


main()
