"""The read copy brought up to date in place when nobody reads it (warehouse/file_patch.py), written aside
and renamed over when somebody does; a reader never sees a half-written copy."""
from __future__ import annotations

import fcntl
import os
import threading
import time
from pathlib import Path

import duckdb

from warehouse import file_patch
from warehouse.db import publish_read_copy, read_copy_is_current, read_copy_path, writer
from warehouse.read_side import published_reader


def _bytes(n: int, seed: int) -> bytes:
    return bytes((i * 31 + seed) % 251 for i in range(n))


def test_a_patch_writes_only_the_pieces_that_differ_and_leaves_the_target_equal(tmp_path, monkeypatch):
    monkeypatch.setattr(file_patch, "PIECE", 4096)
    monkeypatch.setattr(file_patch, "CHUNK", 4 * 4096)
    source, target = tmp_path / "source", tmp_path / "target"
    old = bytearray(_bytes(50_000, 1))
    target.write_bytes(old)
    new = bytearray(old)
    new[5] ^= 1  # piece 0
    new[20_000] ^= 1  # piece 4 (second chunk)
    new += b"tail that grows the file"
    source.write_bytes(new)
    written = []
    real_pwrite = os.pwrite
    monkeypatch.setattr(file_patch.os, "pwrite", lambda fd, data, at: written.append(at) or real_pwrite(fd, data, at))
    inode = target.stat().st_ino
    assert file_patch.patch_in_place(source, target)
    assert target.read_bytes() == bytes(new) and target.stat().st_ino == inode
    assert written == [0, 4 * 4096, 12 * 4096]  # pieces 0 and 4 (the second chunk), and the last, short one
    source.write_bytes(bytes(new[:10_000]))  # shrinks too
    assert file_patch.patch_in_place(source, target) and target.read_bytes() == bytes(new[:10_000])


def test_no_patch_while_a_reader_holds_the_file(tmp_path):
    source, target = tmp_path / "source", tmp_path / "target"
    source.write_bytes(b"new" * 1000)
    target.write_bytes(b"old" * 1000)
    with file_patch.shared_hold(target):
        assert not file_patch.patch_in_place(source, target)
    assert target.read_bytes() == b"old" * 1000
    assert file_patch.patch_in_place(source, target) and target.read_bytes() == b"new" * 1000


def test_a_reader_waits_while_a_patch_runs(tmp_path):
    target = tmp_path / "target"
    target.write_bytes(b"x")
    fd = os.open(target, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)  # as patch_in_place holds it
    entered = []

    def read():
        with file_patch.shared_hold(target):
            entered.append(time.monotonic())

    thread = threading.Thread(target=read)
    thread.start()
    time.sleep(0.3)
    assert not entered
    released = time.monotonic()
    os.close(fd)
    thread.join(5)
    assert entered and entered[0] >= released


def _add_run(db: Path, run_id: str) -> None:
    with writer(db, "test") as con:
        con.execute("INSERT INTO runs (run_id, kind, started_at, status) VALUES (?, 'refresh', now(), 'ok')",
                    [run_id])


def _runs(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("SELECT run_id FROM runs").fetchall()}


def test_the_read_copy_is_patched_when_nobody_reads_and_replaced_when_somebody_does(tmp_path):
    db = tmp_path / "data" / "leads.duckdb"
    _add_run(db, "r1")
    copy = read_copy_path(db)
    assert read_copy_is_current(db)
    inode = copy.stat().st_ino
    _add_run(db, "r2")
    assert copy.stat().st_ino == inode and copy.read_bytes() == db.read_bytes()  # patched in place
    assert read_copy_is_current(db)
    with published_reader(db) as con:
        assert _runs(con) == {"r1", "r2"}
        _add_run(db, "r3")  # a reader has the copy open: a new copy is written aside and renamed over
        assert copy.stat().st_ino != inode and read_copy_is_current(db)
        assert _runs(con) == {"r1", "r2"}  # the open reader still reads the state it opened
    with published_reader(db) as con:
        assert _runs(con) == {"r1", "r2", "r3"}
    assert publish_read_copy(db) == copy and copy.read_bytes() == db.read_bytes()


def test_a_file_system_without_flock_gets_whole_copies_and_readers_still_read(tmp_path, monkeypatch):
    import errno
    import types

    def no_locks(fd, operation):
        raise OSError(errno.ENOLCK, "No locks available")

    # the copy's locks only: the writer lock beside the database is another matter
    monkeypatch.setattr(file_patch, "fcntl", types.SimpleNamespace(flock=no_locks, LOCK_SH=fcntl.LOCK_SH,
                                                                   LOCK_EX=fcntl.LOCK_EX, LOCK_NB=fcntl.LOCK_NB))
    source, target = tmp_path / "source", tmp_path / "target"
    source.write_bytes(b"new")
    target.write_bytes(b"old")
    assert not file_patch.patch_in_place(source, target) and target.read_bytes() == b"old"
    with file_patch.shared_hold(target) as inode:
        assert inode == target.stat().st_ino
    db = tmp_path / "data" / "leads.duckdb"
    _add_run(db, "r1")
    _add_run(db, "r2")
    with published_reader(db) as con:
        assert _runs(con) == {"r1", "r2"}


def test_a_patch_cut_short_leaves_a_copy_nobody_takes_for_current(tmp_path, monkeypatch):
    db = tmp_path / "data" / "leads.duckdb"
    _add_run(db, "r1")
    real_pwrite = os.pwrite

    def crash_after_first_piece(fd, data, at):
        real_pwrite(fd, data, at)
        raise OSError("killed mid-patch")

    monkeypatch.setattr(file_patch.os, "pwrite", crash_after_first_piece)
    try:
        _add_run(db, "r2")
    except OSError:
        pass
    monkeypatch.setattr(file_patch.os, "pwrite", real_pwrite)
    assert not read_copy_is_current(db)  # the stamp went before the first byte changed
    with published_reader(db) as con:  # the next reader publishes again, whole
        assert _runs(con) == {"r1", "r2"}
    assert read_copy_is_current(db) and read_copy_path(db).read_bytes() == db.read_bytes()


def test_a_duckdb_reader_outside_jobleads_gets_a_whole_copy_not_a_patch(tmp_path):
    """The duckdb shell or a notebook on the read copy takes no flock, only DuckDB's own lock."""
    import subprocess
    import sys

    db = tmp_path / "data" / "leads.duckdb"
    _add_run(db, "r1")
    copy = read_copy_path(db)
    outside = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; con = duckdb.connect(sys.argv[1], read_only=True); "
         "print(sorted(r[0] for r in con.execute('SELECT run_id FROM runs').fetchall()), flush=True); "
         "sys.stdin.readline(); "
         "print(sorted(r[0] for r in con.execute('SELECT run_id FROM runs').fetchall()), flush=True)", str(copy)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert outside.stdout.readline().strip() == "['r1']"
        inode = copy.stat().st_ino
        _add_run(db, "r2")
        assert copy.stat().st_ino != inode and read_copy_is_current(db)  # written aside, renamed over
        outside.stdin.write("\n")
        outside.stdin.flush()
        assert outside.stdout.readline().strip() == "['r1']"  # its file is whole and as it opened it
    finally:
        outside.kill()
        outside.wait()
    with published_reader(db) as con:
        assert _runs(con) == {"r1", "r2"}


def test_duckdb_blocks_are_compared_by_their_checksums_and_the_copy_ends_equal(tmp_path, monkeypatch):
    """Of two states of one DuckDB file, the blocks both hold are compared by the checksum each begins with: a
    write that changes a few blocks reads and writes those (and the blocks it appended), not both files whole."""
    db, copy = tmp_path / "a.duckdb", tmp_path / "copy.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE t AS SELECT range AS i, repeat('x', 50) || range AS s FROM range(300000)")
    con.close()
    copy.write_bytes(db.read_bytes())
    con = duckdb.connect(str(db))
    con.execute("UPDATE t SET s = 'changed' WHERE i < 1000")
    con.execute("INSERT INTO t SELECT range + 300000, 'new' FROM range(100000)")
    con.close()
    assert db.read_bytes() != copy.read_bytes()
    read = []
    real_pread = os.pread
    monkeypatch.setattr(file_patch.os, "pread", lambda fd, n, at: read.append(n) or real_pread(fd, n, at))
    assert file_patch.patch_in_place(db, copy, was_equal=True)
    assert copy.read_bytes() == db.read_bytes()
    whole_blocks = [n for n in read if n >= 16 * 1024]
    assert read.count(8) >= 2 and len(whole_blocks) < read.count(8) / 2  # most blocks: 8 bytes each side


def test_files_that_are_not_duckdb_are_compared_whole_even_when_said_equal_before(tmp_path):
    source, target = tmp_path / "source", tmp_path / "target"
    old = bytearray(_bytes(3 * 4096 + 40_000, 2))
    target.write_bytes(old)
    new = bytearray(old)
    new[3 * 4096 + 20_000] ^= 1  # where a DuckDB file would have a block's inside
    source.write_bytes(new)
    assert file_patch.patch_in_place(source, target, was_equal=True) and target.read_bytes() == bytes(new)
