"""The demo: a facilitator, a cohort and leaders at different stages, loaded idempotently."""

from __future__ import annotations

from sqlalchemy import select

from course.accounts import count_users, create_user, find_user_by_email
from course.cohorts import create_cohort, create_invitation, invitation_url
from course.extensions import db
from course.models import Cohort, Membership, Role

DEMO_PASSWORD = "clearing demo walk-through"
DEMO_COHORT = "Demo cohort: county and charity leaders"
FACILITATOR = ("facilitator@demo.example.org", "Fran Okafor")
LEADERS = [
    ("amara@demo.example.org", "Amara Hughes"),  # just joined
    ("ben@demo.example.org", "Ben Marsh"),  # part way through
    ("chidi@demo.example.org", "Chidi Evans"),  # nearly done
]


def load_demo(only_if_empty: bool = False) -> list[str]:
    """Create what is missing of the demo and return lines describing the logins."""
    if only_if_empty and count_users() > 0 and find_user_by_email(FACILITATOR[0]) is None:
        return ["The database has accounts already; the demo was not loaded."]
    facilitator = find_user_by_email(FACILITATOR[0]) or create_user(
        *FACILITATOR, Role.FACILITATOR, DEMO_PASSWORD
    )
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == DEMO_COHORT))
    token = None
    if cohort is None:
        cohort = create_cohort(DEMO_COHORT, facilitator)
        _, token = create_invitation(cohort, facilitator)
    for email, name in LEADERS:
        leader = find_user_by_email(email) or create_user(email, name, Role.LEADER, DEMO_PASSWORD)
        joined = db.session.scalar(
            select(Membership).where(
                Membership.user_id == leader.id, Membership.cohort_id == cohort.id
            )
        )
        if joined is None:
            db.session.add(Membership(user_id=leader.id, cohort_id=cohort.id, role=Role.LEADER))
    db.session.commit()
    lines = [f"Demo logins (password for each: {DEMO_PASSWORD!r}):"]
    lines.append(f"  facilitator  {FACILITATOR[0]}")
    lines += [f"  leader       {email}" for email, _ in LEADERS]
    if token:
        lines.append(f"Demo cohort invitation: {invitation_url(token)}")
    return lines
