"""The "before" self-assessment answered in a real browser, then seen on My growth."""

from __future__ import annotations

import itertools
import re

from playwright.sync_api import expect

from course.extensions import db
from course.models import Role
from tests.e2e.conftest import check_page, sign_in
from tests.factories import PASSWORD

_numbers = itertools.count(1)
DIMENSIONS = ("Listening", "Connecting", "Sharing and curating", "Experimenting",
              "Leading change", "Managing risk")


def make_leader(live_server) -> str:
    from course.accounts import create_user

    email = f"assess{next(_numbers)}@example.org"
    with live_server.app.app_context():
        create_user(email, "Dana Okafor", Role.LEADER, PASSWORD)
        db.session.commit()
    return email


def level(page, dimension: str, value: int):
    """The radio button for one level of one dimension (its group is named by the prompt)."""
    group = page.get_by_role("group", name=re.compile(rf": {dimension}\b"))
    return group.get_by_role("radio", name=re.compile(rf"^{value}\b"))


def cells(page, dimension: str) -> list[str]:
    """The before, after and change cells of one dimension's row in the growth table."""
    row = page.get_by_role("row", name=re.compile(f"^{dimension}"))
    return [text.strip() for text in row.locator("td").all_inner_texts()]


def test_before_self_assessment_then_my_growth(page, live_server):
    sign_in(page, live_server, make_leader(live_server), r"/(course|welcome|assessment/before)$")
    page.goto(f"{live_server.url}/assessment/before")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Where you stand")
    check_page(page, "self-assessment")

    # Keyboard: click level 1, then the arrow key moves the choice to 2 within the group.
    level(page, "Listening", 1).click()
    page.keyboard.press("ArrowRight")
    assert level(page, "Listening", 2).is_checked()
    level(page, "Connecting", 4).click()
    level(page, "Sharing and curating", 3).check()
    level(page, "Experimenting", 1).focus()
    page.keyboard.press("Space")
    level(page, "Leading change", 5).click()
    page.get_by_role("button", name="Save my answers").click()

    # One left unanswered: a clear message, and the other choices are still there.
    alert = page.get_by_role("alert")
    assert "Managing risk: This question has no answer yet" in alert.inner_text()
    assert level(page, "Listening", 2).is_checked()
    assert level(page, "Leading change", 5).is_checked()
    check_page(page, "self-assessment with an error")
    alert.get_by_role("link").click()
    assert page.evaluate("document.activeElement.id") == "managing-risk-1"
    level(page, "Managing risk", 2).click()
    page.get_by_role("button", name="Save my answers").click()

    # Issue 13: the first starting self-assessment leads into lesson 1, then My growth.
    page.wait_for_url(re.compile(r"/lessons/"))
    expect(page.get_by_text("before self-assessment is saved")).to_be_visible()
    page.goto(f"{live_server.url}/growth")
    chart = page.get_by_role("img", name=re.compile("Your levels before the course"))
    expect(chart).to_be_visible()
    table = page.get_by_role("table")
    rows = [
        [cell.strip() for cell in row.locator("th, td").all_inner_texts()]
        for row in table.get_by_role("row").all()
    ]
    assert rows == [
        ["Way of working", "Before"],
        ["Listening", "2"], ["Connecting", "4"], ["Sharing and curating", "3"],
        ["Experimenting", "1"], ["Leading change", "5"], ["Managing risk", "2"],
    ]
    check_page(page, "my growth, before only")

    page.goto(f"{live_server.url}/assessment/before")  # retaking shows the answers given
    assert level(page, "Connecting", 4).is_checked()

    page.goto(f"{live_server.url}/assessment/after")  # allowed early, and it says so
    expect(page.get_by_text("meant for the end of the course")).to_be_visible()
    for dimension in DIMENSIONS:
        level(page, dimension, 4).click()
    page.get_by_role("button", name="Save my answers").click()
    page.wait_for_url(re.compile(r"/growth$"))
    assert cells(page, "Listening") == ["2", "4", "+2"]
    assert cells(page, "Leading change") == ["5", "4", "\u22121"]
    check_page(page, "my growth, before and after")
