"""The database: engine, sessions and schema migrations.

SQLite in the data folder is the embedded default (one file, WAL mode so
readers never wait for a writer, a busy timeout so writers queue instead of
failing); ``DATABASE_URL`` selects any other SQLAlchemy URL, e.g.
``postgresql+psycopg://lotse@db/lotse`` when several machines serve. Nothing
here or in the models is specific to one dialect except the SQLite tuning.

Write transactions on SQLite start with ``BEGIN IMMEDIATE``: a deferred
transaction that reads first and writes later fails at once with "database
is locked" when another process committed in between, whatever the timeout.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import weakref
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_FILE = "lotse.sqlite3"
BUSY_TIMEOUT_MS = 30_000


_open: "weakref.WeakSet[Database]" = weakref.WeakSet()


def _after_fork() -> None:
    """A forked worker must not reuse the parent's pooled connections."""
    for db in list(_open):
        db.engine.dispose(close=False)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)


class SchemaError(RuntimeError):
    """The database's schema is not the one this code expects (and cannot be upgraded here)."""


def database_url(config: dict[str, Any]) -> str:
    """``DATABASE_URL`` if set, else the SQLite file in the data folder."""
    url = config.get("DATABASE_URL") or os.environ.get("DATABASE_URL")
    if url:
        # Heroku-style URLs name the dialect "postgres"; SQLAlchemy wants "postgresql".
        return "postgresql" + url[len("postgres"):] if url.startswith("postgres://") else url
    return f"sqlite:///{Path(config['DATA_DIR']) / SQLITE_FILE}"


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record) -> None:  # noqa: ANN001
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (below)
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")  # durable at checkpoints; safe with WAL
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA secure_delete = ON")  # deleted rows (positions) are overwritten, not left in free pages
        cur.execute("PRAGMA journal_size_limit = 0")  # the WAL shrinks at checkpoints instead of keeping old pages
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("lotse_write") else "BEGIN")


class Database:
    """One engine and its session factories; ``read()`` and ``write()`` are the only ways in."""

    def __init__(self, url: str):
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        # Bound parameters stay out of error messages and logs: they can hold a walker's position.
        kwargs: dict[str, Any] = {"future": True, "hide_parameters": True}
        if self.is_sqlite:
            kwargs["connect_args"] = {"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
        else:
            kwargs["pool_pre_ping"] = True
        self.engine = create_engine(url, **kwargs)
        if self.is_sqlite:
            _tune_sqlite(self.engine)
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = sessionmaker(self.engine.execution_options(lotse_write=True), expire_on_commit=False)
        self._probe = threading.local()
        _open.add(self)

    def checkpoint(self) -> None:
        """On SQLite, fold the write-ahead log into the database file and truncate it.

        Called after deleting personal data (guidance sessions): until a
        checkpoint, deleted positions would still be readable in the WAL file.
        """
        if not self.is_sqlite:
            return
        with self.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    def probe(self, sql: str) -> Any:
        """First column of the first row of one read, outside any session.

        For the change counters polled on every route request: a connection
        kept per process and thread answers in microseconds, where a session
        (pool checkout, BEGIN, COMMIT) costs about half a millisecond. Each
        call sees the latest committed data (autocommit on SQLite; rolled back
        after each read elsewhere).
        """
        held = getattr(self._probe, "held", None)
        if held is None or held[0] != os.getpid():  # none yet, or inherited through a fork
            held = self._probe.held = (os.getpid(), self.engine.raw_connection())
        conn = held[1]
        try:
            cur = conn.cursor()
            cur.execute(sql)
            row = cur.fetchone()
            cur.close()
            conn.rollback()
        except Exception:
            self._probe.held = None
            with contextlib.suppress(Exception):
                conn.invalidate()
            raise
        return row[0] if row else None

    @property
    def display_url(self) -> str:
        """The URL without its password, for messages."""
        return self.engine.url.render_as_string(hide_password=True)

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; one transaction, so all reads see one snapshot on SQLite."""
        with self._reader() as session, session.begin():
            yield session

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose work is committed together at the end, or rolled back on error."""
        with self._writer() as session, session.begin():
            yield session

    # -- schema ------------------------------------------------------------
    def _alembic_config(self, connection: Connection | None = None):
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        cfg.attributes["connection"] = connection
        return cfg

    def head_revision(self) -> str | None:
        """The newest migration shipped with this code."""
        from alembic.script import ScriptDirectory

        return ScriptDirectory.from_config(self._alembic_config()).get_current_head()

    def current_revision(self) -> str | None:
        """The migration the database is at (None: empty database)."""
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def upgrade(self, revision: str = "head") -> tuple[str | None, str | None]:
        """Apply migrations up to ``revision``; returns (before, after). Safe to run from several processes."""
        from alembic import command

        with self._migration_lock():
            before = self.current_revision()
            with self.engine.begin() as conn:
                command.upgrade(self._alembic_config(conn), revision)
            after = self.current_revision()
        if before != after:
            log.info("database %s migrated from %s to %s", self.display_url, before or "empty", after)
        return before, after

    def ensure_schema(self) -> None:
        """Upgrade an empty or older database at start; refuse one newer than this code."""
        from alembic.script import ScriptDirectory

        head = self.head_revision()
        current = self.current_revision()
        if current == head:
            return
        script = ScriptDirectory.from_config(self._alembic_config())
        if current is not None and script.get_revision(current) is None:
            raise SchemaError(f"the database {self.display_url} is at migration {current}, which this version of "
                              "Lotse does not know (it is newer): upgrade Lotse")
        self.upgrade()
        self.engine.dispose()  # no connection of the starting process may leak into forked workers

    @contextlib.contextmanager
    def _migration_lock(self) -> Iterator[None]:
        """Serialise migrations of several starting processes (file lock on SQLite, advisory lock on PostgreSQL)."""
        if self.is_sqlite:
            path = self.engine.url.database
            if not path or path == ":memory:":
                yield
                return
            import fcntl

            with open(f"{path}.migrate.lock", "w") as fh:
                fcntl.flock(fh, fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(fh, fcntl.LOCK_UN)
        elif self.engine.dialect.name == "postgresql":
            with self.engine.connect() as conn:
                conn.execute(text("SELECT pg_advisory_lock(4242001)"))
                try:
                    yield
                finally:
                    conn.execute(text("SELECT pg_advisory_unlock(4242001)"))
        else:
            yield


def init_app(app) -> Database:  # noqa: ANN001 - flask.Flask, imported lazily
    """Create the app's database and bring its schema up to date when ``AUTO_MIGRATE`` is on."""
    db = Database(database_url(app.config))
    if app.config.get("AUTO_MIGRATE", True):
        db.ensure_schema()
    app.extensions["lotse.db"] = db
    return db


def get_db() -> Database:
    """The database of the current app."""
    from flask import current_app

    return current_app.extensions["lotse.db"]
