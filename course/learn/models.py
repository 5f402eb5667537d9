"""A leader's own data: progress, reflections, quiz attempts, experiments, self-assessments.

Rows refer to lessons, prompts and quizzes by their content ids, so content can change
under them. Every row belongs to one user and goes when the user goes (ON DELETE CASCADE).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.extensions import db
from course.models import UTCDateTime, utcnow

CONTENT_ID = 80  # lesson, prompt and quiz ids are short slugs


def owner_column() -> Mapped[int]:
    """The owning user's id; deleting the user deletes the row."""
    return mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)


class LessonProgress(db.Model):
    """A lesson a leader has opened; completed_at is set when they mark it done."""

    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id", name="user_lesson"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = owner_column()
    lesson_id: Mapped[str] = mapped_column(String(CONTENT_ID))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Reflection(db.Model):
    """A leader's answer to one prompt: private unless shared; text is the latest draft."""

    __tablename__ = "reflections"
    __table_args__ = (
        UniqueConstraint("user_id", "lesson_id", "prompt_id", name="user_lesson_prompt"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = owner_column()
    lesson_id: Mapped[str] = mapped_column(String(CONTENT_ID))
    prompt_id: Mapped[str] = mapped_column(String(CONTENT_ID))
    text: Mapped[str] = mapped_column(Text, default="")
    shared: Mapped[bool] = mapped_column(default=False)
    shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # last explicit save

    versions: Mapped[list[ReflectionVersion]] = relationship(
        back_populates="reflection", cascade="all, delete-orphan", passive_deletes=True,
        order_by="ReflectionVersion.id.desc()",
    )

    @property
    def has_unsaved_draft(self) -> bool:
        return self.saved_at is None or self.updated_at > self.saved_at


class ReflectionVersion(db.Model):
    """Each explicit save, kept; the form's idempotency key makes a double submit one save."""

    __tablename__ = "reflection_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    reflection_id: Mapped[int] = mapped_column(
        ForeignKey("reflections.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    form_key: Mapped[str | None] = mapped_column(String(64), unique=True)

    reflection: Mapped[Reflection] = relationship(back_populates="versions")


class QuizAttempt(db.Model):
    """One submission of a quiz: the answers given and what they scored."""

    __tablename__ = "quiz_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = owner_column()
    quiz_id: Mapped[str] = mapped_column(String(CONTENT_ID), index=True)
    lesson_id: Mapped[str | None] = mapped_column(String(CONTENT_ID))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    score: Mapped[float | None]  # 0..1 over the scored questions; None when none are scored
    # {question_id: {"response": [...], "score": float|None, "correct": bool|None, "answer": str}}
    answers: Mapped[dict] = mapped_column(JSON)
    form_key: Mapped[str | None] = mapped_column(String(64), unique=True)


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


class ReflectionReply(db.Model):
    """A facilitator's reply to a shared reflection, shown to the leader beside it."""

    __tablename__ = "reflection_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    reflection_id: Mapped[int] = mapped_column(
        ForeignKey("reflections.id", ondelete="CASCADE"), index=True
    )
    # The reply stays when its author's account goes; it then shows "a facilitator".
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The reply form's idempotency key: a double-clicked "Send reply" keeps one reply.
    form_key: Mapped[str | None] = mapped_column(String(64), unique=True)
