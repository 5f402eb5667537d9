"""Spaced review under racing requests, each thread with its own session and transaction:
two first attempts at once keep one choice of questions, and two tabs answering the same
review at once record it once. On PostgreSQL both transactions are held open together;
SQLite lets one writer in at a time, so there the second waits for the first."""

from __future__ import annotations

import random
import threading

from flask import current_app
from sqlalchemy import select

from course.extensions import db
from course.models import User
from course.quizzes.attempts import grade_quiz, submit_quiz
from course.quizzes.models import QuizAttempt
from course.review.models import ReviewAnswer, ReviewItem
from course.review.review import ReviewRefused, answer_review, question_of, schedule_reviews
from tests.conftest import PG_URL
from tests.factories import lesson, right_answer


def wrong_answer(question) -> list[str]:
    if question.type == "true-false":
        return [str(not question.answer).lower()]
    return [str(next(i for i, o in enumerate(question.options) if not o.correct))]


def run_together(app, *jobs) -> list:
    """Run each job in its own thread and app context; `together()` inside a job waits
    for the others (on PostgreSQL only: SQLite holds one writer at a time)."""
    barrier = threading.Barrier(len(jobs), timeout=20)
    together = barrier.wait if PG_URL else (lambda: None)
    results, errors = [None] * len(jobs), []

    def run(index, job):
        with app.app_context():
            try:
                results[index] = job(together)
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results + errors


def test_two_first_attempts_at_once_keep_one_choice(app, make_leader):
    leader_id = make_leader().id
    found = lesson(1)
    quiz = current_app.extensions["catalog"].quizzes[found.quiz_id]
    questions = quiz.questions
    db.session.commit()

    def attempt(wrong_ids, key):
        def job(together):
            user = db.session.get(User, leader_id)
            responses = {q.id: wrong_answer(q) if q.id in wrong_ids else right_answer(q)
                         for q in questions}
            # The attempt row only (submit_quiz's lesson touch would make the second request
            # wait for the first, as in production: here the scheduling itself races).
            results, score = grade_quiz(quiz, responses)
            made = QuizAttempt(user_id=user.id, quiz_id=quiz.id, lesson_id=found.id,
                               score=score, answers=results, form_key=key)
            db.session.add(made)
            db.session.flush()
            together()  # both attempts stored, neither committed: each looks first
            chosen = schedule_reviews(user, quiz, found.id, made, rng=random.Random(1))
            db.session.commit()
            return chosen
        return job

    first = {questions[0].id, questions[1].id}
    second = {questions[2].id, questions[3].id}
    outcome = run_together(app, attempt(first, "race-a"), attempt(second, "race-b"))
    assert all(isinstance(n, int) for n in outcome), outcome
    db.session.expire_all()
    items = db.session.scalars(select(ReviewItem).where(ReviewItem.user_id == leader_id)).all()
    assert sorted(i.slot for i in items) == [1, 2]
    assert {i.question_id for i in items} in (first, second)  # one attempt's choice, whole


def test_two_tabs_answering_one_review_record_it_once(app, make_leader):
    leader = make_leader()
    leader_id = leader.id
    found = lesson(1)
    catalog = current_app.extensions["catalog"]
    quiz = catalog.quizzes[found.quiz_id]
    made = submit_quiz(leader.id, quiz, found.id,
                       {q.id: right_answer(q) for q in quiz.questions}, None)
    schedule_reviews(leader, quiz, found.id, made, rng=random.Random(0))
    db.session.commit()
    item_id, due_on = db.session.execute(
        select(ReviewItem.id, ReviewItem.due_on).where(ReviewItem.slot == 1)).one()
    db.session.commit()  # this thread's transaction must not hold SQLite's lock

    def tab(key):
        def job(together):
            item = db.session.get(ReviewItem, item_id)
            _, question = question_of(item, catalog)
            together()  # both tabs were shown the review as review 1
            answer = answer_review(item, question, 1, right_answer(question), key, due_on)
            db.session.commit()
            return answer.id
        return job

    outcome = run_together(app, tab("tab-a"), tab("tab-b"))
    kept = [o for o in outcome if isinstance(o, int)]
    refused = [o for o in outcome if isinstance(o, ReviewRefused)]
    assert len(kept) == 1 and len(refused) == 1, outcome
    db.session.expire_all()
    answers = db.session.scalars(select(ReviewAnswer).where(
        ReviewAnswer.user_id == leader_id)).all()
    assert [a.id for a in answers] == kept
    assert db.session.get(ReviewItem, item_id).review_number == 2
