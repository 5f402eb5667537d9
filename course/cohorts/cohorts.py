"""Cohorts and invitations: rules shared by the CLI and the facilitator pages."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import select, update

from course.accounts import create_user
from course.cohorts.models import ACTIVE, Cohort, Invitation, Membership
from course.extensions import db
from course.links import public_url
from course.models import Role, User, utcnow
from course.tokens import hash_token, new_token


class CohortError(ValueError):
    """A rule about cohorts or their invitations was broken; the message is fit to show
    the person, `field` names the form field it is about (if any)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


ARCHIVED = "This cohort is archived. Restore it before inviting anyone."


def refuse_if_archived(cohort: Cohort) -> None:
    """An archived cohort takes no one new: raise CohortError(ARCHIVED)."""
    if cohort.archived_at is not None:
        raise CohortError(ARCHIVED)


def create_cohort(name: str, facilitator: User) -> Cohort:
    """Create a cohort run by a facilitator."""
    name = " ".join(name.split())
    if not name:
        raise CohortError("Enter a cohort name.", "name")
    if not facilitator.is_facilitator:
        raise CohortError(f"{facilitator.email} is not a facilitator or admin.", "facilitator")
    cohort = Cohort(name=name)
    db.session.add(cohort)
    db.session.flush()
    db.session.add(Membership(user_id=facilitator.id, cohort_id=cohort.id, role=Role.FACILITATOR))
    db.session.flush()
    return cohort


def create_invitation(
    cohort: Cohort, created_by: User | None, *, max_uses: int = 50,
    expires_at: datetime | None = None,
) -> tuple[Invitation, str]:
    """Create an invitation link; return it with its token (shown once, stored hashed)."""
    if max_uses < 1:
        raise CohortError("An invitation must allow at least one use.", "max_uses")
    expires_at = expires_at or utcnow() + current_app.config["INVITATION_LIFETIME"]
    if expires_at <= utcnow():
        raise CohortError("The expiry date must be in the future.", "expires_at")
    token = new_token()
    invitation = Invitation(
        cohort_id=cohort.id, token_hash=hash_token(token), max_uses=max_uses,
        expires_at=expires_at, created_by_id=created_by.id if created_by else None,
    )
    db.session.add(invitation)
    db.session.flush()
    return invitation, token


def invitation_url(token: str) -> str:
    """The public address of an invitation link."""
    return public_url("auth.register", token=token)


def find_invitation(token: str) -> Invitation | None:
    """Return the invitation for a token if it can still be used."""
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == hash_token(token))
    )
    if invitation is None or invitation.status(utcnow()) != ACTIVE:
        return None
    if invitation.cohort.archived_at is not None:  # an archived cohort takes no one new
        return None
    return invitation


def redeem_invitation(token: str, *, email: str, name: str, password: str) -> User:
    """Register a leader through an invitation and place them in its cohort."""
    invitation = find_invitation(token)
    if invitation is None:
        raise CohortError("This invitation link has expired, been used up or been withdrawn.")
    # Counting the use in the UPDATE itself keeps two simultaneous sign-ups honest.
    claimed = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.uses < Invitation.max_uses)
        .values(uses=Invitation.uses + 1)
    ).rowcount
    if not claimed:
        raise CohortError("This invitation link has been used up.")
    user = create_user(email, name, Role.LEADER, password)
    db.session.add(Membership(user_id=user.id, cohort_id=invitation.cohort_id, role=Role.LEADER))
    db.session.flush()
    return user


def revoke_invitation(invitation: Invitation) -> None:
    """Withdraw an invitation link; it stops working at once."""
    if invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
