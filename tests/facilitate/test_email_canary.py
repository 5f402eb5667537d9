"""No private words in any email: canaries planted in a private reflection, a reflection
shared with the facilitator, one shared with the cohort, the facilitator's reply, a
peer's reply in the circle and a plan's if-then line (and a set-style plan's own words);
then every kind of email the course sends goes out (invitation, password reset, reminder,
leader digest, check-in and new-reply email, facilitator digest) and no canary is in any
of them, headers and both parts included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select, update

from course.circle.models import CirclePost
from course.cohorts.models import Membership
from course.digests.engine import send_due
from course.extensions import db
from course.plans.plans import create_plan
from course.self_assessment.models import SelfAssessment
from tests.factories import read_outbox, write_in

MON = datetime(2026, 3, 23, 8, 0, tzinfo=UTC)  # a Monday morning in London (GMT)
CANARIES = {
    "private": "CANARY-private-3c1d",
    "facilitator": "CANARY-facilitator-only-8e2a",
    "cohort": "CANARY-cohort-post-5b7f",
    "reply": "CANARY-facilitator-reply-91d0",
    "circle_reply": "CANARY-peer-reply-44ac",
    "if_then": "CANARY-if-then-6f3e",
    "what": "CANARY-set-commitment-0b9d",
}


def test_no_canary_in_any_email(app, client, auth, world):
    catalog = app.extensions["catalog"]
    leader, peer = world.leader, world.other_leader
    db.session.execute(update(Membership).where(Membership.user_id == peer.id)
                       .values(cohort_id=world.cohort.id))
    db.session.execute(update(Membership).values(joined_at=MON - timedelta(days=30)))
    for person in (leader, peer):
        db.session.add(SelfAssessment(user_id=person.id, stage="before", skipped=True))
    db.session.commit()
    with time_machine.travel(MON - timedelta(days=2), tick=False):
        write_in(app, leader, CANARIES["private"], lesson=0)
        shared = write_in(app, leader, CANARIES["facilitator"], lesson=1,
                          audience="facilitator")
        posted = write_in(app, leader, CANARIES["cohort"], lesson=2, audience="cohort")
        create_plan(leader.id, lesson_id=catalog.ordered_lessons[0].id,
                    what=catalog.ordered_lessons[0].title, due_on=(MON + timedelta(days=1)).date(),
                    if_then=CANARIES["if_then"])
        create_plan(leader.id, lesson_id=None, what=CANARIES["what"],
                    due_on=(MON + timedelta(days=1)).date())
        db.session.commit()
    post_id = db.session.scalar(select(CirclePost.id).where(CirclePost.reflection_id == posted.id))

    # The facilitator replies, the peer replies in the circle, the facilitator reminds
    # and invites; someone asks for a password reset.
    auth.login(world.facilitator)
    assert client.post(f"/facilitate/cohorts/{world.cohort.id}/shared/{shared.id}/replies",
                       data={"text": CANARIES["reply"]}).status_code == 302
    assert client.post(f"/facilitate/cohorts/{world.cohort.id}/nudge", data={
        "leaders": [str(leader.id)], "subject": "Lesson two",
        "message": "Ten minutes today would do it."}).status_code == 302
    assert client.post(f"/facilitate/cohorts/{world.cohort.id}/invitations/email",
                       data={"emails": "newcomer@example.org"}).status_code in (200, 302, 303)
    auth.logout()
    auth.login(peer)
    assert client.post(f"/circle/posts/{post_id}/replies",
                       data={"text": CANARIES["circle_reply"]}).status_code in (302, 303)
    auth.logout()
    client.post("/forgot", data={"email": leader.email})

    # Monday: the leader's digest and the facilitator's; Tuesday: the check-in email.
    with time_machine.travel(MON, tick=False):
        monday = send_due(MON)
    with time_machine.travel(MON + timedelta(days=1), tick=False):
        tuesday = send_due(MON + timedelta(days=1))
    assert monday.sent["leader digest"] >= 1 and monday.sent["facilitator digest"] == 1
    assert tuesday.sent["check-ins and replies"] >= 1

    messages = read_outbox(app)
    subjects = {message["Subject"] for message in messages}
    for expected in ("Lesson two", "Your week on Clearing", "Your cohorts this week on Clearing",
                     "How did it go? A check-in from Clearing", "Reset your Clearing password"):
        assert expected in subjects, subjects
    assert any("invitation" in subject.lower() for subject in subjects), subjects
    digest = next(m for m in messages if m["Subject"] == "Your week on Clearing"
                  and m["To"] == leader.email)
    assert "replied to your reflection" in digest.get_body(("plain",)).get_content()
    for message in messages:
        raw = message.as_bytes().decode("utf-8", "replace")
        decoded = "".join(part.get_content() for part in message.walk()
                          if part.get_content_maintype() == "text")
        for name, canary in CANARIES.items():
            assert canary not in raw and canary not in decoded, (name, message["Subject"])
