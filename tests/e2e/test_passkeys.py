"""Passkeys end to end in Chromium with a virtual authenticator, at phone size."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from course.accounts import create_user
from course.extensions import db
from course.models import Role
from tests.e2e.conftest import VIEWPORTS, check_page
from tests.factories import PASSWORD


def add_virtual_authenticator(context, page) -> None:
    """A platform passkey authenticator (like a phone's) that verifies the user at once."""
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True,
        "automaticPresenceSimulation": True}})


def test_passkey_register_sign_in_and_remove(page, localhost_server):
    server = localhost_server
    with server.app.app_context():
        create_user("passkey.leader@example.org", "Robin Ashe", Role.LEADER, PASSWORD)
        db.session.commit()
    assert page.viewport_size == VIEWPORTS["phone"]  # 390 x 844
    add_virtual_authenticator(page.context, page)

    page.goto(server.url + "/login")
    check_page(page, "login with passkey button")
    page.get_by_label("Email address").fill("passkey.leader@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(re.compile(r"/(course|welcome|assessment/before)$"))

    page.goto(server.url + "/account")
    check_page(page, "account")
    page.get_by_role("link", name="Manage passkeys").click()
    expect(page.get_by_text("You have no passkeys yet.")).to_be_visible()
    check_page(page, "passkeys, none yet")
    page.get_by_label("Name this passkey").fill("My phone")
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.get_by_text("Passkey “My phone” added.")).to_be_visible()
    check_page(page, "passkeys, one added")

    page.locator("summary.menu-button").click()  # issue 13: phone menu
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/login$"))
    page.get_by_role("button", name="Use a passkey").click()  # no email typed
    page.wait_for_url(re.compile(r"/(course|welcome|assessment/before)$"))
    page.locator("summary.menu-button").click()  # issue 13: phone menu
    expect(page.locator(".site-menu").get_by_text("Signed in as")).to_be_visible()

    page.goto(server.url + "/account/passkeys")
    expect(page.get_by_text("last used")).to_be_visible()
    page.get_by_role("button", name="Remove My phone").click()
    expect(page.get_by_text("You have no passkeys yet.")).to_be_visible()
