"""What is waiting for a leader in their set: the course home's card and the digest's
"sets" section. Both say what is waiting and where, never what anyone wrote.

`waiting_for` runs a constant number of queries for any number of leaders.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import bindparam, select

from course.cohorts.models import Membership
from course.extensions import db
from course.models import Role, User, utcnow
from course.sets.models import LearningSet, Round, RoundContribution, SetMember
from course.sets.rounds import current_phase
from course.timezones import local_time


@dataclass(frozen=True)
class Waiting:
    text: str
    path: str
    ref: int  # the round's id


def set_path(set_id: int) -> str:
    return f"/sets/{set_id}"


def waiting_for(user_ids: list[int], now: datetime | None = None) -> dict[int, list[Waiting]]:
    """Per leader, what their open rounds ask of them now (four queries in all)."""
    now = now or utcnow()
    if not user_ids:
        return {}
    places = db.session.execute(_places(), {"user_ids": list(user_ids)}).all()
    set_ids = {set_id for _, set_id, _, _ in places}
    if not set_ids:
        return {}
    rounds = db.session.execute(
        select(Round, User.name).join(User, User.id == Round.holder_id)
        .where(Round.set_id.in_(set_ids), Round.closed_at.is_(None))).all()
    by_set = {found.set_id: (found, name) for found, name in rounds}
    written = db.session.execute(
        select(RoundContribution.id, RoundContribution.round_id, RoundContribution.kind,
               RoundContribution.parent_id)
        .where(RoundContribution.round_id.in_([found.id for found, _ in rounds]))).all()
    kinds: dict[int, set[str]] = {}
    questions: dict[int, set[int]] = {}
    answered: set[int] = set()
    for row_id, round_id, kind, parent_id in written:
        kinds.setdefault(round_id, set()).add(kind)
        if kind == "question":
            questions.setdefault(round_id, set()).add(row_id)
        elif kind == "answer" and parent_id is not None:
            answered.add(parent_id)
    found_items: dict[int, list[Waiting]] = {}
    for user_id, set_id, set_name, user in places:
        if set_id not in by_set:
            continue
        found, holder = by_set[set_id]
        unanswered = len(questions.get(found.id, set()) - answered)
        text = _line(found, user, holder, set_name, now, kinds.get(found.id, set()),
                     unanswered)
        if text:
            found_items.setdefault(user_id, []).append(
                Waiting(text, set_path(set_id), found.id))
    return found_items


def _line(found: Round, user: User, holder: str, set_name: str, now: datetime,
          kinds: set[str], unanswered: int) -> str | None:
    phase, ends = current_phase(found, now)
    until = f" until {local_time(ends, '%a %-d %b', user)}" if ends else ""
    if user.id == found.holder_id:
        if phase == "challenge":
            return f"You hold the new round in {set_name}: post your challenge"
        if unanswered and phase in ("questions", "suggestions"):
            return (f"{unanswered} question{'s' if unanswered != 1 else ''} on your challenge "
                    f"{'wait' if unanswered != 1 else 'waits'} for your answer")
        if phase == "questions":
            return f"Your set is asking questions about your challenge{until}"
        if phase == "suggestions":
            return f"Your set is offering suggestions{until}"
        if phase == "commitment" and "commitment" not in kinds:
            return "Commit to one action from your round"
        if phase == "commitment":
            return "Report back to your set on your commitment"
        return None
    if phase == "challenge":
        return f"A new round has opened in {set_name}: {holder} holds the problem"
    if phase == "questions":
        return f"Questions are open on {holder}’s challenge{until}"
    if phase == "suggestions":
        return f"Suggestions are open on {holder}’s challenge{until}"
    return None


@cache
def _places():
    """Built once (every leader's course home runs it): the sets these leaders are in, as
    active leaders of the set's cohort."""
    return (
        select(SetMember.user_id, SetMember.set_id, LearningSet.name, User)
        .join(LearningSet, LearningSet.id == SetMember.set_id)
        .join(Membership, (Membership.cohort_id == SetMember.cohort_id)
              & (Membership.user_id == SetMember.user_id))
        .join(User, User.id == SetMember.user_id)
        .where(SetMember.user_id.in_(bindparam("user_ids", expanding=True)),
               Membership.role == Role.LEADER, User.active.is_(True)))


def home_card(user, catalog) -> dict | None:
    """The course home's card: what the leader's set is waiting for."""
    if not user.is_authenticated or not user.is_leader:
        return None
    items = waiting_for([user.id]).get(user.id)
    return {"items": items} if items else None


def digest_items(user_ids: list[int], on, catalog) -> dict[int, list]:
    """The digest's "sets" section (course/digests/sections.py)."""
    from course.digests.sections import Item

    return {user_id: [Item(text=w.text, path=w.path, ref=w.ref) for w in items]
            for user_id, items in waiting_for(list(user_ids)).items()}
