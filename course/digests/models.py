"""A person's email settings: one row, written the first time they change anything (no
row: the defaults, weekly on Monday with check-ins and reminders on)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from course.extensions import db
from course.models import UTCDateTime, utcnow

WEEKLY, FORTNIGHTLY, OFF = "weekly", "fortnightly", "off"


class EmailSettings(db.Model):
    __tablename__ = "email_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    # The leader's digest: weekly, fortnightly or off, on a weekday (0 Monday .. 4 Friday).
    digest: Mapped[str] = mapped_column(String(12), default=WEEKLY)
    digest_weekday: Mapped[int] = mapped_column(default=0)
    checkins: Mapped[bool] = mapped_column(default=True)  # "how did it go?" on the day
    reminders: Mapped[bool] = mapped_column(default=True)  # from my facilitator
    # A facilitator's weekly digest of their cohorts, on a weekday.
    facilitator_digest: Mapped[bool] = mapped_column(default=True)
    facilitator_weekday: Mapped[int] = mapped_column(default=0)
    # Part of every unsubscribe link; raising it makes the links in old emails stop working.
    link_version: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
