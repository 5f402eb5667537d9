"""Quiz attempts: every attempt kept, with its answers and score."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from course.extensions import db
from course.models import CONTENT_ID, UTCDateTime, owner_column, utcnow


class QuizAttempt(db.Model):
    """One submission of a quiz: the answers given and what they scored."""

    __tablename__ = "quiz_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = owner_column()
    quiz_id: Mapped[str] = mapped_column(String(CONTENT_ID), index=True)
    lesson_id: Mapped[str | None] = mapped_column(String(CONTENT_ID))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    score: Mapped[float | None]  # 0..1 over the scored questions; None when none are scored
    # {question_id: {"response": [...], "version": the question's version when answered,
    #                "score": float|None, "correct": bool|None, "answer": str}}
    answers: Mapped[dict] = mapped_column(JSON)
    form_key: Mapped[str | None] = mapped_column(String(64), unique=True)
