"""A leader's standing on one lesson page, read in one statement, and the page's visit.

Opening a lesson is activity: it starts the lesson ("in progress") and counts as being
active (course.progress.activity). A page view records it in a short write of its own,
at most once per OPEN_TOUCH_INTERVAL per lesson, so reading stays a read almost always.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import bindparam, select, update

from course.database import write_apart
from course.experiments.experiments import has_entries_column
from course.extensions import db
from course.idempotency import insert_if_missing
from course.notices.notices import unseen_on_lesson_column
from course.plans.plans import has_active_plans_column
from course.progress.models import LessonProgress
from course.progress.progress import NOT_STARTED, lesson_state_column
from course.quizzes.attempts import QuizSummary, quiz_summary_columns

OPEN_TOUCH_INTERVAL = timedelta(minutes=10)


@dataclass(frozen=True)
class Standing:
    """Where a leader stands on a lesson."""

    state: str
    has_entries: bool
    summary: QuizSummary | None
    touched_at: datetime | None  # the lesson's last recorded activity; None: never opened
    has_notices: bool = False  # an unseen notice (a new reply) on this lesson
    has_plans: bool = False  # an active plan for this lesson (course.plans)


@cache
def _standing_statement(with_quiz: bool):
    """Built once: state, last activity, whether anything was logged and, with a quiz, its
    summary, in one statement (see benchmarks/README.md for what building it costs)."""
    user_id, lesson_id = bindparam("user_id"), bindparam("lesson_id")
    touched = (
        select(LessonProgress.updated_at)
        .where(LessonProgress.user_id == user_id, LessonProgress.lesson_id == lesson_id)
        .scalar_subquery()
    )
    columns = [lesson_state_column(user_id, lesson_id), touched,
               has_entries_column(user_id, lesson_id), has_active_plans_column(user_id, lesson_id),
               unseen_on_lesson_column(user_id, lesson_id)]
    if with_quiz:
        columns += quiz_summary_columns(user_id, bindparam("quiz_id"))
    return select(*columns)


def lesson_standing(user_id: int, lesson, quiz) -> Standing:
    """The leader's standing on the lesson: one round trip."""
    state, touched_at, has_entries, has_plans, has_notices, *summary = db.session.execute(
        _standing_statement(quiz is not None),
        {"user_id": user_id, "lesson_id": lesson.id, "quiz_id": quiz.id if quiz else None},
    ).one()
    return Standing(state or NOT_STARTED, bool(has_entries),
                    QuizSummary(*summary) if quiz else None, touched_at, bool(has_notices),
                    bool(has_plans))


def record_open(user_id: int, lesson_id: str, touched_at: datetime | None,
                now: datetime) -> bool:
    """Record that the leader opened the lesson, unless done moments ago; True if written."""
    if touched_at is not None and now - touched_at < OPEN_TOUCH_INTERVAL:
        return False

    def write(conn):
        if touched_at is None:  # the first visit starts the lesson; a racing twin is fine
            insert_if_missing(LessonProgress, ["user_id", "lesson_id"], user_id=user_id,
                              lesson_id=lesson_id, started_at=now, updated_at=now,
                              connection=conn)
        conn.execute(
            update(LessonProgress)
            .where(LessonProgress.user_id == user_id, LessonProgress.lesson_id == lesson_id,
                   LessonProgress.updated_at < now)
            .values(updated_at=now)
        )

    write_apart(write)
    return True
