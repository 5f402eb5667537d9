"""The circle's figures for the facilitator's matrix: per leader, how many posts they have
in the circle now and how many replies they gave. Counts only, one query."""

from __future__ import annotations

from sqlalchemy import Select, func, literal, or_, select, union_all

from course.circle.audience import COHORT
from course.circle.models import CirclePost, CircleReply
from course.experiments.models import ExperimentEntry
from course.extensions import db
from course.reflections.models import Reflection


def circle_counts(leader_ids: Select) -> dict[int, tuple[int, int]]:
    """{leader id: (posts in the circle, replies given)}; leaders with neither left out."""
    posts = (
        select(CirclePost.user_id.label("user_id"), literal(1).label("post"),
               literal(0).label("reply"))
        .outerjoin(Reflection, Reflection.id == CirclePost.reflection_id)
        .outerjoin(ExperimentEntry, ExperimentEntry.id == CirclePost.entry_id)
        .where(CirclePost.user_id.in_(leader_ids),
               or_(Reflection.audience == COHORT, ExperimentEntry.audience == COHORT))
    )
    replies = select(CircleReply.author_id, literal(0), literal(1)).where(
        CircleReply.author_id.in_(leader_ids), CircleReply.removed_at.is_(None))
    both = union_all(posts, replies).subquery()
    rows = db.session.execute(
        select(both.c.user_id, func.sum(both.c.post), func.sum(both.c.reply))
        .group_by(both.c.user_id))
    return {user_id: (int(posts or 0), int(replies or 0)) for user_id, posts, replies in rows}
