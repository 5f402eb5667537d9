"""Experiment log entries: what a leader tried for a lesson's try-this, and what happened."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from course.circle.audience import audience_column
from course.extensions import db
from course.models import CONTENT_ID, UTCDateTime, owner_column, utcnow


class ExperimentEntry(db.Model):
    """A 'try this' log entry: what the leader did and noticed, with optional numbers."""

    __tablename__ = "experiment_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = owner_column()
    lesson_id: Mapped[str] = mapped_column(String(CONTENT_ID), index=True)
    done_on: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    measures: Mapped[dict] = mapped_column(JSON, default=dict)  # {"mentions found": 12}
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    form_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The plan this entry tells the outcome of (course.plans), if any.
    plan_id: Mapped[int | None] = mapped_column(
        ForeignKey("plans.id", ondelete="SET NULL"), index=True)
    # Who sees it (course.circle.audience) and when that last widened (None while private).
    audience: Mapped[str] = audience_column()
    shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
