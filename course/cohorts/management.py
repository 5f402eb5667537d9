"""Cohort management rules: naming, archiving, invitation links and facilitators.

Services flush; the view that calls them commits once.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select, update

from course.cohorts.cohorts import CohortError, create_cohort, create_invitation, refuse_if_archived
from course.cohorts.models import Cohort, Invitation, Membership
from course.extensions import db
from course.models import Role, User, utcnow

DEFAULT_LINK_DAYS = 30
MAX_LINK_DAYS = 365
MAX_LINK_USES = 1000
NAME_LENGTH = 120



def today_utc() -> date:
    """Today's date in UTC, the calendar invitation dates are kept in."""
    return utcnow().date()


def clean_name(name: str) -> str:
    """A cohort name with its spaces tidied; raise CohortError when empty or too long."""
    name = " ".join((name or "").split())
    if not name:
        raise CohortError("Enter a cohort name.", "name")
    if len(name) > NAME_LENGTH:
        raise CohortError(f"Use at most {NAME_LENGTH} characters for the name.", "name")
    return name


def start_cohort(name: str, facilitator: User) -> Cohort:
    """Create a cohort run by the facilitator (or admin) who names it."""
    return create_cohort(clean_name(name), facilitator)


def rename_cohort(cohort: Cohort, name: str) -> None:
    """Give a cohort a new name."""
    cohort.name = clean_name(name)
    db.session.flush()


def set_archived(cohort: Cohort, archived: bool) -> int:
    """Archive a cohort or bring it back; archiving revokes its live links (returns how many)."""
    revoked = 0
    if archived and cohort.archived_at is None:
        now = cohort.archived_at = utcnow()
        # Nobody should join a finished cohort through a link still in someone's inbox.
        revoked = db.session.execute(
            update(Invitation)
            .where(Invitation.cohort_id == cohort.id, Invitation.revoked_at.is_(None),
                   Invitation.expires_at > now, Invitation.uses < Invitation.max_uses)
            .values(revoked_at=now)
        ).rowcount
    elif not archived:
        cohort.archived_at = None
    db.session.flush()
    return revoked


def end_of_day(day: date) -> datetime:
    """The last moment of a UTC calendar day: a link 'valid until' that day works all of it."""
    return datetime.combine(day, time.max, tzinfo=UTC)


def create_invitation_link(
    cohort: Cohort, created_by: User, *, expires_on: date, max_uses: int
) -> tuple[Invitation, str]:
    """A shareable link valid until the end of a future day, for 1 to 1,000 people."""
    refuse_if_archived(cohort)
    today = today_utc()
    if expires_on <= today:
        raise CohortError("Choose a date after today.", "expires_on")
    if expires_on > today + timedelta(days=MAX_LINK_DAYS):
        raise CohortError("Choose a date at most a year from today.", "expires_on")
    if not 1 <= max_uses <= MAX_LINK_USES:
        raise CohortError(f"Enter a whole number from 1 to {MAX_LINK_USES:,}.", "max_uses")
    return create_invitation(cohort, created_by, max_uses=max_uses,
                             expires_at=end_of_day(expires_on))


def assign_facilitator(cohort: Cohort, user_id: int) -> User:
    """Let a facilitator or admin run a cohort too; return them."""
    user = db.session.get(User, user_id)
    if user is None:
        raise CohortError("There is no such account.", "facilitator")
    if not user.is_facilitator:
        raise CohortError(f"{user.name} is not a facilitator or admin.", "facilitator")
    if not user.active:
        raise CohortError(f"{user.name}'s account is deactivated.", "facilitator")
    existing = db.session.scalar(
        select(Membership).where(
            Membership.cohort_id == cohort.id, Membership.user_id == user.id
        )
    )
    if existing is not None:
        raise CohortError(f"{user.name} already runs this cohort.", "facilitator")
    db.session.add(Membership(user_id=user.id, cohort_id=cohort.id, role=Role.FACILITATOR))
    db.session.flush()
    return user


def unassign_facilitator(cohort: Cohort, membership: Membership) -> None:
    """Take a facilitator off a cohort; the last one stays, so someone still runs it."""
    others = db.session.scalar(
        select(func.count(Membership.id)).where(
            Membership.cohort_id == cohort.id,
            Membership.role == Role.FACILITATOR,
            Membership.id != membership.id,
        )
    )
    if not others:
        raise CohortError("A cohort needs at least one facilitator. Add another one first.")
    db.session.delete(membership)
    db.session.flush()
