"""The facilitator's side: cohorts, invitations and progress."""

from flask import Blueprint

bp = Blueprint("facilitate", __name__, url_prefix="/facilitate")

from course.facilitate import routes  # noqa: E402,F401
