"""Issue 13 (8, 9) in a real browser: reminding the matrix's filtered rows, the feed's
"awaiting a reply" filter, long addresses, the completion page and the certificate."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from course.accounts import create_user
from course.circle.posts import set_audience
from course.cohorts.cohorts import create_cohort
from course.cohorts.models import Membership
from course.extensions import db
from course.models import Role, utcnow
from course.progress.models import LessonProgress
from course.progress.progress import complete_lesson
from course.reflections.reflections import save_reflection
from course.self_assessment.models import SelfAssessment
from tests.e2e.conftest import check_page, sign_in
from tests.factories import PASSWORD


def seed(live_server, viewport: str) -> dict:
    """A cohort with a stuck leader (long address, one shared reflection) and a finisher."""
    app = live_server.app
    with app.app_context():
        facilitator = create_user(f"filters-fac-{viewport}@example.org", "Fran Filters",
                                  Role.FACILITATOR, PASSWORD)
        cohort = create_cohort(f"Filters cohort {viewport}", facilitator)
        stuck = create_user(f"a.very.long.firstname.{viewport}@department.example.org",
                            "Sal Stuck", Role.LEADER, PASSWORD)
        done = create_user(f"finisher-{viewport}@example.org", "Fin Isher", Role.LEADER,
                           PASSWORD)
        lessons = app.extensions["catalog"].ordered_lessons
        for leader in (stuck, done):
            db.session.add(Membership(user_id=leader.id, cohort_id=cohort.id, role=Role.LEADER))
            db.session.add(SelfAssessment(user_id=leader.id, stage="before", skipped=True))
        set_audience(save_reflection(stuck.id, lessons[0], lessons[0].reflections[0].id,
                                   "We never answer on the forum.", None), "facilitator")
        db.session.execute(update(LessonProgress).where(LessonProgress.user_id == stuck.id)
                           .values(started_at=utcnow() - timedelta(days=10)))
        for lesson in lessons:
            save_reflection(done.id, lesson, lesson.reflections[0].id, "Noted.", None)
            complete_lesson(done.id, lesson)
        db.session.commit()
        return {"facilitator": facilitator.email, "finisher": done.email, "stuck": stuck.id,
                "cohort": cohort.id}


@pytest.mark.parametrize("page", ["phone", "desktop"], indirect=True)
def test_facilitator_filters_and_reminds(page, live_server):
    seeded = seed(live_server, page.viewport_name)
    sign_in(page, live_server, seeded["facilitator"], r"/facilitate/$")
    base = f"{live_server.url}/facilitate/cohorts/{seeded['cohort']}"
    page.goto(base + "/progress?show=stuck")
    expect(page.locator(".matrix tbody tr")).to_have_count(1)
    check_page(page, "progress, stuck")
    page.get_by_role("link", name="Remind these leaders").click()
    expect(page.locator(f"#nudge-{seeded['stuck']}")).to_be_checked()
    expect(page.locator("input[name=leaders]:checked")).to_have_count(1)
    check_page(page, "nudge, stuck")
    page.goto(base + "/shared?awaiting=1")
    expect(page.locator(".shared-count")).to_have_text("1 awaiting a reply.")
    check_page(page, "shared, awaiting")
    page.goto(base)
    check_page(page, "cohort page, long address")


@pytest.mark.parametrize("page", ["phone", "desktop"], indirect=True)
def test_finishing_and_the_certificate(page, live_server):
    seeded = seed(live_server, f"{page.viewport_name}-finish")
    sign_in(page, live_server, seeded["finisher"])
    page.goto(live_server.url + "/course")
    page.get_by_role("link", name="See what you did").click()
    expect(page.get_by_role("heading", name="You have finished the course")).to_be_visible()
    check_page(page, "completion")
    page.get_by_role("link", name="Your certificate").click()
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_visible()
    expect(page.locator(".certificate-facts")).to_contain_text("Fran Filters")
    check_page(page, "certificate")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_hidden()
