"""Reflections: drafts autosaved, explicit saves kept as versions (who sees one is its
audience: course.circle.posts.set_audience)."""

from __future__ import annotations

from functools import cache

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from course.access import mine
from course.content import Lesson
from course.extensions import db
from course.idempotency import add_once, check_form_key, insert_if_missing, kept_with
from course.models import User, utcnow
from course.progress.progress import touch_lesson
from course.reflections.models import Reflection, ReflectionReply, ReflectionVersion
from course.text import clean_text

MAX_REFLECTION_LENGTH = 20_000


class ReflectionError(ValueError):
    """The reflection cannot be saved as sent; the message says why (the text is kept)."""


def check_prompt(lesson: Lesson, prompt_id: str) -> None:
    """Refuse a prompt id the lesson does not have."""
    if prompt_id not in {prompt.id for prompt in lesson.reflections}:
        raise ReflectionError("That reflection prompt is not part of this lesson.")


def check_text(text: str) -> str:
    """Normalise line endings and refuse text over the length limit (blank is a draft)."""
    return clean_text(
        text, limit=MAX_REFLECTION_LENGTH, error=ReflectionError, strip=False,
        too_long="This reflection is {length} characters long; the limit is {limit}. "
        "Shorten it, or split it across prompts.",
    )


@cache
def _lesson_reflections():
    """Built once (building costs more than running): a leader's reflections on a lesson,
    each with whether any facilitator replied, and their versions joined in (a handful of
    rows, one round trip)."""
    replied = select(ReflectionReply.id).where(
        ReflectionReply.reflection_id == Reflection.id
    ).exists()
    return (
        mine(Reflection, bindparam("user_id"))
        .add_columns(replied)
        .where(Reflection.lesson_id == bindparam("lesson_id"))
        .options(joinedload(Reflection.versions))  # shown on the page: joined, not n queries
    )


def reflections_for_lesson(
    user_id: int, lesson_id: str
) -> tuple[dict[str, Reflection], dict[int, list[tuple[ReflectionReply, str]]]]:
    """The user's reflections on a lesson by prompt id, and facilitators' replies to them
    (queried only when some reflection has any)."""
    rows = db.session.execute(
        _lesson_reflections(), {"user_id": user_id, "lesson_id": lesson_id}
    ).unique().all()
    reflections = {row.prompt_id: row for row, _ in rows}
    return reflections, replies_for(row.id for row, has_replies in rows if has_replies)


def _reflection(user_id: int, lesson: Lesson, prompt_id: str) -> Reflection:
    check_prompt(lesson, prompt_id)
    query = mine(Reflection, user_id).where(
        Reflection.lesson_id == lesson.id, Reflection.prompt_id == prompt_id
    )
    row = db.session.scalar(query)
    if row is None:  # a Save and an autosave may race to create it: the database decides
        insert_if_missing(Reflection, ["user_id", "lesson_id", "prompt_id"], user_id=user_id,
                          lesson_id=lesson.id, prompt_id=prompt_id, text="")
        row = db.session.scalar(query)
    return row


def save_draft(user_id: int, lesson: Lesson, prompt_id: str, text: str) -> Reflection:
    """Autosave: keep the latest text without making a version."""
    text = check_text(text)
    row = _reflection(user_id, lesson, prompt_id)
    if row.text != text:
        row.text = text
        row.updated_at = utcnow()
        touch_lesson(user_id, lesson.id)
    db.session.flush()
    return row


def reflection_saved_with(form_key: str, user_id: int, lesson_id: str,
                          prompt_id: str) -> Reflection | None:
    """The reflection an earlier submit of this very form saved a version of, if any."""
    return kept_with(
        select(Reflection)
        .join(ReflectionVersion, ReflectionVersion.reflection_id == Reflection.id)
        .where(ReflectionVersion.form_key == form_key),
        ReflectionError, user_id=user_id, lesson_id=lesson_id, prompt_id=prompt_id,
    )


def save_reflection(
    user_id: int, lesson: Lesson, prompt_id: str, text: str, form_key: str | None
) -> Reflection:
    """Explicit save: the text becomes a kept version; the same form_key twice (even racing
    in) saves once."""
    text = check_text(text)
    form_key = check_form_key(form_key, ReflectionError)
    if form_key:
        done = reflection_saved_with(form_key, user_id, lesson.id, prompt_id)
        if done is not None:
            return done
    row = _reflection(user_id, lesson, prompt_id)
    now = utcnow()
    row.text, row.updated_at, row.saved_at = text, now, now
    db.session.flush()
    twin = add_once(
        ReflectionVersion(reflection_id=row.id, text=text, form_key=form_key),
        lambda key: reflection_saved_with(key, user_id, lesson.id, prompt_id),
    )
    if twin is not None:
        return twin
    touch_lesson(user_id, lesson.id)
    return row


def replies_for(reflection_ids) -> dict[int, list[tuple[ReflectionReply, str]]]:
    """Facilitators' replies to these reflections, oldest first, as (reply, author's name).

    Pass ids reached through a scoped query (the leader's own, or a cohort's shared ones).
    """
    ids = list(reflection_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(ReflectionReply, User.name)
        .outerjoin(User, User.id == ReflectionReply.author_id)
        .where(ReflectionReply.reflection_id.in_(ids))
        .order_by(ReflectionReply.created_at, ReflectionReply.id)
    )
    found: dict[int, list[tuple[ReflectionReply, str]]] = {}
    for reply, name in rows.all():
        # The reply outlives its author's account; it then reads "a facilitator".
        found.setdefault(reply.reflection_id, []).append((reply, name or "a facilitator"))
    return found
