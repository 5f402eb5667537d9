"""A cohort's progress matrix: leaders by lessons, built with five queries whatever its size.

Each query returns plain columns (no ORM objects) and is grouped in SQL where it can be,
so a cohort of 1,000 leaders costs the same number of round trips as one of three.
Only counts reach this module's results: reflection text is never selected.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, select, union_all

from course.content import Catalog, Lesson
from course.extensions import db
from course.learn.models import (
    ExperimentEntry,
    LessonProgress,
    QuizAttempt,
    Reflection,
    SelfAssessment,
)
from course.learn.progress import DONE, IN_PROGRESS, NOT_STARTED
from course.models import Cohort, Membership, User
from course.scoping import leader_memberships_query

INACTIVE_AFTER = timedelta(days=14)
STUCK_AFTER = timedelta(days=7)
# A cell is a lesson state from course.learn.progress, except that a lesson in progress
# for longer than STUCK_AFTER is told apart (it is still "in progress" there).
STUCK = "stuck"
STATE_RANK = {NOT_STARTED: 0, IN_PROGRESS: 1, STUCK: 1, DONE: 2}


@dataclass(frozen=True)
class LeaderRow:
    """One leader's line of the matrix: their lesson cells and the figures beside them."""

    id: int
    name: str
    email: str
    active: bool
    cells: tuple[str, ...]  # one per catalog lesson, in course order
    done: int
    percent: int
    last_active: datetime | None
    reflections: int  # reflections with some text
    shared: int  # of those, shared with the facilitators
    quiz_average: int | None  # percent: the mean of each quiz's best score
    stuck: bool  # a lesson in progress for longer than STUCK_AFTER
    inactive: bool  # nothing done for longer than INACTIVE_AFTER (since joining, if never)

    @property
    def started(self) -> bool:
        """Whether any lesson of the course is started or done."""
        return any(cell != NOT_STARTED for cell in self.cells)

    def state(self, index: int) -> str:
        """The progress state of a lesson, as course.learn.progress names it."""
        cell = self.cells[index]
        return IN_PROGRESS if cell == STUCK else cell


@dataclass(frozen=True)
class Matrix:
    """The lessons as columns and a row per leader of the cohort (all of them, unsorted)."""

    lessons: tuple[Lesson, ...]
    rows: tuple[LeaderRow, ...]
    now: datetime


def build_matrix(viewer: User, cohort: Cohort, catalog: Catalog, now: datetime) -> Matrix:
    """Every leader of a cohort in the viewer's scope, with their progress; five queries."""
    lessons = catalog.ordered_lessons
    position = {lesson.id: index for index, lesson in enumerate(lessons)}
    members = leader_memberships_query(viewer, [cohort.id])
    leader_ids = members.with_only_columns(Membership.user_id)
    people = db.session.execute(
        members.with_only_columns(
            User.id, User.name, User.email, User.active, Membership.joined_at
        ).select_from(Membership).join(User, User.id == Membership.user_id)
    ).all()

    cells = {person.id: [NOT_STARTED] * len(lessons) for person in people}
    stuck_since = now - STUCK_AFTER
    long_open = and_(LessonProgress.completed_at.is_(None), LessonProgress.started_at < stuck_since)
    for user_id, lesson_id, done, stuck in db.session.execute(
        select(
            LessonProgress.user_id, LessonProgress.lesson_id,
            LessonProgress.completed_at.is_not(None), case((long_open, 1), else_=0),
        ).where(LessonProgress.user_id.in_(leader_ids))
    ):
        index = position.get(lesson_id)
        if index is not None:  # a lesson since removed from the course counts for nothing
            cells[user_id][index] = DONE if done else STUCK if stuck else IN_PROGRESS

    last_active = _last_active(leader_ids)
    written = _reflection_counts(leader_ids)
    averages = _quiz_averages(leader_ids, [lesson.quiz_id for lesson in lessons if lesson.quiz_id])
    inactive_since = now - INACTIVE_AFTER
    rows = []
    for person in people:
        row_cells = tuple(cells[person.id])
        done = row_cells.count(DONE)
        seen = last_active.get(person.id)
        reflections, shared = written.get(person.id, (0, 0))
        average = averages.get(person.id)
        rows.append(LeaderRow(
            id=person.id, name=person.name, email=person.email, active=person.active,
            cells=row_cells, done=done,
            percent=round(100 * done / len(lessons)) if lessons else 0,
            last_active=seen, reflections=reflections, shared=shared,
            quiz_average=None if average is None else round(100 * average),
            stuck=STUCK in row_cells,
            inactive=(seen or person.joined_at) < inactive_since,
        ))
    return Matrix(lessons, tuple(rows), now)


def _last_active(leader_ids) -> dict[int, datetime]:
    """Each leader's latest activity of any kind, in one grouped query.

    Most activity also touches LessonProgress.updated_at (course.learn.progress.touch_lesson),
    but sharing, the self-assessment and quizzes outside a lesson do not, so all are read.
    """
    sources = [
        select(LessonProgress.user_id.label("user_id"), LessonProgress.updated_at.label("at")),
        select(Reflection.user_id, Reflection.updated_at),
        select(Reflection.user_id, Reflection.shared_at).where(Reflection.shared_at.is_not(None)),
        select(QuizAttempt.user_id, QuizAttempt.created_at),
        select(ExperimentEntry.user_id, ExperimentEntry.created_at),
        select(SelfAssessment.user_id, SelfAssessment.updated_at),
    ]
    activity = union_all(
        *(source.where(source.selected_columns[0].in_(leader_ids)) for source in sources)
    ).subquery()
    rows = db.session.execute(
        select(activity.c.user_id, func.max(activity.c.at)).group_by(activity.c.user_id)
    )
    return dict(rows.all())


def _reflection_counts(leader_ids) -> dict[int, tuple[int, int]]:
    """(written, shared) reflections per leader: counted in SQL, the text never fetched."""
    written = func.length(func.trim(Reflection.text)) > 0
    rows = db.session.execute(
        select(
            Reflection.user_id,
            func.count(case((written, 1))),
            func.count(case((and_(written, Reflection.shared.is_(True)), 1))),
        )
        .where(Reflection.user_id.in_(leader_ids))
        .group_by(Reflection.user_id)
    )
    return {user_id: (count, shared) for user_id, count, shared in rows}


def _quiz_averages(leader_ids, quiz_ids: list[str]) -> dict[int, float]:
    """The mean over the quizzes a leader took of their best score there (0..1)."""
    if not quiz_ids:
        return {}
    best = (
        select(QuizAttempt.user_id, func.max(QuizAttempt.score).label("best"))
        .where(
            QuizAttempt.user_id.in_(leader_ids), QuizAttempt.quiz_id.in_(quiz_ids),
            QuizAttempt.score.is_not(None),
        )
        .group_by(QuizAttempt.user_id, QuizAttempt.quiz_id)
        .subquery()
    )
    rows = db.session.execute(
        select(best.c.user_id, func.avg(best.c.best)).group_by(best.c.user_id)
    )
    return {user_id: float(average) for user_id, average in rows}
