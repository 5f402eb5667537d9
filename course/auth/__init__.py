"""Sign-in, sign-out, invitations and password reset."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from course.auth import routes  # noqa: E402,F401  (routes attach themselves to bp)
