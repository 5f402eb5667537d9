"""A cohort's progress matrix: leaders by lessons, built with seven queries whatever its size.

Each query returns plain columns (no ORM objects) and is grouped in SQL where it can be,
so a cohort of 1,000 leaders costs the same number of round trips as one of three. The
leaders come first, then one query per figure (FIGURES); a page of the matrix reads for
every leader only the figures its filter and sort need, the rest for its own rows
(add_figures).
Only counts reach this module's results: reflection text is never selected.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
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


# The figures beside a leader's name, each read by one query. A page needs for every
# leader only those its filter and sort read; the rest it reads for its own rows alone.
LESSONS, ACTIVITY, REFLECTIONS, QUIZZES, NUDGES, CIRCLE = FIGURES = (
    "lessons", "activity", "reflections", "quizzes", "nudges", "circle")


@dataclass(frozen=True)
class LeaderRow:
    """One leader's line of the matrix: their lesson cells and the figures beside them.

    A row built without some FIGURES holds their defaults (see build_matrix)."""

    id: int
    name: str
    email: str
    active: bool
    joined_at: datetime
    cells: tuple[str, ...] = ()  # one per catalog lesson, in course order
    done: int = 0
    percent: int = 0
    last_active: datetime | None = None
    reflections: int = 0  # reflections with some text
    shared: int = 0  # of those, shared with the facilitators (or the whole cohort)
    quiz_average: int | None = None  # percent: the mean of each quiz's best score
    posts: int = 0  # items in the cohort's circle now (course.circle)
    replies_given: int = 0  # replies written in the circle
    stuck: bool = False  # a lesson in progress for longer than STUCK_AFTER
    inactive: bool = False  # nothing done for longer than INACTIVE_AFTER (since joining)
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
    cohort_id: int


def build_matrix(viewer: User, cohort: Cohort, catalog: Catalog, now: datetime,
                 figures: Iterable[str] = FIGURES) -> Matrix:
    """Every leader of a cohort in the viewer's scope with the named figures (all unless
    told): a query for the leaders and one per figure, whatever the cohort's size."""

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
    matrix = Matrix(catalog.ordered_lessons, (), now, cohort.id)
    rows = _with_figures(matrix, [person._asdict() for person in people], figures, leader_ids)
    return replace(matrix, rows=tuple(rows))


def add_figures(matrix: Matrix, rows: Iterable[LeaderRow],
                figures: Iterable[str]) -> list[LeaderRow]:
    """The rows with the named figures read for those leaders alone: a page of the matrix,
    its filter and sort made on the figures build_matrix read for everyone."""
    known = [dict(vars(row)) for row in rows]  # each field of the row, to add to
    ids = [row["id"] for row in known]  # leaders of build_matrix's scoped query
    return _with_figures(matrix, known, figures, lambda: ids)


def _with_figures(matrix: Matrix, known: list[dict], figures: Iterable[str],
                  leader_ids: Callable) -> list[LeaderRow]:
    """LeaderRows from what is known of each leader and the named figures, one query each."""
    figures = set(figures)
    if known and LESSONS in figures:
        cells = _cells(leader_ids(), matrix.lessons, matrix.now)
        empty = (NOT_STARTED,) * len(matrix.lessons)
        for row in known:
            row["cells"] = found = cells.get(row["id"], empty)
            row["done"] = done = found.count(DONE)
            row["percent"] = round(100 * done / len(found)) if found else 0
            row["stuck"] = STUCK in found
    if known and ACTIVITY in figures:
        seen = last_active_by_leader(leader_ids())
        for row in known:
            row["last_active"] = last_active = seen.get(row["id"])
            row["inactive"] = is_inactive(last_active, row["joined_at"], matrix.now)
    if known and REFLECTIONS in figures:
        written = _reflections(leader_ids())
        for row in known:
            row["reflections"], row["shared"] = written.get(row["id"], (0, 0))
    if known and QUIZZES in figures:
        quiz_ids = [lesson.quiz_id for lesson in matrix.lessons if lesson.quiz_id]
        averages = _quiz_averages(leader_ids(), quiz_ids)
        for row in known:
            average = averages.get(row["id"])
            row["quiz_average"] = None if average is None else round(100 * average)
    if known and NUDGES in figures:
        nudged = nudges_by_leader(matrix.cohort_id)
        for row in known:
            row["nudges"], row["last_nudged"] = nudged.get(row["id"], (0, None))
    if known and CIRCLE in figures:
        circle = circle_counts(leader_ids())
        for row in known:
            row["posts"], row["replies_given"] = circle.get(row["id"], (0, 0))
    return [LeaderRow(**row) for row in known]


def _cells(leader_ids, lessons: tuple[Lesson, ...], now: datetime) -> dict[int, tuple]:
    """Each leader's lesson states in course order (absent: nothing begun)."""
    position = {lesson.id: index for index, lesson in enumerate(lessons)}
    letter = case(
        (LessonProgress.completed_at.is_not(None), "d"),
        (LessonProgress.started_at < stuck_before(now), "s"),
        else_="o",
    )
    # One line per leader, "lesson-id" + letter joined by commas (content ids have none):
    # a 200-leader cohort's 4,000 progress rows cost half as much read this way.
    found = {}
    for user_id, joined in db.session.execute(
        select(LessonProgress.user_id,
               func.aggregate_strings(LessonProgress.lesson_id + letter, ","))
        .where(LessonProgress.user_id.in_(leader_ids))
        .group_by(LessonProgress.user_id)
    ):
        cells = [NOT_STARTED] * len(lessons)
        for pair in joined.split(","):
            index = position.get(pair[:-1])
            if index is not None:  # a lesson since removed from the course counts for nothing
                cells[index] = CELL_LETTERS[pair[-1]]
        found[user_id] = tuple(cells)
    return found


def _reflections(leader_ids) -> dict[int, tuple]:
    """(written, shared) per leader; the text is never fetched."""
    rows = db.session.execute(
        select(
            Reflection.user_id,
            func.count(case((Reflection.written, 1))),
            func.count(case((and_(Reflection.written, Reflection.audience.in_(FACILITATOR_SEES)),
                             1))),
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
