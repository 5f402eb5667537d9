"""Reflections: a leader's answer to a prompt, its saved versions and the replies to it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Computed, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.circle.audience import audience_column
from course.extensions import db
from course.models import CONTENT_ID, UTCDateTime, owner_column, utcnow

# SQL both databases read alike (migration d1f0a7c3e9b2)
WRITTEN = "trim(text) <> ''"
SHARED = "shared_at IS NOT NULL"


class Reflection(db.Model):
    """A leader's answer to one prompt: seen by its audience (course.circle.audience: only
    the author unless they choose their facilitator or cohort); text is the latest draft."""

    __tablename__ = "reflections"
    __table_args__ = (
        UniqueConstraint("user_id", "lesson_id", "prompt_id", name="user_lesson_prompt"),
        # "Last active" takes each leader's latest share (course.progress.activity): only
        # the shared reflections are indexed, so it reads those and not every reflection.
        Index("ix_reflections_shared", "user_id", "shared_at",
              sqlite_where=text(SHARED), postgresql_where=text(SHARED)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = owner_column()
    lesson_id: Mapped[str] = mapped_column(String(CONTENT_ID))
    prompt_id: Mapped[str] = mapped_column(String(CONTENT_ID))
    text: Mapped[str] = mapped_column(Text, default="")
    # Whether the text holds more than spaces: what "a written reflection" means wherever
    # one is counted (completion, the progress page, the data download). The database works
    # it out on every write and stores it, so counting never reads the texts (trimming
    # 3,000 texts took 27 of the 200-leader progress page's 60 ms of SQL on PostgreSQL).
    # On SQLite, Alembic's batch mode rebuilds a table by copying every column, and cannot
    # write a generated one: a migration that rebuilds this table drops `written` first and
    # adds it back last (as migration d1f0a7c3e9b2's downgrade and upgrade do).
    written: Mapped[bool] = mapped_column(Computed(WRITTEN, persisted=True))
    audience: Mapped[str] = audience_column()
    # When its audience last widened (None while private): the feed and the circle show
    # the newest first. Narrowing from the cohort to the facilitator keeps it.
    shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # last explicit save

    versions: Mapped[list[ReflectionVersion]] = relationship(
        back_populates="reflection", cascade="all, delete-orphan", passive_deletes=True,
        order_by="ReflectionVersion.id.desc()",
    )

    @property
    def has_unsaved_draft(self) -> bool:
        return self.saved_at is None or self.updated_at > self.saved_at


class ReflectionVersion(db.Model):
    """Each explicit save, kept; the form's idempotency key makes a double submit one save."""

    __tablename__ = "reflection_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    reflection_id: Mapped[int] = mapped_column(
        ForeignKey("reflections.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    form_key: Mapped[str | None] = mapped_column(String(64), unique=True)

    reflection: Mapped[Reflection] = relationship(back_populates="versions")


class ReflectionReply(db.Model):
    """A facilitator's reply to a shared reflection, shown to the leader beside it (a private
    word between the two; peers' replies in the circle are course.circle's CircleReply)."""

    __tablename__ = "reflection_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    reflection_id: Mapped[int] = mapped_column(
        ForeignKey("reflections.id", ondelete="CASCADE"), index=True
    )
    # The reply stays when its author's account goes; it then shows "a facilitator".
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The reply form's idempotency key: a double-clicked "Send reply" keeps one reply.
    form_key: Mapped[str | None] = mapped_column(String(64), unique=True)
