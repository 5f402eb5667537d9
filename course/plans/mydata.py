"""The leader's plans in their data download: what, when, their if-then line, status."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from course.access import mine
from course.experiments.models import ExperimentEntry
from course.extensions import db
from course.plans.models import Plan


def plan_data(user_id: int, catalog) -> dict:
    """Every plan of the leader's, oldest first, with the dates of entries logged against it."""
    plans = list(db.session.scalars(mine(Plan, user_id).order_by(Plan.id)))
    logged: dict[int, list] = defaultdict(list)
    for plan_id, done_on in db.session.execute(
        select(ExperimentEntry.plan_id, ExperimentEntry.done_on)
        .where(ExperimentEntry.user_id == user_id, ExperimentEntry.plan_id.is_not(None))
        .order_by(ExperimentEntry.done_on, ExperimentEntry.id)
    ):
        logged[plan_id].append(done_on.isoformat())

    def lesson_title(lesson_id):
        lesson = catalog.lessons.get(lesson_id) if lesson_id else None
        return lesson.title if lesson else None

    return {"plans": [
        {"what": p.what, "lesson_id": p.lesson_id, "lesson": lesson_title(p.lesson_id),
         "date": p.due_on.isoformat(),
         "time": p.due_time.strftime("%H:%M") if p.due_time else None,
         "if_then": p.if_then, "status": p.status,
         "check_in_sent_on": p.checkin_sent_on.isoformat() if p.checkin_sent_on else None,
         "done_at": p.done_at.isoformat() if p.done_at else None,
         "created_at": p.created_at.isoformat(), "updated_at": p.updated_at.isoformat(),
         "entries_logged_on": logged.get(p.id, [])}
        for p in plans
    ]}
