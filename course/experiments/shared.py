"""Experiment entries the cohort's leaders shared with their facilitator (or their whole
cohort), for the facilitator: filtered by audience in SQL at request time, within
visible_leaders, newest share first. Columns only, never an entity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from course.circle.audience import FACILITATOR_SEES
from course.cohorts.models import Cohort, Membership
from course.cohorts.scoping import visible_leaders
from course.content import Catalog
from course.experiments.models import ExperimentEntry
from course.extensions import db
from course.models import User

PAGE_SIZE = 50


@dataclass(frozen=True)
class SharedEntry:
    id: int
    leader_name: str
    lesson_title: str
    experiment: str
    done_on: date
    text: str
    measures: dict
    audience: str
    shared_at: datetime | None


@dataclass(frozen=True)
class SharedEntries:
    entries: list[SharedEntry]
    total: int
    page: int
    pages: int


def shared_entries(viewer: User, cohort: Cohort, catalog: Catalog,
                   page: int = 1) -> SharedEntries:
    """One page of the entries this cohort's leaders share with the viewer (two queries)."""
    leaders = visible_leaders(viewer, [cohort.id]).with_only_columns(Membership.user_id)
    where = (ExperimentEntry.audience.in_(FACILITATOR_SEES),
             ExperimentEntry.user_id.in_(leaders))
    total = db.session.scalar(select(func.count(ExperimentEntry.id)).where(*where)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = db.session.execute(
        select(ExperimentEntry.id, User.name, ExperimentEntry.lesson_id,
               ExperimentEntry.done_on, ExperimentEntry.text, ExperimentEntry.measures,
               ExperimentEntry.audience, ExperimentEntry.shared_at)
        .join(User, User.id == ExperimentEntry.user_id).where(*where)
        .order_by(ExperimentEntry.shared_at.desc(), ExperimentEntry.id.desc())
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    entries = []
    for entry_id, name, lesson_id, done_on, text, measures, audience, shared_at in rows:
        lesson = catalog.lessons.get(lesson_id)
        entries.append(SharedEntry(
            entry_id, name, lesson.title if lesson else "A lesson no longer in the course",
            lesson.try_this.title if lesson and lesson.try_this else "An experiment",
            done_on, text, measures or {}, audience, shared_at))
    return SharedEntries(entries, total, page, pages)
