"""Issue 13 in the browser: the welcome once, then lesson 1; the compact header; dark mode;
text at 200%; the accessibility statement and the time-zone setting."""

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


def make_newcomer(live_server) -> str:
    n = next(_numbers)
    email = f"first{n}@example.org"
    with live_server.app.app_context():
        facilitator = create_user(f"fac-first{n}@example.org", "Fay Facilitator",
                                  Role.FACILITATOR, PASSWORD)
        cohort = create_cohort(f"Spring {n}", facilitator)
        leader = create_user(email, "Nia Newcomer", Role.LEADER, PASSWORD)
        db.session.add(Membership(user_id=leader.id, cohort_id=cohort.id, role=Role.LEADER))
        db.session.commit()
    return email


def no_sideways_scroll(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_welcome_once_then_assessment_then_lesson_one(page, live_server):
    email = make_newcomer(live_server)
    sign_in(page, live_server, email, r"/welcome$")
    expect(page.get_by_text("Fay Facilitator")).to_be_visible()
    expect(page.get_by_role("heading", name="The four kinds of work")).to_be_visible()
    check_page(page, "welcome")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/assessment/before$"))
    page.get_by_role("button", name="Skip for now").click()
    page.wait_for_url(re.compile(r"/lessons/where-am-i$"))

    page.goto(live_server.url + "/course")  # never the welcome again
    page.wait_for_url(re.compile(r"/course$"))
    key = page.locator("details.kinds-key > summary")
    marker = key.evaluate("el => getComputedStyle(el, '::before').content")
    assert "+" in marker  # it looks expandable
    key.click()
    expect(page.get_by_text("Goal and method both unknown").first).to_be_visible()
    page.locator("summary.menu-button").click()
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, email, r"/course$")


def test_header_is_compact_on_a_phone_and_its_menu_opens(page, live_server):
    sign_in(page, live_server, make_newcomer(live_server), r"/welcome$")
    assert page.viewport_size["width"] == 390
    height = page.locator("header.site-header").bounding_box()["height"]
    assert height <= 64, f"header is {height}px tall"
    nav = page.get_by_role("navigation", name="Main")
    expect(nav).to_be_hidden()
    page.get_by_text("Menu", exact=True).click()
    expect(nav).to_be_visible()
    expect(nav.get_by_role("link", name="Account")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 800})
    with live_server.app.app_context():
        from course.models import User

        user = db.session.scalar(db.select(User).filter_by(name="Nia Newcomer"))
        user.name = "Nia Newcomer-Featherstonehaugh of the Very Long Name Borough Council"
        db.session.commit()
    page.reload()
    box = page.locator("header.site-header").bounding_box()
    assert box["height"] <= 64, f"desktop header wraps: {box['height']}px"
    page.set_viewport_size({"width": 390, "height": 844})


def test_dark_mode_passes_axe_and_text_at_200_percent_does_not_scroll(page, live_server):
    sign_in(page, live_server, make_newcomer(live_server), r"/welcome$")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Skip for now").click()
    page.wait_for_url(re.compile(r"/lessons/"))
    lesson = page.url
    page.emulate_media(color_scheme="dark")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background != "rgb(255, 255, 255)"
    for path in (lesson, live_server.url + "/course", live_server.url + "/welcome",
                 live_server.url + "/account", live_server.url + "/accessibility"):
        page.goto(path)
        check_page(page, f"dark {path}")
    page.emulate_media(color_scheme="light")
    for path in (lesson, live_server.url + "/course"):
        page.goto(path)
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        assert no_sideways_scroll(page) <= 0, f"{path} scrolls sideways at 200% text"


def test_accessibility_statement_and_time_zone(page, live_server):
    page.goto(live_server.url + "/accessibility")
    expect(page.get_by_role("heading", name="Enforcement procedure")).to_be_visible()
    check_page(page, "accessibility statement, signed out")
    sign_in(page, live_server, make_newcomer(live_server), r"/welcome$")
    page.goto(live_server.url + "/account")
    check_page(page, "account with time zone")
    expect(page.locator("time").first).to_have_text(re.compile(r"\d\d:\d\d (GMT|BST)$"))
    page.get_by_label("Show times in").select_option("Asia/Tokyo")
    page.get_by_role("button", name="Save time zone").click()
    expect(page.get_by_text("Times are now shown in Japan (Tokyo) time.")).to_be_visible()
    expect(page.locator("time").first).to_have_text(re.compile(r"\d\d:\d\d JST$"))
    page.get_by_role("link", name="Accessibility statement").click()
    page.wait_for_url(re.compile(r"/accessibility$"))
