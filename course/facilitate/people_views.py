"""Facilitator views of people: deactivating leaders, and (admins) assigning facilitators."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for
from flask_login import current_user

from course.access import requires
from course.accounts import set_active
from course.cohorts.cohorts import CohortError
from course.cohorts.management import assign_facilitator, unassign_facilitator
from course.cohorts.scoping import (
    get_cohort_facilitator_or_404,
    get_cohort_leader_or_404,
)
from course.extensions import db
from course.facilitate import bp
from course.facilitate.cohort_pages import assign_form, put_error, render_cohort
from course.facilitate.forms import ConfirmForm
from course.models import Role


@bp.route("/cohorts/<int:cohort_id>/leaders/<int:leader_id>/deactivate",
          methods=["GET", "POST"])
def deactivate_leader(leader_id: int):
    """Deactivate a leader's account, after a confirm step; their sessions end at once."""
    return _confirm_active(leader_id, active=False)


@bp.route("/cohorts/<int:cohort_id>/leaders/<int:leader_id>/reactivate",
          methods=["GET", "POST"])
def reactivate_leader(leader_id: int):
    """Let a deactivated leader sign in again, after a confirm step."""
    return _confirm_active(leader_id, active=True)


def _confirm_active(leader_id: int, *, active: bool):
    cohort = g.cohort
    leader = get_cohort_leader_or_404(current_user, cohort, leader_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        set_active(leader, active)
        db.session.commit()
        flash(f"{leader.name} can sign in again." if active
              else f"{leader.name} is deactivated and has been signed out everywhere.",
              "success")
        return redirect(url_for("facilitate.cohort", cohort_id=cohort.id, _anchor="leaders"))
    return render_template("facilitate/confirm_leader.html", cohort=cohort, leader=leader,
                           active=active, form=form)


@bp.post("/cohorts/<int:cohort_id>/facilitators")
@requires(Role.ADMIN)
def add_facilitator():
    """Let another facilitator or admin run this cohort."""
    cohort = g.cohort
    form = assign_form(cohort)
    if form.validate_on_submit():
        try:
            chosen = assign_facilitator(cohort, form.facilitator.data)
        except CohortError as error:
            db.session.rollback()
            put_error(form, error, "facilitator")
        else:
            db.session.commit()
            flash(f"{chosen.name} now runs this cohort too.", "success")
            return redirect(url_for("facilitate.cohort", cohort_id=cohort.id,
                                    _anchor="facilitators"))
    return render_cohort(cohort, assign_form=form, status=422)


@bp.post("/cohorts/<int:cohort_id>/facilitators/<int:facilitator_id>/remove")
@requires(Role.ADMIN)
def remove_facilitator(facilitator_id: int):
    """Take a facilitator off this cohort (never the last one)."""
    cohort = g.cohort
    membership = get_cohort_facilitator_or_404(current_user, cohort, facilitator_id)
    name = membership.user.name
    try:
        unassign_facilitator(cohort, membership)
    except CohortError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(f"{name} no longer runs this cohort.", "success")
    return redirect(url_for("facilitate.cohort", cohort_id=cohort.id, _anchor="facilitators"))
