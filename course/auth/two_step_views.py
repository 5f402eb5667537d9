"""Two-step sign-in in Account: set up an authenticator app, make new recovery codes."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user, login_required

from course.auth import bp
from course.auth.forms import TotpConfirmForm
from course.auth.second_factor_views import code_attempts
from course.extensions import db
from course.passkeys.passkeys import list_passkeys
from course.passkeys.second_factor import (
    confirm_totp,
    has_totp,
    new_recovery_codes,
    pending_totp_secret,
    qr_svg,
    recovery_codes_left,
    second_factor_required,
    start_totp,
)


@bp.get("/account/two-step")
@login_required
def two_step():
    """What protects my sign-in besides the password."""
    return render_template(
        "auth/two_step.html", has_app=has_totp(current_user.id),
        codes_left=recovery_codes_left(current_user.id),
        passkeys=len(list_passkeys(current_user.id)),
        required=second_factor_required(current_user))


@bp.post("/account/two-step/app")
@login_required
def two_step_start():
    """Make a new secret for an authenticator app (the current one works until confirmed)."""
    start_totp(current_user)
    db.session.commit()
    return redirect(url_for("auth.two_step_setup"))


@bp.route("/account/two-step/app/confirm", methods=["GET", "POST"])
@login_required
@code_attempts
def two_step_setup():
    """Scan the code, type the app's code; then the recovery codes are shown once."""
    secret = pending_totp_secret(current_user.id)
    if secret is None:
        return redirect(url_for("auth.two_step"))
    form = TotpConfirmForm()
    if form.validate_on_submit():
        codes = confirm_totp(current_user, form.code.data)
        if codes is not None:
            db.session.commit()
            return render_template("auth/recovery_codes.html", codes=codes,
                                   next_url=url_for("auth.two_step"))
        db.session.commit()
        form.code.errors.append("That code did not match. Check that the app shows Clearing "
                                "and type the newest code.")
    return render_template("auth/totp_setup.html", form=form, secret=secret,
                           qr=qr_svg(current_user, secret), during_sign_in=False)


@bp.post("/account/two-step/recovery-codes")
@login_required
def two_step_recovery_codes():
    """Ten new recovery codes; the old ones stop working."""
    if not has_totp(current_user.id):
        return redirect(url_for("auth.two_step"))
    codes = new_recovery_codes(current_user)
    db.session.commit()
    return render_template("auth/recovery_codes.html", codes=codes,
                           next_url=url_for("auth.two_step"))
