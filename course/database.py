"""Engine set-up: SQLite pragmas and write locking; PostgreSQL round trips kept few."""

from __future__ import annotations

import time

from flask import has_request_context, request
from sqlalchemy import event, exc
from sqlalchemy.engine import Engine

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def engine_options(url: str) -> dict:
    """Return SQLAlchemy engine options suited to the database URL."""
    if url.startswith("sqlite"):
        # The driver's own transaction handling is switched off so that we issue BEGIN
        # ourselves (see _begin); the timeout is the busy timeout in seconds.
        return {"connect_args": {"timeout": 15, "isolation_level": None}}
    # Dead connections are caught by configure_postgresql's own check on checkout.
    return {}


# A pooled connection idle for longer than this is checked with one SELECT 1 before a page
# view; one handed back moments ago (as under load) is not. Writes always check.
PING_AFTER_IDLE = 5.0


def _reads_only() -> bool:
    """A page view (GET, HEAD, OPTIONS) inside a request: it writes through db.session
    nothing that must commit or roll back as one."""
    return has_request_context() and request.method in READ_METHODS


def _wants_immediate(conn) -> bool:
    """Writes take the write lock at BEGIN, so two writers never deadlock on upgrade."""
    if conn.get_execution_options().get("sqlite_immediate"):
        return True
    if has_request_context():
        return request.method not in READ_METHODS
    return True  # CLI commands and background work write


def write_apart(work) -> None:
    """Run `work(connection)` as a short write transaction of its own, so a page view
    (whose own transaction only reads) can record something without taking the write lock
    for the rest of the request. On SQLite it begins IMMEDIATE, like any write."""
    from course.extensions import db

    with db.engine.connect() as conn:
        conn = conn.execution_options(sqlite_immediate=True)
        with conn.begin():
            work(conn)


def checkpoint_truncate(engine: Engine) -> None:
    """SQLite: copy the write-ahead log into the database and empty it, so words just
    deleted (zeroed by secure_delete) no longer sit in the -wal file. No-op elsewhere."""
    if engine.dialect.name != "sqlite":
        return
    raw = engine.raw_connection()
    try:
        # The driver is in autocommit (isolation_level None): no BEGIN wraps the pragma.
        raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    finally:
        raw.close()


def configure_sqlite(engine: Engine) -> None:
    """Turn on WAL, a busy timeout and foreign keys; BEGIN IMMEDIATE for writes."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Deleted rows are overwritten with zeros, whatever SQLite was built with.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _wants_immediate(conn) else "BEGIN")


def configure_postgresql(engine: Engine) -> None:
    """Fewer round trips per request, each of which costs a server on the network a wait.

    - Page views run in autocommit: no BEGIN before the first query and no ROLLBACK after
      the last. Under PostgreSQL's default READ COMMITTED every statement reads its own
      snapshot inside a transaction too, so what a page sees is the same; requests that
      write keep one transaction (committed or rolled back as a whole).
    - Instead of SQLAlchemy's pre-ping on every checkout, a connection is checked with
      SELECT 1 before a request that writes (a leader's words are never sent down a dead
      connection) and before a page view only when it has been idle for over
      PING_AFTER_IDLE seconds; a dead one is replaced before use (DisconnectionError makes
      the pool reconnect). A server restart under steady traffic can fail one page view
      per worker; the pool then starts afresh.
    """

    @event.listens_for(engine, "checkin")
    def _checked_in(dbapi_connection, record):
        if dbapi_connection is not None:
            record.info["checked_in"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection, record, _proxy):
        checked_in = record.info.get("checked_in")  # None: connected just now
        reads_only = _reads_only()
        idle = checked_in is not None and time.monotonic() - checked_in > PING_AFTER_IDLE
        if checked_in is not None and (idle or not reads_only):
            dbapi_connection.autocommit = True
            try:
                with dbapi_connection.cursor() as cursor:
                    cursor.execute("SELECT 1")
            except Exception as error:  # any failure here means: use a new connection
                raise exc.DisconnectionError(str(error)) from error
        dbapi_connection.autocommit = reads_only
