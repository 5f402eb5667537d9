"""Insight's spaced-review figures: per question, the share right at first try and at each
review, with the counts behind them; never who answered what; queries constant in number."""

from __future__ import annotations

import re
from datetime import date

from flask import current_app
from sqlalchemy import select

from course.cohorts.models import Membership
from course.extensions import db
from course.progress.insight import build_insight
from course.review.figures import retention
from course.review.models import ReviewAnswer, ReviewItem
from tests.facilitate.conftest import text_of
from tests.factories import lesson


def question_of(number: int, index: int):
    return current_app.extensions["catalog"].quizzes[lesson(number).quiz_id].questions[index]


def reviewed(leader, number: int, index: int, first: bool, results=()) -> None:
    """A review item for the leader and question, with reviews answered as `results`
    (True, False, or None for a skip), review 1 first."""
    question = question_of(number, index)
    lesson_id = lesson(number).id
    db.session.add(ReviewItem(
        user_id=leader.id, lesson_id=lesson_id, question_id=question.id, slot=index + 1,
        version=question.version, first_correct=first, started_on=date(2026, 3, 2),
        review_number=min(len(results) + 1, 3), due_on=date(2026, 3, 5),
        finished=len(results) == 3,
    ))
    for review, correct in enumerate(results, 1):
        db.session.add(ReviewAnswer(
            user_id=leader.id, lesson_id=lesson_id, question_id=question.id,
            review_number=review, version=question.version,
            response=None if correct is None else ["0"], correct=correct,
        ))
    db.session.commit()


def retention_for(world, viewer=None):
    return build_insight(viewer or world.facilitator, world.cohort,
                         current_app.extensions["catalog"]).retention


def test_retention_per_question_with_counts(world, make_leader):
    ann = make_leader(name="Ann Answerer", cohort=world.cohort)
    bob = make_leader(name="Bob Better", cohort=world.cohort)
    reviewed(world.leader, 1, 0, False, [True, True, False])
    reviewed(ann, 1, 0, False, [False, None])  # review 2 skipped: not counted
    reviewed(bob, 1, 0, True, [True])
    reviewed(ann, 1, 2, False)
    reviewed(world.other_leader, 1, 0, False, [False, False, False])  # another cohort
    rows = retention_for(world)
    assert [(row.lesson.number, row.question_id) for row in rows] == [
        (1, question_of(1, 0).id), (1, question_of(1, 2).id)]
    first = rows[0]
    assert (first.first.right, first.first.answered, first.first.percent) == (1, 3, 33)
    assert [(s.right, s.answered) for s in first.reviews] == [(2, 3), (1, 1), (0, 1)]
    assert [s.percent for s in first.reviews] == [67, 100, 0]
    assert [(s.right, s.answered, s.percent) for s in rows[1].reviews] == [(0, 0, None)] * 3


def test_answers_to_an_earlier_version_are_not_counted(world):
    reviewed(world.leader, 1, 0, False, [True])
    db.session.execute(ReviewAnswer.__table__.update().values(version="old"))
    db.session.commit()
    (row,) = retention_for(world)
    assert (row.first.answered, row.reviews[0].answered) == (1, 0)


def test_insight_page_shows_the_shares_and_names_no_one(client, auth, world, make_leader):
    ann = make_leader(name="Ann Answerer", cohort=world.cohort)
    reviewed(world.leader, 1, 0, False, [True, False])
    reviewed(ann, 1, 0, True, [True])
    auth.login(world.facilitator)
    response = client.get(f"/facilitate/cohorts/{world.cohort.id}/insight")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    section = re.search(r'<section id="retention".*?</section>', html, re.S).group(0)
    text = " ".join(re.sub(r"<[^>]+>", " ", section).split())
    assert "First try 50% (1 of 2)" in text
    assert "Review 1 100% (2 of 2)" in text and "Review 2 0% (0 of 1)" in text
    assert "Review 3 – none yet" in text
    for name in ("Ann", "Lee", ann.email, world.leader.email):
        assert name not in section
    assert "Spaced review" in text_of(response)


def test_the_figures_take_the_same_number_of_queries_for_any_cohort(
        world, make_leader, count_queries):
    reviewed(world.leader, 1, 0, False, [True])
    with count_queries() as few:
        retention_for(world)
    for n in range(6):
        person = make_leader(cohort=world.cohort)
        reviewed(person, 1 + n % 3, n % 2, n % 2 == 0, [True, n % 3 == 0])
    with count_queries() as many:
        rows = retention_for(world)
    assert len(many) == len(few)
    assert sum(row.first.answered for row in rows) == 7
    cohort_id = world.cohort.id
    with count_queries() as own:
        retention(lambda: select(Membership.user_id).where(Membership.cohort_id == cohort_id),
                  current_app.extensions["catalog"])
    assert [s for s in own if s.startswith("SELECT")] == own[-1:]  # one statement
