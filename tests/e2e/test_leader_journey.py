"""A leader's week in a real browser: lesson, reflection, sharing, quiz, experiment, progress."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from playwright.sync_api import expect

from course.accounts import create_user
from course.extensions import db
from course.models import Role
from course.self_assessment.models import SelfAssessment
from tests.e2e.conftest import check_page, sign_in
from tests.factories import PASSWORD

_numbers = itertools.count(1)


def make_leader(live_server, page, skip_assessment=True) -> str:
    email = f"journey{next(_numbers)}-{page.viewport_name}@example.org"
    with live_server.app.app_context():
        user = create_user(email, "Sam Okoye", Role.LEADER, PASSWORD)
        if skip_assessment:
            db.session.add(SelfAssessment(user_id=user.id, stage="before", skipped=True))
        db.session.commit()
    return email



def choose_audience(page, label: str) -> None:
    """The first reflection's audience radios, then Save (a plain form post)."""
    form = page.locator(".audience-form").first
    form.get_by_label(label).check()
    form.get_by_role("button", name="Save who can see it").click()
    page.wait_for_load_state()

def test_lesson_journey(page, live_server):
    email = make_leader(live_server, page)
    sign_in(page, live_server, email)
    page.wait_for_url(re.compile(r"/course$"))
    check_page(page, "course home")
    expect(page.get_by_text(re.compile(r"0 of \d+ lessons done"))).to_be_visible()
    page.get_by_role("link", name=re.compile("Start the next lesson")).click()
    page.wait_for_url(re.compile(r"/lessons/"))
    lesson_url = page.url
    check_page(page, "lesson")

    # Type a reflection and let autosave keep it; a reload shows it.
    box = page.locator("textarea[name=text]").first
    box.fill("Our comms team hears residents; I do not.")
    box.press("End")
    page.keyboard.type(" Yet.")
    status = page.locator(".save-status").first
    status.filter(has_text="Draft saved").wait_for(timeout=10_000)
    page.reload()
    assert "I do not. Yet." in page.locator("textarea[name=text]").first.input_value()

    page.get_by_role("button", name="Save reflection").first.click()
    expect(page.get_by_text("Reflection saved.")).to_be_visible()
    choose_audience(page, "My facilitator")
    expect(page.get_by_text("Shared with your facilitator", exact=True)).to_be_visible()
    choose_audience(page, "Only me")
    expect(page.get_by_text("Only you can see this reflection now.")).to_be_visible()

    # The quiz: answer with the first option everywhere, then see feedback on every option.
    for fieldset in page.locator("form.quiz-form fieldset").all():
        fieldset.locator("input").first.check()
    page.get_by_role("button", name="Check my answers").click()
    expect(page.get_by_text("You scored")).to_be_visible()
    assert page.locator(".option-feedback li").count() >= 6
    check_page(page, "quiz feedback")

    page.goto(lesson_url)
    entry = "Searched our name: mostly bin complaints."
    page.get_by_label("What you did and what you noticed").fill(entry)
    first_measure = page.locator(".field-number input").first
    if first_measure.count():
        first_measure.fill("12")
    page.get_by_role("button", name="Log this entry").click()
    expect(page.get_by_text("Experiment logged.")).to_be_visible()
    expect(page.get_by_text("mostly bin complaints")).to_be_visible()

    page.get_by_role("button", name="Mark this lesson done").click()
    page.wait_for_url(re.compile(r"/lessons/(?!where-am-i)"))
    page.goto(live_server.url + "/course")
    expect(page.get_by_text(re.compile(r"1 of \d+ lessons done"))).to_be_visible()
    expect(page.locator(".lesson-row").first.get_by_text("Done")).to_be_visible()
    check_page(page, "course home with progress")


def test_session_expires_mid_reflection(page, live_server):
    email = make_leader(live_server, page)
    sign_in(page, live_server, email)
    page.wait_for_url(re.compile(r"/course$"))
    page.goto(live_server.url + "/lessons/where-am-i")
    words = "Private words written just before the session ended."
    page.locator("textarea[name=text]").first.fill(words)
    page.context.clear_cookies()  # the session ends while the leader is typing
    page.expected_errors.append(r"^40[01] for .*/draft$")  # autosave is refused, and says so
    page.get_by_role("button", name="Save reflection").first.click()
    expect(page.get_by_role("heading", name="Your reflection is safe")).to_be_visible()
    assert page.get_by_label(re.compile(".")).first.input_value() == words
    check_page(page, "rescue page")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in and keep my text").click()
    page.wait_for_url(re.compile(r"/lessons/where-am-i"))
    assert page.locator("textarea[name=text]").first.input_value() == words
    expect(page.get_by_text("kept as a draft").first).to_be_visible()


def test_whole_journey_from_invitation_to_case_for_change(page, live_server):
    """Register -> self-assessment -> lesson -> reflection -> quiz -> experiment -> done ->
    journal export -> case for change, at the phone and the desktop size."""
    from course.cohorts.cohorts import create_cohort, create_invitation, invitation_url

    n = next(_numbers)
    with live_server.app.app_context():
        facilitator = create_user(f"f{n}@example.org", "Fran", Role.FACILITATOR, PASSWORD)
        _, token = create_invitation(create_cohort(f"Journey {n}", facilitator), facilitator)
        db.session.commit()
        link = invitation_url(token)
    email = f"whole{n}-{page.viewport_name}@example.org"
    page.goto(link)
    page.get_by_label("Your name").fill("Robin Adeyemi")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Repeat the new password").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()

    # Issue 13: the welcome first, and the starting self-assessment leads into lesson 1.
    page.wait_for_url(re.compile(r"/welcome$"))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/assessment/before$"))
    for group in page.locator("main").get_by_role("group").all():
        group.get_by_role("radio").nth(1).check()  # level 2 on every dimension
    page.get_by_role("button", name="Save my answers").click()
    page.wait_for_url(re.compile(r"/lessons/where-am-i"))
    page.locator("summary.menu-button").click()  # issue 13: phone menu
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Course").click()

    page.get_by_role("link", name=re.compile("Continue where you left off")).click()
    page.wait_for_url(re.compile(r"/lessons/where-am-i"))
    words = "Journey words: our website is where residents give up on us."
    page.locator("textarea[name=text]").first.fill(words)
    page.locator(".save-status").first.filter(has_text="Draft saved").wait_for(timeout=10_000)
    page.reload()
    assert page.locator("textarea[name=text]").first.input_value() == words
    page.get_by_role("button", name="Save reflection").first.click()
    choose_audience(page, "My facilitator")
    choose_audience(page, "Only me")
    expect(page.get_by_text("Only you can see this reflection now.")).to_be_visible()

    for fieldset in page.locator("form.quiz-form fieldset").all():
        fieldset.locator("input").first.check()
    page.get_by_role("button", name="Check my answers").click()
    expect(page.get_by_text("You scored")).to_be_visible()
    page.get_by_role("link", name="Try the quiz again").click()

    entry = "Journey entry: 14 mentions, most about missed bins."
    page.get_by_label("What you did and what you noticed").fill(entry)
    page.get_by_role("button", name="Log this entry").click()
    expect(page.get_by_text("Experiment logged.")).to_be_visible()
    page.get_by_role("button", name="Mark this lesson done").click()
    page.wait_for_url(re.compile(r"/lessons/(?!where-am-i)"))
    page.goto(live_server.url + "/course")
    expect(page.get_by_text(re.compile(r"1 of \d+ lessons done"))).to_be_visible()

    page.locator("summary.menu-button").click()  # issue 13: phone menu
    page.get_by_role("link", name="Journal", exact=True).click()
    with page.expect_download() as info:
        page.get_by_role("link", name="Download as Markdown").click()
    journal = Path(info.value.path()).read_text(encoding="utf-8")
    assert words in journal and entry in journal

    page.goto(live_server.url + "/case-for-change")
    page.locator("input[name=pick]").first.check()
    page.locator("input[name=pick]").nth(1).check()
    page.get_by_role("button", name="Fill empty sections from my choices").click()
    page.get_by_label("Title").fill("Fix the front door first")
    page.get_by_label("What I propose").fill("A month of listening to our web feedback.")
    page.get_by_role("button", name="Save and see the document").click()  # issue 13: kept
    expect(page.get_by_role("heading", name="Fix the front door first")).to_be_visible()
    document = page.locator("main").inner_text()
    assert words in document and entry in document
    check_page(page, "case document")
