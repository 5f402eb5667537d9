"""Issue 12 item 5 in a real browser at 390x844: a facilitator splits a cohort and opens a
round; the holder posts a challenge; a member asks, the holder answers; time moves on to
suggestions, then to the commitment and the report, and the round closes."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import update

from course.accounts import create_user
from course.cohorts.cohorts import create_cohort
from course.cohorts.models import Membership
from course.extensions import db
from course.models import Role, utcnow
from course.self_assessment.models import SelfAssessment
from course.sets.models import Round
from tests.e2e.conftest import check_page, sign_in
from tests.factories import PASSWORD

CHALLENGE = "Our board avoids every risk.\nHow do I get a small pilot agreed?"
QUESTION = "What would the smallest pilot look like?"
ANSWER = "One ward, one month, no new money."
SUGGESTION = "Ask the chair for ten minutes at the next meeting."
COMMITMENT = "Ask the chair for ten minutes at the board."
REPORT = "The chair said yes; the pilot starts in March."


def seed(live_server, viewport: str) -> dict:
    """A facilitator's cohort of four leaders who are past the first session."""
    with live_server.app.app_context():
        facilitator = create_user(f"sets-fac-{viewport}@example.org", "Fran Sets",
                                  Role.FACILITATOR, PASSWORD)
        cohort = create_cohort(f"Sets cohort {viewport}", facilitator)
        emails = {}
        for name in ("Amira Holder", "Ben Asker", "Cai Third", "Dee Fourth"):
            email = f"sets-{name.split()[0].lower()}-{viewport}@example.org"
            leader = create_user(email, name, Role.LEADER, PASSWORD)
            leader.welcome_seen_at = utcnow()
            db.session.add(Membership(user_id=leader.id, cohort_id=cohort.id,
                                      role=Role.LEADER))
            db.session.add(SelfAssessment(user_id=leader.id, stage="before", skipped=True))
            emails[name.split()[0].lower()] = email
        db.session.commit()
        return {"facilitator": facilitator.email, "cohort": cohort.name, **emails}


def sign_out(page):
    page.locator("summary.menu-button").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/login$"))


def time_passes(live_server) -> None:
    """The phase in force ends now (as if its days had passed)."""
    with live_server.app.app_context():
        db.session.execute(update(Round).values(phase_ends_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()


def test_a_full_action_learning_round(page, live_server):
    seeded = seed(live_server, page.viewport_name)

    # The facilitator splits the cohort and opens a round.
    sign_in(page, live_server, seeded["facilitator"], r"/facilitate/$")
    page.get_by_role("link", name=seeded["cohort"]).click()
    expect(page.get_by_text("The cohort is not split into sets yet.")).to_be_visible()
    page.get_by_role("link", name="Action-learning sets").click()
    expect(page.get_by_text("4 active leaders make 1 set of 4.")).to_be_visible()
    check_page(page, "sets page before the split")
    page.get_by_role("button", name="Split into sets").click()
    expect(page.get_by_text("The cohort is split into 1 set.")).to_be_visible()
    check_page(page, "sets page")
    page.get_by_role("link", name="Set 1").click()
    expect(page.get_by_label("Problem holder")).to_have_value(re.compile(r"\d+"))
    expect(page.get_by_role("option", name="Amira Holder (suggested)")).to_be_attached()
    check_page(page, "a set, before its first round")
    page.get_by_role("button", name="Open the round").click()
    expect(page.get_by_text("A round is open in Set 1.")).to_be_visible()
    check_page(page, "a set with an open round")
    sign_out(page)

    # The holder posts the challenge.
    sign_in(page, live_server, seeded["amira"], r"/course$")
    expect(page.get_by_text("You hold the new round in Set 1: post your challenge")).to_be_visible()
    page.get_by_role("link", name="You hold the new round in Set 1: post your challenge").click()
    page.get_by_label("Your challenge").fill(CHALLENGE)
    check_page(page, "the holder's set page")
    page.get_by_role("button", name="Post your challenge").click()
    expect(page.get_by_text("Your challenge is posted.")).to_be_visible()
    expect(page.locator(".set-challenge")).to_have_text(CHALLENGE)
    sign_out(page)

    # A member asks a question: in this phase the form is a question form only.
    sign_in(page, live_server, seeded["ben"], r"/course$")
    card = page.get_by_role("link", name=re.compile(r"Questions are open on Amira Holder’s "
                                                    r"challenge until \w{3} \d+ \w{3}"))
    card.click()
    expect(page.get_by_label("Offer a suggestion")).to_have_count(0)
    page.get_by_label("Ask a question").fill(QUESTION)
    page.get_by_role("button", name="Ask the question").click()
    expect(page.get_by_text("Question sent.")).to_be_visible()
    check_page(page, "a member's set page in the questions phase")
    sign_out(page)

    # The holder answers it.
    sign_in(page, live_server, seeded["amira"], r"/course$")
    page.get_by_role("link", name="1 question on your challenge waits for your answer").click()
    page.get_by_label("Your answer to Ben Asker").fill(ANSWER)
    page.get_by_role("button", name="Send answer to Ben Asker").click()
    expect(page.get_by_text("Answer sent.")).to_be_visible()
    expect(page.locator(".reply-text").filter(has_text=ANSWER)).to_be_visible()
    sign_out(page)

    # Time moves on: suggestions.
    time_passes(live_server)
    sign_in(page, live_server, seeded["ben"], r"/course$")
    page.locator("summary.menu-button").click()
    page.locator(".menu-panel").get_by_role("link", name="Your set").click()
    expect(page.get_by_label("Ask a question")).to_have_count(0)
    page.get_by_label("Offer a suggestion").fill(SUGGESTION)
    page.get_by_role("button", name="Send the suggestion").click()
    expect(page.get_by_text("Suggestion sent.")).to_be_visible()
    check_page(page, "a member's set page in the suggestions phase")
    sign_out(page)

    # Time moves on again: the holder commits to one action and reports back.
    time_passes(live_server)
    sign_in(page, live_server, seeded["amira"], r"/course$")
    page.get_by_role("link", name="Commit to one action from your round").click()
    page.get_by_label("The one action you commit to").fill(COMMITMENT)
    page.get_by_label("Done by").fill((utcnow() + timedelta(days=14)).date().isoformat())
    page.get_by_label("If-then plan (optional)").fill("If the agenda is set, then I ask.")
    check_page(page, "the holder's commitment form")
    page.get_by_role("button", name="Commit to this action").click()
    expect(page.get_by_text("Your commitment is kept, with a check-in on its date.")) \
        .to_be_visible()
    page.get_by_label("Report back").fill(REPORT)
    page.get_by_role("button", name="Send your report").click()
    expect(page.get_by_text("Thank you for reporting back.")).to_be_visible()
    expect(page.get_by_role("heading", name="No round open")).to_be_visible()
    page.get_by_text(re.compile(r"Amira Holder’s round, closed")).click()
    expect(page.locator(".reply-text").filter(has_text=REPORT)).to_be_visible()
    check_page(page, "the set page with a closed round")
    sign_out(page)

    # The facilitator reads the record; the round is closed.
    sign_in(page, live_server, seeded["facilitator"], r"/facilitate/$")
    page.get_by_role("link", name=seeded["cohort"]).click()
    expect(page.locator("#sets").get_by_text("No round open")).to_be_visible()
    page.locator("#sets").get_by_role("link", name="Set 1").click()
    expect(page.get_by_text(SUGGESTION)).to_be_visible()
    expect(page.get_by_text(REPORT)).to_be_visible()
    check_page(page, "the facilitator's record of a closed round")
