"""The rules of plans: make one (once per form), move it, drop it, log how it went; which
plans are due for their check-in, and which check-ins went unanswered.

Dates are the leader's own calendar dates (their zone decides what "today" is). A plan is
due for its check-in when it is active, its check-in has not been sent and its date has
come. Moving a plan re-arms its check-in; logging an entry against it makes it done.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from functools import cache

from flask import abort
from sqlalchemy import bindparam, func, select, update

from course.access import get_mine_or_404, mine
from course.experiments.models import ExperimentEntry
from course.extensions import db
from course.idempotency import add_once, check_form_key, kept_with
from course.models import User, utcnow
from course.numbers import parse_int
from course.plans.models import ACTIVE, DONE, DROPPED, MAX_WHAT_LENGTH, Plan
from course.text import clean_text
from course.timezones import zone_of

MAX_IF_THEN_LENGTH = 500
MAX_DAYS_AHEAD = 366  # a plan is for the coming year, not for some day
MISSED_AFTER_DAYS = 7  # an unanswered check-in counts as missed a week on

# Day, month and year typed by hand (a browser without a date picker): 3/12/2026, 3-12-2026,
# 3.12.2026 or 3 12 2026.
_TYPED_DATE = re.compile(r"(\d{1,2})[/.\- ]+(\d{1,2})[/.\- ]+(\d{4})")
_TYPED_TIME = re.compile(r"(\d{1,2})[:.](\d{2})")


class PlanError(ValueError):
    """A plan cannot be saved as sent; `field` names what the message is about."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class PlanInvalid(ValueError):
    """Several fields of a plan form are wrong: {field: message}, in the form's order."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def today_for(user) -> date:
    """Today's date where the person is (their zone, else Europe/London)."""
    return datetime.now(zone_of(user)).date()


def parse_date(raw: str | None) -> date:
    """A date from the form: the picker's 2026-12-03, or typed as 3/12/2026."""
    raw = (raw or "").strip()
    if not raw:
        raise PlanError("Enter the date you will try it.", "date")
    typed = _TYPED_DATE.fullmatch(raw)
    try:
        if typed:
            day, month, year = (int(part) for part in typed.groups())
            return date(year, month, day)
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise PlanError("Enter a real date, for example 3/12/2026.", "date") from exc


def parse_time(raw: str | None) -> time | None:
    """An optional time of day from the form: 14:30 (or 14.30); blank is none."""
    raw = (raw or "").strip()
    if not raw:
        return None
    typed = _TYPED_TIME.fullmatch(raw)
    try:
        if not typed:
            raise ValueError(raw)
        return time(int(typed[1]), int(typed[2]))
    except ValueError as exc:
        raise PlanError("Enter the time as hours and minutes, for example 14:30, or leave "
                        "it empty.", "time") from exc


def check_date(due_on: date, today: date) -> date:
    """Refuse a date in the past or more than a year ahead."""
    if due_on < today:
        raise PlanError("The date must be today or later.", "date")
    if due_on > today + timedelta(days=MAX_DAYS_AHEAD):
        raise PlanError("Choose a date within the next year.", "date")
    return due_on


def clean_if_then(text: str | None) -> str | None:
    """The optional if-then line, trimmed; None when blank."""
    text = clean_text(text, limit=MAX_IF_THEN_LENGTH, error=PlanError,
                      too_long="Keep your if-then plan under {limit} characters "
                               "(it has {length}).")
    return text or None


def read_plan_form(raw_date, raw_time, raw_if_then, today: date, *, with_if_then=True):
    """The form's values as (date, time, if-then), every wrong field said at once."""
    errors, values = {}, {}
    for field, read in (("date", lambda: check_date(parse_date(raw_date), today)),
                        ("time", lambda: parse_time(raw_time)),
                        ("if_then", lambda: clean_if_then(raw_if_then) if with_if_then
                         else None)):
        try:
            values[field] = read()
        except PlanError as error:
            errors[field] = str(error)
    if errors:
        raise PlanInvalid(errors)
    return values["date"], values["time"], values["if_then"]


def _sent_with(form_key: str, user_id: int, lesson_id: str | None) -> Plan | None:
    return kept_with(select(Plan).where(Plan.form_key == form_key), PlanError,
                     user_id=user_id, lesson_id=lesson_id)


def create_plan(user_id: int, *, lesson_id: str | None, what: str, due_on: date,
                due_time: time | None = None, if_then: str | None = None,
                form_key: str | None = None, today: date | None = None) -> Plan:
    """Make a plan; the same form_key twice (even racing in) makes one. `today` is the
    leader's date (looked up from their zone when not given)."""
    what = clean_text(what, limit=MAX_WHAT_LENGTH, error=PlanError,
                      empty="Say what you plan to try.",
                      too_long="Keep what you plan under {limit} characters.")
    if today is None:
        today = today_for(db.session.get(User, user_id))
    check_date(due_on, today)
    if_then = clean_if_then(if_then)
    form_key = check_form_key(form_key, PlanError)
    if form_key:
        done = _sent_with(form_key, user_id, lesson_id)
        if done is not None:
            return done
    plan = Plan(user_id=user_id, lesson_id=lesson_id, what=what, due_on=due_on,
                due_time=due_time, if_then=if_then, status=ACTIVE, form_key=form_key)
    twin = add_once(plan, lambda key: _sent_with(key, user_id, lesson_id))
    if twin is not None:
        return twin
    db.session.flush()
    return plan


def move_plan(plan: Plan, due_on: date, due_time: time | None, today: date) -> Plan:
    """A new date (and time) for an active plan; its check-in is sent again on that date."""
    if plan.status != ACTIVE:
        raise PlanError("This plan is no longer active, so it cannot be moved.")
    plan.due_on = check_date(due_on, today)
    plan.due_time = due_time
    plan.checkin_sent_on = None  # re-armed: one check-in for the new date
    plan.updated_at = utcnow()
    db.session.flush()
    return plan


def drop_plan(plan: Plan) -> Plan:
    """Give up an active plan: no check-in is sent for it (dropping twice is harmless)."""
    if plan.status == DONE:
        raise PlanError("You have already logged how this plan went.")
    if plan.status != DROPPED:
        plan.status = DROPPED
        plan.updated_at = utcnow()
        db.session.flush()
    return plan


def mark_done(plan: Plan) -> Plan:
    """The plan was carried out (an entry was logged, or the leader says so)."""
    if plan.status != DONE:
        now = utcnow()
        plan.status, plan.done_at, plan.updated_at = DONE, now, now
        db.session.flush()
    return plan


def log_against(plan: Plan, entry) -> None:
    """An experiment entry tells how the plan went: it points to the plan, which is done."""
    entry.plan_id = plan.id
    mark_done(plan)


def reopen_if_unlogged(entry) -> None:
    """Before an entry is deleted: the plan it told the outcome of is open again when no
    other entry tells it (a plan marked done by hand, with no entry, is left alone)."""
    if entry.plan_id is None:
        return
    others = (select(ExperimentEntry.id)
              .where(ExperimentEntry.plan_id == entry.plan_id, ExperimentEntry.id != entry.id)
              .exists())
    db.session.execute(
        update(Plan)
        .where(Plan.id == entry.plan_id, Plan.status == DONE, ~others)
        .values(status=ACTIVE, done_at=None, updated_at=utcnow())
    )


def get_plan_or_404(user_id: int, plan_id: int) -> Plan:
    """One of the leader's own plans; anyone else's id answers 404."""
    return get_mine_or_404(Plan, user_id, plan_id)


def plan_for_lesson_or_404(user_id: int, lesson_id: str, raw_id: object) -> Plan:
    """The leader's plan a URL or form names for this lesson; a bad, foreign or other
    lesson's id answers 404."""
    plan_id = parse_int(raw_id)
    if plan_id is None:
        abort(404)
    plan = get_plan_or_404(user_id, plan_id)
    if plan.lesson_id != lesson_id:
        abort(404)
    return plan


def active_plans(user_id: int, lesson_id: str | None = None) -> list[Plan]:
    """The leader's active plans (of one lesson, when given), soonest first."""
    return list(db.session.scalars(_active_plans(lesson_id is not None),
                                   {"user_id": user_id, "lesson_id": lesson_id}))


@cache
def _active_plans(of_a_lesson: bool):
    """Built once (every leader's course home runs one): active plans, soonest first."""
    query = mine(Plan, bindparam("user_id")).where(Plan.status == ACTIVE)
    if of_a_lesson:
        query = query.where(Plan.lesson_id == bindparam("lesson_id"))
    return query.order_by(Plan.due_on, Plan.due_time.nulls_last(), Plan.id)


def has_active_plans_column(user_id, lesson_id):
    """Whether the leader has an active plan for a lesson, as a column (EXISTS) for the
    lesson page's one statement: the plans themselves are read only when there are some."""
    return (
        select(Plan.id)
        .where(Plan.user_id == user_id, Plan.lesson_id == lesson_id, Plan.status == ACTIVE)
        .exists()
    )


def is_due(plan: Plan, on: date) -> bool:
    """Whether the plan waits for its check-in on `on` (the one rule, in Python)."""
    return plan.status == ACTIVE and plan.checkin_sent_on is None and plan.due_on <= on


def due_for_checkin(user_ids: list[int], on: date) -> list[Plan]:
    """Every plan of these leaders that waits for its check-in on `on`: one query."""
    if not user_ids:
        return []
    return list(db.session.scalars(
        select(Plan)
        .where(Plan.user_id.in_(user_ids), Plan.status == ACTIVE,
               Plan.checkin_sent_on.is_(None), Plan.due_on <= on)
        .order_by(Plan.user_id, Plan.due_on, Plan.due_time.nulls_last(), Plan.id)
    ))


def mark_checkins_sent(plan_ids: list[int], on: date) -> None:
    """Record that these plans' check-ins went out on `on` (not again until moved)."""
    if plan_ids:
        db.session.execute(
            update(Plan)
            .where(Plan.id.in_(plan_ids), Plan.checkin_sent_on.is_(None))
            .values(checkin_sent_on=on)
        )


def missed_checkins(user_ids: list[int], on: date) -> dict[int, int]:
    """Per leader, the active plans whose check-in was sent (or whose date passed)
    MISSED_AFTER_DAYS or more days before `on` with nothing logged; leaders with none are
    left out. One query."""
    if not user_ids:
        return {}
    cutoff = on - timedelta(days=MISSED_AFTER_DAYS)
    asked_on = func.coalesce(Plan.checkin_sent_on, Plan.due_on)
    rows = db.session.execute(
        select(Plan.user_id, func.count(Plan.id))
        .where(Plan.user_id.in_(user_ids), Plan.status == ACTIVE,
               asked_on <= cutoff)
        .group_by(Plan.user_id)
    ).all()
    return {user_id: count for user_id, count in rows}


def checkin_path(plan: Plan) -> str:
    """Where "How did it go?" leads: the lesson's log form, or the plan's own page."""
    if plan.lesson_id:
        return f"/lessons/{plan.lesson_id}?plan={plan.id}#log"
    return f"/plans/{plan.id}"
