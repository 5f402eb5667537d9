"""Rounds: a problem holder's challenge through questions, suggestions, a commitment and
a report back.

The phase in force is computed when read (`current_phase`): a questions or suggestions
phase ends at its `phase_ends_at`, so no job has to move it. `settle` writes the computed
phase before anything is added, and `settle_rounds` does it for every round (the digest
may call it; nothing depends on it). Services flush; the view commits once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import abort
from sqlalchemy import select

from course.extensions import db
from course.idempotency import add_once, check_form_key, kept_with
from course.models import User, utcnow
from course.notices.notices import notify, retract
from course.sets.models import LearningSet, Round, RoundContribution, SetMember

MAX_DAYS = 14
MAX_COMMITMENT_DAYS = 366
PHASE_NAMES = {"challenge": "Challenge", "questions": "Questions",
               "suggestions": "Suggestions", "commitment": "Commitment", "closed": "Closed"}
NEXT_PHASE = {"challenge": "questions", "questions": "suggestions",
              "suggestions": "commitment", "commitment": "closed"}


class RoundError(ValueError):
    """Something cannot be done in a round as asked; the message says why."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def current_phase(found: Round, now: datetime) -> tuple[str, datetime | None]:
    """The phase in force at `now` and when it ends (None: it ends when someone acts)."""
    phase, ends = found.phase, found.phase_ends_at
    if phase == "questions" and ends is not None and now >= ends:
        phase, ends = "suggestions", ends + timedelta(days=found.suggestions_days)
    if phase == "suggestions" and ends is not None and now >= ends:
        phase, ends = "commitment", None
    return phase, ends


def settle(found: Round, now: datetime) -> str:
    """Write the phase in force (a phase past its date has moved on); return it."""
    phase, ends = current_phase(found, now)
    if (phase, ends) != (found.phase, found.phase_ends_at):
        found.phase, found.phase_ends_at = phase, ends
    return phase


def settle_rounds(now: datetime | None = None) -> int:
    """Write the phase in force on every round whose phase ended by date; how many moved."""
    now = now or utcnow()
    due = db.session.scalars(select(Round).where(
        Round.phase.in_(("questions", "suggestions")), Round.phase_ends_at <= now))
    moved = sum(1 for found in due if settle(found, now) != "closed")
    db.session.flush()
    return moved


def open_round_of(set_id: int) -> Round | None:
    return db.session.scalar(select(Round).where(Round.set_id == set_id,
                                                 Round.closed_at.is_(None)))


def open_rounds(set_ids: list[int]) -> dict[int, Round]:
    """Each set's open round, if it has one (one query)."""
    if not set_ids:
        return {}
    return {found.set_id: found for found in db.session.scalars(select(Round).where(
        Round.set_id.in_(set_ids), Round.closed_at.is_(None)))}


def get_round_or_404(found: LearningSet, round_id: int) -> Round:
    """A round of this set (the set already checked for the viewer), or 404."""
    running = db.session.scalar(select(Round).where(Round.id == round_id,
                                                    Round.set_id == found.id))
    if running is None:
        abort(404)
    return running


def holder_names(rounds: list[Round], known: dict[int, str] | None = None) -> dict[int, str]:
    """The names of the rounds' holders, by id: those in `known` (the set's members) and,
    in one query, any who have left the set since."""
    names = dict(known or {})
    missing = {r.holder_id for r in rounds} - set(names)
    if missing:
        names |= dict(db.session.execute(
            select(User.id, User.name).where(User.id.in_(missing))).all())
    return names


def rounds_of(set_id: int) -> list[Round]:
    """The set's rounds, newest first."""
    return list(db.session.scalars(select(Round).where(Round.set_id == set_id)
                                   .order_by(Round.opened_at.desc(), Round.id.desc())))


def check_days(value: int | None, what: str) -> int:
    if value is None or not 1 <= value <= MAX_DAYS:
        raise RoundError(f"Enter the days for {what} as a whole number from 1 to {MAX_DAYS}.",
                         f"{what}_days")
    return value


def open_round(found: LearningSet, holder_id: int | None, opened_by: User, *,
               questions_days: int | None = 3, suggestions_days: int | None = 3,
               form_key: str | None = None, now: datetime | None = None) -> Round:
    """Open a round in the set with one member as problem holder; the same form sent
    twice opens one. A set has one round open at a time."""
    now = now or utcnow()
    form_key = check_form_key(form_key, RoundError)
    if form_key:
        done = kept_with(select(Round).where(Round.form_key == form_key), RoundError,
                         set_id=found.id)
        if done is not None:
            return done
    members = set(db.session.scalars(select(SetMember.user_id).where(
        SetMember.set_id == found.id)))
    if holder_id not in members:
        raise RoundError("Choose the problem holder from the set's members.", "holder")
    questions_days = check_days(questions_days, "questions")
    suggestions_days = check_days(suggestions_days, "suggestions")
    if open_round_of(found.id) is not None:
        raise RoundError(f"{found.name} already has a round open. Close it before "
                         "opening another.", "holder")
    made = Round(set_id=found.id, holder_id=holder_id, phase="challenge",
                 questions_days=questions_days, suggestions_days=suggestions_days,
                 opened_at=now, opened_by_id=opened_by.id, form_key=form_key)
    twin = add_once(made, lambda key: db.session.scalar(
        select(Round).where(Round.form_key == key)))
    if twin is not None:
        return twin
    db.session.flush()
    for member_id in sorted(members):  # the opener is never told of their own doing
        notify(member_id, "set_round", actor_id=opened_by.id, path=f"/sets/{found.id}",
               subject=notice_subject(made))
    return made


def notice_subject(found: Round) -> str:
    return f"set_round:{found.id}"


def advance(found: Round, expected: str | None, now: datetime | None = None) -> str:
    """The facilitator moves the round on to its next phase early; return the new phase.

    `expected` is the phase the facilitator saw: a second click (or a phase that moved on
    by date meanwhile) is told so instead of skipping a phase."""
    now = now or utcnow()
    phase = settle(found, now)
    if phase == "closed":
        raise RoundError("This round is closed.")
    if expected is not None and expected != phase:
        raise RoundError(f"The round had already moved on: it is now in its "
                         f"{PHASE_NAMES[phase].lower()} phase.")
    if phase == "challenge" and not _has(found.id, "challenge"):
        raise RoundError("The problem holder has not posted their challenge yet, so there "
                         "is nothing to ask about. The questions open when they post it.")
    following = NEXT_PHASE[phase]
    found.phase = following
    if following == "questions":
        found.phase_ends_at = now + timedelta(days=found.questions_days)
    elif following == "suggestions":
        found.phase_ends_at = now + timedelta(days=found.suggestions_days)
    else:
        found.phase_ends_at = None
    if following == "closed":
        close(found, now)
    db.session.flush()
    return following


def close(found: Round, now: datetime) -> None:
    """The round is over: its record stays with the set; its "new round" notices go."""
    found.phase, found.phase_ends_at, found.closed_at = "closed", None, now
    retract(notice_subject(found))


def _has(round_id: int, kind: str) -> bool:
    return db.session.scalar(select(RoundContribution.id).where(
        RoundContribution.round_id == round_id, RoundContribution.kind == kind).limit(1)
    ) is not None


@dataclass
class Entry:
    """A contribution as the round's record shows it (with its author's name)."""

    row: RoundContribution
    author: str
    answers: list[Entry] = field(default_factory=list)


@dataclass
class Record:
    """Everything written in one round, in the order the method runs."""

    challenge: Entry | None = None
    questions: list[Entry] = field(default_factory=list)
    orphan_answers: list[Entry] = field(default_factory=list)
    suggestions: list[Entry] = field(default_factory=list)
    commitment: Entry | None = None
    report: Entry | None = None


def records_for(round_ids: list[int]) -> dict[int, Record]:
    """Each round's record, in one query."""
    records = {round_id: Record() for round_id in round_ids}
    if not round_ids:
        return records
    rows = db.session.execute(
        select(RoundContribution, User.name).join(User, User.id == RoundContribution.author_id)
        .where(RoundContribution.round_id.in_(round_ids))
        .order_by(RoundContribution.created_at, RoundContribution.id)).all()
    questions: dict[int, Entry] = {}
    for row, name in rows:
        entry, record = Entry(row, name), records[row.round_id]
        if row.kind == "question":
            questions[row.id] = entry
            record.questions.append(entry)
        elif row.kind == "answer":
            parent = questions.get(row.parent_id)
            (parent.answers if parent else record.orphan_answers).append(entry)
        elif row.kind == "suggestion":
            record.suggestions.append(entry)
        else:
            setattr(record, row.kind, entry)
    return records


def commitment_title(text: str, limit: int = 120) -> str:
    """A plan's short title from the commitment: its first line, cut at a word."""
    line = text.strip().splitlines()[0] if text.strip() else "My commitment from a set"
    if len(line) <= limit:
        return line
    return line[:limit].rsplit(" ", 1)[0].rstrip(",.;:") + "…"
