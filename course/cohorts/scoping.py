"""Queries scoped to the current user: the one place that decides who reaches what."""

from __future__ import annotations

from flask import abort
from sqlalchemy import Select, func, select

from course.cohorts.models import Cohort, Invitation, Membership
from course.extensions import db
from course.models import Role, User


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


def scoped_cohort_ids(user: User) -> Select:
    """The ids of the cohorts a user may manage, as a subquery to filter by."""
    return cohorts_query(user).with_only_columns(Cohort.id)


def visible_leaders(user: User, cohort_ids: list[int]) -> Select:
    """THE query for "leaders of these cohorts the viewer may see": (cohort_id, user_id,
    joined_at) of their leader memberships, within the viewer's scope. Every page, CSV and
    email about a cohort's leaders is built on it."""
    return select(Membership.cohort_id, Membership.user_id, Membership.joined_at).where(
        Membership.cohort_id.in_(cohort_ids),
        Membership.cohort_id.in_(scoped_cohort_ids(user)),
        Membership.role == Role.LEADER,
    )


def cohort_leaders(user: User, cohort: Cohort) -> list[tuple[User, Membership]]:
    """The leaders of a cohort with their memberships, by name; empty outside the scope."""
    rows = db.session.execute(
        visible_leaders(user, [cohort.id]).with_only_columns(User, Membership)
        .select_from(Membership).join(User, User.id == Membership.user_id)
        .order_by(func.lower(User.name), User.id)
    )
    return [(found, membership) for found, membership in rows.all()]


def get_cohort_leader_or_404(user: User, cohort: Cohort, leader_id: int) -> User:
    """Load a leader of this cohort, which the user must manage; anyone else is 404."""
    leader = db.session.scalar(
        visible_leaders(user, [cohort.id]).with_only_columns(User)
        .select_from(Membership).join(User, User.id == Membership.user_id)
        .where(User.id == leader_id)
    )
    if leader is None:
        abort(404)
    return leader


def cohort_member_emails(user: User, cohort: Cohort, emails: list[str]) -> set[str]:
    """Which of these addresses already belong to someone in the cohort (any role)."""
    if not emails:
        return set()
    return set(
        db.session.scalars(
            select(User.email)
            .join(Membership, Membership.user_id == User.id)
            .where(
                User.email.in_(emails),
                Membership.cohort_id == cohort.id,
                Membership.cohort_id.in_(scoped_cohort_ids(user)),
            )
        )
    )


def invitations_for(user: User, cohort: Cohort) -> list[Invitation]:
    """A cohort's invitations, newest first; empty outside the user's scope."""
    return list(
        db.session.scalars(
            select(Invitation)
            .where(
                Invitation.cohort_id == cohort.id,
                Invitation.cohort_id.in_(scoped_cohort_ids(user)),
            )
            .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        )
    )


def get_invitation_or_404(user: User, cohort: Cohort, invitation_id: int) -> Invitation:
    """Load an invitation of this cohort, which the user must manage; otherwise 404."""
    invitation = db.session.scalar(
        select(Invitation).where(
            Invitation.id == invitation_id,
            Invitation.cohort_id == cohort.id,
            Invitation.cohort_id.in_(scoped_cohort_ids(user)),
        )
    )
    if invitation is None:
        abort(404)
    return invitation


def cohort_facilitators(user: User, cohort_ids: list[int]) -> dict[int, list[User]]:
    """The facilitators of each cohort in the user's scope, by name, in one query."""
    if not cohort_ids:
        return {}
    rows = db.session.execute(
        select(Membership.cohort_id, User)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.cohort_id.in_(cohort_ids),
            Membership.cohort_id.in_(scoped_cohort_ids(user)),
            Membership.role == Role.FACILITATOR,
        )
        .order_by(func.lower(User.name), User.id)
    )
    found: dict[int, list[User]] = {}
    for cohort_id, facilitator in rows.all():
        found.setdefault(cohort_id, []).append(facilitator)
    return found


def get_cohort_facilitator_or_404(user: User, cohort: Cohort, facilitator_id: int) -> Membership:
    """Load a facilitator's membership of a cohort; only admins reach any, others get 404."""
    membership = None
    if user.is_admin:
        membership = db.session.scalar(
            select(Membership).where(
                Membership.user_id == facilitator_id,
                Membership.cohort_id == cohort.id,
                Membership.role == Role.FACILITATOR,
            )
        )
    if membership is None:
        abort(404)
    return membership


def assignable_facilitators(user: User, cohort: Cohort) -> list[User]:
    """Active facilitators and admins not yet running the cohort; only admins may assign."""
    if not user.is_admin:
        return []
    running = select(Membership.user_id).where(Membership.cohort_id == cohort.id)
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.role.in_([Role.FACILITATOR, Role.ADMIN]),
                User.active.is_(True),
                User.id.not_in(running),
            )
            .order_by(func.lower(User.name), User.id)
        )
    )
