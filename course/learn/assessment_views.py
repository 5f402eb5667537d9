"""The before and after self-assessment and the "My growth" page (leaders only)."""

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

__all__ = ["assessment_status", "needs_before_assessment"]  # called by the course home

STAGE = f"<any({BEFORE}, {AFTER}):stage>"


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
    try:
        save_assessment(current_user.id, stage, read_levels(page.questions, request.form))
    except InvalidLevels as invalid:
        chosen = submitted_choices(page.questions, request.form)
        return _render_form(page, invalid.errors, chosen, status=400)
    db.session.commit()
    flash(f"Your {stage} self-assessment is saved.", "success")
    return redirect(url_for("learn.growth"))


@bp.post(f"/assessment/{STAGE}/skip", endpoint="skip_assessment")
@leader_required
def skip(stage: str):
    """Not now: note the skip so it is not offered again by itself; answers are kept."""
    _page_or_404(stage)
    skip_assessment(current_user.id, stage)
    db.session.commit()
    flash("Skipped for now. You can take the self-assessment at any time from My growth.", "info")
    return redirect(url_for("learn.home"))


@bp.get("/growth")
@leader_required
def growth():
    """My growth: before against after per dimension, as a chart and as a table."""
    report = growth_report(current_user.id, current_app.extensions["catalog"])
    return render_template("learn/growth.html", report=report)
