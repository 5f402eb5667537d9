"""A plan in a browser, at the phone size: make one on a lesson (a refusal first), see it on
the course home as coming up, its day comes (a direct date change), "How did it go?" opens
the lesson's log form with the plan ticked, the entry is logged and the plan is done."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect
from sqlalchemy import update

from course.extensions import db
from course.models import Role
from course.plans.models import Plan
from course.self_assessment.models import SelfAssessment
from tests.e2e.conftest import check_page, sign_in
from tests.factories import PASSWORD

IF_THEN = "If it is Monday's senior team meeting, then I will ask one person what they read"
NOTICED = "Asked Priya at the meeting; she reads two sector newsletters and nothing else."


def seed_leader(live_server, email: str = "planner@example.org") -> tuple[str, object]:
    from course.accounts import create_user

    with live_server.app.app_context():
        user = create_user(email, "Jo Planner", Role.LEADER, PASSWORD)
        db.session.add(SelfAssessment(user_id=user.id, stage="before", skipped=True))
        db.session.commit()
    lesson = next(found for found in live_server.app.extensions["catalog"].ordered_lessons
                  if found.try_this)
    return email, lesson


def test_make_a_plan_and_check_in_on_it(page, live_server):
    email, lesson = seed_leader(live_server)
    sign_in(page, live_server, email, r"^(?!.*/login)")
    today = datetime.now(ZoneInfo("Europe/London")).date()
    tomorrow = today + timedelta(days=1)

    page.goto(f"{live_server.url}/lessons/{lesson.id}#plan-heading")
    expect(page.get_by_role("heading", name="Plan when you will try it")).to_be_visible()
    page.get_by_label("If … then I will …").fill(IF_THEN)
    page.get_by_role("button", name="Save plan").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="Enter the date you will try it.")).to_be_visible()
    assert page.get_by_label("If … then I will …").input_value() == IF_THEN
    check_page(page, "plan form refused")

    page.get_by_label("When will you try it?").fill(tomorrow.isoformat())
    page.locator("#plan-time").fill("08:30")
    page.get_by_role("button", name="Save plan").click()
    expect(page.get_by_text("Plan saved for tomorrow at 08:30.")).to_be_visible()
    expect(page.get_by_role("heading", name="Your plan", exact=True)).to_be_visible()
    expect(page.get_by_text(IF_THEN)).to_be_visible()
    check_page(page, "lesson with a plan")

    page.goto(live_server.url + "/course")
    card = page.locator("section.checkins")
    expect(card.get_by_role("heading", name="Coming up")).to_be_visible()
    expect(card.get_by_text("Tomorrow at 08:30")).to_be_visible()
    expect(card.get_by_role("link", name=re.compile("How did it go"))).to_have_count(0)
    check_page(page, "home with a check-in coming up")

    card.get_by_role("link", name=lesson.title).click()
    expect(page.get_by_role("heading", name="Your plan", level=1)).to_be_visible()
    check_page(page, "plan page")
    page.get_by_role("link", name="Drop this plan…").click()
    expect(page.get_by_role("heading", name="Drop this plan?")).to_be_visible()
    check_page(page, "drop confirmation")
    page.get_by_role("link", name="Keep it").click()
    expect(page.get_by_role("heading", name="Your plan", level=1)).to_be_visible()
    page.get_by_label("New date").fill((today - timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Move plan").click()
    expect(page.get_by_role("link", name="The date must be today or later.")).to_be_visible()
    check_page(page, "move refused")

    # The day comes: the plan's date is moved to today in the database.
    with live_server.app.app_context():
        db.session.execute(update(Plan).values(due_on=today))
        db.session.commit()
    page.goto(live_server.url + "/course")
    card = page.locator("section.checkins")
    expect(card.get_by_text("You planned to try it today at 08:30.")).to_be_visible()
    check_page(page, "home with a check-in due")
    card.get_by_role("link", name=re.compile("How did it go")).click()
    page.wait_for_url(re.compile(rf"/lessons/{lesson.id}\?plan=\d+#log$"))
    expect(page.get_by_role("heading", name="How did it go?")).to_be_visible()
    expect(page.get_by_label(re.compile("This entry says how my plan for today"))).to_be_checked()
    check_page(page, "log form from a check-in")

    page.get_by_label("What you did and what you noticed").fill(NOTICED)
    page.get_by_role("button", name="Log this entry").click()
    expect(page.get_by_text("Experiment logged. Your plan is marked done.")).to_be_visible()
    expect(page.get_by_text(NOTICED)).to_be_visible()
    expect(page.get_by_role("heading", name="Plan when you will try it")).to_be_visible()
    with live_server.app.app_context():
        assert db.session.scalar(db.select(Plan.status)) == "done"
    page.goto(live_server.url + "/course")
    expect(page.locator("section.checkins")).to_have_count(0)


def test_a_check_in_link_through_sign_in_still_opens_the_log_form(page, live_server):
    """Browsers never send #log to the server, so signing in from an email's check-in link
    loses it; the lesson page's script takes the leader there all the same."""
    from course.plans.plans import create_plan

    email, lesson = seed_leader(live_server, "signed-out-planner@example.org")
    with live_server.app.app_context():
        from course.accounts import find_user_by_email

        user_id = find_user_by_email(email).id
        made = create_plan(user_id, lesson_id=lesson.id, what=lesson.try_this.title,
                           due_on=datetime.now(ZoneInfo("Europe/London")).date())
        db.session.commit()
        plan_id = made.id
    page.goto(f"{live_server.url}/lessons/{lesson.id}?plan={plan_id}#log")
    page.wait_for_url(re.compile(r"/login"))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(rf"/lessons/{lesson.id}\?plan={plan_id}#log$"))
    expect(page.get_by_role("heading", name="How did it go?")).to_be_in_viewport()
