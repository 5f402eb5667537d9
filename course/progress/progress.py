"""Completion rules and a leader's progress through the catalog."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from sqlalchemy import bindparam, case, func, select

from course.access import mine
from course.content import Catalog, Lesson
from course.extensions import db
from course.idempotency import insert_if_missing
from course.models import utcnow
from course.progress.models import LessonProgress
from course.quizzes.models import QuizAttempt
from course.reflections.models import Reflection

NOT_STARTED, IN_PROGRESS, DONE = "not started", "in progress", "done"


class CompletionError(ValueError):
    """A lesson cannot be marked done yet; the message says why."""


def touch_lesson(user_id: int, lesson_id: str) -> LessonProgress:
    """Record activity on a lesson (its first activity starts it)."""
    query = mine(LessonProgress, user_id).where(LessonProgress.lesson_id == lesson_id)
    now = utcnow()
    row = db.session.scalar(query)
    if row is None:  # simultaneous first activities must not both insert
        insert_if_missing(LessonProgress, ["user_id", "lesson_id"], user_id=user_id,
                          lesson_id=lesson_id, started_at=now, updated_at=now)
        row = db.session.scalar(query)
    row.updated_at = now
    db.session.flush()
    return row


def written_reflections(user_id: int, lesson_id: str) -> int:
    """How many of a lesson's reflections hold some text."""
    return db.session.scalar(
        select(func.count(Reflection.id)).where(
            Reflection.user_id == user_id, Reflection.lesson_id == lesson_id,
            Reflection.written,
        )
    )


def complete_lesson(user_id: int, lesson: Lesson) -> LessonProgress:
    """Mark a lesson done; it needs at least one written reflection (the quiz is optional)."""
    if written_reflections(user_id, lesson.id) == 0:
        raise CompletionError("Write at least one reflection before marking this lesson done.")
    row = touch_lesson(user_id, lesson.id)
    if row.completed_at is None:
        row.completed_at = utcnow()
    return row


def reopen_lesson(user_id: int, lesson_id: str) -> None:
    """Undo 'done' (the leader changed their mind); their writing stays."""
    row = touch_lesson(user_id, lesson_id)
    row.completed_at = None


def course_finished_at(user_id: int):
    """When the leader marked their last lesson done (the certificate's date)."""
    return db.session.scalar(
        select(func.max(LessonProgress.completed_at)).where(LessonProgress.user_id == user_id)
    )


def lesson_state_column(user_id: int, lesson_id: str):
    """One lesson's state for one leader as a scalar subquery (NULL: not started)."""
    return (
        select(case((LessonProgress.completed_at.is_(None), IN_PROGRESS), else_=DONE))
        .where(LessonProgress.user_id == user_id, LessonProgress.lesson_id == lesson_id)
        .scalar_subquery()
    )


class _DoneOfTotal:
    """The share done, and whether all is done, of something with `done` and `total`."""

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.done == self.total


@dataclass(frozen=True)
class ModuleProgress(_DoneOfTotal):
    module_id: str
    done: int
    total: int


@dataclass(frozen=True)
class CourseProgress(_DoneOfTotal):
    """Everything the course home shows about one leader, from three queries."""

    states: dict[str, str]
    modules: dict[str, ModuleProgress]
    kinds_done: Counter
    continue_lesson: Lesson | None
    best_scores: dict[str, float] = field(default_factory=dict)

    @property
    def done(self) -> int:
        return sum(1 for state in self.states.values() if state == DONE)

    @property
    def total(self) -> int:
        return len(self.states)

    def state(self, lesson_id: str) -> str:
        return self.states.get(lesson_id, NOT_STARTED)


def course_progress(user_id: int, catalog: Catalog) -> CourseProgress:
    """Lesson states, module bars, kinds completed and where to continue."""
    rows_of, best_of = _progress_statements()
    rows = db.session.scalars(rows_of, {"user_id": user_id}).all()
    by_lesson = {row.lesson_id: row for row in rows if row.lesson_id in catalog.lessons}
    states = {}
    for lesson in catalog.ordered_lessons:
        row = by_lesson.get(lesson.id)
        if row is None:
            states[lesson.id] = NOT_STARTED
        else:
            states[lesson.id] = DONE if row.completed_at else IN_PROGRESS
    modules = {
        module.id: ModuleProgress(
            module.id, sum(states[i] == DONE for i in module.lesson_ids), len(module.lesson_ids)
        )
        for module in catalog.modules
    }
    kinds_done = Counter(
        catalog.lessons[i].kind for i, state in states.items() if state == DONE
    )
    best = dict(db.session.execute(best_of, {"user_id": user_id}).all())
    return CourseProgress(states, modules, kinds_done, _continue(catalog, states, by_lesson), best)


@cache
def _progress_statements():
    """Built once (every course home and more run them): a leader's progress rows, and
    their best score in each quiz."""
    user_id = bindparam("user_id")
    return (mine(LessonProgress, user_id),
            select(QuizAttempt.quiz_id, func.max(QuizAttempt.score))
            .where(QuizAttempt.user_id == user_id).group_by(QuizAttempt.quiz_id))


def continue_lessons(user_ids: list[int], catalog: Catalog) -> dict[int, Lesson | None]:
    """Where each of these leaders continues (course_progress's rule), in one query: for
    emails built by batch. None: the course is done."""
    by_user: dict[int, dict] = {user_id: {} for user_id in user_ids}
    if user_ids:  # columns, not entities: a batch is thousands of rows
        rows = db.session.execute(
            select(LessonProgress.user_id, LessonProgress.lesson_id,
                   LessonProgress.completed_at, LessonProgress.updated_at)
            .where(LessonProgress.user_id.in_(user_ids)))
        for row in rows:
            if row.lesson_id in catalog.lessons:
                by_user[row.user_id][row.lesson_id] = row
    found = {}
    for user_id, rows in by_user.items():
        states = {lesson.id: (NOT_STARTED if lesson.id not in rows else
                              DONE if rows[lesson.id].completed_at else IN_PROGRESS)
                  for lesson in catalog.ordered_lessons}
        found[user_id] = _continue(catalog, states, rows)
    return found


def _continue(catalog: Catalog, states: dict, rows: dict) -> Lesson | None:
    """The lesson most recently worked on and not done; else the first not started."""
    open_rows = [rows[i] for i, state in states.items() if state == IN_PROGRESS]
    if open_rows:
        latest = max(open_rows, key=lambda row: row.updated_at)
        return catalog.lessons[latest.lesson_id]
    return next((catalog.lessons[i] for i, s in states.items() if s == NOT_STARTED), None)
