"""Facilitator views of cohorts: the home list, a cohort's page, naming and archiving."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for
from flask_login import current_user

from course.cohorts.cohorts import CohortError
from course.cohorts.management import rename_cohort, set_archived, start_cohort
from course.extensions import db
from course.facilitate import bp
from course.facilitate.cohort_pages import count_of, put_error, render_cohort, render_home
from course.facilitate.forms import CohortNameForm, ConfirmForm


@bp.get("/")
def cohorts():
    """The cohorts this facilitator runs (every cohort for an admin)."""
    return render_home()


@bp.post("/cohorts")
def create_cohort():
    """Create a cohort run by the person creating it."""
    form = CohortNameForm()
    if form.validate_on_submit():
        try:
            cohort = start_cohort(form.name.data, current_user)
        except CohortError as error:
            db.session.rollback()
            put_error(form, error, "name")
        else:
            db.session.commit()
            flash(f"Cohort “{cohort.name}” created. Invite its leaders below.", "success")
            return redirect(url_for("facilitate.cohort", cohort_id=cohort.id))
    return render_home(form, status=422)


@bp.get("/cohorts/<int:cohort_id>")
def cohort():
    """One cohort: its numbers, invitations, leaders and settings."""
    return render_cohort(g.cohort)


@bp.post("/cohorts/<int:cohort_id>/name")
def rename():
    """Give the cohort a new name."""
    found = g.cohort
    form = CohortNameForm()
    if form.validate_on_submit():
        try:
            rename_cohort(found, form.name.data)
        except CohortError as error:
            db.session.rollback()
            put_error(form, error, "name")
        else:
            db.session.commit()
            flash(f"The cohort is now called “{found.name}”.", "success")
            return redirect(url_for("facilitate.cohort", cohort_id=found.id))
    return render_cohort(found, rename_form=form, status=422)


@bp.route("/cohorts/<int:cohort_id>/archive", methods=["GET", "POST"])
def archive():
    """Archive a cohort, after a confirm step."""
    return _confirm_archive(archived=True)


@bp.route("/cohorts/<int:cohort_id>/restore", methods=["GET", "POST"])
def restore():
    """Bring an archived cohort back, after a confirm step."""
    return _confirm_archive(archived=False)


def _confirm_archive(*, archived: bool):
    found = g.cohort
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
