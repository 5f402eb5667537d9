"""Journal, search, Markdown download, case for change, my data and deletion in a browser."""

from __future__ import annotations

import itertools
import re
import zipfile
from datetime import date

from playwright.sync_api import expect

from course.extensions import db
from course.models import Role
from course.self_assessment.models import SelfAssessment
from tests.e2e.conftest import check_page, sign_in
from tests.factories import PASSWORD

FIRST_WORDS = "Our trustees worry that opening comments will invite a pile-on."
SECOND_WORDS = "The comms officer already sees every reply before I do."
ENTRY_WORDS = "Sorted five items from my in-tray; two of them were plainly fog."
_numbers = itertools.count(1)


def seed_leader(live_server, label: str) -> dict:
    """A leader with two reflections and an experiment entry, written through the services."""
    from course.accounts import create_user
    from course.experiments.experiments import add_entry
    from course.reflections.reflections import save_reflection

    email = f"journal{next(_numbers)}-{label}@example.org"
    with live_server.app.app_context():
        user = create_user(email, "Robin Ashdown", Role.LEADER, PASSWORD)
        db.session.add(SelfAssessment(user_id=user.id, stage="before", skipped=True))
        lesson = live_server.app.extensions["catalog"].ordered_lessons[0]
        one = save_reflection(user.id, lesson, lesson.reflections[0].id, FIRST_WORDS, None)
        two = save_reflection(user.id, lesson, lesson.reflections[1].id, SECOND_WORDS, None)
        add_entry(user.id, lesson, date.today(), ENTRY_WORDS,
                  {lesson.try_this.measures[0]: 5}, None)
        db.session.commit()
        return {"email": email, "one": one.id, "two": two.id}


def test_journal_case_and_my_data(page, live_server):
    leader = seed_leader(live_server, page.viewport_name)
    sign_in(page, live_server, leader["email"], r"^(?!.*/login)")

    page.goto(live_server.url + "/journal")
    expect(page.get_by_role("heading", name="My journal")).to_be_visible()
    expect(page.get_by_text(FIRST_WORDS)).to_be_visible()
    expect(page.get_by_text(ENTRY_WORDS)).to_be_visible()
    check_page(page, "journal")

    page.get_by_label("Search your journal").fill("COMMS officer")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"/journal\?q="))
    expect(page.get_by_text("1 match", exact=False)).to_be_visible()
    assert page.get_by_text(FIRST_WORDS).count() == 0
    check_page(page, "journal search")
    page.get_by_label("Search your journal").fill("nothing like this")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("No matches")).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("link", name="Download as Markdown").click()
    download = info.value
    assert download.suggested_filename == f"clearing-journal-{date.today().isoformat()}.md"
    text = download.path().read_text(encoding="utf-8")
    assert FIRST_WORDS in text and SECOND_WORDS in text and ENTRY_WORDS in text

    page.get_by_role("link", name="Build a case for change").click()
    page.wait_for_url(re.compile(r"/case-for-change$"))
    expect(page.get_by_text("Your case for change is kept for you.")).to_be_visible()  # issue 13
    check_page(page, "case form")
    page.locator(f"#pick-r{leader['one']}").check()
    page.get_by_role("button", name="Fill empty sections from my choices").click()
    assert page.get_by_label("Situation").input_value() == FIRST_WORDS
    assert page.locator(f"#pick-r{leader['one']}").is_checked()
    page.get_by_label("Title").fill("Listening before broadcasting")
    page.get_by_label("What I propose").fill("A three-month listening pilot\nwith comms.")
    page.get_by_role("button", name="Save and see the document").click()  # issue 13: kept
    page.wait_for_url(re.compile(r"/case-for-change/document$"))
    expect(page.get_by_role("heading", name="Listening before broadcasting")).to_be_visible()
    expect(page.get_by_role("heading", name="Appendix: from my journal")).to_be_visible()
    appendix = page.locator(".case-appendix")
    assert FIRST_WORDS in appendix.inner_text() and SECOND_WORDS not in appendix.inner_text()
    check_page(page, "case document")
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".case-tools").is_visible()
    page.emulate_media(media="screen")

    with page.expect_download() as info:
        page.get_by_role("link", name="download it as Markdown").click()
    case_text = info.value.path().read_text(encoding="utf-8")
    assert case_text.startswith("# Listening before broadcasting")
    assert "A three-month listening pilot\nwith comms." in case_text and FIRST_WORDS in case_text

    page.get_by_role("link", name="Change it").click()
    assert page.get_by_label("What I propose").input_value() == (
        "A three-month listening pilot\nwith comms.")
    assert page.locator(f"#pick-r{leader['one']}").is_checked()

    page.goto(live_server.url + "/account/data")
    check_page(page, "my data")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download my data").click()
    with zipfile.ZipFile(info.value.path()) as archive:
        assert sorted(archive.namelist()) == [  # issue 13: the kept case for change too
            "clearing-case-for-change.md", "clearing-data.json", "clearing-journal.md"]
        assert FIRST_WORDS in archive.read("clearing-journal.md").decode("utf-8")

    page.get_by_role("link", name="Delete my account").click()
    page.wait_for_url(re.compile(r"/account/delete$"))
    check_page(page, "delete account")
    page.get_by_label("Type your email address to confirm").fill("not-me@example.org")
    page.get_by_role("button", name="Delete my account and everything in it").click()
    expect(page.get_by_text("nothing was deleted").first).to_be_visible()
    check_page(page, "delete account with error")
    page.get_by_label("Type your email address to confirm").fill(leader["email"].upper())
    page.get_by_role("button", name="Delete my account and everything in it").click()
    page.wait_for_url(re.compile(r"/login$"))
    expect(page.get_by_text("Your account and everything in it has been deleted.")).to_be_visible()
    page.goto(live_server.url + "/journal")
    page.wait_for_url(re.compile(r"/login"))
