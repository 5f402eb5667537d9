"""The 'try this' log: several entries per lesson, with optional numbers."""

from __future__ import annotations

from datetime import date
from functools import cache

from sqlalchemy import bindparam, select

from course.access import mine
from course.content import Lesson
from course.experiments.models import ExperimentEntry
from course.extensions import db
from course.idempotency import add_once, check_form_key, kept_with
from course.progress.progress import touch_lesson
from course.text import clean_text

MAX_ENTRY_LENGTH = 10_000


class ExperimentError(ValueError):
    """An entry cannot be saved as sent; the message says why (the text is kept)."""


def parse_measures(lesson: Lesson, raw: dict[str, str]) -> dict[str, float]:
    """Read the lesson's measures from the form: blank is allowed, words are not."""
    measures = {}
    for label in lesson.try_this.measures if lesson.try_this else ():
        value = (raw.get(label) or "").strip().replace(",", "")
        if not value:
            continue
        try:
            number = float(value)
        except ValueError as exc:
            raise ExperimentError(f"“{label}” must be a number, such as 12.") from exc
        if number != number or abs(number) > 1e12:  # NaN or absurd
            raise ExperimentError(f"“{label}” must be an ordinary number.")
        measures[label] = int(number) if number.is_integer() else number
    return measures


def entry_sent_with(form_key: str, user_id: int, lesson_id: str) -> ExperimentEntry | None:
    """The entry an earlier submit of this very form logged, if any."""
    return kept_with(select(ExperimentEntry).where(ExperimentEntry.form_key == form_key),
                     ExperimentError, user_id=user_id, lesson_id=lesson_id)


def add_entry(
    user_id: int, lesson: Lesson, done_on: date, text: str, measures: dict[str, float],
    form_key: str | None,
) -> ExperimentEntry:
    """Log what the leader did and noticed; the same form_key twice (even racing in) logs
    once."""
    text = clean_text(text, limit=MAX_ENTRY_LENGTH, error=ExperimentError,
                      empty="Write what you did and what you noticed.",
                      too_long="Keep an entry under {limit} characters.")
    if done_on > date.today():
        raise ExperimentError("The date cannot be in the future.")
    form_key = check_form_key(form_key, ExperimentError)
    if form_key:
        done = entry_sent_with(form_key, user_id, lesson.id)
        if done is not None:
            return done
    entry = ExperimentEntry(user_id=user_id, lesson_id=lesson.id, done_on=done_on, text=text,
                            measures=measures, form_key=form_key)
    twin = add_once(entry, lambda key: entry_sent_with(key, user_id, lesson.id))
    if twin is not None:
        return twin
    touch_lesson(user_id, lesson.id)
    db.session.flush()
    return entry


def has_entries_column(user_id, lesson_id):
    """Whether the user logged anything for a lesson, as a column (EXISTS) for a statement
    that reads other things too: the entries themselves are read only when there are some."""
    return (
        select(ExperimentEntry.id)
        .where(ExperimentEntry.user_id == user_id, ExperimentEntry.lesson_id == lesson_id)
        .exists()
    )


@cache
def _lesson_entries():
    """Built once: a leader's log entries for a lesson, newest first."""
    return (
        mine(ExperimentEntry, bindparam("user_id"))
        .where(ExperimentEntry.lesson_id == bindparam("lesson_id"))
        .order_by(ExperimentEntry.done_on.desc(), ExperimentEntry.id.desc())
    )


def entries_for_lesson(user_id: int, lesson_id: str) -> list[ExperimentEntry]:
    """The user's entries for a lesson, newest first."""
    return list(db.session.scalars(
        _lesson_entries(), {"user_id": user_id, "lesson_id": lesson_id}
    ))
