"""A leader's plans: make one on a lesson's Try section, see it, move it, drop it, mark it
done. Logging how it went is the lesson's log form (work_views.add_experiment), reached
from a check-in's "How did it go?" with ?plan=<id>.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from course.access import leader_required
from course.extensions import csrf, db
from course.learn import bp
from course.learn.lesson_views import catalog, lesson_or_404, render_lesson
from course.learn.plan_forms import MOVE_FIELDS, date_bounds, error_items, shown_values
from course.learn.work_views import _csrf_ok
from course.plans.checkins import plan_title, when_label
from course.plans.plans import (
    MAX_IF_THEN_LENGTH,
    PlanError,
    PlanInvalid,
    checkin_path,
    create_plan,
    drop_plan,
    get_plan_or_404,
    mark_done,
    move_plan,
    read_plan_form,
    today_for,
)

EXPIRED = "This form had expired, so your plan was not saved. Check it and save it again."


@bp.app_template_filter("first_upper")
def first_upper(text: str) -> str:
    """A label at the start of a line: "tomorrow" -> "Tomorrow", "Thu 3 Dec" kept as it is
    (Jinja's capitalize would lower the month)."""
    return text[:1].upper() + text[1:]


def _back(plan) -> str:
    """Where a plan's page leads back to: its lesson's Try section, else the course home."""
    if plan.lesson_id and plan.lesson_id in catalog().lessons:
        return url_for("learn.lesson", lesson_id=plan.lesson_id, _anchor="plan-heading")
    return url_for("learn.home")


@bp.post("/lessons/<lesson_id>/plans")
@leader_required
@csrf.exempt  # checked below, so an expired form keeps the if-then line on screen
def add_plan(lesson_id: str):
    """Plan when to try the lesson's experiment; a refusal keeps what was typed."""
    lesson = lesson_or_404(lesson_id)
    if lesson.try_this is None:
        abort(404)
    values = {key: request.form.get(key, "") for key in ("date", "time", "if_then")}
    if not _csrf_ok():
        return render_lesson(lesson, status=400, plan_errors={None: EXPIRED},
                             plan_values=values)
    today = today_for(current_user)
    try:
        due_on, due_time, if_then = read_plan_form(values["date"], values["time"],
                                                   values["if_then"], today)
        plan = create_plan(current_user.id, lesson_id=lesson.id, what=lesson.try_this.title,
                           due_on=due_on, due_time=due_time, if_then=if_then,
                           form_key=request.form.get("form_key"), today=today)
    except PlanInvalid as error:
        db.session.rollback()
        return render_lesson(lesson, status=400, plan_errors=error.errors, plan_values=values)
    except PlanError as error:
        db.session.rollback()
        return render_lesson(lesson, status=400, plan_errors={error.field: str(error)},
                             plan_values=values)
    db.session.commit()
    flash(f"Plan saved for {when_label(plan, today)}. On the day, your course home will ask "
          "how it went.", "success")
    return redirect(url_for("learn.lesson", lesson_id=lesson.id, _anchor="plan-heading"))


def _render_plan(plan, *, status=200, errors=None, values=None):
    today = today_for(current_user)
    shown, kinds = shown_values(values or {
        "date": max(plan.due_on, today).isoformat(),  # a past day cannot be kept
        "time": plan.due_time.strftime("%H:%M") if plan.due_time else ""})
    return render_template(
        "learn/plan.html", plan=plan, title=plan_title(plan, catalog()),
        lesson=catalog().lessons.get(plan.lesson_id) if plan.lesson_id else None,
        when=when_label(plan, today), due=plan.due_on <= today, checkin=checkin_path(plan),
        back=_back(plan), errors=errors or {}, error_items=error_items(errors or {}, MOVE_FIELDS),
        values=shown, kinds=kinds,
        bounds=date_bounds(today), max_if_then=MAX_IF_THEN_LENGTH,
    ), status


@bp.get("/plans/<int:plan_id>")
@leader_required
def plan(plan_id: int):
    """One plan: what, when and the if-then line; move it, drop it or say how it went."""
    return _render_plan(get_plan_or_404(current_user.id, plan_id))


@bp.post("/plans/<int:plan_id>/move")
@leader_required
def move_plan_view(plan_id: int):
    """A new date (and time); the check-in is asked again on the new date."""
    found = get_plan_or_404(current_user.id, plan_id)
    values = {key: request.form.get(key, "") for key in ("date", "time")}
    today = today_for(current_user)
    try:
        due_on, due_time, _ = read_plan_form(values["date"], values["time"], None, today,
                                             with_if_then=False)
        move_plan(found, due_on, due_time, today)
    except PlanInvalid as error:
        db.session.rollback()
        return _render_plan(found, status=400, errors=error.errors, values=values)
    except PlanError as error:
        db.session.rollback()
        return _render_plan(found, status=400, errors={error.field: str(error)}, values=values)
    db.session.commit()
    flash(f"Plan moved to {when_label(found, today)}.", "success")
    return redirect(_back(found))


@bp.route("/plans/<int:plan_id>/drop", methods=["GET", "POST"])
@leader_required
def drop_plan_view(plan_id: int):
    """Ask first; drop the plan on Drop (its check-in is not sent; entries stay)."""
    found = get_plan_or_404(current_user.id, plan_id)
    if request.method == "GET" or request.form.get("confirm") != "yes":
        return render_template("learn/plan_drop.html", plan=found,
                               title=plan_title(found, catalog()),
                               when=when_label(found, today_for(current_user)),
                               back=url_for("learn.plan", plan_id=found.id))
    try:
        drop_plan(found)
    except PlanError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("learn.plan", plan_id=found.id))
    db.session.commit()
    flash("Plan dropped. No check-in will be sent for it.", "info")
    return redirect(_back(found))


@bp.post("/plans/<int:plan_id>/done")
@leader_required
def plan_done(plan_id: int):
    """Mark a plan done without logging an entry."""
    found = get_plan_or_404(current_user.id, plan_id)
    mark_done(found)
    db.session.commit()
    flash("Plan marked as done.", "success")
    return redirect(_back(found))
