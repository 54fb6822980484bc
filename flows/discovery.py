"""`leads discover`: find the public job boards of the network's companies.

Three steps, so that no lock is held while hosts answer:
1. under the writer lock, briefly: which companies are due (not checked within `[discover] recheck_days`)
   and which probes are still fresh;
2. no lock: ask each company's candidate boards, companies in parallel, one request per candidate through
   the shared client (per-host gates space them: `[discover] requests_per_second` each host; a 404 is "no
   board" and never retried). A company stops at its first confirmed board;
3. under the writer lock again: save what was asked and found, in one transaction.
"""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator

from connectors.boards import BoardFacts, BoardKey, discoverable_providers, probe, token_fits
from connectors.errors import SourceError
from connectors.extract import client_settings
from connectors.http import HostPolicy, HttpClient
from connectors.replay import ReplayTransport
from jobleads.config import Config
from warehouse.company_resolver import Resolver
from warehouse.db import connect, transaction, writer_lock
from warehouse.discovery import (
    CheckOutcome, NetworkCompany, board_rows, candidate_tokens, confirm, due, matching_titles, network_companies,
    remembered_probes, save_outcomes,
)

DISCOVERY_DEADLINE = 6 * 3600.0  # the client's whole-run budget: one run may ask thousands of candidates
COMPANY_WORKERS = 16  # companies checked at once; each host's own gate caps what it receives
_RESOLVING = threading.Lock()


@dataclass
class DiscoverReport:
    boards: list[dict]  # every board found for the network (`warehouse.discovery.board_rows`)
    checked: int = 0
    skipped_recent: int = 0
    requests: int = 0
    remembered: int = 0  # candidates answered from board_probes instead of a request
    candidates: int = 0
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def per_company(self) -> float:
        return self.candidates / self.checked if self.checked else 0.0


class DiscoveryInterrupted(KeyboardInterrupt):
    """Ctrl-C during `leads discover`: what was asked until then is saved; `report` says how far it got."""

    def __init__(self, report: DiscoverReport):
        super().__init__("interrupted")
        self.report = report


class _Clients:
    """One client per provider: `[http.base_urls]` routes each connector on its own."""

    def __init__(self, config: Config, replay_dir: str | None, transport=None):
        self.config = config
        self.transport = transport or (ReplayTransport(replay_dir) if replay_dir else None)
        self.replay = replay_dir is not None
        self._clients: dict[str, HttpClient] = {}
        self._lock = threading.Lock()

    def __getitem__(self, provider: str) -> HttpClient:
        with self._lock:  # company threads ask at once: one client per provider all the same
            return self._client_for(provider)

    def _client_for(self, provider: str) -> HttpClient:
        client = self._clients.get(provider)
        if client is None:
            settings = client_settings(self.config.http.model_dump(), None, provider)
            settings.cache_dir = None  # a probe is remembered in the warehouse, not as a body on disk
            settings.source_deadline = DISCOVERY_DEADLINE
            rate = self.config.discover.requests_per_second
            settings.default_policy = HostPolicy(concurrency=self.config.discover.per_host_concurrency,
                                                 min_interval=1.0 / rate, jitter=0.2)
            settings.polite = not self.replay
            client = self._clients[provider] = HttpClient(settings, transport=self.transport)
        return client

    @property
    def requests(self) -> int:
        return sum(c.requests_sent for c in self._clients.values())

    def close(self) -> None:
        for client in self._clients.values():
            client.close()


@contextmanager
def _writing(db_path: Path, reenter: bool) -> Iterator:
    """The writer lock (`reenter`: the nightly flow already holds it) and a connection, closed on exit."""
    with writer_lock(db_path, "discover", reenter=reenter):
        con = connect(db_path)  # migrates an older file too
        try:
            yield con
        finally:
            con.close()


def discover(db_path: Path, config: Config, *, only: Iterable[str] = (), recheck: bool = False,
             replay_dir: str | None = None, transport=None, now: datetime | None = None,
             limit: int | None = None, on_company: Callable[[str], None] | None = None,
             reenter: bool = False, listed_since: datetime | None = None) -> DiscoverReport:
    """Check the network's companies that are due (all of them with `recheck`, those named in `only`); the
    report lists every board found for the network, or those first found from `listed_since` on."""
    now = now or datetime.now(timezone.utc)
    started = time.monotonic()
    recheck_days = config.discover.recheck_days
    with _writing(db_path, reenter) as con:
        companies = network_companies(con, only)
        if only and not companies:
            raise LookupError(f"no company of your network is called {' or '.join(repr(o) for o in only)} "
                              "(see `leads company list`; `leads company target NAME` adds one)")
        todo, skipped = (companies, 0) if recheck else due(con, companies, now, recheck_days)
        remembered = {} if recheck else remembered_probes(con, now, recheck_days)
        resolver = Resolver(con)
    if limit is not None:
        todo = todo[:limit]
    providers = discoverable_providers()
    clients = _Clients(config, replay_dir, transport)
    report = DiscoverReport(boards=[], skipped_recent=skipped)
    stop = threading.Event()
    interrupted = False

    def check(company: NetworkCompany) -> CheckOutcome:
        outcome = _check(company, providers, clients, remembered, resolver, config, stop)
        if on_company:
            on_company(company.name)
        return outcome

    pool = ThreadPoolExecutor(max_workers=COMPANY_WORKERS)
    futures = [pool.submit(check, company) for company in todo]
    try:
        for future in as_completed(futures):
            future.result()
    except KeyboardInterrupt:
        # Ctrl-C: companies not started are dropped, those running stop before their next request, and
        # everything asked so far is saved below, so the next run resumes where this one stopped.
        interrupted = True
        stop.set()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        clients.close()
    outcomes = [f.result() for f in futures if f.done() and not f.cancelled() and f.exception() is None]
    report.checked = len(outcomes)
    report.requests = clients.requests
    for o in outcomes:  # here, not in the threads: the occupation index loads its tables once
        o.found = [(facts, ok, why, matching_titles(facts.titles, config)) for facts, ok, why, _ in o.found]
    report.candidates = sum(o.candidates for o in outcomes)
    report.remembered = sum(o.remembered for o in outcomes)
    report.failures = [f"{o.company.name}: {o.error}" for o in outcomes if o.error]
    with _writing(db_path, reenter) as con, transaction(con):
        save_outcomes(con, outcomes, now)
        report.boards = board_rows(con, config, since=listed_since)
    report.seconds = round(time.monotonic() - started, 3)
    if interrupted:
        raise DiscoveryInterrupted(report)
    return report


def _check(company: NetworkCompany, providers: list[tuple[str, str | None]], clients: _Clients,
           remembered: dict[BoardKey, BoardFacts | None], resolver: Resolver, config: Config,
           stop: threading.Event) -> CheckOutcome:
    """Ask the company's candidates in order (each token on every provider) until one board is confirmed."""
    outcome = CheckOutcome(company=company, probes={}, candidates=0, found=[])
    for token in candidate_tokens(company.names):
        for provider, region in providers:
            if not token_fits(provider, token):
                continue
            key = BoardKey(provider, region, token)
            outcome.candidates += 1
            if key in remembered:
                facts = remembered[key]
                outcome.remembered += 1
            else:
                if stop.is_set():
                    outcome.error = "interrupted"  # not marked checked: asked again next time
                    return outcome
                try:
                    facts = probe(clients[provider], key)
                except SourceError as exc:
                    outcome.error = str(exc)  # not marked checked: asked again next time
                    return outcome
                outcome.probes[key] = facts
            if facts is None:
                continue
            with _RESOLVING:  # the resolver builds its typo index on first use
                confirmed, evidence = confirm(facts, company, resolver)
            outcome.found.append((facts, confirmed, evidence, 0))
            if confirmed:
                return outcome
    return outcome


def new_boards_tonight(db_path: Path, config: Config, replay_dir: str | None) -> list[dict]:
    """The nightly step: companies new to the network (at most `[discover] nightly_limit`) checked, and the
    confirmed boards found tonight that leads.toml does not watch yet (company and board only: no names of
    people, the digest may travel by mail)."""
    if not config.discover.nightly or not config.discover.nightly_limit:
        return []
    now = datetime.now(timezone.utc)
    report = discover(db_path, config, replay_dir=replay_dir, now=now, limit=config.discover.nightly_limit,
                      reenter=True, listed_since=now)
    return [{k: row[k] for k in ("company", "provider", "region", "token", "open_jobs", "matching")}
            for row in report.boards if row["confirmed"] and not row["watched"]]
