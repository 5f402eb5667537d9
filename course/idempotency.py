"""Race-safe writes, in one place for every feature.

A form sent twice keeps one row: the idempotency key (`form_key`) each rendered form
carries, as the reflection Save, the quiz, the experiment log and facilitators' replies
and reminders use it.

A repeat finds the row its key kept and returns it. Two copies racing in together both
miss that look-up; the column's unique constraint refuses the second insert, which
`add_once` turns back into the look-up, so the twin too gets the row the other one kept.
A row keyed by something other than a form (one reflection per prompt) is created with
`insert_if_missing`, which lets the database decide.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Select
from sqlalchemy.exc import IntegrityError

from course.extensions import db

MAX_FORM_KEY = 64  # the form_key columns' length
STALE_FORM = "This form is out of date; reload the page and send it again."
USED_FORM = "That form was already used; reload the page."

Kept = TypeVar("Kept")


def check_form_key(form_key: str | None, error: type[ValueError],
                   limit: int = MAX_FORM_KEY) -> str | None:
    """The form's key (None without one); raise `error` for one longer than `limit` (the
    column, or less where the key is stored with a suffix)."""
    if form_key and len(form_key) > limit:
        raise error(STALE_FORM)
    return form_key or None


def kept_with(query: Select, error: type[ValueError], **expected) -> object | None:
    """The row `query` finds by a form's key, if any: an earlier submit of this very form.

    A key another leader's (or another lesson's) form used raises `error`: the row is
    compared with `expected` (attribute=value) and never returned.
    """
    done = db.session.scalar(query)
    if done is not None and any(getattr(done, name) != value
                                for name, value in expected.items()):
        raise error(USED_FORM)
    return done


def add_once(row: object, find: Callable[[str], Kept | None]) -> Kept | None:
    """Insert `row` (which has a form_key) in a savepoint. None when it went in; when a
    racing twin kept the same key first, the twin's row as `find(key)` looks it up."""
    key = row.form_key
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:  # the same form raced in twice; the other one kept it
        kept = find(key) if key else None
        if kept is None:
            raise
        return kept
    return None


def insert_if_missing(model, conflict_columns: list[str], *, connection=None, **values) -> None:
    """INSERT a row unless one with the same unique key exists (safe when two requests race).

    A SELECT-then-INSERT lets two simultaneous requests both insert on PostgreSQL; this lets
    the database decide, and the caller selects the row afterwards.
    """
    target = connection if connection is not None else db.session
    dialect = target.dialect.name if connection is not None else db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(model).values(**values).on_conflict_do_nothing(
        index_elements=conflict_columns
    )
    target.execute(statement)
