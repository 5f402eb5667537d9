"""Second factor for facilitators and admins: enrolment, TOTP, recovery codes, passkeys."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

import pyotp
import pytest
import time_machine
from sqlalchemy import select

from course.extensions import db
from course.models import Role
from course.passkeys.models import RecoveryCode, TotpSecret
from tests.factories import PASSWORD, SoftAuthenticator


@pytest.fixture
def app(make_app):
    from course.extensions import db as database

    app = make_app(COURSE_REQUIRE_2FA=True)
    with app.app_context():
        yield app
        database.session.remove()


def sign_in(client, user):
    return client.post("/login", data={"email": user.email, "password": PASSWORD})


def secret_of(user) -> str:
    db.session.expire_all()
    return db.session.scalar(select(TotpSecret.secret).where(TotpSecret.user_id == user.id))


def enrol(client, user) -> tuple[str, list[str]]:
    """Sign in with the password, set up the app; return its secret and the recovery codes."""
    sign_in(client, user)
    secret = secret_of(user)
    page = client.post("/login/second-factor/setup",
                       data={"code": pyotp.TOTP(secret).now()}).get_data(as_text=True)
    return secret, re.findall(r"<code>([0-9a-f]{5}-[0-9a-f]{5})</code>", page)


def test_setting_defaults(make_app):
    assert make_app(reset=False).config["COURSE_REQUIRE_2FA"] is False  # testing
    from course.config import resolve

    assert resolve("/tmp/none", {"COURSE_ENV": "production"})["COURSE_REQUIRE_2FA"] is True
    assert resolve("/tmp/none", {"COURSE_ENV": "development"})["COURSE_REQUIRE_2FA"] is False
    assert resolve("/tmp/none", {"COURSE_ENV": "production",
                                 "COURSE_REQUIRE_2FA": False})["COURSE_REQUIRE_2FA"] is False


def test_facilitator_without_second_factor_must_enrol_first(client, make_facilitator):
    facilitator = make_facilitator()
    response = sign_in(client, facilitator)
    assert response.headers["Location"] == "/login/second-factor/setup"
    assert client.get("/facilitate/").status_code == 302  # nothing else before the step
    assert client.get("/account").status_code == 302
    page = client.get("/login/second-factor/setup").get_data(as_text=True)
    secret = secret_of(facilitator)
    assert "<svg" in page and secret[:4] in page  # QR code and the key in text
    wrong = client.post("/login/second-factor/setup", data={"code": "000000"})
    assert "did not match" in wrong.get_data(as_text=True)
    page = client.post("/login/second-factor/setup",
                       data={"code": pyotp.TOTP(secret).now()}).get_data(as_text=True)
    codes = re.findall(r"<code>([0-9a-f]{5}-[0-9a-f]{5})</code>", page)
    assert len(codes) == 10 and "shown only now" in page
    assert client.get("/facilitate/").status_code == 200
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert not any(code.replace("-", "") in stored for code in codes)  # kept hashed


def test_enrolled_facilitator_gives_the_app_code(app, client, make_facilitator):
    facilitator = make_facilitator()
    secret, _ = enrol(client, facilitator)
    client.post("/logout")
    assert sign_in(client, facilitator).headers["Location"] == "/login/second-factor"
    assert client.get("/facilitate/").status_code == 302
    wrong = client.post("/login/second-factor", data={"code": "123456"})
    assert "did not work" in wrong.get_data(as_text=True)
    later = datetime.now() + timedelta(seconds=60)  # a later step than the enrolment code
    with time_machine.travel(later, tick=False):
        response = client.post("/login/second-factor",
                               data={"code": pyotp.TOTP(secret).at(later)})
    assert response.status_code == 302 and response.headers["Location"] == "/facilitate/"


def test_totp_code_cannot_be_reused_in_its_window(app, make_facilitator):
    facilitator = make_facilitator()
    first, second = app.test_client(), app.test_client()
    secret, _ = enrol(first, facilitator)
    later = datetime.now() + timedelta(seconds=90)
    with time_machine.travel(later, tick=False):
        code = pyotp.TOTP(secret).now()
        sign_in(second, facilitator)
        assert second.post("/login/second-factor", data={"code": code}).status_code == 302
        other = app.test_client()
        sign_in(other, facilitator)
        reused = other.post("/login/second-factor", data={"code": code})
        assert reused.status_code == 200 and "each code works once" in reused.get_data(
            as_text=True)


def test_code_one_step_old_is_accepted_two_steps_old_is_not(app, client, make_facilitator):
    facilitator = make_facilitator()
    secret, _ = enrol(client, facilitator)
    client.post("/logout")
    later = datetime.now() + timedelta(minutes=5)
    totp = pyotp.TOTP(secret)
    with time_machine.travel(later, tick=False):
        sign_in(client, facilitator)
        too_old = totp.at(later - timedelta(seconds=60))
        assert client.post("/login/second-factor", data={"code": too_old}).status_code == 200
        previous = totp.at(later - timedelta(seconds=30))
        assert client.post("/login/second-factor", data={"code": previous}).status_code == 302


def test_recovery_codes_are_single_use(app, client, make_facilitator):
    facilitator = make_facilitator()
    _, codes = enrol(client, facilitator)
    client.post("/logout")
    sign_in(client, facilitator)
    assert client.post("/login/second-factor", data={"code": codes[0].upper()}).status_code == 302
    client.post("/logout")
    sign_in(client, facilitator)
    again = client.post("/login/second-factor", data={"code": codes[0]})
    assert again.status_code == 200 and client.get("/facilitate/").status_code == 302


def test_pending_sign_in_expires(app, client, make_facilitator):
    facilitator = make_facilitator()
    _, codes = enrol(client, facilitator)
    client.post("/logout")
    sign_in(client, facilitator)
    with time_machine.travel(datetime.now() + timedelta(minutes=11), tick=False):
        response = client.post("/login/second-factor", data={"code": codes[1]})
    assert response.status_code == 302 and response.headers["Location"] == "/login"


def test_passkey_counts_as_both_factors_only_when_verified(app, client, make_facilitator):
    facilitator = make_facilitator()
    enrol(client, facilitator)
    for verified, lands in ((True, 302), (False, 400)):
        device = SoftAuthenticator(user_verified=verified)
        options = client.post("/account/passkeys/options").get_data(as_text=True)
        client.post("/account/passkeys", data={"name": f"key {verified}",
                                               "credential": json.dumps(device.create(options))})
        other = app.test_client()
        options = other.post("/login/passkey/options").get_data(as_text=True)
        response = other.post("/login/passkey",
                              data={"credential": json.dumps(device.get(options))})
        assert response.status_code == lands
        if not verified:
            assert "did not check it was you" in response.get_data(as_text=True)


def test_passkey_as_second_step_after_the_password(app, client, make_facilitator):
    facilitator = make_facilitator()
    device = SoftAuthenticator(user_verified=False)
    enrol(client, facilitator)
    options = client.post("/account/passkeys/options").get_data(as_text=True)
    client.post("/account/passkeys", data={"name": "Key",
                                           "credential": json.dumps(device.create(options))})
    other = app.test_client()
    sign_in(other, facilitator)
    options = other.post("/login/second-factor/passkey/options").get_data(as_text=True)
    response = other.post("/login/second-factor/passkey",
                          data={"credential": json.dumps(device.get(options))})
    assert response.status_code == 302 and other.get("/facilitate/").status_code == 200


def test_leaders_are_not_asked(client, make_leader):
    assert sign_in(client, make_leader()).headers["Location"] == "/course"


def test_off_by_setting_lets_facilitators_in_with_a_password(make_app, make_user):
    app = make_app(COURSE_REQUIRE_2FA=False)
    with app.app_context():
        from course.accounts import create_user

        user = create_user("fac.off@example.org", "Fac Off", Role.FACILITATOR, PASSWORD)
        db.session.commit()
        client = app.test_client()
        assert sign_in(client, user).headers["Location"] == "/facilitate/"


def test_code_attempts_are_rate_limited(make_app):
    app = make_app(COURSE_REQUIRE_2FA=True, RATELIMIT_ENABLED=True,
                   LOGIN_RATE_LIMIT="3 per 5 minutes")
    with app.app_context():
        from course.accounts import create_user

        user = create_user("fac.limit@example.org", "Fac Limit", Role.ADMIN, PASSWORD)
        db.session.commit()
        client = app.test_client()
        sign_in(client, user)
        statuses = [client.post("/login/second-factor/setup", data={"code": "000000"}).status_code
                    for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_account_two_step_page_and_new_recovery_codes(app, client, make_facilitator):
    facilitator = make_facilitator()
    _, old_codes = enrol(client, facilitator)
    page = client.get("/account/two-step").get_data(as_text=True)
    assert "Set up" in page and "10 unused" in page
    page = client.post("/account/two-step/recovery-codes").get_data(as_text=True)
    new_codes = re.findall(r"<code>([0-9a-f]{5}-[0-9a-f]{5})</code>", page)
    assert len(new_codes) == 10 and set(new_codes).isdisjoint(old_codes)
    client.post("/logout")
    sign_in(client, facilitator)
    assert client.post("/login/second-factor", data={"code": old_codes[0]}).status_code == 200
    assert client.post("/login/second-factor", data={"code": new_codes[0]}).status_code == 302


def test_moving_to_a_new_app(app, client, make_facilitator):
    facilitator = make_facilitator()
    old_secret, _ = enrol(client, facilitator)
    assert client.post("/account/two-step/app").headers["Location"] == (
        "/account/two-step/app/confirm")
    page = client.get("/account/two-step/app/confirm").get_data(as_text=True)
    assert "<svg" in page
    new_secret = db.session.scalar(select(TotpSecret.secret).where(
        TotpSecret.confirmed_at.is_(None)))
    later = datetime.now() + timedelta(seconds=60)
    with time_machine.travel(later, tick=False):
        page = client.post("/account/two-step/app/confirm",
                           data={"code": pyotp.TOTP(new_secret).now()}).get_data(as_text=True)
        assert "shown only now" in page
        assert db.session.scalars(select(TotpSecret.secret)).all() == [new_secret]
        assert old_secret != new_secret
