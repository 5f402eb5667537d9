"""The account page: signed-in devices, signing out everywhere and the time zone."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, logout_user

from course.auth import bp
from course.extensions import db
from course.passkeys.passkeys import list_passkeys
from course.sessions import current_session_id, end_all_sessions, list_sessions
from course.timezones import COMMON_ZONES, ZONE_NAMES

# (what the User-Agent contains, what to call it), first match wins: Edge and Opera
# also say "Chrome", Chrome also says "Safari".
BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"),
            ("FxiOS", "Firefox"), ("CriOS", "Chrome"), ("Chrome/", "Chrome"),
            ("Safari/", "Safari"))
SYSTEMS = (("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"),
           ("Windows", "Windows"), ("Mac OS X", "Mac"), ("CrOS", "ChromeOS"),
           ("Linux", "Linux"))


def describe_browser(agent: str) -> str:
    """A short human name for a User-Agent, such as "Safari on iPhone"."""
    browser = next((name for mark, name in BROWSERS if mark in agent), None)
    system = next((name for mark, name in SYSTEMS if mark in agent), None)
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "An unknown browser"


@bp.route("/account")
@login_required
def account():
    """The account page: who I am, my devices and what I can do with my account."""
    devices = [(row, describe_browser(row.user_agent)) for row in list_sessions(current_user.id)]
    return render_template("auth/account.html", devices=devices, this_id=current_session_id(),
                           passkey_count=len(list_passkeys(current_user.id)))


@bp.post("/account/time-zone")
@login_required
def time_zone():
    """Set the zone every time is shown in; only the zones offered are accepted."""
    chosen = request.form.get("time_zone", "")
    if chosen not in ZONE_NAMES:
        flash("Choose a time zone from the list.", "error")
        return redirect(url_for("auth.account") + "#time-zone"), 303
    current_user.time_zone = chosen
    db.session.commit()
    label = dict(COMMON_ZONES)[chosen]
    flash(f"Times are now shown in {label} time.", "success")
    return redirect(url_for("auth.account") + "#time-zone"), 303


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    """End every session of the account, this browser's too."""
    ended = end_all_sessions(current_user.id)
    logout_user()
    session.clear()
    db.session.commit()
    flash(f"You have signed out everywhere ({ended} signed-in "
          f"{'device' if ended == 1 else 'devices'}). Sign in again here.", "info")
    return redirect(url_for("auth.login"))
