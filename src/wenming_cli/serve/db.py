"""The intake desk's own records: ``DATA/.wenming/server.sqlite3`` (DESIGN.md §10).

Tables:
  accounts       one login per 填报单位 and one for 县中心: name, kind, salt, scrypt hash, generation
                 (raised by ``--reset``, which ends the sessions of the old code)
  events         every login (also failed), upload, refusal, confirmation: time (server clock,
                 ISO seconds), unit, action, file name (redacted), size, sha256, result counts
  results        the last validation of each unit (the JSON the unit's page and API show), with
                 the upload sequence it belongs to
  confirmations  each 确认报送: time, the files' hashes (JSON), on time or not

WAL mode: the pages read while an upload writes. Every call opens its own short connection, so
the store is safe from the server's threads; SQLite serialises the writers.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

STATE_DIR = ".wenming"
"""The server's folder inside the data folder (hidden; the CLI never reads it)."""
DB_NAME = "server.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
  name TEXT PRIMARY KEY, kind TEXT NOT NULL, salt BLOB NOT NULL, hash BLOB NOT NULL,
  generation INTEGER NOT NULL DEFAULT 1, created TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY AUTOINCREMENT, time TEXT NOT NULL, unit TEXT NOT NULL,
  action TEXT NOT NULL, file TEXT NOT NULL DEFAULT '', size INTEGER, sha256 TEXT NOT NULL DEFAULT '',
  errors INTEGER, warnings INTEGER, detail TEXT NOT NULL DEFAULT '', client TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS events_unit ON events (unit, id);
CREATE TABLE IF NOT EXISTS results (
  unit TEXT PRIMARY KEY, seq INTEGER NOT NULL, checked TEXT NOT NULL, payload TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS confirmations (
  id INTEGER PRIMARY KEY AUTOINCREMENT, unit TEXT NOT NULL, time TEXT NOT NULL,
  files TEXT NOT NULL, on_time INTEGER NOT NULL);
"""


def now() -> datetime:
    """The server's clock, to the second (what decides 按时/逾期)."""
    return datetime.now().replace(microsecond=0)


@dataclass(frozen=True)
class Account:
    """One login: a 填报单位 (kind town/unit/team) or 县中心 (kind county)."""

    name: str
    kind: str
    salt: bytes
    hash: bytes
    generation: int


@dataclass(frozen=True)
class Confirmation:
    """One 确认报送: when, and the files (name → sha256) it covered."""

    time: datetime
    files: dict[str, str]
    on_time: bool


class Store:
    """The server's SQLite file under ``data_dir/.wenming/``.

    Raises:
        sqlite3.Error: the file cannot be opened or written (a full disk).
    """

    def __init__(self, data_dir: Path) -> None:
        self.folder = data_dir / STATE_DIR
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path = self.folder / DB_NAME
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30)
        try:
            with db:  # one transaction: committed on success, rolled back on an exception
                yield db
        finally:
            db.close()

    # ------------------------------------------------------------------ accounts

    def account(self, name: str) -> Account | None:
        """The account called ``name``, or None."""
        with self._connect() as db:
            row = db.execute("SELECT name, kind, salt, hash, generation FROM accounts "
                             "WHERE name = ?", (name,)).fetchone()
        return Account(*row) if row else None

    def accounts(self) -> list[Account]:
        """Every account, in the order they were created."""
        with self._connect() as db:
            rows = db.execute("SELECT name, kind, salt, hash, generation FROM accounts "
                              "ORDER BY rowid").fetchall()
        return [Account(*row) for row in rows]

    def set_account(self, name: str, kind: str, salt: bytes, digest: bytes) -> None:
        """Create the account, or give it a new code (its generation goes up: the sessions
        opened with the old code end)."""
        with self._connect() as db:
            db.execute(
                "INSERT INTO accounts (name, kind, salt, hash, created) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET salt = excluded.salt, hash = excluded.hash, "
                "kind = excluded.kind, generation = generation + 1",
                (name, kind, salt, digest, now().isoformat()))

    # ------------------------------------------------------------------ events

    def log(self, unit: str, action: str, file: str = "", size: int | None = None,
            sha256: str = "", errors: int | None = None, warnings: int | None = None,
            detail: str = "", client: str = "") -> int:
        """Record one event; returns its id. ``file`` and ``detail`` must already be redacted."""
        with self._connect() as db:
            cursor = db.execute(
                "INSERT INTO events (time, unit, action, file, size, sha256, errors, warnings, "
                "detail, client) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (now().isoformat(), unit, action, file, size, sha256, errors, warnings, detail,
                 client))
            return int(cursor.lastrowid or 0)

    def events(self, unit: str | None = None, limit: int = 500) -> list[dict[str, Any]]:
        """The newest events first (of one unit, or of all)."""
        query = ("SELECT id, time, unit, action, file, size, sha256, errors, warnings, detail "
                 "FROM events")
        params: tuple[Any, ...] = ()
        if unit is not None:
            query += " WHERE unit = ?"
            params = (unit,)
        query += " ORDER BY id DESC LIMIT ?"
        with self._connect() as db:
            rows = db.execute(query, (*params, limit)).fetchall()
        keys = ("id", "time", "unit", "action", "file", "size", "sha256", "errors", "warnings",
                "detail")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def last_event(self, unit: str, action: str) -> str | None:
        """The time of the unit's newest event of ``action``, or None."""
        with self._connect() as db:
            row = db.execute("SELECT time FROM events WHERE unit = ? AND action = ? "
                             "ORDER BY id DESC LIMIT 1", (unit, action)).fetchone()
        return str(row[0]) if row else None

    # ------------------------------------------------------------------ results

    def save_result(self, unit: str, seq: int, payload: dict[str, Any]) -> bool:
        """Keep ``payload`` as the unit's result unless a newer one (higher ``seq``) is kept."""
        with self._connect() as db:
            cursor = db.execute(
                "INSERT INTO results (unit, seq, checked, payload) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(unit) DO UPDATE SET seq = excluded.seq, checked = excluded.checked, "
                "payload = excluded.payload WHERE excluded.seq >= results.seq",
                (unit, seq, now().isoformat(), json.dumps(payload, ensure_ascii=False)))
            return cursor.rowcount > 0

    def result(self, unit: str) -> dict[str, Any] | None:
        """The unit's last result, or None."""
        with self._connect() as db:
            row = db.execute("SELECT payload FROM results WHERE unit = ?", (unit,)).fetchone()
        return json.loads(row[0]) if row else None

    def results(self) -> dict[str, dict[str, Any]]:
        """Every unit's last result."""
        with self._connect() as db:
            rows = db.execute("SELECT unit, payload FROM results").fetchall()
        return {unit: json.loads(payload) for unit, payload in rows}

    # ------------------------------------------------------------------ confirmations

    def confirm(self, unit: str, files: dict[str, str], on_time: bool) -> datetime:
        """Record a 确认报送 of ``files`` (name → sha256) now; returns the time recorded."""
        when = now()
        with self._connect() as db:
            db.execute("INSERT INTO confirmations (unit, time, files, on_time) VALUES (?, ?, ?, ?)",
                       (unit, when.isoformat(), json.dumps(files, ensure_ascii=False),
                        int(on_time)))
        return when

    def confirmation(self, unit: str) -> Confirmation | None:
        """The unit's newest 确认报送, or None."""
        with self._connect() as db:
            row = db.execute("SELECT time, files, on_time FROM confirmations WHERE unit = ? "
                             "ORDER BY id DESC LIMIT 1", (unit,)).fetchone()
        if row is None:
            return None
        return Confirmation(datetime.fromisoformat(row[0]), json.loads(row[1]), bool(row[2]))
