"""Site-wide pages: the front door, the accessibility statement and the health check."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import text

from course.extensions import db
from course.navigation import home_url

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    """Send people to their home page, or to sign in."""
    if current_user.is_authenticated:
        return redirect(home_url(current_user))
    return redirect(url_for("auth.login"))


@bp.get("/accessibility")
def accessibility():
    """The accessibility statement: open to everyone, signed in or not."""
    return render_template("main/accessibility.html")


@bp.get("/healthz")
def healthz():
    """200 when the app and its database answer; 503 with the reason when not."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # any failure to reach the database is the answer
        db.session.rollback()
        return {"status": "error", "reason": f"database unavailable: {type(exc).__name__}"}, 503
    return {"status": "ok"}
