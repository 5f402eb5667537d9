"""Deleting an account: the user row goes and the database cascades to every row of theirs."""

from __future__ import annotations

from sqlalchemy import delete, func, select

from course.circle.people import forget_member
from course.extensions import db
from course.models import Role, User


class DeletionRefused(ValueError):
    """The account was not deleted; the message says why and what to do."""


def confirmation_matches(user: User, typed: str | None) -> bool:
    """True when the typed text is the account's email, ignoring case and outer spaces."""
    return (typed or "").strip().casefold() == user.email.casefold()


def delete_account(user: User, typed_email: str | None) -> None:
    """Remove the account and everything in it, after the email confirmation.

    Every table holding a user_id declares ON DELETE CASCADE, so one DELETE of the user
    row removes them all in the database; the ORM is kept out of it, so it never tries
    to set children's user_id to NULL instead.
    """
    if not confirmation_matches(user, typed_email):
        raise DeletionRefused(
            "That is not the email address of this account, so nothing was deleted. "
            "Type the address exactly as shown above."
        )
    if user.role == Role.ADMIN:
        others = db.session.scalar(select(func.count(User.id)).where(
            User.role == Role.ADMIN, User.active.is_(True), User.id != user.id))
        if not others:
            raise DeletionRefused(
                "This is the only active administrator account, so it cannot be deleted. "
                "Make another person an administrator first."
            )
    forget_member(user.id)  # their circle replies read "removed"; the words go now
    db.session.execute(delete(User).where(User.id == user.id))
