"""What the lesson page's Try section needs about plans: the leader's active plans for the
lesson, the plan form (with its errors and the text being corrected) and the plan the log
form offers to log against (the one a check-in link names, else the first one due).
"""

from __future__ import annotations

from datetime import date, timedelta

from course.plans.checkins import when_label
from course.plans.models import DONE
from course.plans.plans import (
    MAX_DAYS_AHEAD,
    MAX_IF_THEN_LENGTH,
    PlanError,
    active_plans,
    parse_date,
    parse_time,
    plan_for_lesson_or_404,
    today_for,
)

# The plan form's fields: the rules' name -> the input's id (the error summary links to it).
PLAN_FIELDS = {"date": "plan-date", "time": "plan-time", "if_then": "plan-if-then",
               None: "plan-date"}
MOVE_FIELDS = {"date": "move-date", "time": "move-time", None: "move-date"}


def shown_values(values: dict) -> tuple[dict, dict]:
    """What a form being corrected shows, and each input's type: a day or time that can be
    read is shown as the picker writes it; one that cannot stays as typed, in a text box
    (a date or time input may hold only a valid value)."""
    shown, kinds = dict(values), {"date": "date", "time": "time"}
    for name, read, written in (("date", parse_date, date.isoformat),
                                ("time", parse_time, lambda t: t.strftime("%H:%M"))):
        raw = (values.get(name) or "").strip()
        if not raw:
            continue
        try:
            value = read(raw)
        except PlanError:
            kinds[name] = "text"
            continue
        shown[name] = written(value) if value is not None else ""
    return shown, kinds


def error_items(errors: dict, fields: dict) -> list[tuple[str, str]]:
    """The error summary's (field id, message) pairs, in the form's order."""
    return [(fields.get(field, fields[None]), message) for field, message in errors.items()]


def date_bounds(today) -> dict:
    """The date picker's min and max: the same bounds the rules check."""
    return {"min": today.isoformat(), "max": (today + timedelta(days=MAX_DAYS_AHEAD)).isoformat()}


def _offer(plans, today, log_plan, user_id, lesson_id, entry_values):
    """(the plan the log form offers, a note when the named plan is no longer active)."""
    if log_plan is not None:  # a check-in link: ?plan=<id>
        plan = plan_for_lesson_or_404(user_id, lesson_id, log_plan)
        if plan.active:
            return plan, None
        if plan.status == DONE:
            return None, "You have already logged how this plan went. You can add another entry."
        return None, "You dropped this plan. You can still log what you did."
    offered = entry_values.get("plan_offered")
    if offered:  # the log form being corrected: the same offer as before
        return next((plan for plan in plans if str(plan.id) == offered), None), None
    return next((plan for plan in plans if plan.due_on <= today), None), None


def lesson_plans(user, lesson, *, has_plans=True, errors=None, values=None, log_plan=None,
                 entry_values=None) -> dict:
    """The Try section's plans, plan form and log-form offer (the plans are read only when
    the lesson's standing says there are some)."""
    today = today_for(user)
    plans = active_plans(user.id, lesson.id) if has_plans else []
    entry_values = entry_values or {}
    offered, note = _offer(plans, today, log_plan, user.id, lesson.id, entry_values)
    # Ticked unless the leader unticked it on a form being corrected.
    checked = "plan_offered" not in entry_values or "plan_id" in entry_values
    log_date = ""
    if offered is not None and log_plan is not None and offered.due_on <= today:
        log_date = offered.due_on.isoformat()  # the day planned, as the check-in asks
    return {
        "active": [{"plan": plan, "when": when_label(plan, today),
                    "due": plan.due_on <= today} for plan in plans],
        "errors": errors or {},
        "error_items": error_items(errors or {}, PLAN_FIELDS),
        "values": shown_values(values or {})[0],
        "kinds": shown_values(values or {})[1],
        "offered": offered,
        "offered_when": when_label(offered, today) if offered else "",
        "checked": checked,
        "note": note,
        "from_checkin": log_plan is not None,
        "log_date": log_date,
        "bounds": date_bounds(today),
        "max_if_then": MAX_IF_THEN_LENGTH,
    }
