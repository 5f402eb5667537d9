"""Passkeys: add, sign in without an email, remove; challenges single-use and per session."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import time_machine
from sqlalchemy import func, select

from course.extensions import db
from course.models import User, utcnow
from course.passkeys.models import Passkey, PasskeyChallenge
from course.passkeys.passkeys import CHALLENGE_LIFETIME, relying_party
from tests.factories import SoftAuthenticator


def add_passkey(client, device: SoftAuthenticator, name: str = "My phone"):
    options = client.post("/account/passkeys/options").get_data(as_text=True)
    return client.post("/account/passkeys", data={
        "name": name, "credential": json.dumps(device.create(options))})


def passkey_sign_in(client, device: SoftAuthenticator):
    options = client.post("/login/passkey/options").get_data(as_text=True)
    return client.post("/login/passkey", data={"credential": json.dumps(device.get(options))})


def test_add_passkey_then_sign_in_with_it_and_no_email(client, auth, make_leader):
    leader = make_leader()
    device = SoftAuthenticator()
    auth.login(leader)
    response = add_passkey(client, device)
    assert response.status_code == 302
    page = client.get("/account/passkeys").get_data(as_text=True)
    assert "My phone" in page and "not used yet" in page
    assert "You have 1 passkey." in client.get("/account").get_data(as_text=True)
    auth.logout()
    response = passkey_sign_in(client, device)
    assert response.status_code == 302 and response.headers["Location"] == "/course"
    assert leader.name in client.get("/account").get_data(as_text=True)
    row = db.session.scalar(select(Passkey))
    assert row.sign_count == 1 and row.last_used_at is not None and row.transports == "internal"
    client.post("/logout")
    assert client.get("/account").status_code == 302  # ends the same way as any session


def test_options_come_from_base_url_not_the_host(app, client, auth, make_leader):
    with app.test_request_context("/", base_url="https://evil.example"):
        assert relying_party() == ("localhost", "http://localhost")
    auth.login(make_leader())
    options = json.loads(client.post(
        "/account/passkeys/options", headers={"X-Forwarded-Host": "evil.example"}
    ).get_data(as_text=True))
    assert options["rp"]["id"] == "localhost"
    assert options["authenticatorSelection"]["residentKey"] == "required"
    assert options["authenticatorSelection"]["userVerification"] == "preferred"
    assert json.loads(client.post("/login/passkey/options").get_data(as_text=True))[
        "userVerification"] == "preferred"


def test_wrong_origin_is_refused(client, auth, make_leader):
    auth.login(make_leader())
    response = add_passkey(client, SoftAuthenticator(origin="http://evil.example"))
    assert response.status_code == 200
    assert "could not be checked" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Passkey)) == 0


def test_replayed_challenge_is_refused(client, auth, make_leader):
    leader = make_leader()
    device = SoftAuthenticator()
    auth.login(leader)
    add_passkey(client, device)
    auth.logout()
    options = client.post("/login/passkey/options").get_data(as_text=True)
    answer = json.dumps(device.get(options))
    assert client.post("/login/passkey", data={"credential": answer}).status_code == 302
    client.post("/logout")
    replay = client.post("/login/passkey", data={"credential": answer})
    assert replay.status_code == 400
    assert "expired" in replay.get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_challenge_from_another_session_is_refused(app, client, auth, make_leader):
    leader = make_leader()
    device = SoftAuthenticator()
    auth.login(leader)
    add_passkey(client, device)
    auth.logout()
    other = app.test_client()
    options = other.post("/login/passkey/options").get_data(as_text=True)
    response = client.post("/login/passkey", data={"credential": json.dumps(device.get(options))})
    assert response.status_code == 400
    assert client.get("/account").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(PasskeyChallenge)) == 0


def test_expired_challenge_is_refused(client, auth, make_leader):
    device = SoftAuthenticator()
    auth.login(make_leader())
    add_passkey(client, device)
    auth.logout()
    options = client.post("/login/passkey/options").get_data(as_text=True)
    answer = json.dumps(device.get(options))
    with time_machine.travel(utcnow() + CHALLENGE_LIFETIME + timedelta(seconds=5)):
        response = client.post("/login/passkey", data={"credential": answer})
    assert response.status_code == 400 and "expired" in response.get_data(as_text=True)


def test_unknown_passkey_and_no_javascript_get_clear_messages(client, make_leader):
    make_leader()
    response = passkey_sign_in(client, SoftAuthenticator())
    assert response.status_code == 400
    assert "not known here" in response.get_data(as_text=True)
    response = client.post("/login/passkey", data={"credential": ""})
    assert "need a browser that supports them" in response.get_data(as_text=True)
    assert "Use a passkey" in client.get("/login").get_data(as_text=True)


def test_add_passkey_without_javascript_keeps_the_name(client, auth, make_leader):
    auth.login(make_leader())
    response = client.post("/account/passkeys", data={"name": "Work laptop", "credential": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "need a browser that supports them" in page and 'value="Work laptop"' in page
    response = client.post("/account/passkeys", data={"name": "", "credential": ""})
    assert "This field is required" in response.get_data(as_text=True)


def test_another_users_passkey_cannot_be_removed(app, client, auth, make_leader):
    owner, stranger = make_leader(), make_leader()
    owners = app.test_client()
    owners.post("/login", data={"email": owner.email, "password": "a calm walk by the river"})
    add_passkey(owners, SoftAuthenticator())
    passkey_id = db.session.scalar(select(Passkey.id))
    auth.login(stranger)
    assert client.post(f"/account/passkeys/{passkey_id}/remove").status_code == 404
    assert db.session.get(Passkey, passkey_id) is not None
    assert owners.post(f"/account/passkeys/{passkey_id}/remove").status_code == 302
    assert db.session.get(Passkey, passkey_id) is None


def test_removed_passkey_no_longer_signs_in(client, auth, make_leader):
    device = SoftAuthenticator()
    auth.login(make_leader())
    add_passkey(client, device)
    client.post(f"/account/passkeys/{db.session.scalar(select(Passkey.id))}/remove")
    auth.logout()
    assert passkey_sign_in(client, device).status_code == 400


def test_passkeys_go_with_the_user_and_show_in_the_data_download(client, auth, make_leader):
    leader = make_leader()
    auth.login(leader)
    device = SoftAuthenticator()
    add_passkey(client, device, name="Kitchen iPad")
    response = client.post("/account/data")
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        raw = archive.read("clearing-data.json").decode()
    data = json.loads(raw)
    assert [p["name"] for p in data["passkeys"]] == ["Kitchen iPad"]
    assert set(data["passkeys"][0]) == {"name", "created_at", "last_used_at"}
    row = db.session.scalar(select(Passkey))
    assert row.credential_id not in raw  # no key material, not even the id
    db.session.delete(db.session.get(User, leader.id))
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Passkey)) == 0
