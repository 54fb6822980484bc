"""The on-disk cache of derived tables: built once, read back by the next process, never trusted blindly."""
from __future__ import annotations

import os
import stat
import time

import pytest

from warehouse import disk_memo
from warehouse.disk_memo import CACHE_ENV, kept_on_disk


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    return folder


def counting_build(value):
    calls = []

    def build():
        calls.append(1)
        return value
    return build, calls


def test_a_table_is_built_once_and_read_back_private(cache):
    build, calls = counting_build({"a": [1, 2]})
    assert kept_on_disk("table", ["v1"], build) == {"a": [1, 2]}
    assert kept_on_disk("table", ["v1"], build) == {"a": [1, 2]}
    assert len(calls) == 1
    (stored,) = cache.glob("table-*.pickle")
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700


def test_other_inputs_make_another_file_and_the_least_used_go(cache):
    for n in range(disk_memo.KEPT_PER_NAME):
        assert kept_on_disk("table", [f"v{n}"], lambda n=n: n) == n
    assert len(list(cache.glob("table-*.pickle"))) == disk_memo.KEPT_PER_NAME
    # v0, the oldest, is used again: v1 is now the least recently used, and goes when one more is stored
    past = time.time() - 100
    for n, stored in enumerate(sorted(cache.glob("table-*.pickle"), key=lambda p: p.stat().st_mtime_ns)):
        os.utime(stored, (past + n, past + n))
    assert kept_on_disk("table", ["v0"], lambda: "rebuilt") == 0
    assert kept_on_disk("table", ["new"], lambda: "new") == "new"
    assert len(list(cache.glob("table-*.pickle"))) == disk_memo.KEPT_PER_NAME
    assert kept_on_disk("table", ["v0"], lambda: "rebuilt") == 0
    assert kept_on_disk("table", ["v1"], lambda: "rebuilt") == "rebuilt"


def test_two_tables_used_in_turn_are_both_kept(cache):
    """One command loads the skills taxonomy plain and with the user's skills: neither evicts the other."""
    builds = []
    for _ in range(3):
        kept_on_disk("table", ["plain"], lambda: builds.append("plain") or "plain")
        kept_on_disk("table", ["profile"], lambda: builds.append("profile") or "profile")
    assert builds == ["plain", "profile"]


def test_a_torn_file_is_rebuilt_and_replaced(cache):
    kept_on_disk("table", ["v1"], lambda: "good")
    (stored,) = cache.glob("table-*.pickle")
    stored.write_bytes(b"\x80\x05not a pickle")
    assert kept_on_disk("table", ["v1"], lambda: "rebuilt") == "rebuilt"
    assert kept_on_disk("table", ["v1"], lambda: "again") == "rebuilt"


def test_a_folder_others_can_write_is_never_read(cache):
    kept_on_disk("table", ["v1"], lambda: "mine")
    os.chmod(cache, 0o777)
    build, calls = counting_build("built")
    assert kept_on_disk("table", ["v1"], build) == "built"
    assert calls == [1]


def test_an_empty_setting_turns_the_cache_off(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    build, calls = counting_build(7)
    assert kept_on_disk("table", ["v1"], build) == 7 and kept_on_disk("table", ["v1"], build) == 7
    assert len(calls) == 2 and not any(tmp_path.iterdir())
    assert disk_memo.cache_folder() is None


def test_an_unwritable_place_only_costs_the_build(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(CACHE_ENV, str(blocker / "cache"))
    assert kept_on_disk("table", ["v1"], lambda: 5) == 5


def test_the_classifier_reads_titles_alike_from_the_cache(cache):
    from warehouse.occupations import OccupationIndex

    titles = ["Senior Software Engineer - Remote", "RGN - Nursing Home", "Sous Chef (m/w/d)", "Kafka Developer",
              "Head of Sustainability Initiatives", "Softwre Develper", "Plant Superintendent"]
    built = OccupationIndex()
    assert built.classify(titles[0]) and list(cache.glob("occupation-labels-*.pickle"))  # built and stored
    read_back = OccupationIndex()  # as another process: reads the file
    assert read_back._labels is not built._labels
    assert [read_back.classify(t) for t in titles] == [built.classify(t) for t in titles]
    fresh = OccupationIndex()
    fresh.__dict__["_labels"] = fresh._index_labels()  # no cache at all
    assert [fresh.classify(t) for t in titles] == [built.classify(t) for t in titles]
