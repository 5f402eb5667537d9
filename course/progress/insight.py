"""A cohort's insight page: completion per lesson, each quiz question, and growth.

Counts and averages only. Quiz figures use each leader's latest attempt at each quiz; a
typed (short) answer is never shown, and no reflection is read at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select

from course.cohorts.models import Cohort, Membership
from course.cohorts.scoping import visible_leaders
from course.content import Catalog, Lesson
from course.extensions import db
from course.models import User
from course.progress.models import LessonProgress
from course.quizzes.statistics import QuestionFigures, QuizFigures, percent, quiz_figures
from course.review.figures import QuestionRetention, retention
from course.self_assessment.chart import Chart
from course.self_assessment.cohort import DimensionFigures, cohort_growth


@dataclass(frozen=True)
class LessonCompletion:
    lesson: Lesson
    done: int
    in_progress: int
    leaders: int

    @property
    def percent(self) -> int | None:
        return percent(self.done, self.leaders)


@dataclass(frozen=True)
class Insight:
    leaders: int
    lessons: tuple[LessonCompletion, ...]
    quizzes: tuple[QuizFigures, ...]
    dimensions: tuple[DimensionFigures, ...]
    answered: dict[str, int]  # leaders who answered each stage of the self-assessment
    chart: Chart | None
    maximum: int
    # Spaced review: per question that came back, right at first try and at each review.
    retention: tuple[QuestionRetention, ...] = ()

    def hardest(self, count: int = 5) -> list[tuple[QuizFigures, QuestionFigures]]:
        """The questions answered right least often (some answered, not all right)."""
        found = [(quiz, question) for quiz in self.quizzes for question in quiz.questions
                 if question.answered and question.right < question.answered]
        found.sort(key=lambda item: (item[1].percent_right, -item[1].answered))
        return found[:count]


def build_insight(viewer: User, cohort: Cohort, catalog: Catalog) -> Insight:
    """A cohort's figures, in six queries whatever its size."""

    def leader_ids():
        # A new subquery per statement keeps each in SQLAlchemy's compiled-statement cache.
        return visible_leaders(viewer, [cohort.id]).with_only_columns(
            Membership.user_id
        )

    leaders = db.session.scalar(
        visible_leaders(viewer, [cohort.id]).with_only_columns(
            func.count(Membership.user_id)
        )
    )
    rows = db.session.execute(
        select(
            LessonProgress.lesson_id,
            func.count(case((LessonProgress.completed_at.is_not(None), 1))),
            func.count(case((LessonProgress.completed_at.is_(None), 1))),
        )
        .where(LessonProgress.user_id.in_(leader_ids()))
        .group_by(LessonProgress.lesson_id)
    )
    counts = {lesson_id: (done, open_) for lesson_id, done, open_ in rows}
    lessons = tuple(
        LessonCompletion(lesson, *counts.get(lesson.id, (0, 0)), leaders)
        for lesson in catalog.ordered_lessons
    )
    dimensions, answered, chart, maximum = cohort_growth(leader_ids(), catalog)
    return Insight(
        leaders, lessons, quiz_figures(leader_ids, catalog), dimensions, answered, chart,
        maximum, retention(leader_ids, catalog),
    )


