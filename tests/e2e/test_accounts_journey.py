"""Invitation -> registration -> sign out -> sign in -> forgot password, in a real browser."""

from __future__ import annotations

import itertools
import re

from playwright.sync_api import expect

from course.cohorts.cohorts import create_cohort, create_invitation, invitation_url
from course.extensions import db
from course.models import Role
from tests.e2e.conftest import check_page
from tests.factories import PASSWORD

NEW_PASSWORD = "lanterns along the harbour wall"
_numbers = itertools.count(1)


def make_invitation(live_server) -> str:
    from course.accounts import create_user

    with live_server.app.app_context():
        n = next(_numbers)
        facilitator = create_user(f"fac{n}@example.org", f"Facilitator {n}", Role.FACILITATOR,
                                  PASSWORD)
        cohort = create_cohort(f"Cohort {n}", facilitator)
        _, token = create_invitation(cohort, facilitator)
        db.session.commit()
        return invitation_url(token)


def test_account_journey(page, live_server):
    email = f"leader{next(_numbers)}-{page.viewport_name}@example.org"
    page.goto(make_invitation(live_server))
    check_page(page, "registration")
    page.get_by_label("Your name").fill("Morgan Reyes")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Choose a password").fill("password")
    page.get_by_label("Repeat the new password").fill("password")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_text("at least 12 characters").first).to_be_visible()
    check_page(page, "registration with errors")
    assert page.get_by_label("Your name").input_value() == "Morgan Reyes"

    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Repeat the new password").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    # Issue 13: first sign-in shows the welcome, then offers the starting self-assessment;
    # skipping it leads to the first lesson.
    page.wait_for_url(re.compile(r"/welcome$"))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/assessment/before$"))
    page.locator("summary.menu-button").click()  # issue 13: phone menu
    expect(page.locator(".site-menu").get_by_text("Signed in as")).to_be_visible()
    page.get_by_role("button", name="Skip for now").click()
    page.wait_for_url(re.compile(r"/lessons/"))
    page.goto(page.url.split("/lessons/")[0] + "/course")
    check_page(page, "course home")

    page.locator("summary.menu-button").click()  # issue 13: phone menu
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/login$"))
    check_page(page, "login")
    page.get_by_label("Email address").fill(email.upper())
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/course$"))
    page.locator("summary.menu-button").click()  # issue 13: phone menu
    page.get_by_role("button", name="Sign out").click()

    page.get_by_role("link", name="Forgotten your password?").click()
    check_page(page, "forgot password")
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Email me a reset link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    check_page(page, "reset sent")

    mail = next(m for m in reversed(live_server.outbox()) if m["To"] == email)
    link = re.search(r"(http\S+/reset/\S+)", mail.get_content()).group(1)
    page.goto(link)
    check_page(page, "choose new password")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Repeat the new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set my new password").click()
    page.wait_for_url(re.compile(r"/login$"))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/course$"))

    page.goto(link)  # the link was single-use
    expect(page.get_by_role("heading", name="This reset link cannot be used")).to_be_visible()


def test_keyboard_skip_link_and_focus(page, live_server):
    page.goto(live_server.url + "/no-such-page")
    check_page(page, "404 page")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()  # shown when focused
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Go to your home page"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"  # focus is visible
