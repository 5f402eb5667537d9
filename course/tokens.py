"""Random tokens for links and sessions: only their hashes are stored."""

import hashlib
import secrets


def new_token() -> str:
    """Return a fresh random URL-safe token (256 bits)."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """Return the SHA-256 hex digest stored in place of the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
