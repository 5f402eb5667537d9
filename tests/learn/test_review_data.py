"""Spaced review beyond the card: the email section's provider, the data download and
account deletion."""

from __future__ import annotations

import io
import json
import random
import zipfile
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import func, select

from course.digests.sections import SECTIONS, resolve
from course.extensions import db
from course.models import User
from course.quizzes.attempts import submit_quiz
from course.quizzes.models import QuizAttempt
from course.review.digest import PROMPT_LENGTH, review_items, shorten
from course.review.models import ReviewAnswer, ReviewItem
from course.review.review import (
    answer_review,
    due_items,
    question_of,
    schedule_reviews,
    skip_review,
)
from course.timezones import to_local
from tests.factories import lesson, right_answer, write


def scheduled(leader, number: int = 1) -> list[ReviewItem]:
    catalog = current_app.extensions["catalog"]
    quiz = catalog.quizzes[lesson(number).quiz_id]
    responses = {q.id: right_answer(q) for q in quiz.questions}
    attempt = submit_quiz(leader.id, quiz, lesson(number).id, responses, None)
    schedule_reviews(leader, quiz, lesson(number).id, attempt, rng=random.Random(2))
    db.session.commit()
    return list(db.session.scalars(select(ReviewItem).where(
        ReviewItem.user_id == leader.id, ReviewItem.lesson_id == lesson(number).id)))


def test_shorten_cuts_at_a_word():
    assert shorten("Short enough.") == "Short enough."
    long = "word " * 40
    cut = shorten(long.strip())
    assert len(cut) <= PROMPT_LENGTH and cut.endswith("word…")


def test_the_review_section_is_registered_and_not_urgent():
    section = next(s for s in SECTIONS if s.name == "review")
    assert section.urgent is False and section.ack is None
    assert resolve(section.provider) is review_items


def test_provider_lists_due_prompts_for_a_batch_in_one_query(
        app, make_leader, count_queries):
    catalog = current_app.extensions["catalog"]
    ann, bob, cat = make_leader(), make_leader(), make_leader()
    ann_items = scheduled(ann) + scheduled(ann, 2)
    bob_items = scheduled(bob)
    write(cat, 1, "My own words, never in an email.")
    today = date.today()
    ids = [ann.id, bob.id, cat.id]
    with count_queries() as before_due:
        assert review_items(ids, today, catalog) == {}
    first_id = ann_items[0].id
    ann_items[0].due_on = bob_items[0].due_on = today - timedelta(days=1)
    db.session.commit()
    ids = [ann.id, bob.id, cat.id]
    with count_queries() as counted:
        found = review_items(ids, today + timedelta(days=3), catalog)
    selects = [s for s in counted if s.startswith("SELECT")]
    assert len(selects) == len([s for s in before_due if s.startswith("SELECT")]) == 1
    assert set(found) == {ann.id, bob.id}
    assert len(found[ann.id]) == 4 and len(found[bob.id]) == 2
    first = found[ann.id][0]
    assert first.ref == first_id and first.path == "/course#review"
    assert len(first.text) <= PROMPT_LENGTH
    prompt = question_of(ann_items[0], catalog)[1]
    assert first.text.rstrip("…")[:30] in " ".join(prompt.prompt_html.split())
    assert "My own words" not in repr(found)


def test_finished_or_answered_items_leave_the_email(app, make_leader):
    catalog = current_app.extensions["catalog"]
    leader = make_leader()
    first, second = scheduled(leader)
    on = first.due_on
    _, question = question_of(first, catalog)
    answer_review(first, question, 1, right_answer(question), None, on)
    db.session.commit()
    assert [item.ref for item in review_items([leader.id], on, catalog)[leader.id]] == [
        second.id]


def test_download_holds_my_reviews(client, signed_in):
    catalog = current_app.extensions["catalog"]
    first, second = scheduled(signed_in)
    _, question = question_of(first, catalog)
    answer_review(first, question, 1, right_answer(question), None, first.due_on)
    _, other = question_of(second, catalog)
    skip_review(second, other, 1, None, second.due_on)
    db.session.commit()
    response = client.post("/account/data")
    data = json.loads(zipfile.ZipFile(io.BytesIO(response.get_data())).read("clearing-data.json"))
    assert [q["question_id"] for q in data["review_questions"]] == [
        first.question_id, second.question_id]
    assert data["review_questions"][0]["next_review"] == 2
    assert [(a["question_id"], a["result"], a["answer"]) for a in data["review_answers"]] == [
        (first.question_id, "right", right_answer(question)),
        (second.question_id, "skipped", None)]
    assert data["review_answers"][0]["question"]
    page = " ".join(client.get("/account/data").get_data(as_text=True).split())
    assert "<strong>Your reviews:</strong> 2," in page
    page = " ".join(client.get("/account/delete").get_data(as_text=True).split())
    assert "2 reviews of questions that came back to you" in page


def test_deleting_my_account_removes_my_reviews_only(client, signed_in, make_leader):
    catalog = current_app.extensions["catalog"]
    other = make_leader()
    for person in (signed_in, other):
        item = scheduled(person)[0]
        _, question = question_of(item, catalog)
        answer_review(item, question, 1, right_answer(question), None, item.due_on)
    db.session.commit()
    user_id = signed_in.id
    assert client.post("/account/delete", data={"email": signed_in.email}).status_code == 302
    db.session.expire_all()
    for model in (ReviewItem, ReviewAnswer):
        assert db.session.scalar(select(func.count(model.id)).where(
            model.user_id == user_id)) == 0
        assert db.session.scalar(select(func.count(model.id)).where(
            model.user_id == other.id)) > 0


def test_the_demo_has_review_questions_waiting(app, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    items = db.session.scalars(select(ReviewItem)).all()
    assert items
    for item in items:  # counted from the latest lesson's first attempt, as it was aged
        first = db.session.scalar(select(func.min(QuizAttempt.created_at)).where(
            QuizAttempt.user_id == item.user_id, QuizAttempt.lesson_id == item.lesson_id))
        assert item.started_on == to_local(first).date()  # the leader's (London) date
    waiting = sorted({item.user_id for item in items if item.due_on <= date.today()})
    assert waiting
    assert due_items(db.session.get(User, waiting[0]), current_app.extensions["catalog"])
