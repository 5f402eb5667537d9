"""The circle: who may see which posts (a leader: their own cohorts'; a facilitator: the
cohorts they run; admin: any) and one page of them with replies (replying: replies.py).

Every read filters in SQL at request time by the item's `audience` (only "cohort" is in
the circle), by the scope below, and by moderation (hidden: only its author and the
cohort's facilitators). A page costs three queries whatever the cohort's size: the count,
the posts, their replies. Services flush; the view commits once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache

from flask import abort
from sqlalchemy import Select, and_, bindparam, func, or_, select, true
from sqlalchemy.orm import aliased

from course.circle.audience import COHORT
from course.circle.models import CirclePost, CircleReply
from course.circle.people import shown_name
from course.cohorts.models import Cohort, Membership
from course.cohorts.scoping import visible_leaders
from course.content import Catalog
from course.experiments.models import ExperimentEntry
from course.extensions import db
from course.models import Role, User, utcnow
from course.reflections.models import Reflection, ReflectionVersion
from course.reflections.shared import prompt_text

PAGE_SIZE = 20


@dataclass(frozen=True)
class Scope:
    """Whose circle the viewer is reading: `authors` (ids of the leaders whose posts are
    in it) and whether the viewer moderates it (a facilitator of the cohort, an admin)."""

    viewer: User
    authors: Select
    moderator: bool
    cohort: Cohort | None = None


# Made once: an alias costs more to make than the query it serves takes to run.
_MINE, _THEIRS = aliased(Membership, name="mine"), aliased(Membership, name="theirs")


def _leader_authors(viewer_id) -> Select:
    """The leaders of every cohort the viewer (an id, or a bound parameter) leads in."""
    return (
        select(_THEIRS.user_id)
        .join(_MINE, _MINE.cohort_id == _THEIRS.cohort_id)
        .where(_MINE.user_id == viewer_id, _MINE.role == Role.LEADER,
               _THEIRS.role == Role.LEADER)
    )


def leader_scope(viewer: User) -> Scope:
    """A leader's circle: the leaders of every cohort they are a leader in (them too)."""
    authors = _leader_authors(viewer.id)
    if not viewer.is_leader or not viewer.active:
        authors = authors.where(False)
    return Scope(viewer, authors, moderator=False)


def cohort_scope(viewer: User, cohort: Cohort) -> Scope:
    """A cohort's circle for a facilitator who runs it (or an admin): built on
    visible_leaders, so outside the viewer's scope it is empty."""
    authors = visible_leaders(viewer, [cohort.id]).with_only_columns(Membership.user_id)
    return Scope(viewer, authors, moderator=viewer.is_facilitator, cohort=cohort)


def _in_circle(scope: Scope):
    """The posts the scope may see: shared with the cohort now, by one of its leaders,
    saved at least once; hidden ones only for their author and the moderators."""
    return _seen(scope.authors, None if scope.moderator else scope.viewer.id)


def _seen(authors: Select, viewer_id):
    """_in_circle's rule; viewer_id (an id, or a bound parameter) None for a moderator."""
    seen = and_(
        CirclePost.user_id.in_(authors),
        or_(and_(Reflection.audience == COHORT, Reflection.saved_at.is_not(None)),
            ExperimentEntry.audience == COHORT),
    )
    if viewer_id is not None:
        seen = and_(seen, or_(CirclePost.hidden_at.is_(None), CirclePost.user_id == viewer_id))
    return seen


def _posts(scope: Scope, *columns) -> Select:
    return _posts_where(_in_circle(scope), *columns)


def _posts_where(seen, *columns) -> Select:
    return (
        select(*columns).select_from(CirclePost)
        .outerjoin(Reflection, Reflection.id == CirclePost.reflection_id)
        .outerjoin(ExperimentEntry, ExperimentEntry.id == CirclePost.entry_id)
        .where(seen)
    )


def get_post_or_404(scope: Scope, post_id: int) -> CirclePost:
    """A post the scope may see; narrowed, hidden from the viewer, or foreign is 404."""
    post = db.session.scalar(_posts(scope, CirclePost).where(CirclePost.id == post_id))
    if post is None:
        abort(404)
    return post


def _reply_seen(scope: Scope):
    """Replies the viewer may read (on a post they may see): hidden ones only by their
    author and the moderators."""
    if scope.moderator:
        return true()
    return or_(CircleReply.hidden_at.is_(None), CircleReply.author_id == scope.viewer.id)


def get_reply_or_404(scope: Scope, reply_id: int, *, own: bool = False) -> CircleReply:
    """A reply on a post the scope may see (with `own`, only the viewer's); else 404."""
    reply = db.session.scalar(
        _posts(scope, CircleReply).join(CircleReply, CircleReply.post_id == CirclePost.id)
        .where(CircleReply.id == reply_id, CircleReply.removed_at.is_(None), _reply_seen(scope))
    )
    if reply is None or (own and reply.author_id != scope.viewer.id):
        abort(404)
    return reply


@dataclass
class ReplyView:
    id: int
    author: str
    is_mine: bool
    from_facilitator: bool
    text: str
    created_at: datetime
    edited_at: datetime | None
    removed: bool
    hidden_reason: str | None
    hidden: bool


@dataclass
class PostView:
    id: int
    kind: str  # "reflection" | "entry"
    author: str
    is_mine: bool
    lesson_id: str
    lesson_title: str
    heading: str  # the prompt, or the experiment's title
    text: str
    done_on: date | None
    measures: dict
    posted_at: datetime
    hidden: bool
    hidden_reason: str | None
    replies: list[ReplyView] = field(default_factory=list)


@dataclass
class CirclePage:
    posts: list[PostView]
    total: int
    page: int
    pages: int


def _saved_text():
    return (
        select(ReflectionVersion.text)
        .where(ReflectionVersion.reflection_id == Reflection.id)
        .order_by(ReflectionVersion.id.desc()).limit(1)
        .correlate(Reflection).scalar_subquery()
    )


def circle_page(scope: Scope, catalog: Catalog, page: int = 1, *,
                post_id: int | None = None) -> CirclePage:
    """One page of the circle, newest first, with every reply each post may show; or
    (post_id) the one post. Three queries whatever the cohort's size."""
    if post_id is None:
        total = db.session.scalar(_posts(scope, func.count(CirclePost.id))) or 0
    else:
        total = 1
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    query = _posts(
        scope, CirclePost.id, CirclePost.user_id, CirclePost.reflection_id,
        CirclePost.posted_at, CirclePost.hidden_at, CirclePost.hidden_reason,
        Reflection.lesson_id, Reflection.prompt_id, _saved_text(),
        ExperimentEntry.lesson_id, ExperimentEntry.text, ExperimentEntry.done_on,
        ExperimentEntry.measures,
        User.name, User.display_name, User.organisation, User.active,
    ).join(User, User.id == CirclePost.user_id)
    if post_id is not None:
        query = query.where(CirclePost.id == post_id)
    rows = db.session.execute(
        query.order_by(CirclePost.posted_at.desc(), CirclePost.id.desc())
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    if post_id is not None and not rows:
        abort(404)
    viewer = scope.viewer
    posts = []
    for row in rows:
        (pid, author_id, reflection_id, posted_at, hidden_at, hidden_reason, r_lesson, prompt,
         saved, e_lesson, e_text, done_on, measures, name, display, organisation,
         active) = row
        lesson_id = r_lesson if reflection_id is not None else e_lesson
        lesson = catalog.lessons.get(lesson_id)
        if reflection_id is not None:
            heading, text = prompt_text(lesson, prompt), saved or ""
        else:
            heading = lesson.try_this.title if lesson and lesson.try_this else "An experiment"
            text = e_text
        posts.append(PostView(
            pid, "reflection" if reflection_id is not None else "entry",
            "You" if author_id == viewer.id else shown_name(name, display, organisation,
                                                             active=active),
            author_id == viewer.id, lesson_id,
            lesson.title if lesson else "A lesson no longer in the course", heading, text,
            None if reflection_id is not None else done_on,
            {} if reflection_id is not None else (measures or {}),
            posted_at, hidden_at is not None, hidden_reason,
        ))
    _attach_replies(scope, posts)
    return CirclePage(posts, total, page, pages)


def _attach_replies(scope: Scope, posts: list[PostView]) -> None:
    """Every reply the viewer may read on these posts, oldest first (one query)."""
    if not posts:
        return
    by_id = {post.id: post for post in posts}
    rows = db.session.execute(
        select(CircleReply.id, CircleReply.post_id, CircleReply.author_id, CircleReply.text,
               CircleReply.created_at, CircleReply.edited_at, CircleReply.removed_at,
               CircleReply.hidden_at, CircleReply.hidden_reason, User.name,
               User.display_name, User.organisation, User.active, User.role)
        .outerjoin(User, User.id == CircleReply.author_id)
        .where(CircleReply.post_id.in_(by_id), _reply_seen(scope))
        .order_by(CircleReply.created_at, CircleReply.id)
    ).all()
    viewer = scope.viewer
    for (rid, post_id, author_id, text, created_at, edited_at, removed_at, hidden_at, reason,
         name, display, organisation, active, role) in rows:
        removed = removed_at is not None or author_id is None
        if removed:
            author = "Removed"
        elif author_id == viewer.id:
            author = "You"
        else:
            author = shown_name(name, display, organisation, active=active)
        from_facilitator = role in (Role.FACILITATOR, Role.ADMIN)
        if from_facilitator and not removed and author_id != viewer.id:
            author += " (facilitator)"
        by_id[post_id].replies.append(ReplyView(
            rid, author, author_id == viewer.id, from_facilitator,
            "" if removed else text, created_at, edited_at, removed, reason,
            hidden_at is not None,
        ))


CARD_WINDOW_DAYS = 7


def home_card(user, catalog) -> dict | None:
    """The course home's Circle card: how many posts peers shared with the cohort in the
    last week (one query; none when there are none). A count, never anyone's words."""
    if not user.is_leader:  # signed in, so active: leader_scope's other condition
        return None
    since = utcnow() - timedelta(days=CARD_WINDOW_DAYS)
    count = db.session.scalar(_card_statement(), {"viewer_id": user.id, "since": since}) or 0
    return {"posts": count, "days": CARD_WINDOW_DAYS} if count else None


@cache
def _card_statement() -> Select:
    """Built once (every leader's course home runs it): the count of posts by peers in a
    leader's circle since a moment, leader_scope's and _in_circle's rules on parameters."""
    viewer_id = bindparam("viewer_id")
    return (_posts_where(_seen(_leader_authors(viewer_id), viewer_id),
                         func.count(CirclePost.id))
            .where(CirclePost.posted_at >= bindparam("since"), CirclePost.user_id != viewer_id))
