"""The circle in a real browser at the phone size: two leaders of one cohort post and
reply, one narrows her audience; a leader of another cohort sees nothing; the facilitator
hides a reply with a reason its author reads. check_page on each new page."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from course.accounts import create_user
from course.cohorts.cohorts import create_cohort
from course.cohorts.models import Membership
from course.extensions import db
from course.models import Role
from course.reflections.reflections import save_reflection
from course.self_assessment.models import SelfAssessment
from tests.e2e.conftest import check_page, sign_in

ANN_WORDS = "Our board reads the comments before the minutes."
BEN_WORDS = "We answered one resident by name and the thread calmed."
BEN_REPLY = "Same here: the minutes come last."
ANN_REPLY = "Did you answer in public or by message?"


def seed(live_server) -> dict:
    with live_server.app.app_context():
        fran = create_user("circle-fran@example.org", "Fran Circle", Role.FACILITATOR,
                           "a calm walk by the river")
        harbour = create_cohort("Circle harbour", fran)
        hill = create_cohort("Circle hill", fran)
        lesson = live_server.app.extensions["catalog"].ordered_lessons[0]
        people = {}
        for key, name, cohort, words in (("ann", "Ann Circle", harbour, ANN_WORDS),
                                         ("ben", "Ben Circle", harbour, BEN_WORDS),
                                         ("cy", "Cy Elsewhere", hill, None)):
            person = create_user(f"circle-{key}@example.org", name, Role.LEADER,
                                 "a calm walk by the river")
            db.session.add(Membership(user_id=person.id, cohort_id=cohort.id, role=Role.LEADER))
            db.session.add(SelfAssessment(user_id=person.id, stage="before", skipped=True))
            if words:
                save_reflection(person.id, lesson, lesson.reflections[0].id, words, None)
            people[key] = person.email
        db.session.commit()
        return {**people, "fran": fran.email, "lesson": lesson.id, "cohort": harbour.name}


def sign_out(page):
    page.locator("summary.menu-button").click()
    page.get_by_role("button", name="Sign out").click()


def share_with_cohort(page, live_server, lesson_id: str, choice: str):
    page.goto(f"{live_server.url}/lessons/{lesson_id}")
    form = page.locator(".audience-form").first
    form.get_by_label(choice).check()
    form.get_by_role("button", name=re.compile("Save who can see it")).click()


def test_two_peers_post_reply_and_narrow_an_outsider_sees_nothing(page, live_server):
    seeded = seed(live_server)

    # Ann shares with her cohort: the radios work without script.
    sign_in(page, live_server, seeded["ann"], r"/course$")
    share_with_cohort(page, live_server, seeded["lesson"], "My cohort")
    expect(page.get_by_text("Your cohort and your facilitator can see this reflection")
           ).to_be_visible()
    expect(page.locator(".audience-form").first.get_by_label("My cohort")).to_be_checked()
    check_page(page, "lesson page with the audience choice")
    page.locator("summary.menu-button").click()
    page.get_by_role("link", name="Circle", exact=True).click()
    expect(page.get_by_role("heading", name="Your circle", level=1)).to_be_visible()
    expect(page.locator(".circle-text")).to_have_text(ANN_WORDS)
    check_page(page, "circle with one post")
    sign_out(page)

    # Ben reads it, replies, and shares his own.
    sign_in(page, live_server, seeded["ben"], r"/course$")
    share_with_cohort(page, live_server, seeded["lesson"], "My cohort")
    page.goto(f"{live_server.url}/circle")
    ann_post = page.locator(".circle-post", has_text=ANN_WORDS)
    expect(ann_post.locator(".circle-by")).to_contain_text("Ann Circle")
    ann_post.get_by_label("Reply to Ann Circle").fill(BEN_REPLY)
    ann_post.get_by_role("button", name="Send reply to Ann Circle").click()
    expect(page.get_by_text("Reply sent.")).to_be_visible()
    expect(page.locator(".reply-text", has_text=BEN_REPLY)).to_be_visible()
    check_page(page, "circle with a reply")
    sign_out(page)

    # Ann reads Ben's reply, answers his post, then narrows her own to Only me.
    sign_in(page, live_server, seeded["ann"], r"/course$")
    page.goto(f"{live_server.url}/circle")
    expect(page.locator(".reply-text", has_text=BEN_REPLY)).to_be_visible()
    ben_post = page.locator(".circle-post", has_text=BEN_WORDS)
    ben_post.get_by_label("Reply to Ben Circle").fill(ANN_REPLY)
    ben_post.get_by_role("button", name="Send reply to Ben Circle").click()
    expect(page.locator(".reply-text", has_text=ANN_REPLY)).to_be_visible()
    share_with_cohort(page, live_server, seeded["lesson"], "Only me")
    expect(page.get_by_text("Only you can see this reflection now.")).to_be_visible()
    page.goto(f"{live_server.url}/circle")
    expect(page.locator(".circle-text", has_text=ANN_WORDS)).to_have_count(0)
    sign_out(page)

    # Ben no longer sees Ann's post, nor his reply on it.
    sign_in(page, live_server, seeded["ben"], r"/course$")
    page.goto(f"{live_server.url}/circle")
    expect(page.get_by_text(ANN_WORDS)).to_have_count(0)
    expect(page.get_by_text(BEN_REPLY)).to_have_count(0)
    expect(page.locator(".circle-text", has_text=BEN_WORDS)).to_be_visible()
    sign_out(page)

    # Cy, in another cohort, sees none of it.
    sign_in(page, live_server, seeded["cy"], r"/course$")
    page.goto(f"{live_server.url}/circle")
    expect(page.get_by_text("Nothing is shared with the cohort yet.")).to_be_visible()
    for words in (ANN_WORDS, BEN_WORDS, BEN_REPLY, ANN_REPLY):
        expect(page.get_by_text(words)).to_have_count(0)
    check_page(page, "an empty circle")
    sign_out(page)

    # The facilitator hides Ann's reply on Ben's post, with a reason.
    sign_in(page, live_server, seeded["fran"], r"/facilitate/$")
    page.get_by_role("link", name=seeded["cohort"]).click()
    page.get_by_role("link", name=re.compile("^Circle")).click()
    expect(page.get_by_role("heading", name=re.compile("The circle of"), level=1)
           ).to_be_visible()
    check_page(page, "facilitator's circle")
    page.locator(".reply", has_text=ANN_REPLY).get_by_role(
        "link", name=re.compile("^Hide")).click()
    page.get_by_role("button", name="Hide it").click()
    expect(page.get_by_text("Say why, in a sentence")).to_have_count(2)  # summary + field
    check_page(page, "hide a reply, refused")
    page.get_by_label("Why, for its author").fill("Please ask Ben about this in the session.")
    page.get_by_role("button", name="Hide it").click()
    expect(page.get_by_text("hidden from the cohort; its author sees your reason")
           ).to_be_visible()
    sign_out(page)

    # Ben no longer sees it; Ann sees it with the reason.
    sign_in(page, live_server, seeded["ben"], r"/course$")
    page.goto(f"{live_server.url}/circle")
    expect(page.get_by_text(ANN_REPLY)).to_have_count(0)
    sign_out(page)
    sign_in(page, live_server, seeded["ann"], r"/course$")
    page.goto(f"{live_server.url}/circle")
    hidden = page.locator(".reply", has_text=ANN_REPLY)
    expect(hidden.locator(".circle-notice")).to_contain_text(
        "Please ask Ben about this in the session.")
    check_page(page, "circle with a hidden reply")
