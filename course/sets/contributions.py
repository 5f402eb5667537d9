"""What members write in a round, and when each kind may be written.

The holder posts the challenge; during questions the others may only ask questions and
the holder answers them; during suggestions the others suggest; in the commitment phase
the holder commits to one dated action (it becomes a plan when plans exist) and reports
back, which closes the round. A form sent twice keeps one row (its form_key).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from course.extensions import db
from course.idempotency import add_once, check_form_key, kept_with
from course.models import User, utcnow
from course.plans.models import Plan
from course.plans.plans import MAX_IF_THEN_LENGTH, PlanError, create_plan
from course.reflections.reflections import MAX_REFLECTION_LENGTH
from course.sets.models import KINDS, Round, RoundContribution
from course.sets.rounds import (
    MAX_COMMITMENT_DAYS,
    RoundError,
    close,
    commitment_title,
    settle,
)
from course.text import clean_text
from course.timezones import local_time

EMPTY = {
    "challenge": "Write your challenge before posting it.",
    "question": "Write your question before sending it.",
    "answer": "Write your answer before sending it.",
    "suggestion": "Write your suggestion before sending it.",
    "commitment": "Write the one action you commit to.",
    "report": "Write how it went before sending your report.",
}
HOLDER_KINDS = {"challenge", "answer", "commitment", "report"}
ALLOWED_PHASES = {
    "challenge": {"challenge"}, "question": {"questions"},
    "answer": {"questions", "suggestions"}, "suggestion": {"suggestions"},
    "commitment": {"commitment"}, "report": {"commitment"},
}


def kept_contribution(form_key: str, round_id: int, author_id: int):
    return kept_with(select(RoundContribution).where(RoundContribution.form_key == form_key),
                     RoundError, round_id=round_id, author_id=author_id)


def wrong_phase(kind: str, phase: str, ends: datetime | None, author: User) -> str:
    """Why this kind cannot be written now, in words a member understands."""
    until = f" until {local_time(ends, 'datetime', author)}" if ends else ""
    if phase == "closed":
        return "This round is closed; its record stays with the set."
    if kind == "question":
        if phase == "challenge":
            return "Questions open once the problem holder posts their challenge."
        if phase == "suggestions":
            return ("The questions phase is over, so nothing was sent. You can offer it as "
                    f"a suggestion instead{until}.")
        return "The questions phase is over, so nothing was sent."
    if kind == "suggestion":
        if phase == "challenge":
            return "Suggestions open after the questions, once the challenge is posted."
        if phase == "questions":
            return (f"Suggestions open after the questions{until}. For now, ask a question: "
                    "what would help the holder see their problem more clearly?")
        return "The suggestions phase is over; the holder is choosing an action."
    if kind == "challenge":
        return "The challenge has been posted."
    if kind == "answer":
        return "Questions can be answered during the questions and suggestions phases."
    return "The commitment comes after the suggestions phase" + (until + "." if until else ".")


def contribute(found: Round, author: User, kind: str, text: str | None, *,
               parent_id: int | None = None, due_on: date | None = None,
               if_then: str | None = None, form_key: str | None = None,
               now: datetime | None = None) -> RoundContribution:
    """Add what `author` (a member of the round's set) wrote; refuse what the phase or
    their part does not allow, with a message that says why (the text stays on screen)."""
    now = now or utcnow()
    if kind not in KINDS:
        raise RoundError("That form is not one this page sends; reload the page.")
    text = clean_text(text, limit=MAX_REFLECTION_LENGTH, error=RoundError, empty=EMPTY[kind],
                      too_long="This is {length} characters long; the limit is {limit}.")
    form_key = check_form_key(form_key, RoundError)
    if form_key:
        done = kept_contribution(form_key, found.id, author.id)
        if done is not None:
            return done
    phase = settle(found, now)
    _check_part(found, author, kind, phase, now)
    parent = _check_parent(found, kind, parent_id)
    if kind == "commitment":
        due_on, if_then = _check_commitment(due_on, if_then, author, now)
    row = RoundContribution(round_id=found.id, author_id=author.id, kind=kind, text=text,
                            parent_id=parent, created_at=now, form_key=form_key)
    twin = add_once(row, lambda key: kept_contribution(key, found.id, author.id))
    if twin is not None:
        return twin
    if kind == "challenge":
        found.phase, found.phase_ends_at = "questions", now + timedelta(days=found.questions_days)
    elif kind == "commitment":
        found.commitment_due_on, found.commitment_if_then = due_on, if_then
        make_plan(author.id, text, due_on, if_then, form_key)
    elif kind == "report":
        close(found, now)
    db.session.flush()
    return row


def _check_part(found: Round, author: User, kind: str, phase: str, now: datetime) -> None:
    holder = author.id == found.holder_id
    if kind in HOLDER_KINDS and not holder:
        raise RoundError("Only the problem holder writes that.")
    if kind not in HOLDER_KINDS and holder:
        raise RoundError("The problem holder listens in this phase: the others ask and "
                         "suggest, and you answer their questions.")
    if phase not in ALLOWED_PHASES[kind]:
        raise RoundError(wrong_phase(kind, phase, found.phase_ends_at, author))
    if kind == "challenge" and _one(found.id, "challenge"):
        raise RoundError("The challenge has been posted.")
    if kind == "commitment" and _one(found.id, "commitment"):
        raise RoundError("You have committed to an action already; report back when you "
                         "have tried it.")
    if kind == "report" and not _one(found.id, "commitment"):
        raise RoundError("Commit to one action first, then report back on it.")


def _check_parent(found: Round, kind: str, parent_id: int | None) -> int | None:
    if kind != "answer":
        return None
    question = db.session.scalar(select(RoundContribution).where(
        RoundContribution.id == parent_id, RoundContribution.round_id == found.id,
        RoundContribution.kind == "question")) if parent_id is not None else None
    if question is None:
        raise RoundError("That question is no longer in this round; reload the page.")
    answered = db.session.scalar(select(RoundContribution.id).where(
        RoundContribution.parent_id == question.id).limit(1))
    if answered is not None:
        raise RoundError("You have answered this question already.")
    return question.id


def _check_commitment(due_on: date | None, if_then: str | None, author: User,
                      now: datetime) -> tuple[date, str | None]:
    from course.timezones import to_local

    today = to_local(now, author).date()
    if due_on is None:
        raise RoundError("Enter the date you will have done it by, for example "
                         f"{(today + timedelta(days=14)).isoformat()}.", "due_on")
    if due_on < today:
        raise RoundError("The date has passed; choose today or a later day.", "due_on")
    if due_on > today + timedelta(days=MAX_COMMITMENT_DAYS):
        raise RoundError("Choose a date within the next year.", "due_on")
    try:
        if_then = clean_text(if_then, limit=MAX_IF_THEN_LENGTH, error=RoundError,
                             too_long="The if-then plan is {length} characters long; the "
                                      "limit is {limit}.") or None
    except RoundError as error:
        raise RoundError(str(error), "if_then") from error
    return due_on, if_then


def _one(round_id: int, kind: str) -> bool:
    return db.session.scalar(select(RoundContribution.id).where(
        RoundContribution.round_id == round_id, RoundContribution.kind == kind).limit(1)
    ) is not None


def make_plan(user_id: int, text: str, due_on: date, if_then: str | None,
              form_key: str | None) -> Plan:
    """The commitment as a plan: the course home's check-ins then ask how it went."""
    try:
        return create_plan(user_id, lesson_id=None, what=commitment_title(text),
                           due_on=due_on, if_then=if_then,
                           form_key=f"{form_key[:59]}-plan" if form_key else None)
    except PlanError as error:
        raise RoundError(str(error), "due_on" if error.field == "date" else error.field) \
            from error
