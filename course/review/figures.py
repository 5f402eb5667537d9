"""A cohort's retention per reviewed question: the share right at the first attempt and at
each review, with the counts behind each share. Counts only, never who answered what."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, literal_column, select, union_all

from course.content import Catalog, Lesson
from course.content.render import plain_text
from course.extensions import db
from course.quizzes.statistics import percent
from course.review.models import ReviewAnswer, ReviewItem
from course.review.review import REVIEWS


@dataclass(frozen=True)
class Share:
    right: int
    answered: int

    @property
    def percent(self) -> int | None:
        return percent(self.right, self.answered)


@dataclass(frozen=True)
class QuestionRetention:
    """One question that came back to some leaders: right at first try, then at each review
    (skipped reviews are not counted)."""

    lesson: Lesson
    question_id: str
    prompt: str  # plain text
    first: Share  # over the leaders it came back to
    reviews: tuple[Share, ...]  # review 1, 2 and 3


def retention(leader_ids, catalog: Catalog) -> tuple[QuestionRetention, ...]:
    """Every reviewed question of the course, in course order, in one query.

    `leader_ids()` gives a fresh subquery of the leaders counted. Answers given to an
    earlier version of a question are not counted against the question as it stands.
    Review 0 stands for the first try (the review item's first_correct).
    """
    firsts = select(
        ReviewItem.lesson_id, ReviewItem.question_id, ReviewItem.version,
        literal_column("0").label("number"), ReviewItem.first_correct.label("correct"),
        func.count().label("count"),
    ).where(ReviewItem.user_id.in_(leader_ids())).group_by(
        ReviewItem.lesson_id, ReviewItem.question_id, ReviewItem.version,
        ReviewItem.first_correct)
    reviews = select(
        ReviewAnswer.lesson_id, ReviewAnswer.question_id, ReviewAnswer.version,
        ReviewAnswer.review_number, ReviewAnswer.correct, func.count(),
    ).where(ReviewAnswer.user_id.in_(leader_ids()), ReviewAnswer.correct.is_not(None)).group_by(
        ReviewAnswer.lesson_id, ReviewAnswer.question_id, ReviewAnswer.version,
        ReviewAnswer.review_number, ReviewAnswer.correct)
    counts: Counter[tuple] = Counter()
    for lesson_id, question_id, version, number, correct, count in db.session.execute(
        union_all(firsts, reviews)
    ):
        counts[(lesson_id, question_id, version, number, bool(correct))] += count
    found = []
    for lesson in catalog.ordered_lessons:
        quiz = catalog.quizzes.get(lesson.quiz_id) if lesson.quiz_id else None
        for question in quiz.questions if quiz else ():
            key = (lesson.id, question.id, question.version)
            first, *shares = (
                Share(counts[(*key, number, True)],
                      counts[(*key, number, True)] + counts[(*key, number, False)])
                for number in range(REVIEWS + 1)
            )
            if not first.answered:
                continue
            found.append(QuestionRetention(lesson, question.id,
                                           plain_text(question.prompt_html), first,
                                           tuple(shares)))
    return tuple(found)
