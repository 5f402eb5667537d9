"""The first session (welcome, starting self-assessment, lesson 1), the closing
self-assessment and the "My growth" page (leaders only)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from course.access import leader_required
from course.extensions import db
from course.learn import bp
from course.self_assessment.assessment import (
    AFTER,
    BEFORE,
    InvalidLevels,
    assessment_page,
    assessment_status,
    dimension_name,
    growth_report,
    legend_html,
    needs_before_assessment,
    read_levels,
    save_assessment,
    skip_assessment,
    submitted_choices,
)
from course.welcome.welcome import (
    build_welcome,
    first_lesson_id,
    mark_welcome_seen,
    needs_welcome,
)

# called by the course home
__all__ = ["assessment_status", "needs_before_assessment", "needs_welcome"]

STAGE = f"<any({BEFORE}, {AFTER}):stage>"


def _after_first_steps():
    """Where the first session goes next: the first lesson (the course home if none)."""
    lesson_id = first_lesson_id(current_app.extensions["catalog"])
    if lesson_id is None:
        return redirect(url_for("learn.home"))
    return redirect(url_for("learn.lesson", lesson_id=lesson_id))


@bp.get("/welcome")
@leader_required
def welcome():
    """The first-session welcome: cohort, facilitators, time, privacy and the four kinds."""
    facts = build_welcome(current_user.id, current_app.extensions["catalog"])
    return render_template("learn/welcome.html", welcome=facts,
                           starts_with_assessment=needs_before_assessment(current_user.id))


@bp.post("/welcome")
@leader_required
def welcome_done():
    """Moving on: the welcome is not shown again; next the starting self-assessment."""
    mark_welcome_seen(current_user)
    db.session.commit()
    if needs_before_assessment(current_user.id):
        return redirect(url_for("learn.assessment", stage=BEFORE))
    return _after_first_steps()


def _page_or_404(stage: str):
    page = assessment_page(current_user.id, stage, current_app.extensions["catalog"])
    if page is None:
        abort(404)  # the course has no self-assessment
    return page


def _render_form(page, errors=None, chosen=None, status=200):
    return render_template(
        "learn/assessment.html", page=page, errors=errors or {},
        chosen=page.chosen if chosen is None else chosen,
        legend_html=legend_html, dimension_name=dimension_name,
    ), status


@bp.route(f"/assessment/{STAGE}", methods=["GET", "POST"])
@leader_required
def assessment(stage: str):
    """Show the six dimensions; save the leader's levels (all six needed)."""
    page = _page_or_404(stage)
    if request.method == "GET":
        return _render_form(page)
    first_time = assessment_status(current_user.id)[stage] is None
    try:
        save_assessment(current_user.id, stage, read_levels(page.questions, request.form))
    except InvalidLevels as invalid:
        chosen = submitted_choices(page.questions, request.form)
        return _render_form(page, invalid.errors, chosen, status=400)
    mark_welcome_seen(current_user)  # reached by a link, the welcome's work is done
    db.session.commit()
    flash(f"Your {stage} self-assessment is saved.", "success")
    if stage == BEFORE and first_time:
        return _after_first_steps()  # the starting point is saved: now the course
    return redirect(url_for("learn.growth"))


@bp.post(f"/assessment/{STAGE}/skip", endpoint="skip_assessment")
@leader_required
def skip(stage: str):
    """Not now: note the skip so it is not offered again by itself; answers are kept."""
    _page_or_404(stage)
    first_time = assessment_status(current_user.id)[stage] is None
    skip_assessment(current_user.id, stage)
    mark_welcome_seen(current_user)
    db.session.commit()
    flash("Skipped for now. You can take the self-assessment at any time from My growth.", "info")
    if stage == BEFORE and first_time:
        return _after_first_steps()
    return redirect(url_for("learn.home"))


@bp.get("/growth")
@leader_required
def growth():
    """My growth: before against after per dimension, as a chart and as a table."""
    report = growth_report(current_user.id, current_app.extensions["catalog"])
    return render_template("learn/growth.html", report=report)
