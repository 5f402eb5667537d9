"""What "last active", "inactive" and "stuck" mean: defined once, for every page and email.

- **Last active**: the latest of a leader's lesson activity (opening a lesson, writing a
  reflection, a quiz attempt, an experiment entry, marking done: each updates the lesson's
  progress row), their self-assessments, and sharing a reflection.
- **Inactive**: nothing for longer than INACTIVE_AFTER, counted from joining the cohort
  for a leader who has never been active.
- **Stuck**: a lesson in progress (opened, not done) for longer than STUCK_AFTER.
- **Active this week** (the cohort cards): last active within ACTIVE_WINDOW.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Select, func, select, union_all

from course.extensions import db
from course.progress.models import LessonProgress
from course.reflections.models import Reflection
from course.self_assessment.models import SelfAssessment

INACTIVE_AFTER = timedelta(days=14)
STUCK_AFTER = timedelta(days=7)
ACTIVE_WINDOW = timedelta(days=7)


def last_active_query(leader_ids: Select) -> Select:
    """(user_id, last_active) for each of the given leaders who has ever been active."""
    # Each source's latest moment per leader first: the union then holds a row or three
    # per leader, not one per lesson and reflection.
    moments = union_all(
        select(LessonProgress.user_id.label("user_id"),
               func.max(LessonProgress.updated_at).label("at"))
        .where(LessonProgress.user_id.in_(leader_ids)).group_by(LessonProgress.user_id),
        select(SelfAssessment.user_id, func.max(SelfAssessment.updated_at))
        .where(SelfAssessment.user_id.in_(leader_ids)).group_by(SelfAssessment.user_id),
        select(Reflection.user_id, func.max(Reflection.shared_at))
        .where(Reflection.user_id.in_(leader_ids), Reflection.shared_at.is_not(None))
        .group_by(Reflection.user_id),
    ).subquery()
    return select(moments.c.user_id, func.max(moments.c.at).label("last_active")).group_by(
        moments.c.user_id
    )


def last_active_by_leader(leader_ids: Select) -> dict[int, datetime]:
    """leader id -> when they were last active (absent: never), in one query."""
    return dict(db.session.execute(last_active_query(leader_ids)).all())


def is_inactive(last_active: datetime | None, joined_at: datetime, now: datetime) -> bool:
    """Nothing for longer than INACTIVE_AFTER (since joining, for those never active)."""
    return (last_active or joined_at) < now - INACTIVE_AFTER


def is_recently_active(last_active: datetime | None, now: datetime) -> bool:
    """Active within ACTIVE_WINDOW (the cohort cards' "active this week")."""
    return last_active is not None and last_active >= now - ACTIVE_WINDOW


def stuck_before(now: datetime) -> datetime:
    """A lesson started before this moment and not done is stuck."""
    return now - STUCK_AFTER
