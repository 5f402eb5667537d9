"""Passkey rules: options, registration, sign-in, listing and removal.

The relying party is COURSE_BASE_URL's host and its origin, never the request's Host.
Every ceremony consumes a challenge row: single use, bound to the browser's session
(`binding`, a hash the caller derives from its signed cookie) and gone after a few minutes.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import delete, select
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url, parse_client_data_json
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from course.access import mine
from course.extensions import db
from course.models import User, utcnow
from course.passkeys.models import Passkey, PasskeyChallenge

CHALLENGE_LIFETIME = timedelta(minutes=5)
REGISTER, SIGN_IN = "register", "sign-in"


class PasskeyError(ValueError):
    """A ceremony failed; the message is fit to show the person."""


def relying_party() -> tuple[str, str]:
    """(RP ID, expected origin), both from COURSE_BASE_URL."""
    parts = urlsplit(current_app.config["COURSE_BASE_URL"])
    return parts.hostname or "", f"{parts.scheme}://{parts.netloc}"


def user_handle(user_id: int) -> bytes:
    """The opaque WebAuthn user handle of an account (no email, no name)."""
    return hashlib.sha256(f"clearing-passkey-user:{user_id}".encode()).digest()[:16]


def _store_challenge(challenge: bytes, purpose: str, binding: str, user_id: int | None) -> None:
    now = utcnow()
    db.session.execute(delete(PasskeyChallenge).where(PasskeyChallenge.expires_at < now))
    db.session.add(PasskeyChallenge(challenge=bytes_to_base64url(challenge), purpose=purpose,
                                    binding=binding, user_id=user_id,
                                    expires_at=now + CHALLENGE_LIFETIME))
    db.session.flush()


def _consume_challenge(credential: dict, purpose: str, binding: str,
                       user_id: int | None) -> bytes:
    """Delete the challenge the browser signed and return it, if it was this session's."""
    try:
        client_data = parse_client_data_json(
            base64url_to_bytes(credential["response"]["clientDataJSON"]))
    except (KeyError, TypeError, ValueError, WebAuthnException) as exc:
        raise PasskeyError("The browser's answer could not be read. Please try again.") from exc
    text = bytes_to_base64url(client_data.challenge)
    row = db.session.scalar(select(PasskeyChallenge).where(
        PasskeyChallenge.challenge == text, PasskeyChallenge.purpose == purpose))
    if row is not None:
        db.session.delete(row)  # single use, whatever happens next
        db.session.flush()
    if (row is None or row.binding != binding or row.user_id != user_id
            or row.expires_at < utcnow()):
        raise PasskeyError("That passkey request has expired. Please try again.")
    return client_data.challenge


def list_passkeys(user_id: int) -> list[Passkey]:
    """A user's passkeys, oldest first."""
    return list(db.session.scalars(mine(Passkey, user_id).order_by(Passkey.id)))


def registration_options(user: User, binding: str) -> str:
    """JSON options for navigator.credentials.create(): a discoverable credential."""
    rp_id, _ = relying_party()
    options = generate_registration_options(
        rp_id=rp_id, rp_name="Clearing", user_name=user.email, user_display_name=user.name,
        user_id=user_handle(user.id),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.PREFERRED),
        exclude_credentials=[PublicKeyCredentialDescriptor(id=base64url_to_bytes(p.credential_id))
                             for p in list_passkeys(user.id)],
    )
    _store_challenge(options.challenge, REGISTER, binding, user.id)
    return options_to_json(options)


def _transports(raw) -> str:
    known = {t.value for t in AuthenticatorTransport}
    return ",".join(t for t in (raw or []) if t in known)[:200]


def register_passkey(user: User, credential: dict, name: str, binding: str) -> Passkey:
    """Verify a new credential for the user and keep it under a name they chose."""
    challenge = _consume_challenge(credential, REGISTER, binding, user.id)
    rp_id, origin = relying_party()
    try:
        verified = verify_registration_response(
            credential=credential, expected_challenge=challenge, expected_rp_id=rp_id,
            expected_origin=origin)
    except (WebAuthnException, KeyError, TypeError, ValueError) as exc:
        raise PasskeyError("The passkey could not be checked. Please try again.") from exc
    credential_id = bytes_to_base64url(verified.credential_id)
    if db.session.scalar(select(Passkey.id).where(Passkey.credential_id == credential_id)):
        raise PasskeyError("That passkey is already added.")
    passkey = Passkey(user_id=user.id, credential_id=credential_id,
                      public_key=verified.credential_public_key,
                      sign_count=verified.sign_count, name=" ".join(name.split())[:60],
                      transports=_transports(credential.get("response", {}).get("transports")))
    db.session.add(passkey)
    db.session.flush()
    return passkey


def authentication_options(binding: str, user: User | None = None) -> str:
    """JSON options for navigator.credentials.get(); with no user, any discoverable one."""
    rp_id, _ = relying_party()
    allow = None
    if user is not None:
        allow = [PublicKeyCredentialDescriptor(id=base64url_to_bytes(p.credential_id))
                 for p in list_passkeys(user.id)]
    options = generate_authentication_options(
        rp_id=rp_id, allow_credentials=allow,
        user_verification=UserVerificationRequirement.PREFERRED)
    _store_challenge(options.challenge, SIGN_IN, binding, user.id if user else None)
    return options_to_json(options)


def authenticate_passkey(credential: dict, binding: str,
                         user: User | None = None) -> tuple[User, bool]:
    """Check a signed challenge; return the active account and whether the person was verified
    on the device (PIN, fingerprint or face), which makes the passkey two factors in one."""
    challenge = _consume_challenge(credential, SIGN_IN, binding, user.id if user else None)
    refused = PasskeyError("That passkey is not known here. Sign in with your password, "
                           "then add a passkey in Account.")
    passkey = db.session.scalar(select(Passkey).where(
        Passkey.credential_id == str(credential.get("id", ""))[:1400]))
    if passkey is None or (user is not None and passkey.user_id != user.id):
        raise refused
    handle = credential.get("response", {}).get("userHandle")
    if handle and base64url_to_bytes(handle) != user_handle(passkey.user_id):
        raise refused
    rp_id, origin = relying_party()
    try:
        verified = verify_authentication_response(
            credential=credential, expected_challenge=challenge, expected_rp_id=rp_id,
            expected_origin=origin, credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count)
    except (WebAuthnException, KeyError, TypeError, ValueError) as exc:
        raise PasskeyError("The passkey could not be checked. Please try again.") from exc
    account = db.session.get(User, passkey.user_id)
    if account is None or not account.active:
        raise refused
    passkey.sign_count = verified.new_sign_count
    passkey.last_used_at = utcnow()
    db.session.flush()
    return account, verified.user_verified


def remove_passkey(passkey: Passkey) -> None:
    """Forget a passkey (the caller loaded it through the owner's scope)."""
    db.session.delete(passkey)
    db.session.flush()
