"""What leaders chose to share with their cohort's facilitators, and the replies to it.

Every query here filters `Reflection.audience` (facilitator or cohort) in SQL at request
time: the text of a private reflection is never even fetched for a facilitator, and an
undone share leaves the feed on the next request. The feed shows what the leader last
saved, not a draft they are still typing. Services flush; the view commits once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import abort
from sqlalchemy import ColumnElement, Select, and_, case, exists, func, select

from course.circle.audience import FACILITATOR_SEES
from course.cohorts.models import Cohort, Membership
from course.cohorts.scoping import visible_leaders
from course.content import Catalog, Lesson
from course.extensions import db
from course.idempotency import add_once, check_form_key, kept_with
from course.models import User, utcnow
from course.notices.reflections import reflection_replied
from course.reflections.models import Reflection, ReflectionReply, ReflectionVersion
from course.reflections.reflections import replies_for
from course.text import clean_text

MAX_REPLY_LENGTH = 4000
PAGE_SIZE = 100


class ReplyError(ValueError):
    """A reply cannot be kept as sent; the message says why (the text stays in the box)."""


@dataclass
class SharedItem:
    """One shared reflection in the feed: who wrote it, what they last saved, the replies."""

    reflection_id: int
    lesson_id: str
    prompt_text: str
    leader_name: str
    text: str | None  # the latest explicitly saved version (None before the first save)
    shared_at: datetime | None
    replies: list[tuple[ReflectionReply, str]] = field(default_factory=list)  # (reply, author)
    audience: str = "facilitator"  # or "cohort": the circle's peers see it too


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
    """One page of the feed, with how many reflections the filters keep and await a reply."""

    groups: list[LessonGroup]
    total: int
    page: int
    pages: int
    awaiting: int = 0  # of the lesson filter's reflections, those awaiting a reply


def shared_query(viewer: User, cohort: Cohort) -> Select:
    """Reflections the cohort's leaders share, within the viewer's scope.

    Selects columns, never the Reflection entity: its `text` is the live draft, which a
    facilitator does not see (nor should a debug log of fetched rows).
    """
    leaders = visible_leaders(viewer, [cohort.id]).with_only_columns(Membership.user_id)
    return select(Reflection.id).where(
        Reflection.audience.in_(FACILITATOR_SEES), Reflection.user_id.in_(leaders)
    )


def awaiting_reply() -> ColumnElement[bool]:
    """A reflection awaits a reply when it is shared, has a saved version, and no
    facilitator's reply was saved after its last saved version.

    A reply to an earlier version does not count once the leader saves a newer one: the
    newer words have not been answered. A reflection shared before its first save has
    nothing to answer yet. The one definition, for the feed's filter and its count.
    """
    last_saved = (
        select(func.max(ReflectionVersion.created_at))
        .where(ReflectionVersion.reflection_id == Reflection.id)
        .correlate(Reflection)  # to the outer reflection, from inside EXISTS too
        .scalar_subquery()
    )
    replied = exists().where(ReflectionReply.reflection_id == Reflection.id,
                             ReflectionReply.created_at > last_saved)
    return and_(Reflection.audience.in_(FACILITATOR_SEES), last_saved.is_not(None), ~replied)


def get_shared_reflection_or_404(viewer: User, cohort: Cohort, reflection_id: int) -> int:
    """The id of a reflection a leader of this cohort shares; private or foreign is 404."""
    found = db.session.scalar(shared_query(viewer, cohort).where(Reflection.id == reflection_id))
    if found is None:
        abort(404)
    return found


def shared_feed(viewer: User, cohort: Cohort, catalog: Catalog, *,
                lesson_id: str | None = None, page: int = 1,
                awaiting: bool = False) -> SharedFeed:
    """One page of shared reflections, by lesson in course order, newest first in each;
    with `awaiting`, only those awaiting a reply (awaiting_reply).

    Three queries whatever the cohort's size: the counts, the page, and its replies.
    """
    query = shared_query(viewer, cohort)
    if lesson_id is not None:
        query = query.where(Reflection.lesson_id == lesson_id)
    counts = db.session.execute(
        query.with_only_columns(func.count(Reflection.id),
                                func.count(case((awaiting_reply(), Reflection.id))))
        .order_by(None)
    ).one()
    waiting = counts[1] or 0
    if awaiting:
        query = query.where(awaiting_reply())
    total = waiting if awaiting else counts[0] or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    order = {lesson.id: n for n, lesson in enumerate(catalog.ordered_lessons)}
    # Lessons since removed from the course come last, grouped by their old id.
    position = case(order, value=Reflection.lesson_id, else_=len(order)) if order else 0
    saved_text = (
        select(ReflectionVersion.text)
        .where(ReflectionVersion.reflection_id == Reflection.id)
        .order_by(ReflectionVersion.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    rows = db.session.execute(
        query.add_columns(Reflection.lesson_id, Reflection.prompt_id, Reflection.shared_at,
                          User.name, saved_text, Reflection.audience)
        .join(User, User.id == Reflection.user_id)
        .order_by(position, Reflection.lesson_id, Reflection.shared_at.desc(),
                  Reflection.id.desc())
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    replies = replies_for([row[0] for row in rows])
    groups: dict[str, LessonGroup] = {}
    for reflection_id, lesson_id_, prompt_id, shared_at, name, text, audience in rows:
        lesson = catalog.lessons.get(lesson_id_)
        group = groups.setdefault(lesson_id_, LessonGroup(lesson_id_, lesson))
        group.items.append(SharedItem(
            reflection_id, lesson_id_, prompt_text(lesson, prompt_id), name, text,
            shared_at, replies.get(reflection_id, []), audience,
        ))
    return SharedFeed(list(groups.values()), total, page, pages, waiting)


def prompt_text(lesson: Lesson | None, prompt_id: str) -> str:
    """The question the leader answered, as the course asks it now."""
    for prompt in lesson.reflections if lesson else ():
        if prompt.id == prompt_id:
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
    return clean_text(text, limit=MAX_REPLY_LENGTH, error=ReplyError,
                      empty="Write a reply before sending it.",
                      too_long="This reply is {length} characters long; the limit is {limit}.")


def reply_sent_with(form_key: str, reflection_id: int, author: User) -> ReflectionReply | None:
    """The reply an earlier submit of this very form kept, if any."""
    return kept_with(select(ReflectionReply).where(ReflectionReply.form_key == form_key),
                     ReplyError, reflection_id=reflection_id, author_id=author.id)


def add_reply(reflection_id: int, author: User, text: str,
              form_key: str | None = None) -> ReflectionReply:
    """Keep a facilitator's reply to a shared reflection; the same form_key twice keeps one.

    The reflection's id is one reached through the scope. Without a form_key (an old page,
    a script) every submit is a new reply.
    """
    text = clean_reply(text)
    form_key = check_form_key(form_key, ReplyError)
    if form_key:
        done = reply_sent_with(form_key, reflection_id, author)
        if done is not None:
            return done
    reply = ReflectionReply(reflection_id=reflection_id, author_id=author.id, text=text,
                            created_at=utcnow(), form_key=form_key)
    twin = add_once(reply, lambda key: reply_sent_with(key, reflection_id, author))
    if twin is not None:
        return twin
    reflection_replied(reflection_id, author.id)  # "New reply" for the leader
    return reply
