"""Passkey views: add, list and remove them in Account; sign in with one.

The ceremony itself runs in static/js/passkeys.js (navigator.credentials); these views
hand out options, then take the browser's answer through an ordinary form post.
"""

from __future__ import annotations

import json

from flask import Response, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from course.access import get_mine_or_404
from course.auth import bp
from course.auth.forms import PASSKEY_NEEDS_BROWSER, LoginForm, PasskeyForm, PasskeySignInForm
from course.extensions import db, limiter
from course.navigation import home_url, safe_next_url
from course.passkeys.models import Passkey
from course.passkeys.passkeys import (
    PasskeyError,
    authenticate_passkey,
    authentication_options,
    list_passkeys,
    register_passkey,
    registration_options,
    remove_passkey,
)
from course.passkeys.second_factor import second_factor_required
from course.sessions import start_session
from course.tokens import hash_token, new_token

BINDING_KEY = "webauthn"


def challenge_binding() -> str:
    """A value tied to this browser's signed session; a challenge is only good here."""
    if BINDING_KEY not in session:
        session[BINDING_KEY] = new_token()
    return hash_token(session[BINDING_KEY])


def read_credential(raw: str | None) -> dict | None:
    """The browser's PublicKeyCredential as JSON, or None when absent or unreadable."""
    try:
        value = json.loads(raw or "")
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def json_response(text: str) -> Response:
    """Options as JSON, never cached."""
    return Response(text, mimetype="application/json", headers={"Cache-Control": "no-store"})


def _limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.post("/account/passkeys/options")
@login_required
def passkey_registration_options():
    """Options for making a new passkey on this device."""
    options = registration_options(current_user, challenge_binding())
    db.session.commit()
    return json_response(options)


@bp.route("/account/passkeys", methods=["GET", "POST"])
@login_required
def passkeys():
    """List my passkeys and add one."""
    form = PasskeyForm()
    if form.validate_on_submit():
        credential = read_credential(form.credential.data)
        if credential is None:
            form.name.errors.append(PASSKEY_NEEDS_BROWSER)
        else:
            try:
                passkey = register_passkey(current_user, credential, form.name.data,
                                           challenge_binding())
            except PasskeyError as error:
                db.session.commit()  # the challenge stays used up
                form.name.errors.append(str(error))
            else:
                db.session.commit()
                flash(f"Passkey \u201c{passkey.name}\u201d added. You can sign in with it now.",
                      "success")
                return redirect(url_for("auth.passkeys"))
    return render_template("auth/passkeys.html", form=form,
                           passkeys=list_passkeys(current_user.id))


@bp.post("/account/passkeys/<int:passkey_id>/remove")
@login_required
def remove_passkey_view(passkey_id: int):
    """Remove one of my passkeys; anyone else's is 404."""
    passkey = get_mine_or_404(Passkey, current_user.id, passkey_id)
    name = passkey.name
    remove_passkey(passkey)
    db.session.commit()
    flash(f"Passkey \u201c{name}\u201d removed. Remove it from your device's settings too.",
          "info")
    return redirect(url_for("auth.passkeys"))


@bp.post("/login/passkey/options")
@limiter.shared_limit(_limit, scope="passkey-address")
def passkey_sign_in_options():
    """Options for signing in with any passkey this device holds for Clearing."""
    options = authentication_options(challenge_binding())
    db.session.commit()
    return json_response(options)


@bp.post("/login/passkey")
@limiter.shared_limit(_limit, scope="passkey-address")
def passkey_sign_in():
    """Sign in with a passkey: no email needed, the passkey names the account."""
    if current_user.is_authenticated:
        return redirect(home_url(current_user))
    form = PasskeySignInForm()
    error = PASSKEY_NEEDS_BROWSER
    credential = read_credential(form.credential.data) if form.validate_on_submit() else None
    if credential is not None:
        try:
            user, verified = authenticate_passkey(credential, challenge_binding())
        except PasskeyError as failure:
            error = str(failure)
        else:
            if verified or not second_factor_required(user):
                return finish_passkey_sign_in(user, request.args.get("next"))
            # A passkey counts as both factors only when the device checked it was you.
            error = ("This passkey did not check it was you (fingerprint, face or PIN). "
                     "Sign in with your password and your code instead.")
    db.session.commit()  # a used challenge stays used
    return render_template("auth/login.html", form=LoginForm(formdata=None),
                           passkey_form=form, passkey_error=error), 400


def finish_passkey_sign_in(user, next_url: str | None):
    """Start the session of someone who signed in with a passkey."""
    start_session(user)
    db.session.commit()
    return redirect(safe_next_url(next_url) or home_url(user))
