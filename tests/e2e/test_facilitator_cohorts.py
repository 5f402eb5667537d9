"""A facilitator runs a cohort in a real browser: create, invite, revoke, archive; an admin too."""

from __future__ import annotations

import itertools
import re

from playwright.sync_api import expect

from course.accounts import create_user
from course.cohorts.cohorts import create_cohort
from course.cohorts.models import Membership
from course.extensions import db
from course.models import Role
from tests.e2e.conftest import check_page, sign_in
from tests.factories import PASSWORD

_numbers = itertools.count(1)


def make_person(live_server, role: Role, name: str) -> str:
    """Create an account straight in the database; return its email."""
    with live_server.app.app_context():
        email = f"{role.value}{next(_numbers)}@example.org"
        create_user(email, name, role, PASSWORD)
        db.session.commit()
        return email


def test_facilitator_creates_a_cohort_and_manages_its_invitations(page, live_server):
    sign_in(page, live_server, make_person(live_server, Role.FACILITATOR, "Fran Facilitator"),
            r"/facilitate/$")
    expect(page.get_by_role("heading", name="Your cohorts")).to_be_visible()
    check_page(page, "facilitator home, no cohorts")

    name = f"Harbour leaders {page.viewport_name}"
    page.get_by_label("Cohort name").fill(name)
    page.get_by_role("button", name="Create cohort").click()
    page.wait_for_url(re.compile(r"/facilitate/cohorts/\d+$"))
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()
    check_page(page, "new cohort page")

    page.get_by_label("Maximum uses").fill("12")
    page.get_by_role("button", name="Create link").click()
    expect(page.get_by_role("heading", name="Invitation link created")).to_be_visible()
    check_page(page, "invitation created")
    link = page.get_by_label(f"Invitation link to {name}")
    url = link.input_value()
    assert url.startswith(live_server.url + "/invite/")
    assert link.get_attribute("readonly") is not None

    page.get_by_role("link", name=f"Back to {name}").click()
    expect(page.get_by_text("0 of 12 used")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^Revoke")).click()
    expect(page.get_by_text("The invitation was revoked")).to_be_visible()
    expect(page.locator(".status-revoked").first).to_be_visible()
    check_page(page, "cohort page after revoking")

    page.get_by_label("Email addresses").fill("someone@example.org, not-an-address")
    page.get_by_role("button", name="Send invitations").click()
    expect(page.get_by_text("Invitations sent to 1 address.")).to_be_visible()
    assert page.get_by_label("Email addresses").input_value() == "not-an-address"
    check_page(page, "email invitations with an invalid address")
    assert any(m["To"] == "someone@example.org" for m in live_server.outbox())

    page.get_by_role("link", name="Archive this cohort").click()
    check_page(page, "archive confirm")
    page.get_by_role("button", name="Archive this cohort").click()
    expect(page.get_by_text("Nobody can be invited to it until it is restored.")).to_be_visible()
    page.get_by_role("link", name="Your cohorts").first.click()
    page.get_by_text("Archived cohorts (1)").click()
    expect(page.get_by_role("link", name=name)).to_be_visible()
    check_page(page, "facilitator home with an archived cohort")

    page.goto(url)  # the revoked link no longer works
    expect(page.get_by_role("heading", name="This invitation cannot be used")).to_be_visible()
def test_admin_assigns_a_facilitator_and_deactivates_a_leader(page, live_server):
    first = make_person(live_server, Role.FACILITATOR, "Sam First")
    second_name = f"Kit Second {page.viewport_name}"
    second = make_person(live_server, Role.FACILITATOR, second_name)
    with live_server.app.app_context():
        from course.accounts import find_user_by_email

        cohort = create_cohort(f"Hill cohort {page.viewport_name}", find_user_by_email(first))
        leader = create_user(f"leader{next(_numbers)}@example.org", "Lee Leader", Role.LEADER,
                             PASSWORD)
        db.session.add(Membership(user_id=leader.id, cohort_id=cohort.id, role=Role.LEADER))
        db.session.commit()
        cohort_name = cohort.name

    sign_in(page, live_server, make_person(live_server, Role.ADMIN, "Ada Admin"), r"/facilitate/$")
    expect(page.get_by_role("heading", name="All cohorts")).to_be_visible()
    check_page(page, "admin home")
    page.get_by_role("link", name=cohort_name).click()
    check_page(page, "admin cohort page")

    page.get_by_label("Facilitator", exact=True).select_option(label=f"{second_name} ({second})")
    page.get_by_role("button", name="Add facilitator").click()
    expect(page.get_by_text(f"{second_name} now runs this cohort")).to_be_visible()
    page.get_by_role("link", name="Deactivate Lee Leader").click()
    expect(page.get_by_role("heading", name="Deactivate Lee Leader?")).to_be_visible()
    check_page(page, "deactivate confirm")
    page.get_by_role("button", name="Deactivate Lee Leader").click()
    expect(page.get_by_text("account deactivated")).to_be_visible()
    page.get_by_role("link", name="Reactivate Lee Leader").click()
    check_page(page, "reactivate confirm")
    page.get_by_role("button", name="Reactivate Lee Leader").click()
    expect(page.get_by_text("Lee Leader can sign in again.")).to_be_visible()
