"""Facilitator views of cohorts: the home list, a cohort's page, naming and archiving."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from course.access import facilitator_required
from course.accounts import AccountError
from course.cohorts.management import rename_cohort, set_archived, start_cohort
from course.cohorts.scoping import get_cohort_or_404
from course.extensions import db
from course.facilitate import bp
from course.facilitate.cohort_pages import count_of, put_error, render_cohort, render_home
from course.facilitate.forms import CohortNameForm, ConfirmForm


@bp.get("/")
@facilitator_required
def cohorts():
    """The cohorts this facilitator runs (every cohort for an admin)."""
    return render_home()


@bp.post("/cohorts")
@facilitator_required
def create_cohort():
    """Create a cohort run by the person creating it."""
    form = CohortNameForm()
    if form.validate_on_submit():
        try:
            cohort = start_cohort(form.name.data, current_user)
        except AccountError as error:
            db.session.rollback()
            put_error(form, error, "name")
        else:
            db.session.commit()
            flash(f"Cohort “{cohort.name}” created. Invite its leaders below.", "success")
            return redirect(url_for("facilitate.cohort", cohort_id=cohort.id))
    return render_home(form, status=422)


@bp.get("/cohorts/<int:cohort_id>")
@facilitator_required
def cohort(cohort_id: int):
    """One cohort: its numbers, invitations, leaders and settings."""
    return render_cohort(get_cohort_or_404(current_user, cohort_id))


@bp.post("/cohorts/<int:cohort_id>/name")
@facilitator_required
def rename(cohort_id: int):
    """Give the cohort a new name."""
    found = get_cohort_or_404(current_user, cohort_id)
    form = CohortNameForm()
    if form.validate_on_submit():
        try:
            rename_cohort(found, form.name.data)
        except AccountError as error:
            db.session.rollback()
            put_error(form, error, "name")
        else:
            db.session.commit()
            flash(f"The cohort is now called “{found.name}”.", "success")
            return redirect(url_for("facilitate.cohort", cohort_id=found.id))
    return render_cohort(found, rename_form=form, status=422)


@bp.route("/cohorts/<int:cohort_id>/archive", methods=["GET", "POST"])
@facilitator_required
def archive(cohort_id: int):
    """Archive a cohort, after a confirm step."""
    return _confirm_archive(cohort_id, archived=True)


@bp.route("/cohorts/<int:cohort_id>/restore", methods=["GET", "POST"])
@facilitator_required
def restore(cohort_id: int):
    """Bring an archived cohort back, after a confirm step."""
    return _confirm_archive(cohort_id, archived=False)


def _confirm_archive(cohort_id: int, *, archived: bool):
    found = get_cohort_or_404(current_user, cohort_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        revoked = set_archived(found, archived)
        db.session.commit()
        if not archived:
            flash(f"“{found.name}” is back among your cohorts.", "success")
        elif revoked:
            flash(f"“{found.name}” is archived; "
                  f"{count_of(revoked, 'invitation', 'invitations')} that still worked "
                  "revoked.", "success")
        else:
            flash(f"“{found.name}” is archived.", "success")
        return redirect(url_for("facilitate.cohort", cohort_id=found.id))
    return render_template(
        "facilitate/confirm_archive.html", cohort=found, archived=archived, form=form
    )
