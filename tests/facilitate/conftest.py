"""Fixtures for the facilitator's pages: two cohorts with their people."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest

from course.cohorts.cohorts import create_invitation
from course.cohorts.models import Cohort, Invitation
from course.extensions import db
from course.models import User, utcnow


@dataclass
class World:
    """Cohort A (run by `facilitator`) and cohort B (run by `other_facilitator`)."""

    cohort: Cohort
    facilitator: User
    leader: User
    invitation: Invitation
    other_cohort: Cohort
    other_facilitator: User
    other_leader: User
    other_invitation: Invitation
    admin: User

    def user(self, who: str) -> User | None:
        return None if who == "anonymous" else getattr(self, who)


@pytest.fixture
def world(app, make_cohort, make_facilitator, make_leader, make_admin) -> World:
    facilitator = make_facilitator(name="Fran Facilitator")
    cohort = make_cohort(name="Harbour cohort", facilitator=facilitator)
    other_facilitator = make_facilitator(name="Olu Other")
    other_cohort = make_cohort(name="Hill cohort", facilitator=other_facilitator)
    invitation, _ = create_invitation(cohort, facilitator)
    other_invitation, _ = create_invitation(other_cohort, other_facilitator)
    db.session.commit()
    return World(
        cohort=cohort, facilitator=facilitator,
        leader=make_leader(name="Lee Leader", cohort=cohort), invitation=invitation,
        other_cohort=other_cohort, other_facilitator=other_facilitator,
        other_leader=make_leader(name="Oki Leader", cohort=other_cohort),
        other_invitation=other_invitation, admin=make_admin(name="Ada Admin"),
    )


def future_date(days: int = 10) -> str:
    """A date `days` from today (UTC), as a date input sends it."""
    return (utcnow().date() + timedelta(days=days)).isoformat()


def text_of(response) -> str:
    """The page as text, tags removed and spaces collapsed (a <wbr> is no space)."""
    html = response.get_data(as_text=True).replace("<wbr>", "")
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())
