"""Keep me signed in on this device: 30-day sessions, signed-in devices, sign out everywhere."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from course.auth.account_views import describe_browser
from course.extensions import db
from course.models import UserSession, utcnow
from tests.factories import PASSWORD

IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1")


def sign_in(client, user, keep: bool, agent: str = IPHONE):
    data = {"email": user.email, "password": PASSWORD}
    if keep:
        data["remember"] = "y"
    return client.post("/login", data=data, headers={"User-Agent": agent})


def idle_for(hours: float) -> None:
    """Move every session's last activity `hours` into the past."""
    for row in db.session.scalars(select(UserSession)):
        row.last_seen_at = utcnow() - timedelta(hours=hours)
    db.session.commit()


def test_login_form_offers_the_box(client):
    page = client.get("/login").get_data(as_text=True)
    assert "Keep me signed in on this device" in page
    assert 'type="checkbox"' in page


def test_kept_session_survives_three_idle_hours(client, make_leader):
    sign_in(client, make_leader(), keep=True)
    idle_for(3)
    assert client.get("/account").status_code == 200


def test_unkept_session_dies_after_three_idle_hours(client, make_leader):
    sign_in(client, make_leader(), keep=False)
    idle_for(3)
    assert client.get("/account").status_code == 302


def test_kept_session_ends_after_thirty_days(app, client, make_leader):
    sign_in(client, make_leader(), keep=True)
    row = db.session.scalar(select(UserSession))
    row.created_at = utcnow() - timedelta(days=30, minutes=1)
    db.session.commit()
    assert client.get("/account").status_code == 302


def test_kept_cookie_lives_thirty_days_and_others_fourteen(app, make_leader):
    leader = make_leader()
    kept, plain = app.test_client(), app.test_client()
    sign_in(kept, leader, keep=True)
    sign_in(plain, leader, keep=False)
    now = utcnow()
    kept_expiry = kept.get_cookie("clearing_session").expires
    plain_expiry = plain.get_cookie("clearing_session").expires
    assert timedelta(days=29) < kept_expiry - now <= timedelta(days=30, minutes=1)
    assert timedelta(days=13) < plain_expiry - now <= timedelta(days=14, minutes=1)


def test_account_lists_signed_in_devices(app, client, make_leader):
    leader = make_leader()
    other = app.test_client()
    sign_in(other, leader, keep=True, agent="Mozilla/5.0 (Windows NT 10.0) Firefox/125.0")
    sign_in(client, leader, keep=False)
    page = client.get("/account").get_data(as_text=True)
    assert "Signed-in devices" in page
    assert "Safari on iPhone" in page and "Firefox on Windows" in page
    assert page.count("This device") == 1
    assert "kept signed in for 30 days" in page


def test_sign_out_everywhere_ends_every_session(app, client, make_leader):
    leader, stranger = make_leader(), make_leader()
    other, strangers = app.test_client(), app.test_client()
    sign_in(other, leader, keep=True)
    sign_in(strangers, stranger, keep=True)
    sign_in(client, leader, keep=False)
    response = client.post("/account/sign-out-everywhere")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "signed out everywhere" in client.get("/login").get_data(as_text=True)
    assert client.get("/account").status_code == 302
    assert other.get("/account").status_code == 302
    assert strangers.get("/account").status_code == 200  # someone else's sessions stay
    count = db.session.scalar(select(func.count()).select_from(UserSession)
                              .where(UserSession.user_id == leader.id))
    assert count == 0


def test_sign_out_everywhere_needs_post_and_a_session(client):
    assert client.get("/account/sign-out-everywhere").status_code == 405
    assert client.post("/account/sign-out-everywhere").status_code == 302


def test_describe_browser():
    assert describe_browser(IPHONE) == "Safari on iPhone"
    chrome_android = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
                      "(KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36")
    assert describe_browser(chrome_android) == "Chrome on Android"
    assert describe_browser("Mozilla/5.0 (Windows NT 10.0) Chrome/124.0 Edg/124.0") == (
        "Edge on Windows")
    assert describe_browser("") == "An unknown browser"
