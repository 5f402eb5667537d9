"""The two pages most actions land back on: the facilitator home and a cohort's page."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from course.accounts import AccountError
from course.cohorts.cohorts import ARCHIVED, CohortError
from course.cohorts.models import ACTIVE, Cohort
from course.cohorts.scoping import (
    assignable_facilitators,
    cohort_facilitators,
    cohort_leaders,
    cohorts_for,
    invitations_for,
)
from course.facilitate.forms import (
    AssignFacilitatorForm,
    CohortNameForm,
    EmailInviteForm,
    InvitationLinkForm,
)
from course.models import utcnow
from course.progress.overview import CohortSummary, summarise_cohorts


def lesson_ids() -> list[str]:
    """The ids of the lessons in the catalog loaded at start-up."""
    return list(current_app.extensions["catalog"].lessons)


def render_home(create_form: CohortNameForm | None = None, status: int = 200):
    """The viewer's cohorts with their numbers; archived ones apart."""
    cohorts = cohorts_for(current_user, include_archived=True)
    ids = [cohort.id for cohort in cohorts]
    return render_template(
        "facilitate/cohorts.html",
        current=[cohort for cohort in cohorts if cohort.archived_at is None],
        archived=[cohort for cohort in cohorts if cohort.archived_at is not None],
        summaries=summarise_cohorts(current_user, ids, lesson_ids(), utcnow()),
        facilitators=cohort_facilitators(current_user, ids),
        empty=CohortSummary(),
        form=create_form or CohortNameForm(formdata=None),
    ), status


def assign_form(cohort: Cohort, **kwargs) -> AssignFacilitatorForm:
    """The admin's 'add a facilitator' form, its choices from the scoped candidates."""
    form = AssignFacilitatorForm(**kwargs)
    people = [(user.id, f"{user.name} ({user.email})")
              for user in assignable_facilitators(current_user, cohort)]
    # A required select starts on an empty choice, so nobody is added by accident.
    form.facilitator.choices = [("", "Choose a facilitator")] + people if people else []
    return form


def render_cohort(cohort: Cohort, *, status: int = 200, report=None, **forms):
    """A cohort's page; a form passed in (with its errors) replaces the blank one."""
    now = utcnow()
    blank = {
        "rename_form": lambda: CohortNameForm(formdata=None, data={"name": cohort.name}),
        "link_form": lambda: InvitationLinkForm(formdata=None),
        "email_form": lambda: EmailInviteForm(formdata=None),
        "assign_form": lambda: assign_form(cohort, formdata=None),
    }
    for name, make in blank.items():
        if forms.get(name) is None:
            forms[name] = make()
    invitations = [
        (invitation, invitation.status(now))
        for invitation in invitations_for(current_user, cohort)
    ]
    invitations.sort(key=lambda item: item[1] != ACTIVE)  # working links first, newest first
    summary = summarise_cohorts(current_user, [cohort.id], lesson_ids(), now)
    return render_template(
        "facilitate/cohort.html",
        cohort=cohort,
        summary=summary.get(cohort.id, CohortSummary()),
        links=[item for item in invitations if item[0].max_uses > 1],
        single_use=[item for item in invitations if item[0].max_uses == 1],
        leaders=cohort_leaders(current_user, cohort),
        facilitators=cohort_facilitators(current_user, [cohort.id]).get(cohort.id, []),
        report=report,
        now=now,
        **forms,
    ), status


def refuse_archived(cohort: Cohort):
    """Send the viewer back to an archived cohort's page, saying why nothing happened."""
    flash(ARCHIVED, "error")
    return redirect(url_for("facilitate.cohort", cohort_id=cohort.id))


def count_of(n: int, one: str, many: str) -> str:
    """'1 address', '3 addresses'."""
    return f"{n:,} {one if n == 1 else many}"


def put_error(form, error: AccountError | CohortError, default: str) -> None:
    """Show a service's error on the field it names (or a default field)."""
    getattr(form, error.field if error.field in form else default).errors.append(str(error))
