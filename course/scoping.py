"""Queries scoped to the current user: the one place that decides who reaches what."""

from __future__ import annotations

from flask import abort
from sqlalchemy import Select, func, select

from course.extensions import db
from course.models import Cohort, Membership, Role, User


def cohorts_query(user: User) -> Select:
    """Cohorts a facilitator runs; every cohort for an admin; none for anyone else."""
    query = select(Cohort)
    if user.is_admin:
        return query
    if not user.is_facilitator:
        return query.where(False)
    return query.join(Membership, Membership.cohort_id == Cohort.id).where(
        Membership.user_id == user.id, Membership.role == Role.FACILITATOR
    )


def cohorts_for(user: User, *, include_archived: bool = False) -> list[Cohort]:
    """The cohorts a user may manage, newest first."""
    query = cohorts_query(user)
    if not include_archived:
        query = query.where(Cohort.archived_at.is_(None))
    return list(db.session.scalars(query.order_by(Cohort.created_at.desc(), Cohort.id.desc())))


def get_cohort_or_404(user: User, cohort_id: int) -> Cohort:
    """Load a cohort the user may manage; anyone else gets 404, not 403."""
    cohort = db.session.scalar(cohorts_query(user).where(Cohort.id == cohort_id))
    if cohort is None:
        abort(404)
    return cohort


def leader_counts(cohort_ids: list[int]) -> dict[int, int]:
    """Number of leaders in each cohort, in one query."""
    if not cohort_ids:
        return {}
    rows = db.session.execute(
        select(Membership.cohort_id, func.count(Membership.id))
        .where(Membership.cohort_id.in_(cohort_ids), Membership.role == Role.LEADER)
        .group_by(Membership.cohort_id)
    )
    return dict(rows.all())
