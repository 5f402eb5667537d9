"""Replies in the circle: keep one (limits as a reflection's, one per form key, racing
forms both kept), edit and delete one's own, and tell the post's author (a notice: who
and where, never the words). The post and reply were loaded through course.circle.circle's
scope. Services flush; the view commits once.
"""

from __future__ import annotations

from sqlalchemy import func, select

from course.circle.models import CirclePost, CircleReply
from course.experiments.models import ExperimentEntry
from course.extensions import db
from course.idempotency import add_once, check_form_key, kept_with
from course.models import User, utcnow
from course.reflections.models import Reflection
from course.reflections.reflections import MAX_REFLECTION_LENGTH
from course.text import clean_text

MAX_REPLY_LENGTH = MAX_REFLECTION_LENGTH  # a reply may be as long as a reflection


class CircleError(ValueError):
    """A reply cannot be kept as sent; the message says why (the text stays in the box)."""


def clean_reply(text: str | None) -> str:
    """A reply's text with line endings normalised; refuse it empty or too long."""
    return clean_text(text, limit=MAX_REPLY_LENGTH, error=CircleError,
                      empty="Write a reply before sending it.",
                      too_long="This reply is {length} characters long; the limit is {limit}.")


def reply_sent_with(form_key: str, post_id: int, author: User) -> CircleReply | None:
    """The reply an earlier submit of this very form kept, if any."""
    return kept_with(select(CircleReply).where(CircleReply.form_key == form_key),
                     CircleError, post_id=post_id, author_id=author.id)


def add_reply(post: CirclePost, author: User, text: str,
              form_key: str | None = None) -> CircleReply:
    """Keep a reply to a post the author may see; the same form_key twice keeps one, two
    different forms racing keep both. The post's author is told (a notice, no words)."""
    text = clean_reply(text)
    form_key = check_form_key(form_key, CircleError)
    if form_key:
        done = reply_sent_with(form_key, post.id, author)
        if done is not None:
            return done
    reply = CircleReply(post_id=post.id, author_id=author.id, text=text, created_at=utcnow(),
                        form_key=form_key)
    twin = add_once(reply, lambda key: reply_sent_with(key, post.id, author))
    if twin is not None:
        return twin
    tell_author(post, author)
    return reply


def edit_reply(reply: CircleReply, text: str) -> None:
    """Change the words of one's own reply (loaded through get_reply_or_404(own=True))."""
    reply.text = clean_reply(text)
    reply.edited_at = utcnow()
    db.session.flush()


def delete_reply(reply: CircleReply) -> None:
    """Delete one's own reply (its reports go with it), and what it told the post's author:
    with no other replies left, the notice is taken back; if it named this reply's author,
    it names the newest other reply's instead."""
    from course.notices.notices import renew_or_retract

    post = db.session.get(CirclePost, reply.post_id)
    db.session.delete(reply)
    db.session.flush()
    newest = db.session.execute(
        select(CircleReply.author_id, CircleReply.created_at)
        .where(CircleReply.post_id == post.id, CircleReply.author_id != post.user_id)
        .order_by(CircleReply.created_at.desc(), CircleReply.id.desc()).limit(1)).first()
    renew_or_retract(post.user_id, post_subject(post.id), gone_actor_id=reply.author_id,
                     newest=newest)


def post_subject(post_id: int) -> str:
    """The notices' subject for replies to one post."""
    return f"circle:{post_id}"


def post_path(post_id: int) -> str:
    return f"/circle/posts/{post_id}"


def tell_author(post: CirclePost, replier: User) -> None:
    """A notice for the post's author: who replied and where, never the words."""
    from course.notices.notices import notify

    lesson_id = db.session.scalar(
        select(func.coalesce(Reflection.lesson_id, ExperimentEntry.lesson_id))
        .select_from(CirclePost)
        .outerjoin(Reflection, Reflection.id == CirclePost.reflection_id)
        .outerjoin(ExperimentEntry, ExperimentEntry.id == CirclePost.entry_id)
        .where(CirclePost.id == post.id))
    notify(post.user_id, "circle_reply", actor_id=replier.id, lesson_id=lesson_id,
           path=post_path(post.id), subject=post_subject(post.id))
