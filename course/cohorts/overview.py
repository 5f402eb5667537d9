"""How each cohort is moving: size, recent activity and median progress, in one query."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from sqlalchemy import and_, case, func, select

from course.cohorts.scoping import leader_memberships_query
from course.extensions import db
from course.models import User
from course.progress.models import LessonProgress

ACTIVE_WINDOW = timedelta(days=7)


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
    leaders = leader_memberships_query(viewer, cohort_ids).subquery()
    # Lessons since removed from the catalog still show activity but no longer count as done.
    counted = and_(LessonProgress.completed_at.is_not(None),
                   LessonProgress.lesson_id.in_(lesson_ids))
    rows = db.session.execute(
        select(
            leaders.c.cohort_id,
            func.max(LessonProgress.updated_at),
            func.count(case((counted, LessonProgress.id))),
        )
        .select_from(leaders)
        .outerjoin(LessonProgress, LessonProgress.user_id == leaders.c.user_id)
        .group_by(leaders.c.cohort_id, leaders.c.user_id)
    )
    since = now - ACTIVE_WINDOW
    per_cohort: dict[int, tuple[list[bool], list[float]]] = {}
    for cohort_id, last_active, done in rows.all():
        active, progress = per_cohort.setdefault(cohort_id, ([], []))
        active.append(last_active is not None and last_active >= since)
        progress.append(100 * done / len(lesson_ids) if lesson_ids else 0.0)
    return {
        cohort_id: CohortSummary(
            size=len(active), active=sum(active), median_progress=round(median(progress))
        )
        for cohort_id, (active, progress) in per_cohort.items()
    }
