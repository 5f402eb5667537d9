"""What a leader did in the course, for the completion page and the certificate.

Counts only, each scoped to the leader (access.mine); the certificate's cohort and
facilitators come from the leader's own membership.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from course.access import mine
from course.cohorts.models import Cohort, Membership
from course.content import Catalog
from course.content.lessons import lesson_time
from course.experiments.models import ExperimentEntry
from course.extensions import db
from course.models import Role, User
from course.reflections.models import Reflection


@dataclass(frozen=True)
class Achievement:
    """The leader's figures: saved reflections and logged experiments on the course."""

    reflections: int
    experiments: int


@dataclass(frozen=True)
class CertificateFacts:
    """Who issues the certificate, for which cohort and facilitators, and the hours."""

    organisation: str
    cohort: str | None
    facilitators: tuple[str, ...]
    hours: float


def achievement(user_id: int, catalog: Catalog) -> Achievement:
    """Reflections saved with some text and experiment entries, on the course's lessons."""
    lesson_ids = list(catalog.lessons)
    reflections = db.session.scalar(
        mine(Reflection, user_id).with_only_columns(func.count(Reflection.id)).where(
            Reflection.saved_at.is_not(None), Reflection.written,
            Reflection.lesson_id.in_(lesson_ids))
    ) or 0
    experiments = db.session.scalar(
        mine(ExperimentEntry, user_id).with_only_columns(func.count(ExperimentEntry.id))
        .where(ExperimentEntry.lesson_id.in_(lesson_ids))
    ) or 0
    return Achievement(reflections, experiments)


def course_hours(catalog: Catalog) -> float:
    """The course's minutes (each lesson's lesson_time), rounded to the half hour."""
    minutes = sum(
        lesson_time(lesson, catalog.quizzes.get(lesson.quiz_id) if lesson.quiz_id else None)
        .needed
        for lesson in catalog.ordered_lessons
    )
    return max(round(minutes / 30), 1) / 2 if minutes else 0.0


def hours_text(hours: float) -> str:
    """'4 hours', '4½ hours', 'half an hour', '1 hour'."""
    whole, half = int(hours), hours % 1 >= 0.5
    if whole == 0:
        return "half an hour" if half else "0 hours"
    number = f"{whole}½" if half else str(whole)
    return f"{number} hour{'' if whole == 1 and not half else 's'}"


def leader_cohort(user: User) -> Cohort | None:
    """The cohort the leader joined most recently (None for someone in no cohort)."""
    return db.session.scalar(
        select(Cohort).join(Membership, Membership.cohort_id == Cohort.id)
        .where(Membership.user_id == user.id, Membership.role == Role.LEADER)
        .order_by(Membership.joined_at.desc(), Membership.id.desc()).limit(1)
    )


def certificate_facts(user: User, catalog: Catalog, organisation: str) -> CertificateFacts:
    """The issuer, the leader's cohort and its facilitators by name, and the hours."""
    cohort = leader_cohort(user)
    names: tuple[str, ...] = ()
    if cohort is not None:
        names = tuple(db.session.scalars(
            select(User.name).join(Membership, Membership.user_id == User.id)
            .where(Membership.cohort_id == cohort.id, Membership.role == Role.FACILITATOR)
            .order_by(func.lower(User.name), User.id)
        ))
    return CertificateFacts(organisation, cohort.name if cohort else None, names,
                            course_hours(catalog))
