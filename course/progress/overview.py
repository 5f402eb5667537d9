"""How each cohort is moving: size, recent activity and median progress, in one query."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from statistics import median

from sqlalchemy import and_, case, func, select

from course.cohorts.models import Membership
from course.cohorts.scoping import visible_leaders
from course.extensions import db
from course.models import User
from course.progress.activity import is_recently_active, last_active_query
from course.progress.models import LessonProgress


@dataclass(frozen=True)
class CohortSummary:
    """The numbers on a cohort's card."""

    size: int = 0
    active: int = 0
    median_progress: int | None = None  # percent; None while the cohort has no leaders


def summarise_cohorts(
    viewer: User, cohort_ids: list[int], lesson_ids: Iterable[str], now: datetime
) -> dict[int, CohortSummary]:
    """Summaries for the viewer's cohorts, with one query whatever their size."""
    lesson_ids = list(lesson_ids)
    if not cohort_ids:
        return {}
    leaders = visible_leaders(viewer, cohort_ids).subquery()
    seen = last_active_query(
        visible_leaders(viewer, cohort_ids).with_only_columns(Membership.user_id)
    ).subquery()
    # Lessons since removed from the catalog still show activity but no longer count as done.
    counted = and_(LessonProgress.completed_at.is_not(None),
                   LessonProgress.lesson_id.in_(lesson_ids))
    rows = db.session.execute(
        select(
            leaders.c.cohort_id,
            func.max(seen.c.last_active),
            func.count(case((counted, LessonProgress.id))),
        )
        .select_from(leaders)
        .outerjoin(seen, seen.c.user_id == leaders.c.user_id)
        .outerjoin(LessonProgress, LessonProgress.user_id == leaders.c.user_id)
        .group_by(leaders.c.cohort_id, leaders.c.user_id)
    )
    per_cohort: dict[int, tuple[list[bool], list[float]]] = {}
    for cohort_id, last_active, done in rows.all():
        active, progress = per_cohort.setdefault(cohort_id, ([], []))
        active.append(is_recently_active(last_active, now))
        progress.append(100 * done / len(lesson_ids) if lesson_ids else 0.0)
    return {
        cohort_id: CohortSummary(
            size=len(active), active=sum(active), median_progress=round(median(progress))
        )
        for cohort_id, (active, progress) in per_cohort.items()
    }
