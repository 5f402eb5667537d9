"""A notice: one row per person and subject; a newer event on the subject renews it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from course.extensions import db
from course.models import CONTENT_ID, UTCDateTime, owner_column, utcnow


class Notice(db.Model):
    """Something new for a person: what kind, who did it, where to see it.

    `subject` is a stable string naming the thing ("reflection:12"), so a notice can be
    renewed by the next reply and taken back (retract) when the thing goes. Never any
    text a person wrote.
    """

    __tablename__ = "notices"
    __table_args__ = (UniqueConstraint("user_id", "subject", name="user_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = owner_column()
    kind: Mapped[str] = mapped_column(String(30))
    # Who did it; the notice stays (as "someone") when their account goes.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    lesson_id: Mapped[str | None] = mapped_column(String(CONTENT_ID))
    path: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set once an email told the person (the digest's "notices" section): told once.
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
