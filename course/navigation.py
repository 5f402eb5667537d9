"""Where to send people: their home page, and only local `next` URLs."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import url_for


def home_url(user) -> str:
    """A leader's course home, or a facilitator's list of cohorts."""
    if user.is_facilitator:
        return url_for("facilitate.cohorts")
    return url_for("learn.home")


def safe_next_url(target: str | None) -> str | None:
    """Return target only if it is a path on this site (no scheme, host or backslash)."""
    if not target or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
