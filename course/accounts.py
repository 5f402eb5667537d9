"""Account rules shared by the web and the CLI: users, passwords, resets."""

from __future__ import annotations

from functools import cache

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import delete, func, select

from course.extensions import db
from course.models import PasswordReset, Role, User, utcnow
from course.passwords import hash_password, password_problem, verify_password
from course.sessions import end_all_sessions, end_other_sessions
from course.tokens import hash_token, new_token


class AccountError(ValueError):
    """A rule about accounts was broken; the message is fit to show the person."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def normalise_email(raw: str) -> str:
    """Return the address trimmed and lower-cased, or raise AccountError when invalid."""
    try:
        result = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise AccountError(f"That email address is not valid: {exc}", "email") from exc
    return result.normalized.lower()


def find_user_by_email(email: str) -> User | None:
    """Look a user up by email, ignoring case."""
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def create_user(email: str, name: str, role: Role | str, password: str) -> User:
    """Create an account after checking the email, name and password rules."""
    email = normalise_email(email)
    name = " ".join(name.split())
    if not name:
        raise AccountError("Enter a name.", "name")
    if len(name) > 120:
        raise AccountError("Use at most 120 characters for the name.", "name")
    try:
        role = Role(role)
    except ValueError as exc:
        raise AccountError("Role must be leader, facilitator or admin.", "role") from exc
    if find_user_by_email(email) is not None:
        raise AccountError("An account with that email address already exists.", "email")
    problem = password_problem(password, email=email, name=name)
    if problem:
        raise AccountError(problem, "password")
    user = User(email=email, name=name, role=role, password_hash=_hash(password))
    db.session.add(user)
    db.session.flush()
    return user


@cache
def _dummy_hash() -> str:
    return hash_password("not a real password, only spends the same time")


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with these credentials; take as long for unknown emails."""
    user = find_user_by_email(email)
    if user is None:
        verify_password(_dummy_hash(), password)
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    return user


def set_password(user: User, new_password: str) -> None:
    """Change a password: end the user's other sessions and kill their reset links."""
    problem = password_problem(new_password, email=user.email, name=user.name)
    if problem:
        raise AccountError(problem, "password")
    user.password_hash = _hash(new_password)
    user.password_changed_at = utcnow()
    db.session.execute(delete(PasswordReset).where(PasswordReset.user_id == user.id))
    end_other_sessions(user)


def change_password(user: User, current: str, new_password: str) -> None:
    """Change a password after checking the current one."""
    if not verify_password(user.password_hash, current):
        raise AccountError("Your current password is not right.", "current_password")
    set_password(user, new_password)


def start_password_reset(email: str) -> str | None:
    """Create a reset token for an active account; None for anyone else (same response)."""
    try:
        user = find_user_by_email(normalise_email(email))
    except AccountError:
        return None
    if user is None or not user.active:
        return None
    token = new_token()
    lifetime = current_app.config["PASSWORD_RESET_LIFETIME"]
    db.session.add(
        PasswordReset(user_id=user.id, token_hash=hash_token(token), expires_at=utcnow() + lifetime)
    )
    db.session.flush()
    return token


def find_password_reset(token: str) -> PasswordReset | None:
    """Return the reset row for a token while it is unused and unexpired."""
    reset = db.session.scalar(
        select(PasswordReset).where(PasswordReset.token_hash == hash_token(token))
    )
    if reset is None or reset.used_at is not None or reset.expires_at <= utcnow():
        return None
    return reset


def complete_password_reset(token: str, new_password: str) -> User:
    """Set a new password from a reset link; the link and every session die."""
    reset = find_password_reset(token)
    if reset is None:
        raise AccountError("This reset link has expired or was already used.")
    user = db.session.get(User, reset.user_id)
    set_password(user, new_password)  # deletes every reset row of the user
    end_all_sessions(user.id)
    return user


def set_active(user: User, active: bool) -> None:
    """Deactivate or reactivate an account; deactivation ends its sessions at once."""
    user.active = active
    if not active:
        end_all_sessions(user.id)


def count_users() -> int:
    """How many accounts exist."""
    return db.session.scalar(select(func.count(User.id)))


def _hash(password: str) -> str:
    return hash_password(password, current_app.config["PASSWORD_HASH_METHOD"])
