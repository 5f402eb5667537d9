"""The second step of signing in for facilitators and admins (COURSE_REQUIRE_2FA).

After a right password the browser holds only a short-lived "pending" mark in its
signed session, no server-side session: nothing else can be reached until the second
factor is given (a TOTP code, a recovery code or a passkey) or, for someone who has none
yet, an authenticator app is set up.
"""

from __future__ import annotations

import time

from flask import current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from course.auth import bp
from course.auth.forms import PASSKEY_NEEDS_BROWSER, SecondFactorForm, TotpConfirmForm
from course.auth.passkey_views import challenge_binding, json_response, read_credential
from course.extensions import db, limiter
from course.models import User
from course.navigation import home_url, safe_next_url
from course.passkeys.passkeys import PasskeyError, authenticate_passkey, authentication_options
from course.passkeys.passkeys import list_passkeys as passkeys_of
from course.passkeys.second_factor import (
    confirm_totp,
    has_second_factor,
    has_totp,
    pending_totp_secret,
    qr_svg,
    start_totp,
    use_recovery_code,
    verify_totp,
)
from course.sessions import start_session

PENDING_KEY = "pending_2fa"
PENDING_SECONDS = 10 * 60  # the password step is good for ten minutes


def begin_second_factor(user: User, keep: bool, next_url: str | None):
    """After a right password: remember who is halfway in, and ask for the second step."""
    session.clear()
    session[PENDING_KEY] = {"uid": user.id, "until": int(time.time()) + PENDING_SECONDS,
                            "keep": bool(keep), "next": safe_next_url(next_url)}
    if has_second_factor(user.id):
        return redirect(url_for("auth.second_factor"))
    if pending_totp_secret(user.id) is None:
        start_totp(user)
    db.session.commit()
    return redirect(url_for("auth.second_factor_setup"))


def _pending() -> tuple[User | None, dict]:
    mark = session.get(PENDING_KEY)
    if not isinstance(mark, dict) or mark.get("until", 0) < time.time():
        return None, {}
    user = db.session.get(User, mark.get("uid"))
    return (user if user is not None and user.active else None), mark


def _finish(user: User, mark: dict):
    """Both factors given: start the real session."""
    start_session(user, keep=mark.get("keep", False))
    db.session.commit()
    return redirect(mark.get("next") or home_url(user))


def _expired():
    session.pop(PENDING_KEY, None)
    return redirect(url_for("auth.login"))


def _pending_key() -> str:
    """The account whose codes are being tried: the pending one, else the signed-in one."""
    mark = session.get(PENDING_KEY)
    if isinstance(mark, dict):
        return f"second-factor:{mark.get('uid')}"
    return f"second-factor:{current_user.id if current_user.is_authenticated else 'none'}"


def _limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def code_attempts(view):
    """Budgets on guessing codes, like passwords': per account and per address."""
    view = limiter.shared_limit(_limit, scope="second-factor-account", key_func=_pending_key,
                                methods=["POST"])(view)
    return limiter.shared_limit(_limit, scope="second-factor-address", methods=["POST"])(view)


@bp.route("/login/second-factor", methods=["GET", "POST"])
@code_attempts
def second_factor():
    """Ask for the code from the app, a recovery code, or a passkey."""
    user, mark = _pending()
    if user is None:
        return _expired()
    form = SecondFactorForm()
    if form.validate_on_submit():
        code = form.code.data.strip()
        if verify_totp(user, code) or use_recovery_code(user, code):
            return _finish(user, mark)
        db.session.commit()
        form.code.errors.append("That code did not work. Type the newest code from your app "
                                "(each code works once), or an unused recovery code.")
    return render_template("auth/second_factor.html", form=form, has_app=has_totp(user.id),
                           has_passkey=bool(passkeys_of(user.id)))


@bp.post("/login/second-factor/passkey/options")
@code_attempts
def second_factor_passkey_options():
    """Options for the pending account's own passkeys."""
    user, _ = _pending()
    if user is None:
        return {"error": "Please sign in again.", "status": "signed-out"}, 401
    options = authentication_options(challenge_binding(), user)
    db.session.commit()
    return json_response(options)


@bp.post("/login/second-factor/passkey")
@code_attempts
def second_factor_passkey():
    """A passkey of the pending account completes the sign-in."""
    user, mark = _pending()
    if user is None:
        return _expired()
    credential = read_credential(request.form.get("credential"))
    error = PASSKEY_NEEDS_BROWSER
    if credential is not None:
        try:
            authenticate_passkey(credential, challenge_binding(), user)
        except PasskeyError as failure:
            error = str(failure)
        else:
            return _finish(user, mark)
    db.session.commit()
    return render_template("auth/second_factor.html", form=SecondFactorForm(formdata=None),
                           has_app=has_totp(user.id), has_passkey=True,
                           passkey_error=error), 400


@bp.route("/login/second-factor/setup", methods=["GET", "POST"])
@code_attempts
def second_factor_setup():
    """First sign-in without a second factor: set up an authenticator app now."""
    user, mark = _pending()
    if user is None:
        return _expired()
    if has_second_factor(user.id):
        return redirect(url_for("auth.second_factor"))
    form = TotpConfirmForm()
    if form.validate_on_submit():
        codes = confirm_totp(user, form.code.data)
        if codes is not None:
            start_session(user, keep=mark.get("keep", False))
            db.session.commit()
            return render_template("auth/recovery_codes.html", codes=codes,
                                   next_url=mark.get("next") or home_url(user))
        form.code.errors.append("That code did not match. Check that the app shows Clearing "
                                "and type the newest code.")
    secret = pending_totp_secret(user.id)
    if secret is None:  # replaced by a newer sign-in: start again from the password
        return _expired()
    return render_template("auth/totp_setup.html", form=form, secret=secret,
                           qr=qr_svg(user, secret), during_sign_in=True)
