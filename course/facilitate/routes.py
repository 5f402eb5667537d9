"""Facilitator views."""

from flask import render_template
from flask_login import current_user

from course.access import facilitator_required
from course.facilitate import bp
from course.scoping import cohorts_for, leader_counts


@bp.get("/")
@facilitator_required
def cohorts():
    """The cohorts this facilitator runs (every cohort for an admin)."""
    mine = cohorts_for(current_user)
    counts = leader_counts([cohort.id for cohort in mine])
    return render_template("facilitate/cohorts.html", cohorts=mine, counts=counts)
