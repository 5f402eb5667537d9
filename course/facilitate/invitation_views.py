"""Facilitator views of invitations: shareable links, revoking, and inviting by email."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for
from flask_login import current_user

from course.cohorts.cohorts import CohortError, invitation_url, revoke_invitation
from course.cohorts.inviting import invite_by_email
from course.cohorts.management import create_invitation_link
from course.cohorts.scoping import get_invitation_or_404
from course.extensions import db
from course.facilitate import bp
from course.facilitate.cohort_pages import count_of, put_error, refuse_archived, render_cohort
from course.facilitate.forms import EmailInviteForm, InvitationLinkForm


@bp.post("/cohorts/<int:cohort_id>/invitations")
def create_link():
    """Create a shareable link and show its address, this once (only its hash is kept)."""
    cohort = g.cohort
    if cohort.archived_at is not None:
        return refuse_archived(cohort)
    form = InvitationLinkForm()
    if form.validate_on_submit():
        try:
            invitation, token = create_invitation_link(
                cohort, current_user, expires_on=form.expires_on.data,
                max_uses=form.max_uses.data,
            )
        except CohortError as error:
            db.session.rollback()
            put_error(form, error, "expires_on")
        else:
            db.session.commit()
            return render_template("facilitate/invitation_created.html", cohort=cohort,
                                   invitation=invitation, url=invitation_url(token))
    return render_cohort(cohort, link_form=form, status=422)


@bp.post("/cohorts/<int:cohort_id>/invitations/<int:invitation_id>/revoke")
def revoke_link(invitation_id: int):
    """Withdraw an invitation; it stops working at once."""
    cohort = g.cohort
    invitation = get_invitation_or_404(current_user, cohort, invitation_id)
    revoke_invitation(invitation)  # CSRF was checked globally; revoking twice is harmless
    db.session.commit()
    flash("The invitation was revoked: it no longer works.", "success")
    return redirect(url_for("facilitate.cohort", cohort_id=cohort.id, _anchor="invitations"))


@bp.post("/cohorts/<int:cohort_id>/invitations/email")
def invite_emails():
    """Email each pasted address its own link; keep what could not be used in the box."""
    cohort = g.cohort
    if cohort.archived_at is not None:
        return refuse_archived(cohort)
    form = EmailInviteForm()
    if form.validate_on_submit():
        try:
            report = invite_by_email(current_user, cohort, form.emails.data)
        except CohortError as error:
            db.session.rollback()
            put_error(form, error, "emails")
        else:
            db.session.commit()
            lines = report_messages(report)
            if not report.leftover:
                for n, line in enumerate(lines):
                    flash(line, "info" if n else "success")
                return redirect(url_for("facilitate.cohort", cohort_id=cohort.id,
                                        _anchor="invite-emails"))
            form = EmailInviteForm(formdata=None, data={"emails": "\n".join(report.leftover)})
            form.emails.errors = list(leftover_errors(report))
            return render_cohort(cohort, email_form=form, report=lines, status=422)
    return render_cohort(cohort, email_form=form, status=422)


def report_messages(report) -> list[str]:
    """One line per outcome, for the page after sending."""
    lines = [f"Invitations sent to {count_of(len(report.sent), 'address', 'addresses')}."]
    if report.members:
        lines.append(f"Already in this cohort, so not invited again: {listed(report.members)}.")
    if report.duplicates:
        lines.append(f"{count_of(report.duplicates, 'repeated entry', 'repeated entries')} "
                     "left out: each address is invited once.")
    return lines


def listed(addresses: list[str], shown: int = 10) -> str:
    """A few addresses, then how many more: flashed lines ride in the size-capped cookie."""
    text = ", ".join(addresses[:shown])
    return text + (f" and {len(addresses) - shown:,} more" if len(addresses) > shown else "")


def leftover_errors(report):
    """What to say about the entries left in the box."""
    if report.invalid:
        yield "Not valid email addresses, so nobody was invited: " + ", ".join(
            report.invalid) + ". Correct them here and send again."
    if report.failed:
        yield "The email could not be sent to: " + ", ".join(report.failed) + \
            ". Try these again later."
