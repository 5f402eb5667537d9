"""Password policy and hashing."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 12
MAX_LENGTH = 128


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower case."""
    text = resources.files("course").joinpath("data/common-passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Return why a new password is not acceptable, or None when it is."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters; a short phrase of several words works well."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    lowered = password.lower()
    common = common_passwords()
    # Common words padded with digits or symbols ("password123456") are just as guessable.
    stripped = re.sub(r"[\W\d_]+$", "", re.sub(r"^[\W\d_]+", "", lowered))
    if lowered in common or stripped in common or not stripped:
        return "That password is on a list of commonly used passwords; choose another."
    if len(set(lowered)) < 5:
        return "That password repeats too few characters; choose something less predictable."
    local_part = email.split("@")[0].lower()
    if len(local_part) >= 4 and local_part in lowered:
        return "Don't build your password from your email address."
    for word in name.lower().split():
        if len(word) >= 4 and word in lowered and len(lowered) - len(word) < 8:
            return "Don't build your password from your name."
    return None


def hash_password(password: str, method: str = "scrypt") -> str:
    """Hash a password with scrypt."""
    return generate_password_hash(password, method=method)


def verify_password(password_hash: str, password: str) -> bool:
    """Check a password against its hash."""
    return check_password_hash(password_hash, password)
