"""Unsubscribe links: signed, needing no sign-in, never expiring but revocable.

A link carries [user id, kinds, link version], signed with the app's secret (itsdangerous).
It stops working when the person raises their link version (Account -> Email) or the
account goes. Every email a person can stop carries it twice over: as the List-Unsubscribe
header with List-Unsubscribe-Post (RFC 8058: the mail client POSTs, nobody signs in) and
as a link in the text.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from course.digests.settings import KIND_NAMES, prefs_for
from course.extensions import db
from course.links import public_url
from course.models import User

SALT = "clearing-unsubscribe"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_token(user_id: int, kinds: list[str], link_version: int) -> str:
    """A token that turns these kinds off for this person."""
    return _serializer().dumps([user_id, sorted(set(kinds)), link_version])


@dataclass(frozen=True)
class Unsubscribe:
    """Who a working link is for, and what it turns off."""

    user: User
    kinds: list[str]

    @property
    def names(self) -> list[str]:
        return [KIND_NAMES[kind] for kind in self.kinds]


def read_token(token: str) -> Unsubscribe | None:
    """The link's person and kinds, or None when it is forged, revoked or their account
    is gone."""
    try:
        user_id, kinds, version = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int) or not isinstance(kinds, list) or not kinds or any(
            kind not in KIND_NAMES for kind in kinds):
        return None
    user = db.session.scalar(select(User).where(User.id == user_id))
    if user is None or prefs_for(user_id).link_version != version:
        return None
    return Unsubscribe(user, kinds)


def unsubscribe_url(user_id: int, kinds: list[str], link_version: int) -> str:
    """The absolute address of the link (built from COURSE_BASE_URL only)."""
    return public_url("auth.unsubscribe", token=make_token(user_id, kinds, link_version))


def unsubscribe_headers(url: str) -> dict[str, str]:
    """The RFC 2369 and RFC 8058 headers for a link made by unsubscribe_url."""
    return {"List-Unsubscribe": f"<{url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
