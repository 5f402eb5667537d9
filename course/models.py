"""Accounts and sessions, and the column types every feature's models share."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, false
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from course.extensions import db

DEFAULT_TIME_ZONE = "Europe/London"

if TYPE_CHECKING:
    from course.cohorts.models import Membership


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Store UTC; always hand back aware datetimes (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given; use course.models.utcnow()")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Role(enum.StrEnum):
    LEADER = "leader"
    FACILITATOR = "facilitator"
    ADMIN = "admin"


def role_enum() -> SAEnum:
    """A portable enum column type (a CHECK constraint, not a native type)."""
    return SAEnum(
        Role, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e],
        name="role", validate_strings=True,
    )


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lower"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(role_enum(), default=Role.LEADER)
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The first-session welcome is shown once; set when the leader moves on from it.
    welcome_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Every time shown to this person is in this zone (an IANA name; see course/timezones.py).
    time_zone: Mapped[str] = mapped_column(
        String(64), default=DEFAULT_TIME_ZONE, server_default=DEFAULT_TIME_ZONE
    )

    # What cohort peers see instead of the name (never the email), and an optional
    # organisation beside it; chosen in Account (course.circle.people).
    display_name: Mapped[str | None] = mapped_column(String(120))
    organisation: Mapped[str | None] = mapped_column(String(120))

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def is_leader(self) -> bool:
        return self.role == Role.LEADER

    @property
    def is_facilitator(self) -> bool:
        return self.role in (Role.FACILITATOR, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class UserSession(db.Model):
    """One signed-in browser; deleting the row ends that session wherever the cookie is."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # "Keep me signed in on this device": 30 days idle and absolute instead of 2 h / 14 days.
    kept: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Shown in Account as "Signed-in devices", so a leader can tell their devices apart.
    user_agent: Mapped[str] = mapped_column(String(200), default="", server_default="")


class PasswordReset(db.Model):
    """A single-use, expiring reset link; all of a user's die when the password changes."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


CONTENT_ID = 80  # lesson, prompt and quiz ids are short slugs


def owner_column() -> Mapped[int]:
    """The owning user's id; deleting the user deletes the row."""
    return mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
