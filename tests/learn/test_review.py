"""Spaced review through the app: the first quiz attempt schedules, the Review card on the
course home asks when due, answers are graded in place with feedback, skips and bad input."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import time_machine
from flask import current_app
from sqlalchemy import func, select

from course.extensions import db
from course.review.models import ReviewAnswer, ReviewItem
from tests.factories import lesson, right_answer

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def quiz_of(number: int):
    return current_app.extensions["catalog"].quizzes[lesson(number).quiz_id]


def wrong_answer(question) -> list[str]:
    if question.type == "true-false":
        return [str(not question.answer).lower()]
    return [str(next(i for i, o in enumerate(question.options) if not o.correct))]


def post_quiz(client, wrong_ids=(), form_key="quiz-1"):
    quiz = quiz_of(1)
    data = {"form_key": form_key}
    for q in quiz.questions:
        data[f"q-{q.id}"] = wrong_answer(q) if q.id in wrong_ids else right_answer(q)
    return client.post(f"/lessons/{lesson(1).id}/quiz", data=data)


def items_of(leader) -> list[ReviewItem]:
    return list(db.session.scalars(select(ReviewItem).where(ReviewItem.user_id == leader.id)
                                   .order_by(ReviewItem.slot)))


def question(item):
    return next(q for q in quiz_of(1).questions if q.id == item.question_id)


def review_card(html: str) -> str:
    match = re.search(r'<section class="panel review-card".*?</section>', html, re.S)
    return match.group(0) if match else ""


def scheduled(client, auth, leader, wrong=(0, 1)):
    """Take lesson 1's quiz on START with the questions at `wrong` (indexes) wrong, then
    travel three days on and sign in again. Returns the traveller and the items."""
    quiz = quiz_of(1)
    with time_machine.travel(START, tick=False):
        auth.login(leader)
        assert post_quiz(client, {quiz.questions[i].id for i in wrong}).status_code == 302
    traveller = time_machine.travel(START + timedelta(days=3), tick=False)
    traveller.start()
    auth.login(leader)
    return traveller, items_of(leader)


def send(client, item, values=None, *, action="answer", number=None, form_key=None):
    data = {"number": str(number or item.review_number), "action": action,
            "form_key": form_key or f"key-{item.id}-{item.review_number}"}
    if values is not None:
        data[f"review-{item.id}"] = values
    return client.post(f"/review/{item.id}", data=data)


def test_the_first_attempt_schedules_the_wrong_questions_and_a_retake_does_not(
        client, auth, leader):
    quiz = quiz_of(1)
    auth.login(leader)
    post_quiz(client, {quiz.questions[3].id, quiz.questions[1].id})
    items = items_of(leader)
    assert [(i.question_id, i.first_correct, i.review_number) for i in items] == [
        (quiz.questions[1].id, False, 1), (quiz.questions[3].id, False, 1)]
    assert {i.due_on for i in items} == {date.today() + timedelta(days=3)}
    post_quiz(client, {quiz.questions[0].id}, form_key="quiz-2")  # a second attempt
    post_quiz(client, {quiz.questions[0].id}, form_key="quiz-2")  # ... sent twice
    assert [(i.id, i.question_id) for i in items_of(leader)] == [
        (i.id, i.question_id) for i in items]


def test_the_card_appears_when_due_and_not_before(client, auth, leader):
    quiz = quiz_of(1)
    with time_machine.travel(START, tick=False):
        auth.login(leader)
        post_quiz(client, {quiz.questions[0].id})
        assert 'id="review"' not in client.get("/course").get_data(as_text=True)
    with time_machine.travel(START + timedelta(days=2, hours=14), tick=False):
        auth.login(leader)  # the 4th in London: not yet
        assert 'id="review"' not in client.get("/course").get_data(as_text=True)
    with time_machine.travel(START + timedelta(days=3), tick=False):
        auth.login(leader)
        card = review_card(client.get("/course").get_data(as_text=True))
    assert "review 1 of 3" in card and "Skip for now" in card
    for item in items_of(leader):
        assert question(item).legend_parts[0][:30] in card
        assert f'name="review-{item.id}"' in card


def test_answer_right_then_wrong_with_the_questions_feedback(client, auth, leader):
    traveller, (first, second) = scheduled(client, auth, leader)
    try:
        response = send(client, first, right_answer(question(first)))
        assert response.status_code == 302
        assert re.search(r"/course\?reviewed=\d+#review$", response.headers["Location"])
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        card = review_card(page)
        assert "Right." in card and "It comes back on 12 March 2026." in card
        assert question(first).explanation_html[:40] in card
        assert "review 1 of 3" in card  # the second question is still waiting
        response = send(client, second, wrong_answer(question(second)))
        card = review_card(client.get(response.headers["Location"]).get_data(as_text=True))
        assert "Not quite" in card and "Your answer" in card
        assert "Nothing else to review today." in card
    finally:
        traveller.stop()
    answers = db.session.scalars(select(ReviewAnswer).order_by(ReviewAnswer.id)).all()
    assert [(a.question_id, a.review_number, a.correct) for a in answers] == [
        (first.question_id, 1, True), (second.question_id, 1, False)]
    db.session.refresh(first)
    assert (first.review_number, first.due_on) == (2, date(2026, 3, 12))


def test_skip_moves_on_and_says_when_it_comes_back(client, auth, leader):
    traveller, (first, _) = scheduled(client, auth, leader)
    try:
        response = send(client, first, action="skip")
        card = review_card(client.get(response.headers["Location"]).get_data(as_text=True))
    finally:
        traveller.stop()
    assert "Skipped." in card and "It comes back on 12 March 2026." in card
    answer = db.session.scalar(select(ReviewAnswer))
    assert (answer.correct, answer.response) == (None, None)


def test_no_option_chosen_is_said_beside_the_question(client, auth, leader):
    traveller, (first, second) = scheduled(client, auth, leader)
    try:
        response = send(client, first)
        page = response.get_data(as_text=True)
    finally:
        traveller.stop()
    assert response.status_code == 400
    card = review_card(page)
    assert "There is a problem" in card
    assert f'href="#review-question-{first.id}"' in card
    assert f'id="review-{first.id}-error"' in card
    assert db.session.scalar(select(func.count(ReviewAnswer.id))) == 0


def test_a_bad_form_keeps_the_choice(client, auth, leader):
    traveller, (first, _) = scheduled(client, auth, leader)
    chosen = wrong_answer(question(first))[0]
    try:
        response = send(client, first, [chosen], number="x1")
        page = response.get_data(as_text=True)
    finally:
        traveller.stop()
    assert response.status_code == 400
    assert "out of date" in page
    assert re.search(rf'id="review-{first.id}-{chosen}"[^>]*checked', page)
    assert db.session.scalar(select(func.count(ReviewAnswer.id))) == 0


def test_a_double_submit_records_once(client, auth, leader):
    traveller, (first, _) = scheduled(client, auth, leader)
    try:
        one = send(client, first, right_answer(question(first)), form_key="same")
        two = send(client, first, right_answer(question(first)), number=1, form_key="same")
        other_tab = send(client, first, right_answer(question(first)), number=1,
                         form_key="other")
        followed = client.get("/course").get_data(as_text=True)
    finally:
        traveller.stop()
    assert one.headers["Location"] == two.headers["Location"]
    assert other_tab.status_code == 302 and "already answered" in followed
    assert db.session.scalar(select(func.count(ReviewAnswer.id))) == 1


def test_garbage_or_anothers_item_is_404(client, auth, leader, make_leader, make_cohort):
    traveller, (first, _) = scheduled(client, auth, leader)
    try:
        for path in ("/review/abc", "/review/%C2%B2", "/review/99999999999999999999",
                     f"/review/{first.id + 1000}"):
            assert client.post(path, data={"number": "1"}).status_code == 404, path
        someone = make_leader(cohort=make_cohort(name="Another"))
        auth.logout()
        auth.login(someone)
        response = send(client, first, right_answer(question(first)))
        assert response.status_code == 404, response.headers.get("Location")
    finally:
        traveller.stop()
    assert db.session.scalar(select(func.count(ReviewAnswer.id))) == 0


def test_a_facilitator_cannot_answer(client, auth, leader, make_facilitator):
    traveller, (first, _) = scheduled(client, auth, leader)
    try:
        auth.logout()
        auth.login(make_facilitator())
        assert send(client, first, right_answer(question(first))).status_code == 403
    finally:
        traveller.stop()


def test_a_question_not_yet_due_cannot_be_answered(client, auth, leader):
    quiz = quiz_of(1)
    with time_machine.travel(START, tick=False):
        auth.login(leader)
        post_quiz(client, {quiz.questions[0].id})
        item = items_of(leader)[0]
        response = send(client, item, right_answer(question(item)))
        assert response.status_code == 302 and response.headers["Location"].endswith(
            "/course#main")
        assert "not due for review yet" in client.get("/course").get_data(as_text=True)
    assert db.session.scalar(select(func.count(ReviewAnswer.id))) == 0
