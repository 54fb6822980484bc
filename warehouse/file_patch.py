"""Bringing the read copy up to date by writing only what changed, when nobody is reading it.

A write of 10,000 postings into a million changes 144 of the database's 2,185 blocks of 256 KiB (38 MB);
copying the whole 570 MB file for readers took 0.2-5.5 s on the same machine from one minute to the next
(the kernel's write-back of half a gigabyte of fresh pages), often more than the write itself.

The two sides of the protocol, both on the copy file itself with flock(2): a reader holds a shared lock
for as long as its connection is open (`shared_hold`); a writer patches only under an exclusive lock it
gets at once (`patch_in_place`), and otherwise writes a whole new copy aside and renames it over, as
before, so an open reader keeps the file it opened. The writer also needs DuckDB's own POSIX lock free, so
a DuckDB connection opened on the copy by anything else (the duckdb shell, a notebook) gets a whole copy too. A reader that arrives during a patch waits for it
(a second or less) and then reads the patched file.
"""
from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

PIECE = 256 * 1024  # compared and written as a unit (DuckDB's block size; any size would be correct)
CHUNK = 64 * PIECE  # read at a time from each file


@contextmanager
def shared_hold(path: Path) -> Iterator[int]:
    """A shared lock on `path` for the time of the block (waits while a patch runs); yields the inode locked."""
    fd = os.open(path, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)
        except OSError:
            pass  # a file system without flock: no writer can take it either, so none patches (see below)
        yield os.fstat(fd).st_ino
    finally:
        os.close(fd)  # lets go of the lock


def patch_in_place(source: Path, target: Path, before=lambda: None, was_equal: bool = False) -> bool:
    """Make `target` byte for byte `source`, writing only the pieces that differ, and sync it. False, with
    nothing done, when `target` is missing or a reader holds it. `before()` runs once the lock is held and
    before the first byte changes (the caller marks the copy stale there). `was_equal`: `target` is known to be
    a state of a database `source` was in, written whole and synced (`_duckdb_blocks`)."""
    try:
        fd = os.open(target, os.O_RDWR)
    except OSError:
        return False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # a reader holds it, or the file system has no flock: a whole copy instead
            return False
        try:
            # DuckDB's own lock (a POSIX read lock while a connection is open): a reader outside jobleads,
            # the duckdb shell or a notebook on the copy, holds no flock but this one
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        before()
        size = source.stat().st_size
        with source.open("rb", buffering=0) as src:
            offset = _duckdb_blocks(src.fileno(), fd, size) if was_equal else 0
            os.ftruncate(fd, size)
            theirs, ours = bytearray(CHUNK), bytearray(CHUNK)
            while offset < size:
                want = min(CHUNK, size - offset)
                _read_exactly(src.fileno(), theirs, want, offset)
                _read_exactly(fd, ours, want, offset)
                for piece in _differing(theirs, ours, want):
                    start, end = piece * PIECE, min((piece + 1) * PIECE, want)
                    os.pwrite(fd, memoryview(theirs)[start:end], offset + start)
                offset += want
        os.fsync(fd)
        return True
    finally:
        os.close(fd)


# DuckDB's file: three headers of 4 KiB (the second and third name the block size), then blocks, each starting with
# the checksum of its contents (DuckDB writes a block whole, with its checksum, and never changes it otherwise). Of
# two states of one database file, a block whose checksum is the same holds the same bytes, so the blocks both
# files have are compared by their first 8 bytes: a nightly fold changes a handful of a million leads' 2,000 blocks
# and appends the rest, and reading both files whole to find them was most of publishing the copy (0.2 of 0.3 s).
DUCKDB_HEADERS = 3 * 4096
DUCKDB_MAGIC = b"DUCK"


def _duckdb_blocks(source: int, target: int, size: int) -> int:
    """Bring the headers and the blocks both files hold up to date by their checksums; the offset from which
    the rest is to be compared whole (0 when these are not two DuckDB files of one block size)."""
    theirs, ours = os.pread(source, DUCKDB_HEADERS, 0), os.pread(target, DUCKDB_HEADERS, 0)
    if len(theirs) < DUCKDB_HEADERS or len(ours) < DUCKDB_HEADERS or theirs[8:12] != DUCKDB_MAGIC:
        return 0
    block_sizes = {int.from_bytes(h[offset + 40:offset + 48], "little")
                   for h in (theirs, ours) for offset in (4096, 8192)}
    block = block_sizes.pop() if len(block_sizes) == 1 else 0
    if block < 16 * 1024 or block % 4096:
        return 0
    common = max((min(size, os.fstat(target).st_size) - DUCKDB_HEADERS) // block, 0)  # blocks both files hold
    for k in range(common):
        at = DUCKDB_HEADERS + k * block
        if os.pread(source, 8, at) != os.pread(target, 8, at):
            data = os.pread(source, block, at)
            os.pwrite(target, data, at)
    if theirs != ours:
        os.pwrite(target, theirs, 0)
    return DUCKDB_HEADERS + common * block


def _read_exactly(fd: int, buffer: bytearray, size: int, offset: int) -> None:
    view, done = memoryview(buffer), 0
    while done < size:
        got = os.preadv(fd, [view[done:size]], offset + done)
        if got == 0:
            raise OSError(f"short read at byte {offset + done}")
        done += got


def _differing(theirs: bytearray, ours: bytearray, size: int) -> list[int]:
    """The indexes of the pieces of the first `size` bytes that differ."""
    import numpy as np  # only writers patch: every reader imports this module, and numpy costs 70 ms

    whole = size // PIECE * PIECE
    a = np.frombuffer(theirs, dtype=np.uint64, count=whole // 8).reshape(-1, PIECE // 8)
    b = np.frombuffer(ours, dtype=np.uint64, count=whole // 8).reshape(-1, PIECE // 8)
    pieces = np.flatnonzero((a != b).any(axis=1)).tolist()
    if size > whole and theirs[whole:size] != ours[whole:size]:
        pieces.append(whole // PIECE)
    return pieces
