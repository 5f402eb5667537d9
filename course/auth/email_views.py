"""Account -> Email, and the unsubscribe link every stoppable email carries.

    GET, POST /account/email                      email_settings
    POST      /account/email/links                revoke_unsubscribe_links
    GET, POST /email/unsubscribe/<token>          unsubscribe   (POST: RFC 8058 one-click)
    POST      /email/unsubscribe/<token>/undo     unsubscribe_undo
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from course.auth import bp
from course.digests.settings import (
    CADENCES,
    WEEKDAYS,
    prefs_for,
    read_form,
    revoke_links,
    turn_off,
    undo_values,
)
from course.digests.settings import change as change_settings
from course.digests.unsubscribe import read_token
from course.extensions import csrf, db


def _render(prefs, *, problems=(), values=None, status=200):
    return render_template(
        "auth/email_settings.html", prefs=prefs, values=values or {}, cadences=CADENCES,
        weekdays=WEEKDAYS, errors=[(problem.field, str(problem)) for problem in problems],
        problems={problem.field: str(problem) for problem in problems},
    ), status


@bp.route("/account/email", methods=["GET", "POST"])
@login_required
def email_settings():
    """Which emails come, how often and on which day; each kind can be turned off."""
    prefs = prefs_for(current_user.id)
    if request.method == "GET":
        return _render(prefs)
    values, problems = read_form(request.form, leader=current_user.is_leader,
                                 facilitator=current_user.is_facilitator)
    if problems:
        return _render(prefs, problems=problems, values=request.form, status=400)
    change_settings(current_user.id, **values)
    db.session.commit()
    flash("Your email settings are saved.", "success")
    return redirect(url_for("auth.email_settings")), 303


@bp.post("/account/email/links")
@login_required
def revoke_unsubscribe_links():
    """Make the unsubscribe links in emails already sent stop working (a forwarded email)."""
    revoke_links(current_user.id)
    db.session.commit()
    flash("The unsubscribe links in emails already sent no longer work. "
          "New emails carry new ones.", "success")
    return redirect(url_for("auth.email_settings", _anchor="links")), 303


def _link_or_404(token: str):
    found = read_token(token)
    if found is None:
        abort(404)
    return found


@bp.route("/email/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: the mail client POSTs with no session; the signed token decides
def unsubscribe(token: str):
    """GET asks (a mail scanner following links must not unsubscribe anyone); POST turns
    the link's kinds off at once, from a mail client's one-click or the page's button."""
    link = _link_or_404(token)
    if request.method == "GET":
        return render_template("auth/unsubscribe.html", link=link, token=token, state="ask")
    undo = turn_off(link.user.id, link.kinds)
    db.session.commit()
    return render_template("auth/unsubscribe.html", link=link, token=token, state="done",
                           undo=undo)


@bp.post("/email/unsubscribe/<token>/undo")
def unsubscribe_undo(token: str):
    """Put back what the link turned off (the Undo button on the page it landed on)."""
    link = _link_or_404(token)
    values = undo_values(request.form, link.kinds)
    if values:
        change_settings(link.user.id, **values)
        db.session.commit()
    return render_template("auth/unsubscribe.html", link=link, token=token, state="undone")
