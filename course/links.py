"""Addresses that leave the site (emails, CLI output): built from COURSE_BASE_URL alone.

A link in an email must never depend on the request that caused it: behind a proxy the
Host and X-Forwarded-* headers are whatever the sender typed, and a reset link built from
them can carry its token to someone else's server.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def public_path(path: str) -> str:
    """The absolute address of a path inside the app ("/lessons/l01#log") under
    COURSE_BASE_URL, for links that features hand over as paths."""
    if not path.startswith("/") or path.startswith("//"):
        raise ValueError("a path inside the app starts with one /")
    return current_app.config["COURSE_BASE_URL"].rstrip("/") + path


def public_url(endpoint: str, **values) -> str:
    """The absolute address of an endpoint under COURSE_BASE_URL, ignoring the request."""
    base = urlsplit(current_app.config["COURSE_BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path.rstrip("/") or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)
