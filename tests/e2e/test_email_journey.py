"""Coming back, on a phone: a facilitator's reply is "New for you" on the course home and
"New reply" on the lesson until it is opened; Account -> Email changes the digest; the
digest's one-click unsubscribe link asks first, turns it off, and Undo puts it back."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect
from sqlalchemy import update

from course.accounts import create_user
from course.circle.posts import set_audience
from course.cohorts.cohorts import create_cohort
from course.cohorts.models import Membership
from course.digests.engine import send_due
from course.digests.schedule import fortnight_week
from course.digests.settings import prefs_for
from course.extensions import db
from course.models import Role, User
from course.reflections.reflections import save_reflection
from course.reflections.shared import add_reply
from course.self_assessment.models import SelfAssessment
from tests.e2e.conftest import check_page, sign_in
from tests.factories import PASSWORD

# A Wednesday morning in a week fortnightly digests go (schedule.fortnight_week).
WEDNESDAY = next(day for day in (datetime(2026, 3, 25, 8, 0, tzinfo=UTC),
                                 datetime(2026, 4, 1, 8, 0, tzinfo=UTC))
                 if fortnight_week(day.date()))


def test_new_reply_email_settings_and_one_click_unsubscribe(page, live_server):
    app = live_server.app
    with app.app_context():
        facilitator = create_user("fran.e@example.org", "Fran Facilitator", Role.FACILITATOR,
                                  PASSWORD)
        cohort = create_cohort("Harbour", facilitator)
        leader = create_user("lee.e@example.org", "Lee Leader", Role.LEADER, PASSWORD)
        db.session.add(Membership(user_id=leader.id, cohort_id=cohort.id, role=Role.LEADER,
                                  joined_at=WEDNESDAY - timedelta(days=20)))
        db.session.add(SelfAssessment(user_id=leader.id, stage="before", skipped=True))
        lesson = app.extensions["catalog"].ordered_lessons[0]
        row = save_reflection(leader.id, lesson, lesson.reflections[0].id, "We listen.", None)
        set_audience(row, "facilitator")
        add_reply(row.id, db.session.get(User, facilitator.id), "Thank you for this.")
        db.session.commit()
        leader_id = leader.id

    sign_in(page, live_server, "lee.e@example.org", lands_on=r"/course$")
    card = page.locator("#notices")
    expect(card).to_contain_text("Fran Facilitator replied to your reflection")
    check_page(page, "course home with a new reply")
    card.get_by_role("link", name=re.compile("replied to your reflection")).click()
    page.wait_for_url(re.compile(r"/lessons/"))
    expect(page.locator(".tag-new")).to_have_text("New reply")
    check_page(page, "lesson with a new reply")
    page.goto(live_server.url + "/course")
    expect(page.locator("#notices")).to_have_count(0)  # seen once the lesson was opened

    page.goto(live_server.url + "/account")
    page.get_by_role("link", name="Email settings").click()
    expect(page.get_by_role("heading", name="Email settings", level=1)).to_be_visible()
    page.get_by_label("Every other week").check()
    page.get_by_label("Which day").select_option("Wednesday")
    page.locator("#checkins-off").check()
    page.get_by_role("button", name="Save email settings").click()
    expect(page.locator(".flash")).to_contain_text("Your email settings are saved.")
    expect(page.get_by_label("Every other week")).to_be_checked()
    check_page(page, "email settings")
    with app.app_context():
        prefs = prefs_for(leader_id)
        assert (prefs.digest, prefs.digest_weekday, prefs.checkins) == ("fortnightly", 2, False)
        db.session.execute(update(Membership).where(Membership.user_id == leader_id)
                           .values(joined_at=WEDNESDAY - timedelta(days=20)))
        db.session.commit()
        assert send_due(WEDNESDAY).sent["leader digest"] == 1
    message = next(m for m in live_server.outbox() if m["To"] == "lee.e@example.org")
    link = re.fullmatch(r"<(.+)>", message["List-Unsubscribe"]).group(1)

    page.context.clear_cookies()  # from the email, signed out
    page.goto(link)
    expect(page.get_by_role("heading", name="Stop these emails?")).to_be_visible()
    check_page(page, "unsubscribe: asked")
    with app.app_context():
        assert prefs_for(leader_id).digest == "fortnightly"  # opening the link changed nothing
    page.get_by_role("button", name="Stop these emails").click()
    expect(page.get_by_role("heading", name="Emails turned off")).to_be_visible()
    check_page(page, "unsubscribe: done")
    with app.app_context():
        assert prefs_for(leader_id).digest == "off"
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_role("heading", name="Emails turned back on")).to_be_visible()
    with app.app_context():
        assert prefs_for(leader_id).digest == "fortnightly"
