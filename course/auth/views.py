"""Views for signing in and out, registering by invitation and resetting a password."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from course.accounts import (
    AccountError,
    authenticate,
    change_password,
    complete_password_reset,
    find_password_reset,
    start_password_reset,
)
from course.auth import bp
from course.auth.forms import (
    ChangePasswordForm,
    ForgotForm,
    LoginForm,
    PasskeySignInForm,
    RegisterForm,
    ResetForm,
)
from course.auth.second_factor_views import begin_second_factor
from course.auth.throttle import password_attempts, remember_device
from course.cohorts.cohorts import CohortError, find_invitation, redeem_invitation
from course.extensions import db, limiter
from course.links import public_url
from course.mail import send_mail
from course.navigation import home_url, safe_next_url
from course.passkeys.second_factor import second_factor_required
from course.sessions import end_session, start_session


def _reset_limit() -> str:
    return current_app.config["RESET_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@password_attempts
def login():
    """Sign in; known and unknown emails get the same answer."""
    if current_user.is_authenticated:
        return redirect(home_url(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            if second_factor_required(user):
                response = begin_second_factor(user, form.remember.data, request.args.get("next"))
                return remember_device(response, user.email)
            start_session(user, keep=form.remember.data)
            db.session.commit()
            return remember_device(
                redirect(safe_next_url(request.args.get("next")) or home_url(user)), user.email
            )
        form.password.errors.append("That email and password do not match an active account.")
    return render_template("auth/login.html", form=form, passkey_form=PasskeySignInForm())


@bp.post("/logout")
def logout():
    """End this session on the server; a copied cookie stops working too."""
    # CSRF is checked globally; signing out twice is harmless.
    end_session()
    db.session.commit()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/invite/<token>", methods=["GET", "POST"])
def register(token: str):
    """Create a leader account through a cohort's invitation link."""
    invitation = find_invitation(token)
    if invitation is None:
        return render_template("auth/invitation_invalid.html"), 404
    if current_user.is_authenticated:
        flash("You are already signed in. Sign out first to use another invitation.", "info")
        return redirect(home_url(current_user))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = redeem_invitation(
                token, email=form.email.data, name=form.name.data, password=form.password.data
            )
        except (AccountError, CohortError) as error:
            db.session.rollback()
            getattr(form, error.field or "email").errors.append(str(error))
        else:
            start_session(user)
            db.session.commit()
            flash(f"Welcome to Clearing, {user.name}.", "success")
            return redirect(home_url(user))
    return render_template("auth/register.html", form=form, cohort=invitation.cohort)


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def forgot():
    """Send a reset link if the account exists; say the same thing either way."""
    form = ForgotForm()
    if form.validate_on_submit():
        token = start_password_reset(form.email.data)
        if token:
            link = public_url("auth.reset", token=token)
            send_mail(form.email.data.strip(), "Reset your Clearing password",
                      render_template("email/reset.txt", link=link))
        db.session.commit()
        return render_template("auth/forgot_sent.html", email=form.email.data)
    return render_template("auth/forgot.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    """Choose a new password from an emailed link (single use, expiring)."""
    if find_password_reset(token) is None:
        return render_template("auth/reset_invalid.html"), 404
    form = ResetForm()
    if form.validate_on_submit():
        try:
            user = complete_password_reset(token, form.password.data)
        except AccountError as error:
            db.session.rollback()
            form.password.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"Your password has been changed, {user.name}. Sign in with it now.", "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@password_attempts
def password():
    """Change the password; every other session of the account ends."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            change_password(current_user, form.current_password.data, form.password.data)
        except AccountError as error:
            db.session.rollback()
            getattr(form, error.field or "password").errors.append(str(error))
        else:
            db.session.commit()
            flash("Your password has been changed. Other devices have been signed out.", "success")
            return redirect(home_url(current_user))
    return render_template("auth/password.html", form=form)
