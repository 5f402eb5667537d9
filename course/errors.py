"""Error pages in the site's layout, never a traceback."""

from __future__ import annotations

import math
import time

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from course.extensions import db

MESSAGES = {
    400: ("That request could not be understood", "Something in what was sent was not valid."),
    401: ("Please sign in", "You need to sign in to see that page."),
    403: ("Not available to you", "Your account does not have access to that page."),
    404: ("Page not found", "There is nothing here, or it is not yours to see."),
    405: ("Not allowed", "That page cannot be used that way."),
    413: ("Too much to send at once",
          "What you sent is larger than the site accepts. Shorten it and try again."),
    429: ("Too many attempts", "Please wait a few minutes and try again."),
    500: ("Something went wrong on our side",
          "The error has been logged. Nothing you wrote before this page was lost; "
          "please go back and try again."),
}


def render_error(code: int, detail: str | None = None):
    """Render the error page for a status code."""
    title, message = MESSAGES.get(code, MESSAGES[500] if code >= 500 else MESSAGES[400])
    if request.accept_mimetypes.best == "application/json":
        return {"error": title, "detail": detail or message}, code
    return render_template("error.html", code=code, title=title, message=detail or message), code


def handle_http_error(error: HTTPException):
    if error.code == 429:
        return render_error(429, _retry_message())
    return render_error(error.code or 500)


def _retry_message() -> str | None:
    """Say when the limit that was hit lets the next attempt through."""
    from course.extensions import limiter

    current = limiter.current_limit
    if current is None:
        return None
    seconds = max(1, math.ceil(current.reset_at - time.time()))
    wait = f"{seconds} seconds" if seconds < 90 else f"{math.ceil(seconds / 60)} minutes"
    return f"Too many attempts in a short time. Please wait {wait} and try again."


def handle_csrf_error(error: CSRFError):
    return render_error(
        400, "This form had expired, so nothing was saved. Go back, reload the page and "
        "send it again.",
    )


def handle_server_error(error: Exception):
    db.session.rollback()  # leave the session usable for the error page
    return render_error(500)


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(500, handle_server_error)
    app.register_error_handler(Exception, _unexpected(app))


def _unexpected(app: Flask):
    def handler(error: Exception):
        if isinstance(error, HTTPException):
            return handle_http_error(error)
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return handle_server_error(error)

    return handler
