"""Limits on guessing passwords, shared by every form that checks one.

Three budgets, each `LOGIN_RATE_LIMIT` (OWASP "Slow down online guessing attacks with
device cookies"):

- per address: every attempt from one IP address, whatever account it names;
- per account: attempts on one account from browsers that have not signed in to it
  before, so a guesser spread over many addresses is still slowed down;
- per known device: a browser that signed in to the account before carries a signed
  device token and is exempt from the per-account budget (an attacker cannot lock the
  real leader out), but has a budget of its own, so a stolen token buys no free guesses.

The sign-in form, the rescue sign-in of a reflection and the change-password form share
the same counters (Flask-Limiter shared limits with one scope each).
"""

from __future__ import annotations

import hashlib
import secrets

from flask import Response, current_app, request
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

from course.extensions import limiter

DEVICE_COOKIE_AGE = 365 * 24 * 3600
MAX_ACCOUNTS_PER_DEVICE = 5  # a shared family tablet; the oldest falls off
SALT = "clearing-device-cookie"


def _cookie_name() -> str:
    # __Host- outside local development, like the session cookie.
    return "clearing_device" if current_app.config["COURSE_ENV"] in (
        "development", "testing") else "__Host-clearing_device"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def account_digest(email: str) -> str:
    """A short keyed digest of an email address, so the cookie names no one in clear."""
    key = current_app.secret_key.encode()
    return hashlib.blake2b(email.strip().lower().encode(), key=key[:64], digest_size=12).hexdigest()


def _device_entries() -> list[list[str]]:
    raw = request.cookies.get(_cookie_name())
    if not raw:
        return []
    try:
        entries = _serializer().loads(raw, max_age=DEVICE_COOKIE_AGE)
    except BadSignature:
        return []
    if not isinstance(entries, list):
        return []
    return [entry for entry in entries if isinstance(entry, list) and len(entry) == 2]


def _claimed_email() -> str:
    """The account a password is being tried for: the form's email, else the signed-in one."""
    email = request.form.get("email", "")
    if not email and current_user.is_authenticated:
        email = current_user.email
    return email.strip().lower()[:254]


def _device_nonce() -> str | None:
    """The nonce of this browser's token for the claimed account, if it carries one."""
    digest = account_digest(_claimed_email())
    return next((nonce for account, nonce in _device_entries() if account == digest), None)


def _known_device() -> bool:
    return _device_nonce() is not None


def _account_key() -> str:
    return "password-account:" + account_digest(_claimed_email())


def _device_key() -> str:
    return "password-device:" + (_device_nonce() or "none")


def _limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def password_attempts(view):
    """Apply the three shared budgets to a view that checks a password (POST only)."""
    view = limiter.shared_limit(
        _limit, scope="password-device", key_func=_device_key,
        exempt_when=lambda: not _known_device(), methods=["POST"],
    )(view)
    view = limiter.shared_limit(
        _limit, scope="password-account", key_func=_account_key, exempt_when=_known_device,
        methods=["POST"],
    )(view)
    return limiter.shared_limit(_limit, scope="password-address", methods=["POST"])(view)


def remember_device(response: Response, email: str) -> Response:
    """After a successful password sign-in: mark this browser as known for the account."""
    digest = account_digest(email)
    entries = [entry for entry in _device_entries() if entry[0] != digest]
    entries.append([digest, secrets.token_urlsafe(12)])
    response.set_cookie(
        _cookie_name(), _serializer().dumps(entries[-MAX_ACCOUNTS_PER_DEVICE:]),
        max_age=DEVICE_COOKIE_AGE, path="/", secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True, samesite="Lax",
    )
    return response
