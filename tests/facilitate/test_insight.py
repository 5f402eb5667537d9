"""Insight: completion per lesson, each quiz question over latest attempts, and the cohort's
self-assessment averages as a chart with a table; counts only."""

from __future__ import annotations

import re

from flask import current_app

from course.extensions import db
from course.progress.insight import build_insight
from course.self_assessment.assessment import save_assessment
from course.self_assessment.cohort import MIN_GROUP
from course.self_assessment.models import SelfAssessment
from tests.facilitate.conftest import text_of
from tests.factories import finish, lesson, right_answer, take_quiz, write


def insight_for(world, viewer=None):
    return build_insight(viewer or world.facilitator, world.cohort,
                         current_app.extensions["catalog"])


def quiz_of(number: int):
    return current_app.extensions["catalog"].quizzes[lesson(number).quiz_id]


def figures_for(insight, number: int):
    return next(f for f in insight.quizzes if f.lesson.number == number)


def test_completion_per_lesson(world, make_leader):
    ann = make_leader(name="Ann", cohort=world.cohort)
    bob = make_leader(name="Bob", cohort=world.cohort)
    finish(ann, 1)
    finish(bob, 1)
    write(bob, 2)
    finish(world.other_leader, 2)  # another cohort: not counted
    insight = insight_for(world)
    assert insight.leaders == 3
    first, second, third = insight.lessons[:3]
    assert (first.done, first.in_progress, first.percent) == (2, 0, 67)
    assert (second.done, second.in_progress, second.percent) == (0, 1, 0)
    assert (third.done, third.in_progress, third.percent) == (0, 0, 0)
    assert len(insight.lessons) == len(current_app.extensions["catalog"].lessons)


def test_questions_use_each_leaders_latest_attempt(world, make_leader):
    quiz = quiz_of(1)
    single = next(q for q in quiz.questions if q.type == "single")
    right = right_answer(single)
    wrong_index = next(i for i, o in enumerate(single.options) if not o.correct)
    wrong = [str(wrong_index)]
    ann = make_leader(name="Ann", cohort=world.cohort)
    take_quiz(ann, 1, {single.id: wrong})
    take_quiz(ann, 1, {single.id: right})  # Ann's latest is right
    take_quiz(world.leader, 1, {single.id: wrong})
    bob = make_leader(name="Bob", cohort=world.cohort)
    take_quiz(bob, 1, {single.id: right})
    take_quiz(bob, 1, {single.id: wrong})  # Bob's latest is wrong
    take_quiz(world.other_leader, 1, {single.id: wrong})  # another cohort
    figures = figures_for(insight_for(world), 1)
    assert figures.takers == 3
    question = next(q for q in figures.questions if q.id == single.id)
    assert (question.answered, question.right, question.percent_right) == (3, 1, 33)
    assert question.wrong_option == single.options[wrong_index].text
    assert question.wrong_count == 2 and not question.typed
    assert question.prompt and "<" not in question.prompt  # plain text


def test_most_chosen_wrong_option_for_multiple_and_true_false(world, make_leader):
    quiz = quiz_of(1)
    multiple = next(q for q in quiz.questions if q.type == "multiple")
    true_false = next(q for q in quiz.questions if q.type == "true-false")
    wrong_options = [i for i, o in enumerate(multiple.options) if not o.correct]
    said_wrong = ["false" if true_false.answer else "true"]
    for n in range(3):
        person = make_leader(name=f"P{n}", cohort=world.cohort)
        chosen = right_answer(multiple) + ([str(wrong_options[0])] if n < 2 else [])
        take_quiz(person, 1, {multiple.id: chosen, true_false.id: said_wrong if n else
                              right_answer(true_false)})
    figures = figures_for(insight_for(world), 1)
    found = {q.id: q for q in figures.questions}
    assert found[multiple.id].answered == 3 and found[multiple.id].right == 1
    assert found[multiple.id].wrong_option == multiple.options[wrong_options[0]].text
    assert found[multiple.id].wrong_count == 2
    assert found[true_false.id].wrong_option == said_wrong[0].capitalize()
    assert (found[true_false.id].right, found[true_false.id].wrong_count) == (1, 2)


def test_nobody_answered(world):
    figures = figures_for(insight_for(world), 1)
    assert figures.takers == 0
    assert all(q.answered == 0 and q.percent_right is None for q in figures.questions)
    assert insight_for(world).hardest() == []


def test_self_assessment_averages_need_a_few_answers(world, make_leader):
    dimensions = [q.id for q in current_app.extensions["catalog"].self_assessment.questions]
    people = [world.leader] + [make_leader(cohort=world.cohort) for _ in range(MIN_GROUP)]
    for level, person in zip((1, 2, 3, 4), people, strict=True):
        save_assessment(person.id, "before", dict.fromkeys(dimensions, level))
    save_assessment(people[0].id, "after", dict.fromkeys(dimensions, 5))
    db.session.add(SelfAssessment(user_id=world.other_leader.id, stage="before",
                                  levels=dict.fromkeys(dimensions, 5)))
    skipper = make_leader(cohort=world.cohort)
    db.session.add(SelfAssessment(user_id=skipper.id, stage="after", skipped=True, levels={}))
    db.session.commit()
    insight = insight_for(world)
    assert insight.answered == {"before": 4, "after": 1}
    first = insight.dimensions[0]
    assert (first.before, first.before_count) == (2.5, 4)
    assert (first.after, first.after_count) == (None, 1)  # one answer: not shown
    assert first.change_text == "not yet known"
    assert insight.chart is not None and insight.chart.stages == ("before",)
    texts = [bar.text for bar in insight.chart.bars]
    assert texts[0] == "Before 2.5"


def test_insight_page(client, auth, world, make_leader):
    dimensions = [q.id for q in current_app.extensions["catalog"].self_assessment.questions]
    for n in range(3):
        person = make_leader(name=f"P{n}", cohort=world.cohort)
        save_assessment(person.id, "before", dict.fromkeys(dimensions, 2))
        save_assessment(person.id, "after", dict.fromkeys(dimensions, 3 + n % 2))
        finish(person, 1)
        take_quiz(person, 1)
    db.session.commit()
    auth.login(world.facilitator)
    response = client.get(f"/facilitate/cohorts/{world.cohort.id}/insight")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    page = text_of(response)
    assert "each leader’s latest attempt" in page
    assert "1. Where am I? Four kinds of work 75% (3)" in page  # 3 of 4 leaders done
    svg = re.search(r"<svg[^>]*>", html).group(0)
    assert 'role="img"' in svg and "aria-labelledby" in svg and "aria-describedby" in svg
    assert "<title id=\"cohort-chart-title\">" in html and "<desc id=\"cohort-chart-desc\">" in html
    assert "Before 2.0" in html and "After 3.3" in html  # bars labelled, not colour alone
    assert "Listening 2.0 (3) 3.3 (3) +1.3" in page  # the table says the same
    assert "Answered right least often" in page
    assert "Download the questions (CSV)" in page
