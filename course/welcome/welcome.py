"""What a leader needs on their first visit: who they are learning with and what it asks.

Shown once: `welcome_seen_at` on the user is set when they move on from it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from course.cohorts.models import Cohort, Membership
from course.content import Catalog
from course.extensions import db
from course.models import Role, User, utcnow


@dataclass(frozen=True)
class CohortWelcome:
    """One of the leader's cohorts and the people running it."""

    name: str
    facilitators: tuple[str, ...]


@dataclass(frozen=True)
class Welcome:
    cohorts: tuple[CohortWelcome, ...]
    lesson_count: int
    shortest: int  # minutes, from the lessons' own front matter
    longest: int

    @property
    def facilitators(self) -> tuple[str, ...]:
        """Everyone facilitating the leader's cohorts, each named once."""
        return tuple(dict.fromkeys(name for c in self.cohorts for name in c.facilitators))

    @property
    def minutes(self) -> str:
        """The lessons' length as words: "10 minutes" or "8 to 15 minutes"."""
        if self.shortest == self.longest:
            return f"{self.shortest} minutes"
        return f"{self.shortest} to {self.longest} minutes"


def needs_welcome(user: User, before_status: str | None) -> bool:
    """A leader who has not seen the welcome and has not yet reached the self-assessment.

    Leaders who answered or skipped the starting self-assessment before the welcome
    existed are already under way: they are not sent back to the start.
    """
    return user.is_leader and user.welcome_seen_at is None and before_status is None


def mark_welcome_seen(user: User) -> None:
    """Note that the leader has moved on from the welcome (once; a repeat keeps the first)."""
    if user.welcome_seen_at is None:
        user.welcome_seen_at = utcnow()
        db.session.flush()


def leader_cohorts(user_id: int) -> tuple[CohortWelcome, ...]:
    """The leader's own cohorts (live ones) with their facilitators' names."""
    own = aliased(Membership)
    staff = aliased(Membership)
    rows = db.session.execute(
        select(Cohort.id, Cohort.name, User.name)
        .join(own, own.cohort_id == Cohort.id)
        .outerjoin(staff, (staff.cohort_id == Cohort.id) & (staff.role == Role.FACILITATOR))
        .outerjoin(User, (User.id == staff.user_id) & User.active.is_(True))
        .where(own.user_id == user_id, own.role == Role.LEADER, Cohort.archived_at.is_(None))
        .order_by(own.joined_at, Cohort.id, func.lower(User.name))
    ).all()
    found: dict[int, tuple[str, list[str]]] = {}
    for cohort_id, cohort_name, facilitator in rows:
        entry = found.setdefault(cohort_id, (cohort_name, []))
        if facilitator:
            entry[1].append(facilitator)
    return tuple(CohortWelcome(name, tuple(people)) for name, people in found.values())


def build_welcome(user_id: int, catalog: Catalog) -> Welcome:
    """The welcome's facts: cohorts, facilitators and how long lessons take."""
    minutes = [lesson.minutes for lesson in catalog.ordered_lessons] or [0]
    return Welcome(leader_cohorts(user_id), len(catalog.ordered_lessons),
                   min(minutes), max(minutes))


def first_lesson_id(catalog: Catalog) -> str | None:
    """Where a new leader starts reading."""
    return catalog.ordered_lessons[0].id if catalog.ordered_lessons else None
