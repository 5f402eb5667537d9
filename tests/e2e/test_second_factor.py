"""The second step for facilitators in a real browser: enrolment, recovery codes, the code."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pyotp
import time_machine
from playwright.sync_api import expect
from sqlalchemy import select

from course.accounts import create_user
from course.extensions import db
from course.models import Role
from course.passkeys.models import TotpSecret
from tests.e2e.conftest import check_page, sign_in


def secret_of(server) -> str:
    """The newest authenticator-app secret (the one being set up)."""
    with server.app.app_context():
        return db.session.scalar(select(TotpSecret.secret).order_by(TotpSecret.id.desc()))


def test_facilitator_enrols_then_gives_a_code(page, live_server):
    server = live_server
    email = "two.step@example.org"
    with server.app.app_context():
        create_user(email, "Sam Okafor", Role.FACILITATOR, "a calm walk by the river")
        db.session.commit()
    server.app.config["COURSE_REQUIRE_2FA"] = True
    try:
        sign_in(page, server, email, lands_on=r"/login/second-factor/setup$")
        expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
        check_page(page, "authenticator app setup during sign-in")
        page.get_by_label("Code from the app").fill("000000")
        page.get_by_role("button", name="Confirm").click()
        expect(page.get_by_text("That code did not match").first).to_be_visible()
        check_page(page, "setup with an error")
        secret = secret_of(server)
        page.get_by_label("Code from the app").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Confirm").click()
        expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
        check_page(page, "recovery codes")
        page.get_by_role("link", name="I have kept them: continue").click()
        page.goto(server.url + "/account/two-step")
        check_page(page, "two-step sign-in in Account")
        page.locator("summary.menu-button").click()  # issue 13: phone menu
        page.get_by_role("button", name="Sign out").click()

        sign_in(page, server, email, lands_on=r"/login/second-factor$")
        check_page(page, "second step")
        later = datetime.now() + timedelta(seconds=60)  # the enrolment code is used up
        page.get_by_label("Code").fill(pyotp.TOTP(secret).at(later))
        with time_machine.travel(later, tick=True):
            page.get_by_role("button", name="Continue").click()
            page.wait_for_url(re.compile(r"/facilitate/$"))
    finally:
        server.app.config["COURSE_REQUIRE_2FA"] = False
