"""Check-ins: "How did it go?" on the course home, and in the leader's email.

The home card lists the leader's due (today or overdue) and upcoming plans. The email
section names the lesson and the date only: never the if-then line or a set's
commitment, which are the leader's own words.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from course.digests.sections import Item
from course.plans.models import Plan
from course.plans.plans import (
    active_plans,
    checkin_path,
    due_for_checkin,
    mark_checkins_sent,
    today_for,
)

UPCOMING_SHOWN = 5  # the card stays short; the lesson pages show every plan


def day_label(day: date, today: date) -> str:
    """A plan's date as people say it: "today", "tomorrow", "yesterday" or "Tue 3 Dec"
    (with the year when it is not this year's)."""
    gap = (day - today).days
    if gap in (-1, 0, 1):
        return ("yesterday", "today", "tomorrow")[gap + 1]
    return day.strftime("%a %-d %b" if day.year == today.year else "%a %-d %b %Y")


def when_label(plan: Plan, today: date) -> str:
    """The plan's date and, when it has one, its time: "Tue 3 Dec at 14:00"."""
    label = day_label(plan.due_on, today)
    return f"{label} at {plan.due_time.strftime('%H:%M')}" if plan.due_time else label


def plan_title(plan: Plan, catalog) -> str:
    """What the plan is about on the leader's own pages: the lesson's title, else `what`."""
    lesson = catalog.lessons.get(plan.lesson_id) if plan.lesson_id else None
    return lesson.title if lesson else plan.what


def home_card(user, catalog) -> dict | None:
    """The course home's "Check-ins" card: due plans first, then the next few."""
    if not user.is_leader:
        return None
    plans = active_plans(user.id)
    if not plans:
        return None
    today = today_for(user)

    def row(plan: Plan) -> dict:
        return {"plan": plan, "title": plan_title(plan, catalog), "when": when_label(plan, today),
                "path": checkin_path(plan), "overdue": plan.due_on < today}

    due = [row(plan) for plan in plans if plan.due_on <= today]
    later = [plan for plan in plans if plan.due_on > today]
    return {"due": due, "upcoming": [row(plan) for plan in later[:UPCOMING_SHOWN]],
            "more": max(0, len(later) - UPCOMING_SHOWN)}


def _email_date(plan: Plan, on: date) -> str:
    day = plan.due_on.strftime("%a %-d %b" if plan.due_on.year == on.year else "%a %-d %b %Y")
    return f"{day}, {plan.due_time.strftime('%H:%M')}" if plan.due_time else day


def checkin_text(plan: Plan, catalog, on: date) -> str:
    """An email line: the lesson's title (from the course, not the leader) and the date."""
    lesson = catalog.lessons.get(plan.lesson_id) if plan.lesson_id else None
    if lesson is None:  # a set's commitment is the leader's words: it stays out
        return f"How did it go? Your plan was for {_email_date(plan, on)}"
    return f"How did it go? Your plan for ‘{lesson.title}’ was for {_email_date(plan, on)}"


def checkins_section(user_ids: list[int], on: date, catalog) -> dict[int, list[Item]]:
    """The "checkins" email section for a batch of leaders: one query for them all."""
    items: dict[int, list[Item]] = defaultdict(list)
    for plan in due_for_checkin(user_ids, on):
        items[plan.user_id].append(
            Item(text=checkin_text(plan, catalog, on), path=checkin_path(plan), ref=plan.id))
    return dict(items)


def ack_checkins(items: list[Item], on: date) -> None:
    """The check-ins were sent: each plan's is not sent again (unless the plan moves)."""
    mark_checkins_sent([item.ref for item in items if isinstance(item.ref, int)], on)
