"""The lesson flow on a phone: the sticky step strip, errors that take focus, deleting in
two steps, and how much shorter folded quiz feedback makes the longest page."""

from __future__ import annotations

import itertools
import re

from playwright.sync_api import expect

from course.accounts import create_user
from course.extensions import db
from course.models import Role
from course.quizzes.attempts import submit_quiz
from course.self_assessment.models import SelfAssessment
from tests.e2e.conftest import check_page, sign_in
from tests.factories import PASSWORD, wrong_answers

_numbers = itertools.count(1)
LESSON = "/lessons/where-am-i"
STRIP_BOTTOM = "document.querySelector('.step-strip').getBoundingClientRect().bottom"


def leader(live_server) -> str:
    email = f"flow{next(_numbers)}@example.org"
    with live_server.app.app_context():
        user = create_user(email, "Ade Flow", Role.LEADER, PASSWORD)
        db.session.add(SelfAssessment(user_id=user.id, stage="before", skipped=True))
        db.session.commit()
    return email


def start(page, live_server) -> None:
    sign_in(page, live_server, leader(live_server), lands_on=r"/course$")
    page.goto(live_server.url + LESSON)


def test_the_strip_jumps_and_stays_clear_of_the_focused_field(page, live_server):
    start(page, live_server)
    strip = page.get_by_role("navigation", name="Lesson steps")
    expect(strip.locator("[aria-current=step]")).to_have_text("Read")
    check_page(page, "lesson with the step strip")
    strip.get_by_role("link", name="Try").click()
    page.wait_for_url(re.compile(r"#try-heading$"))
    heading = page.locator("#try-heading").bounding_box()
    assert page.evaluate(STRIP_BOTTOM) <= heading["y"] < 844 / 2  # jumped, and not hidden
    assert strip.bounding_box()["y"] == 0  # sticky: still at the top
    # Focus a field above the viewport: it comes into view below the strip, not under it.
    page.locator("textarea[name=text]").first.focus()
    box = page.locator("textarea[name=text]").first.bounding_box()
    assert box["y"] >= page.evaluate(STRIP_BOTTOM), box
    strip.get_by_role("link", name="Finish").click()
    page.wait_for_url(re.compile(r"#complete$"))
    assert strip.bounding_box()["y"] == 0


def test_errors_take_focus_and_link_to_the_field(page, live_server):
    start(page, live_server)
    page.get_by_role("button", name="Mark this lesson done").click()
    page.wait_for_url(re.compile(r"/complete#complete$"))
    summary = page.locator("#complete-panel [data-error-summary]")
    expect(summary).to_be_focused()
    expect(page.locator("#done-error")).to_contain_text("Write at least one reflection")
    button = page.get_by_role("button", name="Mark this lesson done").bounding_box()
    assert 0 <= button["y"] < 844  # the message and the button are where the eye is
    check_page(page, "mark done refused")

    page.goto(live_server.url + LESSON)
    page.get_by_role("button", name="Check my answers").click()
    page.wait_for_url(re.compile(r"/quiz#quiz-heading$"))
    summary = page.locator("#quiz [data-error-summary]")
    expect(summary).to_be_focused()
    summary.get_by_role("link").first.click()
    focused = page.evaluate("document.activeElement.closest('fieldset').id")
    assert focused.startswith("question-")
    assert page.evaluate("document.activeElement.getBoundingClientRect().top") >= page.evaluate(
        STRIP_BOTTOM)
    check_page(page, "quiz incomplete")


def test_deleting_a_reflection_asks_first(page, live_server):
    start(page, live_server)
    words = "Words I nearly lost with one tap."
    page.locator("textarea[name=text]").first.fill(words)
    page.get_by_role("button", name="Save reflection").first.click()
    expect(page.get_by_text("Reflection saved.")).to_be_visible()
    page.locator(".more-actions summary").first.click()
    page.get_by_role("link", name="Delete this reflection").click()
    expect(page.get_by_role("heading", name="Delete this reflection?")).to_be_visible()
    check_page(page, "delete confirmation")
    page.get_by_role("link", name="Keep it").click()
    assert page.locator("textarea[name=text]").first.input_value() == words
    page.locator(".more-actions summary").first.click()
    page.get_by_role("link", name="Delete this reflection").click()
    page.get_by_role("button", name="Delete", exact=True).click()
    expect(page.get_by_text("Reflection deleted.")).to_be_visible()
    assert page.locator("textarea[name=text]").first.input_value() == ""


def test_folded_feedback_makes_the_longest_page_a_third_shorter(page, live_server):
    email = f"tall{next(_numbers)}@example.org"
    attempts = {}
    with live_server.app.app_context():
        catalog = live_server.app.extensions["catalog"]
        user = create_user(email, "Tall Page", Role.LEADER, PASSWORD)
        db.session.add(SelfAssessment(user_id=user.id, stage="before", skipped=True))
        for number, lesson in enumerate(catalog.ordered_lessons):
            quiz = catalog.quizzes[lesson.quiz_id]
            attempts[lesson.id] = submit_quiz(user.id, quiz, lesson.id, wrong_answers(quiz),
                                              f"tall-{number}").id
        db.session.commit()
    sign_in(page, live_server, email, lands_on=r"/course$")
    heights = []
    for lesson_id, attempt_id in attempts.items():
        page.goto(f"{live_server.url}/lessons/{lesson_id}?attempt={attempt_id}")
        heights.append((page.evaluate("document.documentElement.scrollHeight"), lesson_id))
    folded, longest = max(heights)
    page.goto(f"{live_server.url}/lessons/{longest}?attempt={attempts[longest]}")
    check_page(page, "quiz feedback, folded")
    page.evaluate("document.querySelectorAll('.feedback-item').forEach(d => d.open = true)")
    unfolded = page.evaluate("document.documentElement.scrollHeight")
    print(f"\nlongest lesson page at 390px: {longest}: {folded}px folded, {unfolded}px open")
    assert folded <= unfolded * 2 / 3
