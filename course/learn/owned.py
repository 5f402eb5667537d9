"""The one place a leader's own rows are loaded: always scoped to their owner."""

from __future__ import annotations

from typing import TypeVar

from flask import abort
from sqlalchemy import BindParameter, Select, select

from course.extensions import db
from course.learn.models import (
    ExperimentEntry,
    LessonProgress,
    QuizAttempt,
    Reflection,
    SelfAssessment,
)

Owned = TypeVar("Owned", Reflection, QuizAttempt, ExperimentEntry, LessonProgress, SelfAssessment)


def mine(model: type[Owned], user_id: int | BindParameter) -> Select:
    """SELECT of a model limited to one owner's rows (or, for a statement built once and
    run many times, to the owner named by a bound parameter given at execution)."""
    return select(model).where(model.user_id == user_id)


def get_mine_or_404(model: type[Owned], user_id: int, row_id: int) -> Owned:
    """Load one of the user's own rows; anyone else's id answers 404, never 403."""
    row = db.session.scalar(mine(model, user_id).where(model.id == row_id))
    if row is None:
        abort(404)
    return row
