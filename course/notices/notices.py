"""Notify, retract, show and mark seen. Services flush; the caller commits (except
mark_seen, which writes apart so that a page view can record it cheaply).

A notice is one row per (person, subject): a second reply to the same reflection renews
the row (unseen again, newest actor) instead of piling up. Its words are built here from
its kind, the actor's name and the lesson's title, never from anything anyone wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from flask import has_request_context, request
from sqlalchemy import and_, bindparam, delete, exists, func, select, update

from course.database import READ_METHODS, write_apart
from course.digests.sections import Item
from course.extensions import db
from course.idempotency import insert_if_missing
from course.models import User, utcnow
from course.notices.models import Notice

HOME_LIMIT = 5  # notices listed on the course home; the rest are counted

# kind -> (what happened, with {who} and {where}); a feature adding a kind adds a line.
KINDS = {
    "reply": "{who} replied to your reflection in {where}",
    "circle_reply": "{who} replied to what you shared with your circle in {where}",
    "set_round": "A new round has started in your action-learning set",
}
SOMEONE = {"reply": "Your facilitator"}
# Kinds shown (and so seen) on the lesson page itself, beside the reflection; others (a
# circle reply) are seen where they point.
LESSON_KINDS = ("reply",)


@dataclass(frozen=True)
class NoticeView:
    """One unseen notice as words and a link."""

    id: int
    kind: str
    text: str
    path: str
    subject: str
    created_at: datetime


def notify(user_id: int, kind: str, *, actor_id: int | None = None,
           lesson_id: str | None = None, path: str, subject: str) -> None:
    """Tell `user_id` that something happened on `subject`; renew the notice if one exists.

    Nobody is told of their own doing. `path` is where to see it ("/lessons/l01#...").
    """
    if actor_id is not None and actor_id == user_id:
        return
    now = utcnow()
    insert_if_missing(Notice, ["user_id", "subject"], user_id=user_id, subject=subject,
                      kind=kind, actor_id=actor_id, lesson_id=lesson_id, path=path,
                      created_at=now)
    db.session.execute(
        update(Notice).where(Notice.user_id == user_id, Notice.subject == subject)
        .values(kind=kind, actor_id=actor_id, lesson_id=lesson_id, path=path, created_at=now,
                seen_at=None, emailed_at=None)
    )


def retract(subject: str) -> None:
    """Take back every notice about `subject` (the reply was deleted, the share undone)."""
    db.session.execute(delete(Notice).where(Notice.subject == subject))


def retract_for(user_id: int, subject: str) -> None:
    """Take back one person's notice about `subject`."""
    db.session.execute(delete(Notice).where(Notice.user_id == user_id,
                                            Notice.subject == subject))


def renew_or_retract(user_id: int, subject: str, *, gone_actor_id: int | None,
                     newest) -> None:
    """A thing a notice is about went (a deleted reply): with nothing left (`newest` is
    None) take the person's notice back; if the notice named the one who went, name the
    newest remaining actor instead (`newest`: author_id and created_at)."""
    if newest is None:
        retract_for(user_id, subject)
        return
    db.session.execute(
        update(Notice).where(Notice.user_id == user_id, Notice.subject == subject,
                             Notice.actor_id == gone_actor_id)
        .values(actor_id=newest.author_id, created_at=newest.created_at))


def describe(kind: str, actor: str | None, where: str) -> str:
    """The words of a notice: what happened, by whom, where."""
    pattern = KINDS.get(kind, "Something new for you in {where}")
    return pattern.format(who=actor or SOMEONE.get(kind, "Someone"), where=where)


def lesson_name(catalog, lesson_id: str | None) -> str:
    lesson = catalog.lessons.get(lesson_id) if lesson_id else None
    return f"“{lesson.title}”" if lesson else "the course"


def _unseen_query():
    # The actor as the circle shows them: their display name, else their name.
    name = func.coalesce(User.display_name, User.name).label("name")
    return (select(Notice.id, Notice.user_id, Notice.kind, name, Notice.lesson_id,
                   Notice.path, Notice.subject, Notice.created_at)
            .outerjoin(User, User.id == Notice.actor_id)
            .where(Notice.seen_at.is_(None)))


def _view(row, catalog) -> NoticeView:
    return NoticeView(row.id, row.kind, describe(row.kind, row.name,
                                                 lesson_name(catalog, row.lesson_id)),
                      row.path, row.subject, row.created_at)


def unseen(user_id: int, catalog, limit: int | None = None) -> list[NoticeView]:
    """The person's unseen notices, newest first (one query)."""
    return [_view(row, catalog)
            for row in db.session.execute(_unseen_of_one(limit), {"user_id": user_id})]


@cache
def _unseen_of_one(limit: int | None):
    """Built once per limit (every course home runs it): one person's unseen notices."""
    query = _unseen_query().where(Notice.user_id == bindparam("user_id")).order_by(
        Notice.created_at.desc(), Notice.id.desc())
    return query if limit is None else query.limit(limit)


def unseen_count(user_id: int) -> int:
    """How many notices the person has not seen."""
    return db.session.scalar(select(func.count(Notice.id)).where(
        Notice.user_id == user_id, Notice.seen_at.is_(None))) or 0


def home_card(user, catalog) -> dict | None:
    """The course home's "New" card: the newest unseen notices (one query, two when there
    are more than HOME_LIMIT)."""
    shown = unseen(user.id, catalog, limit=HOME_LIMIT + 1)
    if not shown:
        return None
    more = unseen_count(user.id) - HOME_LIMIT if len(shown) > HOME_LIMIT else 0
    return {"notices": shown[:HOME_LIMIT], "more": more}


def digest_items(user_ids: list[int], on, catalog) -> dict[int, list[Item]]:
    """The digests' "notices" section: unseen notices no email has told of (one query)."""
    found: dict[int, list[Item]] = {}
    if not user_ids:
        return found
    rows = db.session.execute(
        _unseen_query().where(Notice.user_id.in_(user_ids), Notice.emailed_at.is_(None))
        .order_by(Notice.user_id, Notice.created_at.desc(), Notice.id.desc()))
    for row in rows:
        view = _view(row, catalog)
        found.setdefault(row.user_id, []).append(Item(view.text, view.path, ref=view.id))
    return found


def digest_ack(items: list[Item], on) -> None:
    """An email told of these notices: not again (the app still shows them until seen)."""
    ids = [item.ref for item in items]
    if ids:
        db.session.execute(update(Notice).where(Notice.id.in_(ids))
                           .values(emailed_at=utcnow()))


def unseen_on_lesson_column(user_id, lesson_id):
    """Whether the person has an unseen notice on this lesson, as a column: the lesson
    page folds it into the statement it runs anyway, so most views cost nothing more."""
    return exists().where(Notice.user_id == user_id, Notice.lesson_id == lesson_id,
                          Notice.kind.in_(LESSON_KINDS), Notice.seen_at.is_(None))


def _mark(user_id: int, condition) -> set[str]:
    """Mark the matching unseen notices seen; the subjects that were unseen. Reads first:
    nothing unseen, nothing written. In a page view (whose transaction only reads) the
    write is a short one of its own; elsewhere it joins the caller's transaction, which
    commits."""
    where = and_(Notice.user_id == user_id, Notice.seen_at.is_(None), condition)
    rows = db.session.execute(select(Notice.id, Notice.subject).where(where)).all()
    if not rows:
        return set()
    seen = (update(Notice).where(Notice.id.in_([row.id for row in rows]),
                                 Notice.seen_at.is_(None)).values(seen_at=utcnow()))
    if has_request_context() and request.method in READ_METHODS:
        write_apart(lambda conn: conn.execute(seen))
    else:
        db.session.execute(seen)
    return {row.subject for row in rows}


def mark_seen(user_id: int, path_prefix: str) -> set[str]:
    """The person opened the page at `path_prefix`: its notices are seen. Returns the
    subjects that were new, to mark them on this one view."""
    escaped = path_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return _mark(user_id, Notice.path.like(escaped + "%", escape="\\"))


def seen_on_lesson(user_id: int, lesson_id: str) -> set[str]:
    """The lesson page was opened: the notices it shows are seen; the subjects that were
    new."""
    return _mark(user_id, and_(Notice.lesson_id == lesson_id, Notice.kind.in_(LESSON_KINDS)))
