"""Response headers for every response, error pages included."""

from __future__ import annotations

from flask import Flask, Response, current_app, request
from flask import Request as FlaskRequest
from werkzeug.datastructures import ImmutableMultiDict

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def set_security_headers(response: Response) -> Response:
    """Add CSP, framing, sniffing and referrer headers; keep private pages out of caches."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        hsts = "max-age=31536000"
        if current_app.config.get("COURSE_HSTS_SUBDOMAINS"):
            hsts += "; includeSubDomains"
        headers.setdefault("Strict-Transport-Security", hsts)
    if not request.path.startswith("/static/") and "Cache-Control" not in headers:
        # Pages carry personal data; static assets set their own caching.
        headers["Cache-Control"] = "no-store"
    return response


class NulFreeMultiDict(ImmutableMultiDict):
    """Form and query values without NUL characters. No text a person types needs one,
    PostgreSQL cannot store one (a 500 where a leader's words should be saved), and a NUL
    can hide what follows it from other tools. Dropping it keeps the rest of the words."""

    def __init__(self, mapping=None):
        if mapping is not None:
            pairs = mapping.items(multi=True) if hasattr(mapping, "items") else mapping
            mapping = [(key, value.replace("\x00", "") if isinstance(value, str) else value)
                       for key, value in pairs]
        super().__init__(mapping)


class Request(FlaskRequest):
    """The app's request: form and query values come through NulFreeMultiDict."""

    parameter_storage_class = NulFreeMultiDict


def init_app(app: Flask) -> None:
    """Register the header hook and the request class."""
    app.request_class = Request
    app.after_request(set_security_headers)
