"""Sign-in, sign-out, sessions, registration by invitation and password reset."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from course.cohorts.cohorts import create_invitation
from course.cohorts.models import Invitation, Membership
from course.extensions import db
from course.models import User, UserSession, utcnow
from tests.factories import PASSWORD, read_outbox

NEW_PASSWORD = "seven quiet herons over marsh"


outbox = read_outbox


def reset_link(app) -> str:
    body = outbox(app)[-1].get_content()
    line = next(line for line in body.splitlines() if "/reset/" in line)
    return line.strip().replace("http://localhost", "")


def test_login_lands_leader_on_course_home(client, auth, make_leader):
    leader = make_leader()
    response = auth.login(leader)
    assert response.status_code == 302
    assert response.headers["Location"] == "/course"
    page = client.get("/account")
    assert page.status_code == 200
    assert leader.name in page.get_data(as_text=True)


def test_login_lands_facilitator_on_cohorts(auth, make_facilitator):
    response = auth.login(make_facilitator())
    assert response.headers["Location"] == "/facilitate/"


def test_login_ignores_email_case(auth, make_leader):
    leader = make_leader(email="Mixed.Case@Example.org")
    assert leader.email == "mixed.case@example.org"
    assert auth.login("MIXED.case@example.ORG").status_code == 302


def test_wrong_password_and_unknown_email_look_the_same(client, make_leader):
    leader = make_leader()
    wrong = client.post("/login", data={"email": leader.email, "password": "not the password"})
    unknown = client.post("/login", data={"email": "nobody@example.org", "password": "whatever x"})
    assert wrong.status_code == unknown.status_code == 200
    text_wrong = wrong.get_data(as_text=True).replace(leader.email, "EMAIL")
    text_unknown = unknown.get_data(as_text=True).replace("nobody@example.org", "EMAIL")
    assert text_wrong == text_unknown
    assert "do not match an active account" in text_wrong


def test_deactivated_user_cannot_sign_in(auth, make_leader):
    leader = make_leader()
    leader.active = False
    db.session.commit()
    assert auth.login(leader).status_code == 200


def test_next_url_only_local(client, make_leader):
    leader = make_leader()
    data = {"email": leader.email, "password": PASSWORD}
    response = client.post("/login?next=https://evil.example/x", data=data)
    assert response.headers["Location"] == "/course"
    client.post("/logout")
    response = client.post("/login?next=/account", data=data)
    assert response.headers["Location"] == "/account"


def test_logout_kills_copied_cookie(app, client, auth, make_leader):
    auth.login(make_leader())
    stolen = client.get_cookie("clearing_session").value
    assert client.get("/account").status_code == 200
    assert auth.logout().status_code == 302
    thief = app.test_client()
    thief.set_cookie("clearing_session", stolen)
    response = thief.get("/course")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_logout_is_post_only(client):
    assert client.get("/logout").status_code == 405


def test_idle_and_absolute_timeouts(app, client, auth, make_leader):
    auth.login(make_leader())
    row = db.session.scalar(select(UserSession))
    row.last_seen_at = utcnow() - app.config["SESSION_IDLE_TIMEOUT"] - timedelta(minutes=1)
    db.session.commit()
    assert client.get("/course").status_code == 302
    auth.login(db.session.scalar(select(User)))
    row = db.session.scalars(select(UserSession).order_by(UserSession.id.desc())).first()
    row.created_at = utcnow() - app.config["SESSION_ABSOLUTE_LIFETIME"] - timedelta(minutes=1)
    db.session.commit()
    assert client.get("/course").status_code == 302


def test_password_change_ends_other_sessions(app, client, auth, make_leader):
    leader = make_leader()
    other = app.test_client()
    other.post("/login", data={"email": leader.email, "password": PASSWORD})
    assert other.get("/account").status_code == 200
    auth.login(leader)
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
    })
    assert response.status_code == 302
    assert client.get("/account").status_code == 200  # this browser stays signed in
    assert other.get("/account").status_code == 302  # the other is signed out


def test_password_change_needs_current_password(client, auth, make_leader):
    auth.login(make_leader())
    response = client.post("/account/password", data={
        "current_password": "wrong wrong wrong", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
    })
    assert "current password is not right" in response.get_data(as_text=True)


def test_deactivation_ends_sessions(app, client, auth, make_leader):
    from course.accounts import set_active

    leader = make_leader()
    auth.login(leader)
    set_active(leader, False)
    db.session.commit()
    assert db.session.scalar(select(func.count(UserSession.id))) == 0
    assert client.get("/course").status_code == 302


@pytest.fixture
def invitation(app, make_cohort):
    cohort = make_cohort()
    invitation, token = create_invitation(cohort, None, max_uses=2)
    db.session.commit()
    return invitation, token


def register(client, token, email="new.leader@example.org", password=NEW_PASSWORD, **extra):
    data = {"name": "New Leader", "email": email, "password": password, "confirm": password}
    data.update(extra)
    return client.post(f"/invite/{token}", data=data)


def test_register_through_invitation(app, client, invitation):
    inv, token = invitation
    page = client.get(f"/invite/{token}")
    assert page.status_code == 200 and "Test cohort" in page.get_data(as_text=True)
    response = register(client, token)
    assert response.status_code == 302 and response.headers["Location"] == "/course"
    user = db.session.scalar(select(User).where(User.email == "new.leader@example.org"))
    assert user.role.value == "leader"
    assert db.session.scalar(select(Membership).where(Membership.user_id == user.id))
    assert db.session.get(Invitation, inv.id).uses == 1
    assert user.password_hash != NEW_PASSWORD and NEW_PASSWORD not in user.password_hash


def test_invitation_runs_out(app, invitation):
    _, token = invitation
    for n in range(2):
        assert register(app.test_client(), token, email=f"p{n}@example.org").status_code == 302
    third = app.test_client().get(f"/invite/{token}")
    assert third.status_code == 404 and "cannot be used" in third.get_data(as_text=True)


def test_revoked_and_expired_invitations(app, client, invitation):
    inv, token = invitation
    inv.revoked_at = utcnow()
    db.session.commit()
    assert client.get(f"/invite/{token}").status_code == 404
    inv.revoked_at = None
    inv.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get(f"/invite/{token}").status_code == 404
    assert client.get("/invite/not-a-token").status_code == 404


def test_invitation_token_is_stored_hashed(invitation):
    inv, token = invitation
    assert token not in inv.token_hash and len(inv.token_hash) == 64


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short one", "at least 12"),
        ("x" * 129 + "abcde", "at most 128"),
        ("password1234", "commonly used"),
        ("iloveyou12345678", "commonly used"),
        ("abababababababab", "too few characters"),
    ],
)
def test_registration_password_policy(client, invitation, password, message):
    _, token = invitation
    response = register(client, token, password=password)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_long_passphrase_is_not_truncated(app, client, invitation, make_leader):
    _, token = invitation
    long_one = "correct horse battery staple " * 4  # 116 characters
    assert register(client, token, email="long@example.org", password=long_one).status_code == 302
    client.post("/logout")
    short = long_one[:72]  # bcrypt would have cut here
    login = {"email": "long@example.org"}
    assert client.post("/login", data={**login, "password": short}).status_code == 200
    assert client.post("/login", data={**login, "password": long_one}).status_code == 302


def test_registration_refuses_existing_email_any_case(client, invitation, make_leader):
    make_leader(email="taken@example.org")
    _, token = invitation
    response = register(client, token, email="TAKEN@example.org")
    assert "already exists" in response.get_data(as_text=True)


def test_registration_keeps_typed_values_on_error(client, invitation):
    _, token = invitation
    response = register(client, token, email="not-an-email")
    html = response.get_data(as_text=True)
    assert "not valid" in html and 'value="New Leader"' in html


def test_forgot_password_same_answer_and_mail_only_for_known(app, client, make_leader):
    leader = make_leader()
    known = client.post("/forgot", data={"email": leader.email}).get_data(as_text=True)
    unknown = client.post("/forgot", data={"email": "ghost@example.org"}).get_data(as_text=True)
    assert known.replace(leader.email, "E") == unknown.replace("ghost@example.org", "E")
    mails = outbox(app)
    assert len(mails) == 1 and mails[0]["To"] == leader.email


def test_reset_link_works_once_and_ends_sessions(app, client, make_leader):
    leader = make_leader()
    signed_in = app.test_client()
    signed_in.post("/login", data={"email": leader.email, "password": PASSWORD})
    client.post("/forgot", data={"email": leader.email})
    link = reset_link(app)
    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get(link).status_code == 404  # single use
    assert signed_in.get("/course").status_code == 302
    signed_in_again = client.post("/login", data={"email": leader.email, "password": NEW_PASSWORD})
    assert signed_in_again.status_code == 302


def test_reset_link_dies_when_password_changes(app, client, make_leader):
    from course.accounts import set_password

    leader = make_leader()
    client.post("/forgot", data={"email": leader.email})
    link = reset_link(app)
    set_password(leader, NEW_PASSWORD)
    db.session.commit()
    assert client.get(link).status_code == 404


def test_reset_link_expires(app, client, make_leader):
    from course.models import PasswordReset

    leader = make_leader()
    client.post("/forgot", data={"email": leader.email})
    link = reset_link(app)
    row = db.session.scalar(select(PasswordReset))
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get(link).status_code == 404
