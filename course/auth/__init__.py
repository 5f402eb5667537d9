"""Sign-in, sign-out, invitations and password reset."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from course.auth import views  # noqa: E402,F401  (views attach themselves to bp)
