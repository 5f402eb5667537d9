"""Spaced review: which questions come back, when they are due, answering and skipping.

After a leader's first quiz attempt on a lesson, up to two of its scored questions are
chosen (those answered wrong first, else at random) and come back 3, 10 and 30 days after
that attempt, in the leader's own calendar. A review answered (or skipped) late moves the
next one to the following day at the earliest, so a question never comes back twice in a
day. An unscored question (a scale: an opinion, with no right answer to recall) is never
chosen.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from course.access import mine
from course.content import Catalog, InvalidAnswer, Lesson, Question, Quiz
from course.content.grading import Grade
from course.extensions import db
from course.idempotency import STALE_FORM, check_form_key, insert_if_missing, kept_with
from course.models import User, utcnow
from course.quizzes.models import QuizAttempt
from course.review.models import ReviewAnswer, ReviewItem
from course.timezones import to_local

OFFSETS = (3, 10, 30)  # days after the first attempt: review 1, 2 and 3
REVIEWS = len(OFFSETS)
MAX_QUESTIONS = 2  # per lesson
ANSWERED = "You have already answered this question. It will come back when it is next due."
NOT_DUE = "That question is not due for review yet. It will be on your course home when it is."


class ReviewError(ValueError):
    """The answer cannot be graded (nothing chosen, or values that make no sense); the
    message is meant for the leader and the form is shown again as it was."""


class ReviewRefused(ValueError):
    """The form is out of date or already used; nothing is recorded."""


def chooser() -> random.Random:
    """The random source that picks questions when fewer than two were answered wrong
    (tests pass their own seeded one to schedule_reviews)."""
    return random.Random()


def local_today(user: User) -> date:
    """Today in the leader's own zone."""
    return to_local(utcnow(), user).date()


def pick_questions(quiz: Quiz, answers: dict, rng: random.Random) -> list[tuple[Question, bool]]:
    """Up to two scored questions the attempt answered, with whether each was right: the
    ones answered wrong first (at random among them if more than two), then at random."""
    graded = [(question, answers[question.id]) for question in quiz.questions
              if question.scored and isinstance(answers.get(question.id), dict)
              and answers[question.id].get("correct") is not None]
    wrong = [question for question, result in graded if result["correct"] is False]
    right = [question for question, result in graded if result["correct"] is True]
    if len(wrong) >= MAX_QUESTIONS:
        chosen = rng.sample(wrong, MAX_QUESTIONS)
    else:
        chosen = wrong + rng.sample(right, min(len(right), MAX_QUESTIONS - len(wrong)))
    order = {question.id: index for index, question in enumerate(quiz.questions)}
    # Wrong ones take the first slots; each group in the quiz's order.
    chosen.sort(key=lambda question: (question not in wrong, order[question.id]))
    return [(question, question in right) for question in chosen]


def is_first_attempt(user_id: int, lesson_id: str, attempt: QuizAttempt) -> bool:
    """Whether no earlier attempt of the leader's at the lesson's quiz is stored."""
    earlier = db.session.scalar(
        select(QuizAttempt.id).where(
            QuizAttempt.user_id == user_id, QuizAttempt.lesson_id == lesson_id,
            QuizAttempt.id < attempt.id,
        ).limit(1)
    )
    return earlier is None


def schedule_reviews(user: User, quiz: Quiz, lesson_id: str | None, attempt: QuizAttempt,
                     *, rng: random.Random | None = None) -> int:
    """After the first attempt on a lesson, make its review items (in the caller's
    transaction). Returns how many questions were chosen; 0 after a later attempt.

    Once per leader and lesson: each item takes a slot (1, 2) the database keeps unique,
    so a repeat or a racing twin of the first attempt inserts nothing more.
    """
    if lesson_id is None or not is_first_attempt(user.id, lesson_id, attempt):
        return 0
    chosen = pick_questions(quiz, attempt.answers or {}, rng or chooser())
    started_on = to_local(attempt.created_at or utcnow(), user).date()
    for slot, (question, correct) in enumerate(chosen, 1):
        insert_if_missing(
            ReviewItem, ["user_id", "lesson_id", "slot"],
            user_id=user.id, lesson_id=lesson_id, question_id=question.id, slot=slot,
            version=question.version, first_correct=correct, started_on=started_on,
            review_number=1, due_on=started_on + timedelta(days=OFFSETS[0]), finished=False,
            created_at=utcnow(),
        )
    return len(chosen)


def question_of(item: ReviewItem | ReviewAnswer,
                catalog: Catalog) -> tuple[Lesson, Question] | None:
    """The lesson and the question as the course holds them now (None if either is gone)."""
    lesson = catalog.lessons.get(item.lesson_id)
    quiz = catalog.quizzes.get(lesson.quiz_id) if lesson and lesson.quiz_id else None
    found = [q for q in quiz.questions if q.id == item.question_id] if quiz else []
    return (lesson, found[0]) if found and found[0].scored else None


@dataclass(frozen=True)
class Due:
    item: ReviewItem
    lesson: Lesson
    question: Question


def due_items(user: User, catalog: Catalog, today: date | None = None) -> list[Due]:
    """The leader's questions due on `today` (their own date by default), oldest first.

    A question the course no longer holds waits, unshown, in case it comes back.
    """
    today = today or local_today(user)
    items = db.session.scalars(_due_statement(), {"user_id": user.id, "today": today})
    found = []
    for item in items:
        asked = question_of(item, catalog)
        if asked is not None:
            found.append(Due(item, *asked))
    return found


@cache
def _due_statement():
    """Built once (every leader's course home runs it): a leader's items due by a day."""
    return (mine(ReviewItem, bindparam("user_id"))
            .where(ReviewItem.finished.is_(False), ReviewItem.due_on <= bindparam("today"))
            .order_by(ReviewItem.due_on, ReviewItem.id))


def next_due_on(item: ReviewItem, today: date) -> date:
    """When the item's current review (review_number) falls due if it moves on `today`."""
    planned = item.started_on + timedelta(days=OFFSETS[item.review_number - 1])
    return max(planned, today + timedelta(days=1))


def move_on(item: ReviewItem, today: date) -> None:
    """After a review: the next one and its date, or finished after the third."""
    if item.review_number >= REVIEWS:
        item.finished = True
        return
    item.review_number += 1
    item.due_on = next_due_on(item, today)


def _kept(form_key: str | None, item: ReviewItem) -> ReviewAnswer | None:
    if not form_key:
        return None
    return kept_with(select(ReviewAnswer).where(ReviewAnswer.form_key == form_key),
                     ReviewRefused, user_id=item.user_id, lesson_id=item.lesson_id,
                     question_id=item.question_id)


def _record(item: ReviewItem, question: Question, response: list | None,
            correct: bool | None, form_key: str | None, today: date) -> ReviewAnswer:
    """Keep one review and move the item on; a form sent twice records once."""
    answer = ReviewAnswer(
        user_id=item.user_id, lesson_id=item.lesson_id, question_id=item.question_id,
        review_number=item.review_number, version=question.version, response=response,
        correct=correct, form_key=form_key,
    )
    try:
        with db.session.begin_nested():
            db.session.add(answer)
    except IntegrityError:  # a twin of this form, or another tab, recorded this review first
        kept = _kept(form_key, item)
        if kept is not None:
            return kept
        raise ReviewRefused(ANSWERED) from None
    move_on(item, today)
    db.session.flush()
    return answer


def _check(item: ReviewItem, number: int | None, form_key: str | None,
           today: date) -> tuple[ReviewAnswer | None, str | None]:
    """The answer this very form already recorded (a double submit) and the form's key;
    refuse a form for a review that has moved on since it was shown, or is not due yet."""
    form_key = check_form_key(form_key, ReviewRefused)
    kept = _kept(form_key, item)
    if kept is not None:
        return kept, form_key
    if number is None:
        raise ReviewRefused(STALE_FORM)
    if item.finished or number != item.review_number:
        raise ReviewRefused(ANSWERED)
    if item.due_on > today:
        raise ReviewRefused(NOT_DUE)
    return None, form_key


def answer_review(item: ReviewItem, question: Question, number: int | None,
                  response: list[str], form_key: str | None,
                  today: date) -> ReviewAnswer:
    """Grade the answer with the question's own type, keep it and move the item on.

    `number` is the review the form was shown for; a form for an earlier review (another
    tab) is refused. Nothing chosen, or values that make no sense, raise ReviewError.
    """
    kept, form_key = _check(item, number, form_key, today)
    if kept is not None:
        return kept
    try:
        grade = question.grade(response)
    except InvalidAnswer as error:
        raise ReviewError(str(error)) from None
    return _record(item, question, list(response), bool(grade.correct), form_key, today)


def skip_review(item: ReviewItem, question: Question, number: int | None,
                form_key: str | None, today: date) -> ReviewAnswer:
    """Move the item on without a result (skipping is fine: it comes back next time)."""
    kept, form_key = _check(item, number, form_key, today)
    if kept is not None:
        return kept
    return _record(item, question, None, None, form_key, today)


@dataclass(frozen=True)
class Feedback:
    """What the card shows after a review: the verdict, the question's own feedback and
    when it comes back."""

    answer: ReviewAnswer
    lesson: Lesson
    question: Question
    grade: Grade | None  # None for a skip, or when the question changed since
    next_on: date | None  # None once finished

    @property
    def skipped(self) -> bool:
        return self.answer.correct is None


def answer_feedback(user_id: int, answer_id: int, catalog: Catalog) -> Feedback | None:
    """The leader's own recorded review with its feedback (None for anyone else's)."""
    answer = db.session.scalar(mine(ReviewAnswer, user_id).where(ReviewAnswer.id == answer_id))
    asked = question_of(answer, catalog) if answer is not None else None
    if asked is None:
        return None
    lesson, question = asked
    grade = None
    if answer.response is not None and answer.version == question.version:
        try:
            grade = question.grade(answer.response)
        except InvalidAnswer:
            grade = None
    item = db.session.scalar(mine(ReviewItem, user_id).where(
        ReviewItem.lesson_id == answer.lesson_id, ReviewItem.question_id == answer.question_id))
    next_on = item.due_on if item is not None and not item.finished else None
    return Feedback(answer, lesson, question, grade, next_on)
