"""The circle's part of a person's data download: what they shared with their cohort,
the replies they wrote, and the replies others wrote to them (never a peer's post)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from course.circle.models import CirclePost, CircleReply
from course.circle.people import shown_name
from course.experiments.models import ExperimentEntry
from course.extensions import db
from course.models import User
from course.reflections.models import Reflection


def _when(value):
    return value.isoformat() if value is not None else None


def _lesson_of():
    return func.coalesce(Reflection.lesson_id, ExperimentEntry.lesson_id)


def _with_items(query):
    return (query.outerjoin(Reflection, Reflection.id == CirclePost.reflection_id)
            .outerjoin(ExperimentEntry, ExperimentEntry.id == CirclePost.entry_id))


def circle_data(user_id: int) -> dict:
    """Three lists, oldest first; the words of reflections and entries are in the
    download's own sections already, so posts name them by kind and lesson."""
    posts = db.session.execute(_with_items(
        select(CirclePost.id, CirclePost.reflection_id, _lesson_of(), CirclePost.posted_at,
               CirclePost.hidden_at, CirclePost.hidden_reason,
               func.coalesce(Reflection.audience, ExperimentEntry.audience))
        .select_from(CirclePost)).where(CirclePost.user_id == user_id)
        .order_by(CirclePost.posted_at, CirclePost.id)).all()
    mine = db.session.execute(_with_items(
        select(CircleReply.text, CircleReply.created_at, CircleReply.edited_at,
               CircleReply.hidden_at, CircleReply.hidden_reason, _lesson_of())
        .select_from(CircleReply).join(CirclePost, CirclePost.id == CircleReply.post_id))
        .where(CircleReply.author_id == user_id)
        .order_by(CircleReply.created_at, CircleReply.id)).all()
    author = aliased(User)
    received = db.session.execute(
        select(CircleReply.post_id, CircleReply.text, CircleReply.created_at,
               author.name, author.display_name, author.organisation, author.active)
        .join(CirclePost, CirclePost.id == CircleReply.post_id)
        .join(author, author.id == CircleReply.author_id)
        .where(CirclePost.user_id == user_id, CircleReply.author_id != user_id,
               CircleReply.hidden_at.is_(None), CircleReply.removed_at.is_(None))
        .order_by(CircleReply.created_at, CircleReply.id)).all()
    return {"circle": {
        "posts": [{"post": pid, "kind": "reflection" if reflection_id else "experiment entry",
                   "lesson_id": lesson_id, "posted_at": _when(posted_at),
                   "in_the_circle_now": audience == "cohort",
                   "hidden_at": _when(hidden_at), "hidden_reason": reason}
                  for pid, reflection_id, lesson_id, posted_at, hidden_at, reason, audience
                  in posts],
        "replies_written": [{"lesson_id": lesson_id, "text": text,
                             "created_at": _when(created_at), "edited_at": _when(edited_at),
                             "hidden_at": _when(hidden_at), "hidden_reason": reason}
                            for text, created_at, edited_at, hidden_at, reason, lesson_id
                            in mine],
        "replies_received": [{"post": post_id, "from": shown_name(name, display, org,
                                                                    active=active),
                              "text": text, "created_at": _when(created_at)}
                             for post_id, text, created_at, name, display, org, active
                             in received],
    }}
