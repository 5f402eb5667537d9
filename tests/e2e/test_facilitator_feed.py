"""Shared reflections and reminders in a real browser: the facilitator replies, the leader reads."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from course.accounts import create_user
from course.circle.posts import set_audience
from course.cohorts.cohorts import create_cohort
from course.cohorts.models import Membership
from course.extensions import db
from course.models import Role
from course.reflections.reflections import save_reflection
from course.self_assessment.models import SelfAssessment
from tests.e2e.conftest import check_page, sign_in
from tests.factories import PASSWORD

PRIVATE = "Private: our board still fears the comments section."
SHARED = "Shared: residents already talk about us online.\nWe just never listen."
REPLY = "Thank you. Try <b>one</b> search on the council forum.\nTell me what you find."


def seed(live_server, viewport: str) -> dict:
    """A facilitator's cohort with one leader who keeps one reflection private, shares one."""
    with live_server.app.app_context():
        facilitator = create_user(f"feed-fac-{viewport}@example.org", "Fran Feed",
                                  Role.FACILITATOR, PASSWORD)
        cohort = create_cohort(f"Feed cohort {viewport}", facilitator)
        leader = create_user(f"feed-leader-{viewport}@example.org", "Lee Sharer", Role.LEADER,
                             PASSWORD)
        db.session.add(Membership(user_id=leader.id, cohort_id=cohort.id, role=Role.LEADER))
        db.session.add(SelfAssessment(user_id=leader.id, stage="before", skipped=True))
        lesson = live_server.app.extensions["catalog"].ordered_lessons[0]
        save_reflection(leader.id, lesson, lesson.reflections[0].id, PRIVATE, None)
        set_audience(save_reflection(leader.id, lesson, lesson.reflections[1].id, SHARED, None),
                     "facilitator")
        db.session.commit()
        return {"facilitator": facilitator.email, "leader": leader.email,
                "cohort": cohort.name, "lesson": lesson.id}


def test_facilitator_replies_to_a_shared_reflection_and_the_leader_reads_it(page, live_server):
    seeded = seed(live_server, page.viewport_name)
    sign_in(page, live_server, seeded["facilitator"], r"/facilitate/$")
    page.get_by_role("link", name=seeded["cohort"]).click()
    page.get_by_role("link", name="Shared reflections").click()
    expect(page.get_by_role("heading", name="Shared reflections", level=1)).to_be_visible()
    expect(page.locator(".shared-text")).to_have_text(SHARED)
    assert page.get_by_text("board still fears").count() == 0
    check_page(page, "shared reflections")

    page.get_by_label("Reply to Lee Sharer").fill(REPLY)
    page.get_by_role("button", name="Send reply to Lee Sharer").click()
    expect(page.get_by_text("Reply sent.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Reply from Fran Feed, "))).to_be_visible()
    expect(page.locator(".reply-text")).to_have_text(REPLY)  # escaped: shown as typed
    assert page.locator(".reply-text b").count() == 0
    check_page(page, "shared reflections with a reply")

    page.get_by_role("link", name=seeded["cohort"]).click()
    page.get_by_role("link", name="Send a reminder").click()
    check_page(page, "reminder page")
    page.get_by_role("link", name="Everyone").click()
    expect(page.get_by_role("checkbox", name=re.compile("Lee Sharer"))).to_be_checked()
    page.get_by_role("button", name="Send reminders").click()
    expect(page.get_by_text("Reminder sent to 1 leader: Lee Sharer.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Last nudged .* \(1 in all\)"))).to_be_visible()
    check_page(page, "reminder sent")
    mails = [m for m in live_server.outbox() if m["To"] == seeded["leader"]]
    assert len(mails) == 1 and "board still fears" not in mails[0].as_string()

    page.locator("summary.menu-button").click()  # issue 13: phone menu
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, seeded["leader"], r"/course$")
    page.goto(f"{live_server.url}/lessons/{seeded['lesson']}")
    reply = page.locator(".reply")
    expect(reply.locator(".reply-meta")).to_have_text(re.compile(r"^Reply from Fran Feed, \d"))
    expect(reply.locator(".reply-text")).to_have_text(REPLY)
    check_page(page, "lesson page with a reply")
