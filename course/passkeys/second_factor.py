"""The second factor of facilitators and admins: TOTP, recovery codes, and the rule.

They read what leaders share, so when COURSE_REQUIRE_2FA is on a password alone does not
let them in: they also give a code from an authenticator app, a recovery code, or sign in
with a passkey that verified them on the device (which counts as both factors).
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime

import pyotp
import segno
from flask import current_app
from sqlalchemy import delete, func, select, update

from course.extensions import db
from course.models import User, utcnow
from course.passkeys.models import Passkey, RecoveryCode, TotpSecret
from course.tokens import hash_token

RECOVERY_CODES = 10
ISSUER = "Clearing"


def second_factor_required(user: User) -> bool:
    """Whether this account must give a second factor (the setting, and its role)."""
    return bool(current_app.config["COURSE_REQUIRE_2FA"]) and user.is_facilitator


def _confirmed_totp(user_id: int) -> TotpSecret | None:
    return db.session.scalar(select(TotpSecret).where(
        TotpSecret.user_id == user_id, TotpSecret.confirmed_at.is_not(None)))


def has_totp(user_id: int) -> bool:
    """Whether an authenticator app is set up and confirmed."""
    return _confirmed_totp(user_id) is not None


def has_second_factor(user_id: int) -> bool:
    """An authenticator app or a passkey."""
    passkeys = db.session.scalar(select(func.count(Passkey.id)).where(Passkey.user_id == user_id))
    return bool(passkeys) or has_totp(user_id)


def recovery_codes_left(user_id: int) -> int:
    """How many unused recovery codes the person holds."""
    return db.session.scalar(select(func.count(RecoveryCode.id)).where(
        RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None)))


def start_totp(user: User) -> str:
    """A fresh unconfirmed secret for the person's app (replaces an unconfirmed one)."""
    db.session.execute(delete(TotpSecret).where(
        TotpSecret.user_id == user.id, TotpSecret.confirmed_at.is_(None)))
    secret = pyotp.random_base32()
    db.session.add(TotpSecret(user_id=user.id, secret=secret))
    db.session.flush()
    return secret


def pending_totp_secret(user_id: int) -> str | None:
    """The secret being set up, if any."""
    return db.session.scalar(select(TotpSecret.secret).where(
        TotpSecret.user_id == user_id, TotpSecret.confirmed_at.is_(None)))


def qr_svg(user: User, secret: str) -> str:
    """The otpauth:// QR code as inline SVG, made on the server (no script, no CDN)."""
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    return segno.make(uri, error="m").svg_inline(scale=4, title="QR code for your app")


def _matched_step(secret: str, code: str) -> int | None:
    """The time step a code belongs to, within one step either side (pyotp's clock)."""
    code = "".join(code.split())
    totp = pyotp.TOTP(secret)
    if not (code.isascii() and code.isdigit() and totp.verify(code, valid_window=1)):
        return None
    step = totp.timecode(datetime.now())
    for candidate in (step, step - 1, step + 1):
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def _accept_step(row_id: int, step: int) -> bool:
    """Record the step unless it (or a later one) was used: race-safe, one winner."""
    result = db.session.execute(
        update(TotpSecret).where(TotpSecret.id == row_id)
        .where((TotpSecret.last_used_step.is_(None)) | (TotpSecret.last_used_step < step))
        .values(last_used_step=step))
    return result.rowcount == 1


def confirm_totp(user: User, code: str) -> list[str] | None:
    """Confirm the app with its first code; return new recovery codes, or None if wrong."""
    row = db.session.scalar(select(TotpSecret).where(
        TotpSecret.user_id == user.id, TotpSecret.confirmed_at.is_(None)))
    step = _matched_step(row.secret, code) if row else None
    if step is None or not _accept_step(row.id, step):
        return None
    db.session.execute(delete(TotpSecret).where(
        TotpSecret.user_id == user.id, TotpSecret.id != row.id))
    row.confirmed_at = utcnow()
    db.session.flush()
    return new_recovery_codes(user)


def verify_totp(user: User, code: str) -> bool:
    """A right code from the confirmed app, not used before."""
    row = _confirmed_totp(user.id)
    step = _matched_step(row.secret, code) if row else None
    return step is not None and _accept_step(row.id, step)


def _normalise(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def new_recovery_codes(user: User) -> list[str]:
    """Ten new single-use codes (the old ones stop working); shown once, kept hashed."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = secrets.token_hex(5)  # 40 bits, read and typed as xxxxx-xxxxx
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=hash_token(raw)))
    db.session.flush()
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    """Spend a recovery code: true once, false ever after (race-safe)."""
    result = db.session.execute(
        update(RecoveryCode).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None),
            RecoveryCode.code_hash == hash_token(_normalise(code)[:64]))
        .values(used_at=utcnow()))
    return result.rowcount == 1
