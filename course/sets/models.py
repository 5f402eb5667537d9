"""Action-learning sets: the set, its members, its rounds and what each person wrote."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from course.extensions import db
from course.models import UTCDateTime, owner_column, utcnow

PHASES = ("challenge", "questions", "suggestions", "commitment", "closed")
KINDS = ("challenge", "question", "answer", "suggestion", "commitment", "report")


class LearningSet(db.Model):
    """A small group of a cohort's leaders (3 to 6) who work on each other's problems."""

    __tablename__ = "learning_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SetMember(db.Model):
    """A leader's place in a set; a leader is in at most one set of a cohort."""

    __tablename__ = "set_members"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id", name="one_set_per_cohort"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(
        ForeignKey("learning_sets.id", ondelete="CASCADE"), index=True)
    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = owner_column()
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Round(db.Model):
    """One round in a set: a problem holder and the phases their challenge goes through.

    `phase` is what was last written; the phase in force is computed when read
    (rounds.current_phase), because a questions or suggestions phase ends by date.
    """

    __tablename__ = "set_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(
        ForeignKey("learning_sets.id", ondelete="CASCADE"), index=True)
    # The round is the holder's: deleting their account removes it with their words.
    holder_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True)
    phase: Mapped[str] = mapped_column(String(20), default="challenge")
    phase_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    questions_days: Mapped[int] = mapped_column(default=3)
    suggestions_days: Mapped[int] = mapped_column(default=3)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The holder's dated commitment (its words are the commitment contribution).
    commitment_due_on: Mapped[date | None] = mapped_column(Date)
    commitment_if_then: Mapped[str | None] = mapped_column(Text)
    opened_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    form_key: Mapped[str | None] = mapped_column(String(64), unique=True)


class RoundContribution(db.Model):
    """What someone wrote in a round: the challenge, a question, the holder's answer to
    it, a suggestion, the commitment or the report back."""

    __tablename__ = "round_contributions"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("set_rounds.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = owner_column()
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    # An answer's question; an answer outlives a question whose author deleted their account.
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("round_contributions.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    form_key: Mapped[str | None] = mapped_column(String(64), unique=True)
