"""Spaced review rules: which questions come back, when, and what answering or skipping does."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

import pytest
import time_machine
from flask import current_app
from sqlalchemy import func, select

from course.extensions import db
from course.quizzes.attempts import submit_quiz
from course.review.models import ReviewAnswer, ReviewItem
from course.review.review import (
    ReviewError,
    ReviewRefused,
    answer_review,
    due_items,
    pick_questions,
    question_of,
    schedule_reviews,
    skip_review,
)
from tests.factories import lesson, right_answer

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday morning in London


def quiz_of(number: int):
    return current_app.extensions["catalog"].quizzes[lesson(number).quiz_id]


def wrong_answer(question) -> list[str]:
    if question.type == "true-false":
        return [str(not question.answer).lower()]
    return [str(next(i for i, o in enumerate(question.options) if not o.correct))]


def results(quiz, wrong_ids=()) -> dict:
    """An attempt's stored answers: every question right but those in wrong_ids."""
    return {q.id: {"correct": q.id not in wrong_ids} for q in quiz.questions}


def attempt(leader, number: int, wrong_ids=()):
    quiz = quiz_of(number)
    responses = {q.id: wrong_answer(q) if q.id in wrong_ids else right_answer(q)
                 for q in quiz.questions}
    return quiz, submit_quiz(leader.id, quiz, lesson(number).id, responses, None)


def items_of(leader) -> list[ReviewItem]:
    return list(db.session.scalars(select(ReviewItem).where(ReviewItem.user_id == leader.id)
                                   .order_by(ReviewItem.slot)))


def test_questions_answered_wrong_come_back_first(app):
    quiz = quiz_of(1)
    second, fourth = quiz.questions[1], quiz.questions[3]
    chosen = pick_questions(quiz, results(quiz, {fourth.id, second.id}), random.Random(1))
    assert [(q.id, right) for q, right in chosen] == [(second.id, False), (fourth.id, False)]


def test_one_wrong_then_one_at_random_the_same_for_the_same_seed(app):
    quiz = quiz_of(1)
    wrong = quiz.questions[2]
    picks = set()
    for seed in range(20):
        first = pick_questions(quiz, results(quiz, {wrong.id}), random.Random(seed))
        again = pick_questions(quiz, results(quiz, {wrong.id}), random.Random(seed))
        assert [q.id for q, _ in first] == [q.id for q, _ in again]
        assert first[0] == (wrong, False) and first[1][1] is True
        picks.add(first[1][0].id)
    assert len(picks) > 1  # the second one really is chosen at random


def test_more_than_two_wrong_picks_two_of_the_wrong_ones(app):
    quiz = quiz_of(1)
    wrong_ids = {q.id for q in quiz.questions[:4]}
    for seed in range(10):
        chosen = pick_questions(quiz, results(quiz, wrong_ids), random.Random(seed))
        assert len(chosen) == 2 and all(q.id in wrong_ids and not right for q, right in chosen)


def test_unscored_scale_questions_never_come_back(app):
    catalog = current_app.extensions["catalog"]
    scales = next(q for q in catalog.quizzes.values()
                  if any(not question.scored for question in q.questions))
    # Even stored as if answered wrong, a scale (no right answer to recall) is not chosen.
    answers = {q.id: {"correct": False} for q in scales.questions}
    chosen = pick_questions(scales, answers, random.Random(0))
    assert [q.id for q, _ in chosen if not q.scored] == []


def test_reviews_fall_due_at_3_10_and_30_days_then_finish(app, make_leader):
    leader = make_leader()
    with time_machine.travel(START, tick=False):
        quiz, first = attempt(leader, 1, {quiz_of(1).questions[0].id})
        assert schedule_reviews(leader, quiz, lesson(1).id, first, rng=random.Random(3)) == 2
        db.session.commit()
    item = items_of(leader)[0]
    assert (item.started_on, item.due_on, item.review_number) == (date(2026, 3, 2),
                                                                 date(2026, 3, 5), 1)
    catalog = current_app.extensions["catalog"]
    _, question = question_of(item, catalog)
    assert [d.item.id for d in due_items(leader, catalog, date(2026, 3, 4))] == []
    assert {d.item.id for d in due_items(leader, catalog, date(2026, 3, 5))} == {
        i.id for i in items_of(leader)}
    for number, (today, following) in enumerate(
        [(date(2026, 3, 5), date(2026, 3, 12)), (date(2026, 3, 12), date(2026, 4, 1))], 1
    ):
        answer_review(item, question, number, right_answer(question), f"k{number}", today)
        db.session.commit()
        assert (item.review_number, item.due_on, item.finished) == (number + 1, following, False)
    answer_review(item, question, 3, wrong_answer(question), "k3", date(2026, 4, 1))
    db.session.commit()
    assert item.finished
    assert item.id not in {d.item.id for d in due_items(leader, catalog, date(2026, 6, 1))}
    answers = db.session.scalars(select(ReviewAnswer).order_by(ReviewAnswer.review_number))
    assert [(a.review_number, a.correct) for a in answers] == [(1, True), (2, True), (3, False)]


def test_the_leaders_own_date_starts_the_clock(app, make_leader):
    leader = make_leader()
    leader.time_zone = "Asia/Tokyo"
    db.session.commit()
    # 23:30 in London on the 2nd is already the 3rd in Tokyo.
    with time_machine.travel(datetime(2026, 3, 2, 23, 30, tzinfo=UTC), tick=False):
        quiz, first = attempt(leader, 1)
        schedule_reviews(leader, quiz, lesson(1).id, first, rng=random.Random(0))
        db.session.commit()
    assert {i.due_on for i in items_of(leader)} == {date(2026, 3, 6)}


def test_a_late_review_moves_the_next_one_to_the_next_day_at_the_earliest(app, make_leader):
    leader = make_leader()
    with time_machine.travel(START, tick=False):
        quiz, first = attempt(leader, 1)
        schedule_reviews(leader, quiz, lesson(1).id, first, rng=random.Random(0))
        db.session.commit()
    item = items_of(leader)[0]
    _, question = question_of(item, current_app.extensions["catalog"])
    answer_review(item, question, 1, right_answer(question), None, date(2026, 3, 20))
    assert item.due_on == date(2026, 3, 21)  # +10 days was the 12th: already past


def test_skip_moves_it_on_without_a_result(app, make_leader):
    leader = make_leader()
    with time_machine.travel(START, tick=False):
        quiz, first = attempt(leader, 1)
        schedule_reviews(leader, quiz, lesson(1).id, first, rng=random.Random(0))
        db.session.commit()
    item = items_of(leader)[0]
    _, question = question_of(item, current_app.extensions["catalog"])
    skipped = skip_review(item, question, 1, "skip-1", date(2026, 3, 5))
    db.session.commit()
    assert (skipped.correct, skipped.response) == (None, None)
    assert (item.review_number, item.due_on) == (2, date(2026, 3, 12))


def test_only_the_first_attempt_schedules_and_only_once(app, make_leader):
    leader = make_leader()
    quiz, first = attempt(leader, 1)
    assert schedule_reviews(leader, quiz, lesson(1).id, first, rng=random.Random(0)) == 2
    assert schedule_reviews(leader, quiz, lesson(1).id, first, rng=random.Random(9)) == 2
    db.session.commit()
    kept = [(i.slot, i.question_id) for i in items_of(leader)]
    assert len(kept) == 2
    _, second = attempt(leader, 1, {q.id for q in quiz.questions})
    assert schedule_reviews(leader, quiz, lesson(1).id, second) == 0
    db.session.commit()
    assert [(i.slot, i.question_id) for i in items_of(leader)] == kept


def test_answers_are_graded_by_the_question_type_and_recorded_once(app, make_leader):
    leader = make_leader()
    with time_machine.travel(START, tick=False):
        quiz, first = attempt(leader, 1)
        schedule_reviews(leader, quiz, lesson(1).id, first, rng=random.Random(0))
        db.session.commit()
    item = items_of(leader)[0]
    _, question = question_of(item, current_app.extensions["catalog"])
    with pytest.raises(ReviewError):
        answer_review(item, question, 1, [], "form-a", date(2026, 3, 5))
    db.session.rollback()
    once = answer_review(item, question, 1, wrong_answer(question), "form-a", date(2026, 3, 5))
    db.session.commit()
    twice = answer_review(item, question, 1, right_answer(question), "form-a", date(2026, 3, 5))
    assert twice.id == once.id and once.correct is False
    with pytest.raises(ReviewRefused):  # another tab's form for the review already done
        answer_review(item, question, 1, right_answer(question), "form-b", date(2026, 3, 5))
    db.session.rollback()
    assert db.session.scalar(select(func.count(ReviewAnswer.id))) == 1
    assert item.review_number == 2


def test_a_question_is_not_answered_before_it_is_due(app, make_leader):
    leader = make_leader()
    with time_machine.travel(START, tick=False):
        quiz, first = attempt(leader, 1)
        schedule_reviews(leader, quiz, lesson(1).id, first, rng=random.Random(0))
        db.session.commit()
    item = items_of(leader)[0]
    _, question = question_of(item, current_app.extensions["catalog"])
    for act in (lambda: answer_review(item, question, 1, right_answer(question), None,
                                      date(2026, 3, 4)),
                lambda: skip_review(item, question, 1, None, date(2026, 3, 4))):
        with pytest.raises(ReviewRefused, match="not due"):
            act()
    assert (item.review_number, item.due_on) == (1, date(2026, 3, 5))
    assert db.session.scalar(select(func.count(ReviewAnswer.id))) == 0
