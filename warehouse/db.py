"""The DuckDB file: opening it, migrating it, and making sure only one writer holds it."""
from __future__ import annotations

import fcntl
import os
import re
import shutil
import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Iterator

import duckdb

from warehouse.file_patch import patch_in_place
from warehouse.rules import render

DEFAULT_DB = Path("data/leads.duckdb")
_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


class WarehouseBusy(Exception):
    """Another process is writing the database; the message says which."""


class WarehouseError(Exception):
    """The database cannot be opened or is not a jobleads database."""


def storage_problem(exc: BaseException, db_path: str | Path) -> str | None:
    """One line for an error of the database file or the disk under it (ENOSPC, a damaged or cut file), or
    None when the error is something else."""
    import errno

    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if (isinstance(exc, OSError) and exc.errno == errno.ENOSPC) or "No space left on device" in str(exc):
        return (f"{db_path}: no space left on device (ENOSPC); nothing was changed: free some space and run the "
                "command again")
    if isinstance(exc, duckdb.Error) and not isinstance(exc, (duckdb.ParserException, duckdb.BinderException,
                                                               duckdb.CatalogException)):
        return (f"{db_path}: the database file cannot be read or written ({text}); run `leads doctor`, or "
                "restore it from a backup")
    return None


def resolve_db_path(explicit: str | Path | None) -> Path:
    return Path(explicit or os.environ.get("LEADS_DB") or DEFAULT_DB)


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every migration shipped, in order."""
    folder = resources.files("warehouse") / "migrations"
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [v for v, _, _ in found]
    if len(versions) != len(set(versions)):
        raise WarehouseError(f"two migrations share a number: {versions}")
    return found


def view_scripts() -> list[tuple[str, str]]:
    folder = resources.files("warehouse") / "sql" / "views"
    return sorted((e.name, render(e.read_text(encoding="utf-8"))) for e in folder.iterdir() if e.name.endswith(".sql"))


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """The one transaction helper: commit when the block ends, roll back on any failure (or a stop)."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        try:
            con.execute("ROLLBACK")
        except duckdb.Error:
            pass  # DuckDB already ended it (a full disk, a damaged file): the real cause is what propagates
        raise
    con.execute("COMMIT")


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply the migrations the file has not seen, each in its own transaction; return the version."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMPTZ)"
    )
    applied = {row[0] for row in con.execute("SELECT version FROM schema_version").fetchall()}
    current = max(applied, default=0)
    for version, name, sql in migrations():
        if version in applied:
            continue
        with transaction(con):
            con.execute(sql)
            con.execute(
                "INSERT INTO schema_version VALUES (?, ?, ?)", [version, name, datetime.now(timezone.utc)]
            )
        current = version
    for _name, sql in view_scripts():
        con.execute(sql)
    return current


# The tables written a row per posting or lead, with the column that names a row. They carry no PRIMARY
# KEY (migration 011: DuckDB rewrites a key's index at every commit); the code keeps these unique.
ROW_KEYS = {"postings": "posting_uid", "leads": "lead_id", "lead_sources": "posting_uid", "lead_scores": "lead_id"}


def duplicate_keys(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Per table of ROW_KEYS, how many of its keys name more than one row (none, where all is well)."""
    found = {}
    for table, key in ROW_KEYS.items():
        count = con.execute(
            f"SELECT count(*) FROM (SELECT {key} FROM {table} GROUP BY {key} HAVING count(*) > 1)").fetchone()[0]
        if count:
            found[table] = count
    return found


def connect(path: str | Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the database; writers migrate it. Read-only opens need an existing, migrated file."""
    path = Path(path)
    if path.is_dir():
        raise WarehouseError(f"{path}: is a folder, not a database file (give --db a file such as data/leads.duckdb)")
    if read_only:
        if not path.exists():
            raise WarehouseError(f"{path}: no database yet (run `leads demo`, `leads import` or `leads refresh`)")
        try:
            con = duckdb.connect(str(path), read_only=True)
        except duckdb.IOException as exc:
            raise _busy_or_error(path, exc) from None
        _settle(con)
        return con
    _prepare_private_dir(path)
    new_file = not path.exists()
    try:
        con = duckdb.connect(str(path))
    except duckdb.IOException as exc:
        raise _busy_or_error(path, exc) from None
    if new_file:
        _make_private(path)
    _settle(con)
    migrate(con)
    return con


# DuckDB's buffer manager takes up to 80% of the machine's memory by default and keeps what it read: a million
# postings then cost 5.6 GiB. Capped, it spills to `<db>.tmp` beside the database (private like it) instead.
MEMORY_LIMIT_ENV = "LEADS_DUCKDB_MEMORY"
DEFAULT_MEMORY_LIMIT = "1GB"


def _settle(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("SET TimeZone = 'UTC'")
    # DuckDB draws its own progress bar on stdout for a statement past two seconds (a migration rebuilding a
    # large table, a rescore of every lead): in the middle of a command's output, or of its JSON.
    con.execute("SET enable_progress_bar = false")
    limit = os.environ.get(MEMORY_LIMIT_ENV) or DEFAULT_MEMORY_LIMIT
    if not re.fullmatch(r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", limit.strip(), re.IGNORECASE):
        raise WarehouseError(f"${MEMORY_LIMIT_ENV} = '{limit}': give a size such as 1GB or 512MB")
    con.execute(f"SET memory_limit = '{limit.strip()}'")


def schema_is_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether a database has every shipped migration (a read-only connection cannot apply them)."""
    latest = max(version for version, _, _ in migrations())
    has_versions = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'").fetchone()[0]
    current = con.execute("SELECT max(version) FROM schema_version").fetchone()[0] if has_versions else None
    return current is not None and current >= latest


def upgrade(path: str | Path) -> None:
    """Bring a database made by an older jobleads up to the shipped schema: a brief writer open migrates it."""
    with writer(path, "upgrade"):
        pass


def _busy_or_error(path: Path, exc: Exception) -> Exception:
    text = str(exc)
    if "lock" in text.lower():
        holder = read_lock_holder(path)
        who = f" (pid {holder})" if holder else ""
        return WarehouseBusy(f"{path}: another process is writing the database{who}; try again when it finishes")
    return WarehouseError(f"{path}: cannot open: {text.splitlines()[0]}")


def _prepare_private_dir(path: Path) -> None:
    if not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)


def _make_private(path: Path) -> None:
    # Contacts live here: readable by the user only.
    for candidate in (path, path.with_name(path.name + ".wal")):
        if candidate.exists():
            os.chmod(candidate, 0o600)


def lock_path(db_path: Path) -> Path:
    return Path(str(db_path) + ".lock")


def read_lock_holder(db_path: Path) -> int | None:
    try:
        text = lock_path(db_path).read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


# Locks this process holds, by lock file, with how many nested holders: the CLI takes the lock before
# Prefect starts and the flow takes it again inside, which must not refuse its own process.
_HELD: dict[str, int] = {}
_HELD_GUARD = threading.Lock()


@contextmanager
def writer_lock(db_path: str | Path, what: str = "refresh", reenter: bool = False) -> Iterator[None]:
    """Hold the single-writer lock. flock dies with its process, so a killed run's lock is free again.

    Any second holder is refused at once with WarehouseBusy, except, with `reenter`, a nested holder
    in the process that already holds it (the flow, inside the CLI that locked before starting Prefect).
    """
    db_path = Path(db_path)
    key = str(lock_path(db_path).resolve())
    with _HELD_GUARD:
        nested = reenter and _HELD.get(key, 0) > 0
        if nested:
            _HELD[key] += 1
    if nested:
        try:
            yield
        finally:
            with _HELD_GUARD:
                _HELD[key] -= 1
        return
    with _exclusive_lock(db_path, what):
        with _HELD_GUARD:
            _HELD[key] = 1
        try:
            yield
            _after_writing(db_path)
        finally:
            with _HELD_GUARD:
                _HELD.pop(key, None)


def _after_writing(db_path: Path) -> None:
    """As the writer lets go (its connections closed): the statuses queued while it wrote are applied,
    then the read copy is published for readers."""
    from warehouse import statuses

    if not db_path.exists():
        return
    if statuses.queued(db_path):
        con = connect(db_path)
        try:
            with transaction(con):
                statuses.apply_queued(con, db_path)
        finally:
            con.close()
        statuses.clear_queue(db_path)
    publish_read_copy(db_path)


# --- the read copy: what readers see, also while a refresh writes ----------------------------------------
# DuckDB lets no other process open a file that one process writes, not even to read. So every writer,
# as it lets go, copies the database to `<name>.read.duckdb` (written aside, then renamed over the old
# copy), with a stamp of the main file it copied; readers open the copy. While a refresh holds the main
# file for minutes, `leads top`, the dashboard and the MCP server keep reading the last published state,
# and a reader never holds the main file open to block the next refresh.

def read_copy_path(db_path: str | Path) -> Path:
    path = Path(db_path)
    return path.with_name(f"{path.stem}.read{path.suffix or '.duckdb'}")


def _stamp_path(db_path: str | Path) -> Path:
    copy = read_copy_path(db_path)
    return copy.with_name(copy.name + ".stamp")


def _identity(path: Path) -> str:
    st = path.stat()
    return f"{st.st_mtime_ns}:{st.st_size}"


def publish_read_copy(db_path: str | Path) -> Path | None:
    """Copy the database for readers. Call holding the writer lock, with every connection to it closed.
    Nothing is published while this process still holds a connection (its changes may not all be in the
    file yet): the next reader publishes instead."""
    main = Path(db_path)
    if Path(str(main) + ".wal").exists():  # a change not yet in the file itself: fold it in first
        try:
            duckdb.connect(str(main)).close()
        except duckdb.Error:
            return None
        if Path(str(main) + ".wal").exists():
            return None
    copy, stamp = read_copy_path(main), _stamp_path(main)
    identity = _identity(main)
    # Only what changed is written when no reader has the copy open (warehouse/file_patch.py); the stamp goes
    # first, so a patch cut short leaves a copy nobody takes for current. Else a whole copy is written aside.
    # A stamp left by the last publish says that copy was written whole and synced: its DuckDB blocks can then
    # be compared by their checksums (a copy a patch cut short is compared byte for byte).
    if not patch_in_place(main, copy, before=lambda: stamp.unlink(missing_ok=True), was_equal=stamp.exists()):
        _write_aside(copy, lambda out: _copy_into(main, out))
    _write_aside(stamp, lambda out: out.write(identity.encode()))
    return copy


def _write_aside(target: Path, write) -> None:
    """`write(file)` into a new file beside `target`, synced, then renamed over it: a reader that has the old
    file open keeps it whole."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # contacts are in it
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _copy_into(main: Path, out) -> None:
    """The copy in the kernel where it can (copy_file_range: no trip through Python's buffers, and a reflink on
    file systems that share blocks), else through a 16 MiB buffer."""
    with main.open("rb") as source:
        if hasattr(os, "copy_file_range"):
            try:
                left = os.fstat(source.fileno()).st_size
                while left > 0:
                    copied = os.copy_file_range(source.fileno(), out.fileno(), min(left, 1 << 30))
                    if copied == 0:
                        break
                    left -= copied
                if left <= 0:
                    return
            except OSError:
                pass  # another file system, or a kernel without it: start over the plain way
            source.seek(0)
            out.seek(0)
            out.truncate()
        shutil.copyfileobj(source, out, 16 << 20)


def read_copy_is_current(db_path: str | Path) -> bool:
    main, stamp = Path(db_path), _stamp_path(db_path)
    try:
        return read_copy_path(main).exists() and stamp.read_text().strip() == _identity(main)
    except OSError:
        return False


def readable_path(db_path: str | Path) -> Path:
    """The file a reader opens: the read copy when it is the main file's latest state; otherwise a new copy
    is published first, unless a writer holds the database: then the last copy (a refresh is running)."""
    from warehouse.statuses import queued

    main = Path(db_path)
    if not main.is_file():
        return main  # missing, or a folder: `connect` says so in one line
    if read_copy_is_current(main) and not queued(main):
        return read_copy_path(main)
    # a stale copy, or status changes left queued by a refresh that was killed: the writer's exit does both
    try:
        with writer_lock(main, "read copy"):
            pass  # letting go publishes the copy
    except WarehouseBusy:
        return read_copy_path(main) if read_copy_path(main).exists() else main
    except OSError:
        return main  # no room for a copy: read the file itself
    return read_copy_path(main) if read_copy_is_current(main) else main


def writer_active(db_path: str | Path) -> int | None:
    """The pid of the process writing the database now, or None."""
    path = lock_path(Path(db_path))
    if not path.exists():
        return None
    with path.open("r") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return read_lock_holder(Path(db_path)) or -1
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    return None


@contextmanager
def _exclusive_lock(db_path: Path, what: str) -> Iterator[None]:
    _prepare_private_dir(db_path)
    path = lock_path(db_path)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)  # the pid inside is nobody else's business
    handle = os.fdopen(fd, "r+")
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = read_lock_holder(db_path)
        handle.close()
        who = f" (pid {holder})" if holder else ""
        raise WarehouseBusy(f"another {what} is running{who}") from None
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.seek(0)
        handle.truncate()
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        handle.close()


@contextmanager
def writer(db_path: str | Path, what: str = "refresh") -> Iterator[duckdb.DuckDBPyConnection]:
    """The single writer: lock, open, migrate; closed on exit."""
    from warehouse.staging import skip_pandas_probe  # pyarrow: not every reader needs it

    skip_pandas_probe()
    with writer_lock(db_path, what):
        con = connect(db_path)
        try:
            yield con
        finally:
            con.close()


@contextmanager
def reader(db_path: str | Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect(db_path, read_only=True)
    try:
        yield con
    finally:
        con.close()
