"""The scoring stage's own reading of a run's new postings, done ahead in a second process.

A run's new titles are classified (warehouse/occupations.py) and its new descriptions read for skills
(warehouse/skills.py) while this process resolves companies, merges copies and rolls leads up. An import
otherwise kept one of the machine's two cores idle (100,000 postings: 15.4 s of CPU in 14.9 s), and that
reading is pure Python: a thread would only take turns with company resolution under the GIL (tried: 0.6 s
saved at 100k, CPU time up 1.3 s). Scoring then takes what was done ahead and reads the rest itself (a lead
whose title and description come from two postings), exactly as before, so its results are the same whether
or not anything was done ahead, and whether or not the second process lived to finish.

The second process never opens the database: this one reads the titles and texts before it starts and
stores the results afterwards (warehouse/scoring.py). It is a plain `python -m warehouse.scoring_ahead`
talking pickles over its stdin and stdout, not multiprocessing, whose spawn runs the parent's main script
again in the child (a user's unguarded script would import twice).
"""
from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
from datetime import datetime
from pathlib import Path

import duckdb

from jobleads.config import Config
from warehouse.occupations import Occupation, OccupationIndex, occupation_index
from warehouse.rules import CONTENT_KEY_SQL  # read over postings: a lead's title and description are theirs
from warehouse.skills import Extraction, Taxonomy, extract, taxonomy_for
from warehouse.versions import classifier_version, extraction_version

# Below this many titles and texts the second process's start (a fresh interpreter, the labels' index) costs
# more than reading them here: a night of a few boards, the demo and the tests read them in scoring.
AHEAD_MIN_ITEMS = 2_000
# Above this many, memory counts more than seconds: the second process holds its own labels' index and the run's
# titles and texts (0.3 GiB at a million synthetic postings: 126k distinct titles, 3.6 times the 35k its leads
# keep, and as many title-only texts). A million's first import with it, alternated with it off, two runs each
# (2026-12-04): 67.8 / 75.3 s against 70.2 / 78.2 s, both processes together at most 1.91 GiB against 1.57.
# It was kept off at a million while the import alone peaked at 1.87 GiB: with it, 2.00 GiB.
AHEAD_MAX_ITEMS = 300_000
# Nor when the run is a small part of what is stored: a night folded into a large database spends its time
# in DuckDB over the stored postings (blocks, rollup), on both cores, and a second process only takes one
# away. Whole folds of 10,000 postings, helper on and off alternated, four each (docs/benchmarks.md): into a
# million (1% of the postings) 8.3 s on, 7.6 s off; into 100,000 (9%) 3.9 s on, 4.1 s off.
AHEAD_MIN_SHARE = 0.05

PACKAGE_ROOT = Path(__file__).resolve().parents[1]

Results = tuple[dict[str, Occupation | None], dict[str, Extraction]]


class ScoringAhead:
    """Started right after a run's postings are stored (they carry `last_seen = now`). `done()` hands scoring
    what the second process read; `stop()` ends it (after a failure, or once scoring has what it needs)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, config: Config, now: datetime):
        self.taxonomy: Taxonomy = taxonomy_for(config)
        self.index: OccupationIndex = occupation_index()  # its labels load only if scoring classifies any title
        self._process: subprocess.Popen | None = None
        self._results: Results | None = None
        run, stored = con.execute("SELECT count(*) FILTER (WHERE last_seen = $now), count(*) FROM postings",
                                  {"now": now}).fetchone()
        if run < AHEAD_MIN_SHARE * stored:
            return
        titles = [t for (t,) in con.execute(
            "SELECT DISTINCT title FROM postings WHERE last_seen = $now AND title IS NOT NULL "
            "EXCEPT SELECT title FROM title_occupations WHERE classifier_version = $version",
            {"now": now, "version": classifier_version()}).fetchall()]
        new_texts = (f"FROM (SELECT DISTINCT ON (k) k, title, description, company FROM (SELECT {CONTENT_KEY_SQL} AS k, "
                     f"title, description, company FROM postings WHERE last_seen = $now AND title IS NOT NULL) WHERE k NOT IN "
                     f"(SELECT content_key FROM skill_extractions WHERE taxonomy_version = $version))")
        params = {"now": now, "version": extraction_version(self.taxonomy.version)}
        # counted before any description is read into Python: a run past the bounds reads none here
        items = len(titles) + con.execute(f"SELECT count(*) {new_texts}", params).fetchone()[0]
        if not AHEAD_MIN_ITEMS <= items <= AHEAD_MAX_ITEMS:
            return
        texts = con.execute(f"SELECT * {new_texts}", params).fetchall()
        try:
            # Started where this package lives (`-m` puts the working folder first on the path: a user's own
            # `warehouse` folder there must not be imported) with this process's path.
            self._process = subprocess.Popen(
                worker_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                cwd=PACKAGE_ROOT, env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)})
        except OSError:
            return  # no process to spare: scoring reads everything itself
        # The work goes down the pipe from a thread: the new interpreter reads it only once it has started
        # (0.4 s), and a write of more than the pipe holds would keep this process waiting that long.
        self._sending = threading.Thread(target=self._send, args=(self._process, (config, titles, texts)), daemon=True)
        self._sending.start()

    @staticmethod
    def _send(process: subprocess.Popen, work: tuple) -> None:
        try:
            with process.stdin:
                pickle.dump(work, process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - gone, or the work would not pickle: scoring reads everything itself
            pass

    def done(self) -> Results:
        """(occupation per title, extraction per content key) read ahead; empty when nothing was, or when the
        second process failed (scoring then reads everything itself, with the same results)."""
        if self._results is None:
            self._results = {}, {}
            if self._process is not None:
                self._sending.join()
                try:
                    results = pickle.load(self._process.stdout)
                    if self._process.wait() == 0:
                        self._results = results
                except Exception:  # noqa: BLE001 - cut short or unreadable: scoring reads everything itself
                    pass
                self.stop()
        return self._results

    def stop(self) -> None:
        if self._process is None:
            return
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        self._sending.join()  # its write fails once the other end is gone
        self._process.stdout.close()
        self._process = None


def worker_command() -> list[str]:
    return [sys.executable, "-m", __name__]


def read_ahead(config: Config, titles: list[str], texts: list[tuple[str, str, str | None, str | None]]) -> Results:
    """Classify the titles and read the texts (key, title, description, employer) the way scoring does."""
    taxonomy, index = taxonomy_for(config), occupation_index()
    occupations = {title: index.classify(title) for title in titles}
    extractions = {key: extract(taxonomy, title, description, employer)
                   for key, title, description, employer in texts}
    return occupations, extractions


def _serve() -> None:
    """The second process: the work from stdin, the results to stdout (which nothing else may write to)."""
    results = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    work = pickle.load(sys.stdin.buffer)
    with results:
        pickle.dump(read_ahead(*work), results, protocol=pickle.HIGHEST_PROTOCOL)


if __name__ == "__main__":
    _serve()
