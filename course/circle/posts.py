"""Setting who sees a reflection or an experiment entry; a post in the circle for those
shared with the cohort.

Every reader of an item filters by its `audience` in SQL at request time, so a change
here takes effect on the next request for everyone, replies included: narrowing deletes
nothing, and widening again brings the post back with its replies.
"""

from __future__ import annotations

from sqlalchemy import select

from course.circle.audience import COHORT, PRIVATE, RANK
from course.circle.models import CirclePost
from course.experiments.models import ExperimentEntry
from course.extensions import db
from course.idempotency import insert_if_missing
from course.models import utcnow
from course.reflections.models import Reflection

Item = Reflection | ExperimentEntry


def item_column(item: Item) -> str:
    """The post's column that names this kind of item."""
    return "reflection_id" if isinstance(item, Reflection) else "entry_id"


def set_audience(item: Item, audience: str) -> None:
    """Let `audience` see the item from now on (the caller loaded it through its owner).

    shared_at moves only when the audience widens (so the feed and the circle put it
    first); it is cleared when the item becomes private again.
    """
    before = item.audience
    item.audience = audience
    if audience == PRIVATE:
        item.shared_at = None
    elif RANK[audience] > RANK[before]:
        item.shared_at = utcnow()
    if audience == COHORT and before != COHORT:
        db.session.flush()  # the item has its id
        column = item_column(item)
        post_of = select(CirclePost).where(getattr(CirclePost, column) == item.id)
        post = db.session.scalar(post_of)
        if post is None:  # two tabs may race to post it: the database keeps one
            insert_if_missing(CirclePost, [column], user_id=item.user_id,
                              **{column: item.id}, posted_at=item.shared_at)
        else:
            post.posted_at = item.shared_at
    elif before == COHORT and audience != COHORT:
        _retract_circle_notices(item)
    db.session.flush()


def _retract_circle_notices(item: Item) -> None:
    """The post left the circle: its author's notices of replies to it go too."""
    from course.circle.replies import post_subject
    from course.notices.notices import retract

    column = item_column(item)
    post_id = db.session.scalar(
        select(CirclePost.id).where(getattr(CirclePost, column) == item.id))
    if post_id is not None:
        retract(post_subject(post_id))
