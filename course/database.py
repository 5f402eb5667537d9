"""Engine set-up: SQLite pragmas and write locking; PostgreSQL needs nothing special."""

from __future__ import annotations

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def engine_options(url: str) -> dict:
    """Return SQLAlchemy engine options suited to the database URL."""
    if url.startswith("sqlite"):
        # The driver's own transaction handling is switched off so that we issue BEGIN
        # ourselves (see _begin); the timeout is the busy timeout in seconds.
        return {"connect_args": {"timeout": 15, "isolation_level": None}}
    return {"pool_pre_ping": True}


def _wants_immediate(conn) -> bool:
    """Writes take the write lock at BEGIN, so two writers never deadlock on upgrade."""
    if conn.get_execution_options().get("sqlite_immediate"):
        return True
    if has_request_context():
        return request.method not in READ_METHODS
    return True  # CLI commands and background work write


def configure_sqlite(engine: Engine) -> None:
    """Turn on WAL, a busy timeout and foreign keys; BEGIN IMMEDIATE for writes."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _wants_immediate(conn) else "BEGIN")


def insert_if_missing(model, conflict_columns: list[str], **values) -> None:
    """INSERT a row unless one with the same unique key exists (safe when two requests race).

    A SELECT-then-INSERT lets two simultaneous requests both insert on PostgreSQL; this lets
    the database decide, and the caller selects the row afterwards.
    """
    from course.extensions import db

    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(model).values(**values).on_conflict_do_nothing(
        index_elements=conflict_columns
    )
    db.session.execute(statement)
