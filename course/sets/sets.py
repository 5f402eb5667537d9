"""Sets: splitting a cohort (automatically, balanced, or by hand), who may see a set,
and whose turn it is to hold a problem.

Who reaches a set is decided here and nowhere else: its members who are still active
leaders of its cohort, and the people who run the cohort (admins: every cohort). Anyone
else gets 404. Services flush; the view commits once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from flask import abort
from sqlalchemy import delete, exists, func, select

from course.cohorts.models import Cohort, Membership
from course.cohorts.scoping import scoped_cohort_ids, visible_leaders
from course.extensions import db
from course.models import Role, User
from course.notices.notices import retract_for
from course.sessions import PERSON_FACTS, person_fact
from course.sets.models import LearningSet, Round, SetMember

MIN_SET, MAX_SET = 3, 6


class SetError(ValueError):
    """A split or an arrangement cannot be made; the message says why."""


def balanced_sizes(count: int) -> list[int]:
    """Set sizes for `count` leaders: as few sets of 3 to 6 as hold them, as even as can
    be (14 -> 5, 5, 4). Fewer than 3 leaders cannot make a set."""
    if count < MIN_SET:
        raise SetError(f"A set needs at least {MIN_SET} leaders; this cohort has {count}. "
                       "Invite more leaders, then split it.")
    sets = math.ceil(count / MAX_SET)
    base, extra = divmod(count, sets)
    return [base + 1] * extra + [base] * (sets - extra)


def active_leaders(viewer: User, cohort: Cohort) -> list[User]:
    """The cohort's active leaders the viewer may see, by name."""
    return list(db.session.scalars(
        visible_leaders(viewer, [cohort.id]).with_only_columns(User)
        .select_from(Membership).join(User, User.id == Membership.user_id)
        .where(User.active.is_(True)).order_by(func.lower(User.name), User.id)))


def sets_of_cohort(cohort: Cohort) -> list[LearningSet]:
    return list(db.session.scalars(select(LearningSet).where(
        LearningSet.cohort_id == cohort.id).order_by(LearningSet.id)))


def members_by_set(set_ids: list[int]) -> dict[int, list[User]]:
    """Each set's members, by name, in one query."""
    found: dict[int, list[User]] = {set_id: [] for set_id in set_ids}
    if set_ids:
        rows = db.session.execute(
            select(SetMember.set_id, User).join(User, User.id == SetMember.user_id)
            .where(SetMember.set_id.in_(set_ids)).order_by(func.lower(User.name), User.id))
        for set_id, user in rows.all():
            found[set_id].append(user)
    return found


def _has_rounds(cohort: Cohort):
    return exists().where(Round.set_id == LearningSet.id, LearningSet.cohort_id == cohort.id)


def split_cohort(viewer: User, cohort: Cohort) -> list[LearningSet]:
    """Split the cohort's active leaders into balanced sets (dealt in turn, by name).

    A cohort whose sets have held no round yet is split afresh; once a round has been
    opened the record stays with its set, so changes are made by hand."""
    if db.session.scalar(select(_has_rounds(cohort))):
        raise SetError("Rounds have been held in this cohort's sets, so they are not split "
                       "again. Move people by hand instead.")
    leaders = active_leaders(viewer, cohort)
    sizes = balanced_sizes(len(leaders))
    db.session.execute(delete(LearningSet).where(LearningSet.cohort_id == cohort.id))
    made = [LearningSet(cohort_id=cohort.id, name=f"Set {n}") for n in range(1, len(sizes) + 1)]
    db.session.add_all(made)
    db.session.flush()
    for index, leader in enumerate(leaders):
        db.session.add(SetMember(set_id=made[index % len(made)].id, cohort_id=cohort.id,
                                 user_id=leader.id))
    db.session.flush()
    return made


def check_arrangement(choices: Mapping[int, int | None], names: Mapping[int, str],
                      locked: Mapping[int, str] | None = None) -> None:
    """Refuse an arrangement (leader id -> set number or None) with a set outside 3-6.

    `names` names each set number; `locked` maps a set number to the reason it may not
    be emptied (a set with rounds on record). Raise SetError listing every problem."""
    sizes: dict[int, int] = {}
    for number in choices.values():
        if number is not None:
            sizes[number] = sizes.get(number, 0) + 1
    problems = []
    for number in sorted(set(sizes) | set(locked or {})):
        size = sizes.get(number, 0)
        if size == 0:
            problems.append(f"{names.get(number, f'Set {number}')} has nobody in it, but "
                            f"{(locked or {})[number]}.")
        elif not MIN_SET <= size <= MAX_SET:
            problems.append(f"{names.get(number, f'Set {number}')} has {size} "
                            f"{'person' if size == 1 else 'people'}; a set needs "
                            f"{MIN_SET} to {MAX_SET}.")
    if problems:
        raise SetError(" ".join(problems))


def arrange_sets(viewer: User, cohort: Cohort, choices: Mapping[int, int | None]) -> None:
    """Put each active leader in the set numbered by `choices` (1 = the cohort's first
    set; a new number makes a new set; None = no set). Sets left empty without rounds go."""
    existing = sets_of_cohort(cohort)
    leader_ids = {leader.id for leader in active_leaders(viewer, cohort)}
    current = dict(db.session.execute(select(SetMember.user_id, SetMember.set_id).where(
        SetMember.cohort_id == cohort.id, SetMember.user_id.in_(leader_ids))).all())
    number_of = {found.id: n for n, found in enumerate(existing, start=1)}
    # A leader the form did not name (they joined since it was shown) stays where they are.
    choices = {leader_id: choices[leader_id] if leader_id in choices
               else number_of.get(current.get(leader_id)) for leader_id in leader_ids}
    with_rounds = set(db.session.scalars(select(Round.set_id).where(
        Round.set_id.in_([found.id for found in existing]))))
    names = {n: found.name for n, found in enumerate(existing, start=1)}
    locked = {n: "it has rounds on record" for n, found in enumerate(existing, start=1)
              if found.id in with_rounds}
    check_arrangement(choices, names, locked)
    holders = open_round_holders([found.id for found in existing])
    running = dict(db.session.execute(select(Round.set_id, Round.id).where(
        Round.set_id.in_([found.id for found in existing]), Round.closed_at.is_(None))).all())
    by_number = dict(enumerate(existing, start=1))
    for number in sorted({n for n in choices.values() if n is not None} - set(by_number)):
        made = LearningSet(cohort_id=cohort.id, name=f"Set {number}")
        db.session.add(made)
        by_number[number] = made
    db.session.flush()
    for leader_id, number in choices.items():
        target = by_number[number].id if number is not None else None
        if current.get(leader_id) == target:
            continue
        if current.get(leader_id) in holders.get(leader_id, set()):
            raise SetError("Someone holds an open round in their set; close that round "
                           "before moving them.")
        db.session.execute(delete(SetMember).where(SetMember.cohort_id == cohort.id,
                                                   SetMember.user_id == leader_id))
        if current.get(leader_id) in running:  # they no longer see that round: no notice
            retract_for(leader_id, f"set_round:{running[current[leader_id]]}")
        if target is not None:
            db.session.add(SetMember(set_id=target, cohort_id=cohort.id, user_id=leader_id))
    db.session.flush()
    for number, found in by_number.items():
        if found.id not in with_rounds and not any(n == number for n in choices.values()):
            db.session.delete(found)
    db.session.flush()


def open_round_holders(set_ids: list[int]) -> dict[int, set[int]]:
    """holder id -> the sets where they hold a round not yet closed."""
    found: dict[int, set[int]] = {}
    if set_ids:
        for holder_id, set_id in db.session.execute(select(Round.holder_id, Round.set_id).where(
                Round.set_id.in_(set_ids), Round.closed_at.is_(None))).all():
            found.setdefault(holder_id, set()).add(set_id)
    return found


def _memberships(user_id):
    """The set ids of `user_id`'s sets in cohorts where they are still a leader, for an
    active account: who may open a set as a member. `user_id` is a value or a column."""
    return (select(SetMember.set_id)
            .join(Membership, (Membership.cohort_id == SetMember.cohort_id)
                  & (Membership.user_id == SetMember.user_id))
            .where(SetMember.user_id == user_id, Membership.role == Role.LEADER,
                   User.active.is_(True)))


def member_scope(user: User):
    """The set ids the user may open as a member: sets they are in, of cohorts where
    they are still an active leader."""
    return _memberships(user.id).join(User, User.id == SetMember.user_id)


def _in_a_set_column():
    """Whether the signed-in person may open some set as a member (member_scope's rule,
    correlated with the session statement's User): read with their session, for the
    navigation."""
    return exists(_memberships(User.id))


PERSON_FACTS["in_a_set"] = _in_a_set_column


def in_any_set() -> bool:
    """Whether the signed-in leader is in a set they may open (read with the session)."""
    return bool(person_fact("in_a_set"))


def sets_for_member(user: User) -> list[LearningSet]:
    """The sets a leader is in (one per cohort), oldest first."""
    if not user.is_authenticated or not user.is_leader:
        return []
    return list(db.session.scalars(select(LearningSet).where(
        LearningSet.id.in_(member_scope(user))).order_by(LearningSet.id)))


def get_member_set_or_404(user: User, set_id: int) -> LearningSet:
    """A set the leader is a member of; anything else is 404."""
    found = db.session.scalar(select(LearningSet).where(
        LearningSet.id == set_id, LearningSet.id.in_(member_scope(user))))
    if found is None:
        abort(404)
    return found


def get_cohort_set_or_404(viewer: User, cohort: Cohort, set_id: int) -> LearningSet:
    """A set of this cohort, which the viewer runs (admin: any); anything else is 404."""
    found = db.session.scalar(select(LearningSet).where(
        LearningSet.id == set_id, LearningSet.cohort_id == cohort.id,
        LearningSet.cohort_id.in_(scoped_cohort_ids(viewer))))
    if found is None:
        abort(404)
    return found


def suggest_holder(set_id: int, member_ids: list[int]) -> int | None:
    """Whose turn it is: a member who has not held a round yet (by the order given), else
    the one whose last round is the oldest."""
    if not member_ids:
        return None
    last = dict(db.session.execute(
        select(Round.holder_id, func.max(Round.opened_at))
        .where(Round.set_id == set_id, Round.holder_id.in_(member_ids))
        .group_by(Round.holder_id)).all())
    return next((m for m in member_ids if m not in last), None) or min(
        member_ids, key=lambda m: last[m])
