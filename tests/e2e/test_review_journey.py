"""Spaced review on a phone: take a quiz, three days pass (the due dates moved in the
database), answer in the course home's Review card and see the feedback; skip the other."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import update

from course.accounts import create_user
from course.extensions import db
from course.models import Role, User
from course.review.models import ReviewItem
from course.review.review import local_today
from course.self_assessment.models import SelfAssessment
from tests.e2e.conftest import check_page, sign_in
from tests.factories import PASSWORD


def test_a_question_comes_back_and_is_answered_in_the_card(page, live_server):
    with live_server.app.app_context():
        user = create_user("review@example.org", "Rae Review", Role.LEADER, PASSWORD)
        db.session.add(SelfAssessment(user_id=user.id, stage="before", skipped=True))
        db.session.commit()
        user_id = user.id
    sign_in(page, live_server, "review@example.org", lands_on=r"/course$")
    expect(page.locator("#review")).to_have_count(0)

    page.goto(live_server.url + "/lessons/where-am-i#quiz-heading")
    for fieldset in page.locator("#quiz fieldset.question").all():
        fieldset.locator("input").first.check()
    page.get_by_role("button", name="Check my answers").click()
    page.wait_for_url(re.compile(r"attempt=\d+#quiz-heading$"))
    page.goto(live_server.url + "/course")
    expect(page.locator("#review")).to_have_count(0)  # not due yet

    with live_server.app.app_context():  # three days pass
        today = local_today(db.session.get(User, user_id))
        db.session.execute(update(ReviewItem).where(ReviewItem.user_id == user_id).values(
            started_on=today - timedelta(days=3), due_on=today))
        db.session.commit()

    page.goto(live_server.url + "/course")
    card = page.locator("#review")
    expect(card.get_by_role("heading", name="Review")).to_be_visible()
    forms = card.locator("form.review-form")
    expect(forms).to_have_count(2)
    expect(forms.first).to_contain_text("review 1 of 3")
    check_page(page, "review card")

    forms.first.get_by_role("button", name="Check my answer").click()  # nothing chosen
    summary = card.locator("[data-error-summary]")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_be_focused()
    assert page.url.endswith("#review")
    expect(card.locator("fieldset.field-error .error")).to_be_visible()
    check_page(page, "review card: nothing chosen")

    first = card.locator("form.review-form").first
    first.locator("input[type=radio], input[type=checkbox]").first.check()
    first.get_by_role("button", name="Check my answer").click()
    page.wait_for_url(re.compile(r"/course\?reviewed=\d+#review$"))
    feedback = page.locator("#review-feedback")
    expect(feedback.locator(".verdict")).to_have_text(re.compile(r"^(Right\.|Not quite.*)$"))
    expect(feedback).to_contain_text("It comes back on")
    expect(feedback.locator(".option-feedback, .explanation").first).to_be_visible()
    check_page(page, "review feedback")

    page.locator("#review form.review-form").first.get_by_role(
        "button", name="Skip for now").click()
    page.wait_for_url(re.compile(r"/course\?reviewed=\d+#review$"))
    expect(page.locator("#review-feedback .verdict")).to_have_text("Skipped.")
    expect(page.locator("#review")).to_contain_text("Nothing else to review today.")
    check_page(page, "review skipped")
