"""Issue 13 in the browser: the case for change autosaves, survives a reload, downloads as a
real Word file, prints on A4 without the site around it, and Back never resubmits."""

from __future__ import annotations

import re

import docx
from playwright.sync_api import expect

from course.accounts import create_user
from course.extensions import db
from course.models import Role, utcnow
from course.self_assessment.models import SelfAssessment
from tests.e2e.conftest import check_page, sign_in
from tests.factories import PASSWORD


def make_leader(live_server) -> str:
    email = "case-doc@example.org"
    with live_server.app.app_context():
        user = create_user(email, "Casey Board", Role.LEADER, PASSWORD)
        user.welcome_seen_at = utcnow()
        db.session.add(SelfAssessment(user_id=user.id, stage="before", skipped=True))
        db.session.commit()
    return email


def test_case_document_is_kept_and_downloads_as_word(page, live_server):
    sign_in(page, live_server, make_leader(live_server), r"/course$")
    page.goto(live_server.url + "/case-for-change")
    check_page(page, "case form, kept")
    page.get_by_label("Title").fill("Opening our comments")
    page.get_by_label("Situation").fill("Residents write to us and nobody answers.")
    page.locator(".save-status").filter(has_text="Draft saved").wait_for(timeout=10_000)
    page.reload()
    assert page.get_by_label("Situation").input_value() == (
        "Residents write to us and nobody answers.")
    assert page.get_by_label("Title").input_value() == "Opening our comments"

    page.get_by_role("button", name="Save and see the document").click()
    page.wait_for_url(re.compile(r"/case-for-change/document$"))
    expect(page.get_by_role("heading", name="Opening our comments")).to_be_visible()
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_visible()
    check_page(page, "case document, kept")
    page.locator("details.versions > summary").click()
    expect(page.locator(".case-versions li")).to_have_count(1)

    with page.expect_download() as info:
        page.get_by_role("link", name="Download as Word").click()
    assert info.value.suggested_filename.endswith(".docx")
    document = docx.Document(info.value.path())
    texts = [p.text for p in document.paragraphs]
    assert "Opening our comments" in texts
    assert "Residents write to us and nobody answers." in texts

    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".case-tools").is_visible()
    page.emulate_media(media="screen")
    rules = page.evaluate("""() => [...document.styleSheets].flatMap(s => [...s.cssRules])
        .filter(r => r.type === CSSRule.PAGE_RULE).map(r => r.cssText)""")
    assert any("a4" in rule.lower() for rule in rules), rules

    # Back returns to the form without "Confirm form resubmission": the save was redirected.
    page.go_back()
    page.wait_for_url(re.compile(r"/case-for-change$"))
    assert page.get_by_label("Situation").input_value() == (
        "Residents write to us and nobody answers.")
