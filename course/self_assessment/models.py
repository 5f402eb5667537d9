"""Self-assessments: a leader's ratings before and after the course."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from course.extensions import db
from course.models import UTCDateTime, owner_column, utcnow


class SelfAssessment(db.Model):
    """The before or after self-assessment: a level 1-5 per dimension, or skipped."""

    __tablename__ = "self_assessments"
    __table_args__ = (UniqueConstraint("user_id", "stage", name="user_stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = owner_column()
    stage: Mapped[str] = mapped_column(String(10))  # "before" | "after"
    levels: Mapped[dict] = mapped_column(JSON, default=dict)  # {"listening": 2, ...}
    skipped: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
