"""The SQLite spool: a durable store in one local file (stdlib `sqlite3`, WAL mode).

Two tables. `messages` holds what was accepted and not settled, each row owned by the engine
that delivers it; `owners` holds each live engine's lease (host, pid, expiry). An engine whose
lease expired, or whose process is gone (same host, pid not running), is dead: `claim()` moves
its messages to the caller. Several processes on one host may share a spool file; each delivers
its own messages and takes over the dead ones', so a message is delivered twice only if it was
in flight when its owner died.

`synchronous=NORMAL` in WAL mode: a committed transaction survives the process being killed
(kill -9, OOM); only an operating-system crash or power loss can lose the last ones.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
import urllib.parse
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from ._store import LIVE_OWNERS, StoredMessage, StoreError

# Seconds to wait for another process's write lock before giving up (at open: a clear error).
_BUSY_TIMEOUT: Final = 5.0
_OPEN_TIMEOUT: Final = 2.0
_SCHEMA_VERSION: Final = "1"
# On this host, an owner whose pid still runs is alive until its lease has been expired this many
# times over (then its pid was reused by another process).
_PID_REUSE_LEASES: Final = 10

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS trackapis_spool (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL,
    owner TEXT NOT NULL,
    data BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_by_owner ON messages (owner, id);
CREATE TABLE IF NOT EXISTS owners (
    owner TEXT PRIMARY KEY,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    expires REAL NOT NULL
);
"""


def _pid_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


class SQLiteStore:
    """A spool file shared by the engines (and processes) that name it.

    Args:
        path: The spool file; created (with its directory's permission) when missing.
    """

    delivers_locally = True

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.description = f"the spool {str(self.path)!r}"
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._pid = os.getpid()
        self._host = os.uname().nodename

    @classmethod
    def from_url(cls, url: str) -> SQLiteStore:
        """`sqlite:///relative/or/absolute/path.db` (`sqlite:////abs/path.db` also works)."""
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme != "sqlite" or parsed.netloc or not parsed.path.strip("/"):
            raise ValueError(f"store must look like 'sqlite:///path/to/spool.db', not {url!r}")
        # As in SQLAlchemy: sqlite:///spool.db is relative to the working directory,
        # sqlite:////var/lib/app/spool.db absolute.
        return cls(urllib.parse.unquote(parsed.path)[1:])

    def __repr__(self) -> str:
        return f"<SQLiteStore {str(self.path)!r}>"

    # -- connection ------------------------------------------------------------------------------

    def _locked(self) -> threading.Lock:
        # A forked child may inherit the lock held by its parent's writer: it takes a new one
        # (and a new connection, in _db()).
        if self._pid != os.getpid():
            self._pid = os.getpid()
            self._lock = threading.Lock()
            self._connection = None
        return self._lock

    def _db(self) -> sqlite3.Connection:
        if self._connection is None or self._pid != os.getpid():
            # A forked child never uses its parent's connection (SQLite forbids it).
            self._pid = os.getpid()
            self._connection = self._connect(_BUSY_TIMEOUT)
        return self._connection

    def _connect(self, timeout: float) -> sqlite3.Connection:
        try:
            connection = sqlite3.connect(
                self.path, timeout=timeout, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as error:
            raise StoreError(f"cannot open {self.description}: {error}") from error
        return connection

    def open(self, owner: str, lease: float) -> None:
        try:
            if not self.path.parent.exists():
                raise StoreError(
                    f"cannot open {self.description}: the directory {str(self.path.parent)!r} does not exist"
                )
            with self._locked():
                connection = self._connect(_OPEN_TIMEOUT)
                try:
                    mode = connection.execute("PRAGMA journal_mode=WAL").fetchone()[0]
                    if str(mode).lower() != "wal":
                        raise StoreError(f"{self.description} cannot use WAL mode (journal mode {mode!r})")
                    connection.execute("PRAGMA synchronous=NORMAL")
                    connection.executescript(_SCHEMA)
                    self._check_schema(connection)
                    connection.execute("BEGIN IMMEDIATE")
                    connection.execute(
                        "INSERT OR REPLACE INTO owners (owner, host, pid, expires) VALUES (?, ?, ?, ?)",
                        (owner, self._host, os.getpid(), time.time() + lease),
                    )
                    connection.execute("COMMIT")
                except BaseException:
                    connection.close()
                    raise
                connection.execute(f"PRAGMA busy_timeout={int(_BUSY_TIMEOUT * 1000)}")
                self._connection, self._pid = connection, os.getpid()
        except StoreError:
            raise
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                raise StoreError(
                    f"{self.description} is locked by another process (it held the lock for more than "
                    f"{_OPEN_TIMEOUT:g} s): {error}"
                ) from error
            raise StoreError(f"cannot use {self.description}: {error}") from error
        except sqlite3.DatabaseError as error:
            raise StoreError(
                f"{self.description} is not a usable SQLite spool (corrupt, or another kind of file): "
                f"{error}; move it away to start a new spool"
            ) from error

    def _check_schema(self, connection: sqlite3.Connection) -> None:
        row = connection.execute("SELECT value FROM trackapis_spool WHERE name = 'version'").fetchone()
        if row is None:
            connection.execute(
                "INSERT OR IGNORE INTO trackapis_spool (name, value) VALUES ('version', ?)",
                (_SCHEMA_VERSION,),
            )
        elif row[0] != _SCHEMA_VERSION:
            raise StoreError(
                f"{self.description} has spool format {row[0]!r}; this version reads {_SCHEMA_VERSION!r}"
            )
        columns = {info[1] for info in connection.execute("PRAGMA table_info(messages)")}
        if not {"id", "key", "owner", "data"} <= columns:
            raise StoreError(f"{self.description} has a table 'messages' that is not a trackapis spool's")

    # -- the engine's calls ----------------------------------------------------------------------

    def write(self, owner: str, added: Sequence[tuple[str, bytes]], removed: Sequence[int]) -> list[int]:
        with self._locked():
            db = self._db()
            db.execute("BEGIN IMMEDIATE")
            try:
                ids: list[int] = []
                if added:
                    # AUTOINCREMENT: ids only grow (never reused), so they order messages across restarts.
                    row = db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'messages'").fetchone()
                    last = max(
                        row[0] if row else 0,
                        db.execute("SELECT COALESCE(MAX(id), 0) FROM messages").fetchone()[0],
                    )
                    ids = list(range(last + 1, last + 1 + len(added)))
                    db.executemany(
                        "INSERT INTO messages (id, key, owner, data) VALUES (?, ?, ?, ?)",
                        [(id_, key, owner, data) for id_, (key, data) in zip(ids, added, strict=True)],
                    )
                if removed:
                    db.executemany("DELETE FROM messages WHERE id = ?", [(id_,) for id_ in removed])
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            return ids

    def renew(self, owner: str, lease: float) -> None:
        with self._locked():
            db = self._db()
            db.execute(
                "INSERT INTO owners (owner, host, pid, expires) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (owner) DO UPDATE SET expires = excluded.expires",
                (owner, self._host, os.getpid(), time.time() + lease),
            )

    def claim(self, owner: str, lease: float, limit: int) -> list[StoredMessage]:
        with self._locked():
            db = self._db()
            db.execute("BEGIN IMMEDIATE")
            try:
                now, me = time.time(), os.getpid()
                live: list[str] = []
                dead: list[str] = []
                for row in db.execute("SELECT owner, host, pid, expires FROM owners"):
                    gone = row[0] != owner and self._gone(*row, stale_before=now - _PID_REUSE_LEASES * lease)
                    (dead if gone else live).append(row[0])
                if owner not in live:
                    live.append(owner)
                db.executemany("DELETE FROM owners WHERE owner = ?", [(name,) for name in dead])
                marks = ",".join("?" * len(live))
                rows = db.execute(
                    f"SELECT id, key, data FROM messages WHERE owner NOT IN ({marks}) ORDER BY id LIMIT ?",
                    (*live, limit),
                ).fetchall()
                if rows:
                    db.executemany(
                        "UPDATE messages SET owner = ? WHERE id = ?", [(owner, row[0]) for row in rows]
                    )
                db.execute(
                    "INSERT INTO owners (owner, host, pid, expires) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (owner) DO UPDATE SET expires = excluded.expires",
                    (owner, self._host, me, now + lease),
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return [StoredMessage(id_, key, bytes(data)) for id_, key, data in rows]

    def _gone(self, name: str, host: str, pid: int, expires: float, *, stale_before: float) -> bool:
        """Whether an owner is dead: its messages may be taken over."""
        if host != self._host:
            return expires < time.time()  # another host: only the lease can tell
        if pid == os.getpid():
            return name not in LIVE_OWNERS  # this process, a previous incarnation (same pid)
        if not _pid_running(pid):
            return True
        # Its pid runs: a live owner whose writer was starved past its lease is still alive; only
        # a lease expired long ago means the pid was reused by another process.
        return expires < stale_before

    def count(self) -> int:
        with self._locked():
            return int(self._db().execute("SELECT COUNT(*) FROM messages").fetchone()[0])

    def release(self, owner: str) -> None:
        with self._locked():
            self._db().execute("DELETE FROM owners WHERE owner = ?", (owner,))

    def close(self) -> None:
        with self._locked():
            if self._connection is not None and self._pid == os.getpid():
                self._connection.close()
            self._connection = None
