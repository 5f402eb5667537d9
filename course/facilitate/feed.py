"""What leaders chose to share with their cohort's facilitators, and the replies to it.

Every query here filters `Reflection.shared` in SQL at request time: the text of a
private reflection is never even fetched for a facilitator, and an undone share leaves
the feed on the next request. Services flush; the view commits once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import abort
from sqlalchemy import Select, case, func, select

from course.content import Catalog, Lesson
from course.extensions import db
from course.learn.models import Reflection, ReflectionReply
from course.learn.reflecting import replies_for
from course.models import Cohort, Membership, Role, User, utcnow
from course.scoping import scoped_cohort_ids

MAX_REPLY_LENGTH = 4000
PAGE_SIZE = 100


class ReplyError(ValueError):
    """A reply cannot be kept as sent; the message says why (the text stays in the box)."""


@dataclass
class SharedItem:
    """One shared reflection in the feed, with who wrote it and the replies so far."""

    reflection: Reflection
    leader: User
    prompt_text: str
    replies: list[tuple[ReflectionReply, str]] = field(default_factory=list)  # (reply, author)


@dataclass
class LessonGroup:
    """The shared reflections on one lesson (lesson is None when it left the course)."""

    lesson_id: str
    lesson: Lesson | None
    items: list[SharedItem] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.lesson.title if self.lesson else "A lesson no longer in the course"


@dataclass
class SharedFeed:
    groups: list[LessonGroup]
    total: int
    page: int
    pages: int


def shared_query(viewer: User, cohort: Cohort) -> Select:
    """(Reflection, leader) for what the cohort's leaders share, within the viewer's scope."""
    return (
        select(Reflection, User)
        .join(User, User.id == Reflection.user_id)
        .join(Membership, Membership.user_id == Reflection.user_id)
        .where(
            Reflection.shared.is_(True),
            Membership.cohort_id == cohort.id,
            Membership.cohort_id.in_(scoped_cohort_ids(viewer)),
            Membership.role == Role.LEADER,
        )
    )


def get_shared_reflection_or_404(viewer: User, cohort: Cohort, reflection_id: int) -> Reflection:
    """A reflection shared by a leader of this cohort; private or anyone else's is 404."""
    row = db.session.execute(
        shared_query(viewer, cohort).where(Reflection.id == reflection_id)
    ).first()
    if row is None:
        abort(404)
    return row[0]


def shared_feed(viewer: User, cohort: Cohort, catalog: Catalog, *,
                lesson_id: str | None = None, page: int = 1) -> SharedFeed:
    """One page of shared reflections, by lesson in course order, newest first in each.

    Three queries whatever the cohort's size: the count, the page, and its replies.
    """
    query = shared_query(viewer, cohort)
    if lesson_id is not None:
        query = query.where(Reflection.lesson_id == lesson_id)
    total = db.session.scalar(
        query.with_only_columns(func.count(Reflection.id)).order_by(None)
    ) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    order = {lesson.id: n for n, lesson in enumerate(catalog.ordered_lessons)}
    # Lessons since removed from the course come last, grouped by their old id.
    position = case(order, value=Reflection.lesson_id, else_=len(order)) if order else 0
    rows = db.session.execute(
        query.order_by(position, Reflection.lesson_id, Reflection.shared_at.desc(),
                       Reflection.id.desc())
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    replies = replies_for([row[0].id for row in rows])
    groups: dict[str, LessonGroup] = {}
    for reflection, leader in rows:
        lesson = catalog.lessons.get(reflection.lesson_id)
        group = groups.setdefault(reflection.lesson_id,
                                  LessonGroup(reflection.lesson_id, lesson))
        group.items.append(SharedItem(reflection, leader, prompt_text(lesson, reflection),
                                      replies.get(reflection.id, [])))
    return SharedFeed(list(groups.values()), total, page, pages)


def prompt_text(lesson: Lesson | None, reflection: Reflection) -> str:
    """The question the leader answered, as the course asks it now."""
    for prompt in lesson.reflections if lesson else ():
        if prompt.id == reflection.prompt_id:
            return prompt.text
    return "(This question is no longer in the course.)"


def shared_lessons(viewer: User, cohort: Cohort, catalog: Catalog) -> list[Lesson]:
    """The lessons, in course order, on which this cohort's leaders share something."""
    ids = set(db.session.scalars(
        shared_query(viewer, cohort).with_only_columns(Reflection.lesson_id).distinct()
    ))
    return [lesson for lesson in catalog.ordered_lessons if lesson.id in ids]


def clean_reply(text: str | None) -> str:
    """A reply's text with line endings normalised; refuse it empty or too long."""
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise ReplyError("Write a reply before sending it.")
    if len(text) > MAX_REPLY_LENGTH:
        raise ReplyError(f"This reply is {len(text):,} characters long; "
                         f"the limit is {MAX_REPLY_LENGTH:,}.")
    return text


def add_reply(reflection: Reflection, author: User, text: str) -> ReflectionReply:
    """Keep a facilitator's reply to a shared reflection (the caller loaded it scoped)."""
    if not reflection.shared:
        raise ReplyError("This reflection is no longer shared.")
    reply = ReflectionReply(reflection_id=reflection.id, author_id=author.id,
                            text=clean_reply(text), created_at=utcnow())
    db.session.add(reply)
    db.session.flush()
    return reply
