"""A cohort's progress matrix: leaders by lessons, built with seven queries whatever its size.

Each query returns plain columns (no ORM objects) and is grouped in SQL where it can be,
so a cohort of 1,000 leaders costs the same number of round trips as one of three.
Only counts reach this module's results: reflection text is never selected.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, select

from course.circle.audience import FACILITATOR_SEES
from course.circle.figures import circle_counts
from course.cohorts.models import Cohort, Membership
from course.cohorts.nudges import nudges_by_leader
from course.cohorts.scoping import visible_leaders
from course.content import Catalog, Lesson
from course.extensions import db
from course.models import User
from course.progress.activity import is_inactive, last_active_by_leader, stuck_before
from course.progress.models import LessonProgress
from course.progress.progress import DONE, IN_PROGRESS, NOT_STARTED
from course.quizzes.models import QuizAttempt
from course.reflections.models import Reflection

# A cell is a lesson state from course.progress.progress, except that a lesson in progress
# for longer than STUCK_AFTER is told apart (it is still "in progress" there).
STUCK = "stuck"
STATE_RANK = {NOT_STARTED: 0, IN_PROGRESS: 1, STUCK: 1, DONE: 2}
CELL_LETTERS = {"o": IN_PROGRESS, "s": STUCK, "d": DONE}  # as the cells query writes them


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
    shared: int  # of those, shared with the facilitators (or the whole cohort)
    quiz_average: int | None  # percent: the mean of each quiz's best score
    posts: int  # items in the cohort's circle now (course.circle)
    replies_given: int  # replies written in the circle
    stuck: bool  # a lesson in progress for longer than STUCK_AFTER
    inactive: bool  # nothing done for longer than INACTIVE_AFTER (since joining, if never)
    nudges: int = 0  # reminders sent to this leader in this cohort
    last_nudged: datetime | None = None

    @property
    def started(self) -> bool:
        """Whether any lesson of the course is started or done."""
        return any(cell != NOT_STARTED for cell in self.cells)

    def state(self, index: int) -> str:
        """The progress state of a lesson, as course.progress.progress names it."""
        cell = self.cells[index]
        return IN_PROGRESS if cell == STUCK else cell


@dataclass(frozen=True)
class Matrix:
    """The lessons as columns and a row per leader of the cohort (all of them, unsorted)."""

    lessons: tuple[Lesson, ...]
    rows: tuple[LeaderRow, ...]
    now: datetime


def build_matrix(viewer: User, cohort: Cohort, catalog: Catalog, now: datetime) -> Matrix:
    """Every leader of a cohort in the viewer's scope, with their progress; seven queries."""
    lessons = catalog.ordered_lessons
    position = {lesson.id: index for index, lesson in enumerate(lessons)}

    def leader_ids():
        # A new subquery for each statement: one shared between statements picks up state
        # from the first execution and then misses SQLAlchemy's compiled-statement cache.
        return visible_leaders(viewer, [cohort.id]).with_only_columns(
            Membership.user_id
        )

    people = db.session.execute(
        visible_leaders(viewer, [cohort.id])
        .with_only_columns(User.id, User.name, User.email, User.active, Membership.joined_at)
        .select_from(Membership)
        .join(User, User.id == Membership.user_id)
    ).all()
    cells = {person.id: [NOT_STARTED] * len(lessons) for person in people}
    letter = case(
        (LessonProgress.completed_at.is_not(None), "d"),
        (LessonProgress.started_at < stuck_before(now), "s"),
        else_="o",
    )
    # One line per leader, "lesson-id" + letter joined by commas (content ids have none):
    # a 200-leader cohort's 4,000 progress rows cost half as much read this way.
    for user_id, joined in db.session.execute(
        select(LessonProgress.user_id,
               func.aggregate_strings(LessonProgress.lesson_id + letter, ","))
        .where(LessonProgress.user_id.in_(leader_ids()))
        .group_by(LessonProgress.user_id)
    ):
        row = cells[user_id]
        for pair in joined.split(","):
            index = position.get(pair[:-1])
            if index is not None:  # a lesson since removed from the course counts for nothing
                row[index] = CELL_LETTERS[pair[-1]]

    seen = last_active_by_leader(leader_ids())
    written = _reflections(leader_ids())
    averages = _quiz_averages(
        leader_ids(), [lesson.quiz_id for lesson in lessons if lesson.quiz_id]
    )
    nudged = nudges_by_leader(cohort.id)
    circle = circle_counts(leader_ids())
    rows = []
    for person in people:
        row_cells = tuple(cells[person.id])
        done = row_cells.count(DONE)
        reflections, shared = written.get(person.id, (0, 0))
        last_active = seen.get(person.id)
        average = averages.get(person.id)
        rows.append(LeaderRow(
            id=person.id, name=person.name, email=person.email, active=person.active,
            cells=row_cells, done=done,
            percent=round(100 * done / len(lessons)) if lessons else 0,
            last_active=last_active, reflections=reflections, shared=shared,
            quiz_average=None if average is None else round(100 * average),
            posts=circle.get(person.id, (0, 0))[0],
            replies_given=circle.get(person.id, (0, 0))[1],
            stuck=STUCK in row_cells,
            inactive=is_inactive(last_active, person.joined_at, now),
            nudges=nudged.get(person.id, (0, None))[0],
            last_nudged=nudged.get(person.id, (0, None))[1],
        ))
    return Matrix(lessons, tuple(rows), now)


def _reflections(leader_ids) -> dict[int, tuple]:
    """(written, shared) per leader; the text is never fetched."""
    # trim() <> '' is what "holds some text" means (course.progress.progress), at half the
    # cost of length(trim()) on SQLite.
    written = func.trim(Reflection.text) != ""
    rows = db.session.execute(
        select(
            Reflection.user_id,
            func.count(case((written, 1))),
            func.count(case((and_(written, Reflection.audience.in_(FACILITATOR_SEES)), 1))),
        )
        .where(Reflection.user_id.in_(leader_ids))
        .group_by(Reflection.user_id)
    )
    return {user_id: tuple(figures) for user_id, *figures in rows}


def _quiz_averages(leader_ids, quiz_ids: list[str]) -> dict[int, float]:
    """The mean, over the course's quizzes a leader took, of their best score (0..1)."""
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
