"""A leader's plan to try something on a date, with an optional if-then line."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, Date, Index, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column

from course.extensions import db
from course.models import CONTENT_ID, UTCDateTime, owner_column, utcnow

ACTIVE, DONE, DROPPED = "active", "done", "dropped"
MAX_WHAT_LENGTH = 200


class Plan(db.Model):
    """When the leader will try something; the check-in on that day asks how it went.

    `what` names the thing tried (a lesson's try-this title, or a set's commitment); the
    if-then line is the leader's own words and never leaves their own pages and download.
    """

    __tablename__ = "plans"
    __table_args__ = (
        CheckConstraint(f"status IN ('{ACTIVE}', '{DONE}', '{DROPPED}')", name="status"),
        # The check-in batch: active plans not yet checked in, by date.
        Index("ix_plans_status_due_on", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = owner_column()
    lesson_id: Mapped[str | None] = mapped_column(String(CONTENT_ID))
    what: Mapped[str] = mapped_column(String(MAX_WHAT_LENGTH))
    due_on: Mapped[date] = mapped_column(Date)  # the leader's own calendar date
    due_time: Mapped[time | None] = mapped_column(Time)
    if_then: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=ACTIVE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    checkin_sent_on: Mapped[date | None] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    form_key: Mapped[str | None] = mapped_column(String(64), unique=True)

    @property
    def active(self) -> bool:
        return self.status == ACTIVE
