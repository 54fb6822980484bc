"""What the dashboard reads, through the core's read side only (no SQL here), cached per published state.

Every read opens the read copy (`warehouse.db.readable_path`), so the page keeps showing the last
published state while a refresh writes. A result is cached under the copy's version (its stamp), so a
rerun of the page (every click in Streamlit) costs no database open until a writer publishes again.
"""
from __future__ import annotations

import dataclasses
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import streamlit as st

from jobleads.config import Config, load_config, resolve_config_path
from warehouse.db import readable_path, resolve_db_path, writer_active


@dataclasses.dataclass(frozen=True)
class Settings:
    db: Path
    config_path: Path

    @property
    def config(self) -> Config:
        return _config(str(self.config_path), _mtime(self.config_path))


def settings() -> Settings:
    """The database and config `leads dashboard` was started with ($LEADS_DB, $LEADS_CONFIG)."""
    return Settings(resolve_db_path(None), resolve_config_path(None))


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


@st.cache_resource(show_spinner=False, max_entries=4)
def _config(path: str, _version: int) -> Config:
    return load_config(Path(path), required=False)


def version(db: Path) -> str | None:
    """The published state the page shows: None when there is no database yet."""
    if not db.exists():
        return None
    path = readable_path(db)
    try:
        st_ = path.stat()
    except OSError:
        return None
    return f"{path}:{st_.st_mtime_ns}:{st_.st_size}"


def refresh_running(db: Path) -> int | None:
    return writer_active(db)


def _reader(s: Settings):
    from warehouse.read_side import fresh_reader

    return fresh_reader(s.db, s.config, rescore=s.config_path.exists())


def _call(s: Settings, read) -> Any:
    with _reader(s) as con:
        return read(con)


@st.cache_data(show_spinner=False, max_entries=64)
def overview(_s: Settings, state: str) -> dict:
    from warehouse.queries import last_run_started
    from warehouse.runs import list_runs

    def read(con):
        counts = list_runs(con, 1)
        return {"last_run": counts[0] if counts else None, "new_since": last_run_started(con),
                "open_leads": counts[0]["open_leads"] if counts else 0}
    return _call(_s, read)


@st.cache_data(show_spinner=False, max_entries=128)
def lead_table(_s: Settings, state: str, flt: dict) -> tuple[list[dict], int]:
    from warehouse.queries import LeadFilter, lead_table as query

    return _call(_s, lambda con: query(con, LeadFilter(**flt)))


@st.cache_data(show_spinner=False, max_entries=64)
def lead(_s: Settings, state: str, lead_id: str) -> dict | None:
    from warehouse import network, statuses
    from warehouse.queries import lead_detail

    def read(con):
        try:
            found_id = statuses.resolve_lead(con, lead_id)
        except statuses.StatusError:
            return None
        found = lead_detail(con, found_id)
        if found is None:
            return None
        found["history"] = statuses.history(con, found_id)
        ask = [c for c in network.warm_companies(con) if c["company"] == found["company"]]
        found["suggested_ask"] = ask[0]["suggested_ask"] if ask else None
        return found
    return _call(_s, read)


@st.cache_data(show_spinner=False, max_entries=16)
def warm(_s: Settings, state: str) -> tuple[list[dict], list[dict]]:
    from warehouse import network

    days = _s.config.network.reconnect_days
    threshold = _s.config.network.reconnect_min_score
    return _call(_s, lambda con: (network.warm_companies(con),
                                  network.reconnect(con, days, threshold, datetime.now(timezone.utc))))


@st.cache_data(show_spinner=False, max_entries=16)
def hidden(_s: Settings, state: str) -> list[dict]:
    from warehouse.outreach import hidden_openings

    return _call(_s, lambda con: hidden_openings(con, _s.config))


@st.cache_data(show_spinner=False, max_entries=16)
def boards(_s: Settings, state: str) -> list[dict]:
    """Confirmed job boards of the network's companies that leads.toml does not watch yet."""
    import duckdb

    from warehouse.discovery import board_rows

    def read(con):
        try:
            return [b for b in board_rows(con, _s.config) if b["confirmed"] and not b["watched"]]
        except duckdb.CatalogException:  # a file no `leads discover`-era writer has migrated yet
            return []
    return _call(_s, read)


@st.cache_data(show_spinner=False, max_entries=16)
def followups(_s: Settings, state: str) -> list[dict]:
    from warehouse.outreach import followups as due

    days = _s.config.network.followup_days
    return _call(_s, lambda con: due(con, days, datetime.now(timezone.utc)))


@st.cache_data(show_spinner=False, max_entries=16)
def gaps_and_pay(_s: Settings, state: str) -> dict:
    from warehouse import gaps, market

    config = _s.config

    def read(con):
        return {"gaps": gaps.skill_gaps(con, config, limit=20),
                "essential": market.essential_gaps(config),
                "pay": market.pay_distribution(con, config, list(config.profile.titles), points=True)}
    return _call(_s, read)


@st.cache_data(show_spinner=False, max_entries=16)
def health(_s: Settings, state: str) -> dict:
    from warehouse.runs import last_source_runs, list_runs, quarantined, run_detail

    def read(con):
        runs = list_runs(con, 15)
        latest, last_ok = last_source_runs(con)
        sources = [{**row, "last_ok_at": last_ok.get(key)} for key, row in latest.items()]
        detail = run_detail(con, runs[0]["run_id"]) if runs else None
        return {"runs": runs, "sources": sources, "latest": detail, "quarantined": quarantined(con)}
    return _call(_s, read)


@st.cache_data(show_spinner=False, max_entries=16)
def applications(_s: Settings, state: str) -> list[dict]:
    from warehouse import statuses

    return _call(_s, lambda con: statuses.pipeline(con))


def queued_changes(s: Settings) -> list[dict]:
    from warehouse import statuses

    return statuses.queued(s.db)


def next_scheduled_run(s: Settings) -> datetime | None:
    from flows.schedule import ScheduleError, check_timezone, next_run, parse_cron

    try:
        schedule = s.config.schedule
        return next_run(parse_cron(schedule.cron), datetime.now(timezone.utc), check_timezone(schedule.timezone))
    except ScheduleError:
        return None
