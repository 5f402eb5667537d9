"""A set member's digest lists what waits in their set, with a link, and never the words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import update

from course.cohorts.models import Membership
from course.digests.engine import send_due
from course.digests.settings import change
from course.extensions import db
from course.sets.contributions import contribute
from course.sets.rounds import open_round
from course.sets.sets import split_cohort
from tests.factories import read_outbox

MON = datetime(2026, 3, 23, 7, 5, tzinfo=UTC)  # a Monday morning in London (GMT)
CANARY = "qzxvkwsetdigest"


def test_the_digest_says_what_waits_in_the_set(app, make_cohort, make_facilitator,
                                               make_leader):
    facilitator = make_facilitator(name="Fran Facilitator")
    change(facilitator.id, facilitator_digest=False)  # this test is about the leaders
    cohort = make_cohort(name="Harbour", facilitator=facilitator)
    holder, asker, third = (make_leader(name=name, cohort=cohort)
                            for name in ("Amira Holder", "Ben Asker", "Cai Third"))
    db.session.execute(update(Membership).values(joined_at=MON - timedelta(days=20)))
    with time_machine.travel(MON - timedelta(days=1), tick=False):
        learning_set = split_cohort(facilitator, cohort)[0]
        running = open_round(learning_set, holder.id, facilitator)
        contribute(running, holder, "challenge", f"{CANARY} our board avoids risk")
        contribute(running, asker, "question", f"{CANARY} what have you tried?")
        db.session.commit()
    with time_machine.travel(MON, tick=False):
        send_due(MON)
    mails = {message["To"]: message for message in read_outbox(app)}
    assert set(mails) == {holder.email, asker.email, third.email}
    for message in mails.values():
        assert CANARY not in message.as_string()
    plain = mails[third.email].get_body(("plain",)).get_content()
    assert "YOUR ACTION-LEARNING SET" in plain  # the plain text upper-cases headings
    assert "Questions are open on Amira Holder’s challenge until Wed 25 Mar" in plain
    assert f"http://localhost/sets/{learning_set.id}" in plain
    held = mails[holder.email].get_body(("plain",)).get_content()
    assert "1 question on your challenge waits for your answer" in held
