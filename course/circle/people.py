"""How cohort peers are named in the circle: a display name each leader chooses (their
name until they do) and an optional organisation, never their email; and what the
circle keeps of a member who deletes their account.
"""

from __future__ import annotations

from sqlalchemy import update

from course.circle.models import CircleReply
from course.extensions import db
from course.models import User, utcnow
from course.text import clean_text

MAX_NAME_LENGTH = 120  # the users columns
FORMER = "former member"


class ProfileError(ValueError):
    """The display name or organisation cannot be kept as typed; the message says why."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


def shown_name(name: str | None, display_name: str | None, organisation: str | None = None,
               *, active: bool = True) -> str:
    """What peers read for a person: 'Ann Lee, Harbour Trust (former member)'."""
    shown = (display_name or name or "").strip() or "A member"
    if organisation:
        shown += f", {organisation}"
    return shown if active else f"{shown} ({FORMER})"


def set_profile(user: User, display_name: str | None, organisation: str | None) -> None:
    """Keep the circle's display name (blank: the account's name) and organisation."""
    values = {}
    for field, raw, label in (("display_name", display_name, "display name"),
                              ("organisation", organisation, "organisation")):
        values[field] = clean_text(
            raw, limit=MAX_NAME_LENGTH, error=lambda message, f=field: ProfileError(message, f),
            too_long=f"Keep the {label} under {{limit}} characters.",
        ).replace("\n", " ") or None
    if values["display_name"] and "@" in values["display_name"]:
        raise ProfileError("Choose a name, not an email address: peers never see emails.",
                           "display_name")
    user.display_name, user.organisation = values["display_name"], values["organisation"]


def forget_member(user_id: int) -> None:
    """Before an account is deleted: wipe the words of its replies in the circle, so the
    thread shows "removed" where each stood (the row loses its author with the account).
    Its posts go with its reflections and entries (ON DELETE CASCADE), replies and all."""
    db.session.execute(
        update(CircleReply).where(CircleReply.author_id == user_id)
        .values(text="", removed_at=utcnow(), author_id=None)
    )
