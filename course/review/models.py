"""The questions that come back to a leader, and what the leader answered each time."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from course.extensions import db
from course.models import CONTENT_ID, UTCDateTime, owner_column, utcnow

VERSION_LENGTH = 12  # Question.version: a short fingerprint


class ReviewItem(db.Model):
    """One question of a lesson's quiz that comes back to one leader three times.

    Made once per leader and lesson, after the first attempt: `slot` (1 or 2) is its place
    among the lesson's chosen questions, so two racing first attempts keep one choice.
    `review_number` is the next review (1..3) and `due_on` its date, in the leader's own
    calendar; after the third the item is finished.
    """

    __tablename__ = "review_items"
    __table_args__ = (
        UniqueConstraint("user_id", "lesson_id", "slot", name="review_items_user_lesson_slot"),
        # The digest's batch: unfinished items by date.
        Index("ix_review_items_finished_due_on", "finished", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = owner_column()
    lesson_id: Mapped[str] = mapped_column(String(CONTENT_ID))
    question_id: Mapped[str] = mapped_column(String(CONTENT_ID))
    slot: Mapped[int]
    version: Mapped[str] = mapped_column(String(VERSION_LENGTH))  # as first answered
    first_correct: Mapped[bool]  # right at the first attempt
    started_on: Mapped[date] = mapped_column(Date)  # the day of the first attempt
    review_number: Mapped[int] = mapped_column(default=1)
    due_on: Mapped[date] = mapped_column(Date)
    finished: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ReviewAnswer(db.Model):
    """One review of one question: right, not right, or skipped (`correct` None)."""

    __tablename__ = "review_answers"
    __table_args__ = (
        UniqueConstraint("user_id", "lesson_id", "question_id", "review_number",
                         name="review_answers_user_question_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = owner_column()
    lesson_id: Mapped[str] = mapped_column(String(CONTENT_ID))
    question_id: Mapped[str] = mapped_column(String(CONTENT_ID))
    review_number: Mapped[int]
    version: Mapped[str] = mapped_column(String(VERSION_LENGTH))  # the question as answered
    response: Mapped[list | None] = mapped_column(JSON)  # the form values; None when skipped
    correct: Mapped[bool | None]
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    form_key: Mapped[str | None] = mapped_column(String(64), unique=True)
