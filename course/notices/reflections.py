"""Notices about reflections: a facilitator's reply tells the leader; narrowing a
reflection back to private, deleting it or deleting a reply takes the notice back.

The reply is noticed where it is made (reflections.shared.add_reply calls
reflection_replied). Taking back is watched at the flush instead, so that every way a
reflection stops being shared (the audience form, deleting it, deleting the account)
retracts without each of them having to remember to.
"""

from __future__ import annotations

from sqlalchemy import delete, event, inspect, select
from sqlalchemy.orm import Session

from course.circle.audience import PRIVATE
from course.extensions import db
from course.notices.models import Notice
from course.notices.notices import notify
from course.reflections.models import Reflection, ReflectionReply


def reflection_subject(reflection_id: int) -> str:
    """The notices' subject for replies to one reflection."""
    return f"reflection:{reflection_id}"


def reflection_replied(reflection_id: int, actor_id: int | None) -> None:
    """Tell the reflection's author that someone replied to it (one query and a write)."""
    row = db.session.execute(
        select(Reflection.user_id, Reflection.lesson_id, Reflection.prompt_id)
        .where(Reflection.id == reflection_id)
    ).one_or_none()
    if row is None:
        return
    notify(row.user_id, "reply", actor_id=actor_id, lesson_id=row.lesson_id,
           path=f"/lessons/{row.lesson_id}#reflection-{row.prompt_id}",
           subject=reflection_subject(reflection_id))


def _made_private(reflection: Reflection) -> bool:
    """Whether this flush takes the reflection back to its author alone."""
    history = inspect(reflection).attrs.audience.history
    return bool(history.added) and history.added[0] == PRIVATE


@event.listens_for(Session, "before_flush")
def _retract_before_flush(session, flush_context, instances) -> None:
    subjects = set()
    for row in session.dirty:
        if isinstance(row, Reflection) and _made_private(row):
            subjects.add(reflection_subject(row.id))
    for row in session.deleted:
        if isinstance(row, Reflection):
            subjects.add(reflection_subject(row.id))
        elif isinstance(row, ReflectionReply):
            subjects.add(reflection_subject(row.reflection_id))
    if subjects:
        # Core, on the session's connection: no ORM bookkeeping inside the flush.
        session.connection().execute(
            delete(Notice.__table__).where(Notice.__table__.c.subject.in_(subjects)))
