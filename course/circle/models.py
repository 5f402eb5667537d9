"""The circle's tables: a post per item its author shared with their cohort, the replies
to it, and the reports members make.

A post is made the first time a reflection or an entry is shared with "My cohort" and is
kept while its item lives (deleted with it): the item's own `audience` decides, at every
request, whether anyone but its author sees the post, so narrowing needs no delete and
widening again brings the replies back.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from course.extensions import db
from course.models import UTCDateTime, owner_column, utcnow

REFLECTION, ENTRY = "reflection", "entry"


class Moderated:
    """What a facilitator's hiding leaves on a post or a reply (the reason its author reads)."""

    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_reason: Mapped[str | None] = mapped_column(String(500))
    hidden_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))


class CirclePost(Moderated, db.Model):
    """One reflection or experiment entry as it stands in its author's cohort circle."""

    __tablename__ = "circle_posts"
    __table_args__ = (
        CheckConstraint("(reflection_id IS NULL) <> (entry_id IS NULL)", name="one_item"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = owner_column()
    reflection_id: Mapped[int | None] = mapped_column(
        ForeignKey("reflections.id", ondelete="CASCADE"), unique=True)
    entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("experiment_entries.id", ondelete="CASCADE"), unique=True)
    # When it was last shared with the cohort: the circle shows the newest first.
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def kind(self) -> str:
        return REFLECTION if self.reflection_id is not None else ENTRY


class CircleReply(Moderated, db.Model):
    """A peer's or a facilitator's reply to a post, seen by whoever may see the post."""

    __tablename__ = "circle_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(
        ForeignKey("circle_posts.id", ondelete="CASCADE"), index=True)
    # NULL once its author deleted their account: the words are wiped first and the
    # thread shows "removed" where the reply stood (course.circle.people.forget_member).
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The reply form's idempotency key: a double-clicked "Reply" keeps one reply.
    form_key: Mapped[str | None] = mapped_column(String(64), unique=True)


class CircleReport(db.Model):
    """A member's report of a post or a reply, open until a facilitator deals with it."""

    __tablename__ = "circle_reports"
    __table_args__ = (
        CheckConstraint("(post_id IS NULL) <> (reply_id IS NULL)", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int | None] = mapped_column(
        ForeignKey("circle_posts.id", ondelete="CASCADE"), index=True)
    reply_id: Mapped[int | None] = mapped_column(
        ForeignKey("circle_replies.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
