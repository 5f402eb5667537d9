"""Account -> Email and the unsubscribe link: each kind on or off, the digest's cadence
and day; a reminder carries Reply-To the facilitator and a one-click List-Unsubscribe
(RFC 8058) that needs no sign-in, is refused as a GET, can be undone and revoked."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from course.digests.settings import REMINDERS, prefs_for
from course.digests.unsubscribe import make_token
from course.extensions import db
from course.jobs.models import CANCELLED, OutgoingEmail
from course.mail import build_message, send_mail
from course.models import User
from tests.facilitate.conftest import text_of
from tests.factories import Auth, csrf_token_from, read_outbox


def remind(client, auth, world):
    auth.login(world.facilitator)
    response = client.post(f"/facilitate/cohorts/{world.cohort.id}/nudge", data={
        "leaders": [str(world.leader.id)], "subject": "Time for lesson two",
        "message": "Ten minutes today would do it."}, follow_redirects=True)
    auth.logout()
    return response


def link_of(message) -> str:
    return re.fullmatch(r"<(.+)>", message["List-Unsubscribe"]).group(1)


def test_the_page_shows_the_defaults_and_keeps_a_change(client, auth, world):
    auth.login(world.leader)
    page = client.get("/account/email")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="digest-weekly" name="digest" value="weekly" checked' in html
    assert 'id="checkins-on" name="checkins" value="on" checked' in html
    assert "Your cohorts' digest" not in html  # a leader's page
    saved = client.post("/account/email", data={"digest": "fortnightly", "digest_weekday": "3",
                                                "checkins": "off", "reminders": "on"})
    assert saved.status_code == 303
    prefs = prefs_for(world.leader.id)
    assert (prefs.digest, prefs.digest_weekday, prefs.checkins, prefs.reminders) == (
        "fortnightly", 3, False, True)
    assert 'href="/account/email"' in client.get("/account").get_data(as_text=True)


def test_wrong_values_are_each_said_and_the_choices_kept(client, auth, world):
    auth.login(world.leader)
    page = client.post("/account/email", data={"digest": "daily", "digest_weekday": "6",
                                               "checkins": "off", "reminders": "maybe"})
    assert page.status_code == 400
    words = text_of(page)
    assert "There is a problem" in words
    for said in ("Choose how often the digest comes", "Choose a day from Monday to Friday",
                 "Choose whether reminders come"):
        assert said in words
    assert 'value="off" checked' in page.get_data(as_text=True)  # check-ins kept as sent
    assert prefs_for(world.leader.id).digest == "weekly"  # nothing kept


def test_a_facilitator_chooses_a_day_or_off(client, auth, world):
    auth.login(world.facilitator)
    assert "Your cohorts' digest" in text_of(client.get("/account/email"))
    client.post("/account/email", data={"facilitator_day": "2"})
    assert (prefs_for(world.facilitator.id).facilitator_weekday,
            prefs_for(world.facilitator.id).facilitator_digest) == (2, True)
    client.post("/account/email", data={"facilitator_day": "off"})
    assert prefs_for(world.facilitator.id).facilitator_digest is False


def test_a_reminder_replies_to_the_facilitator_and_unsubscribes_in_one_click(
        make_app, tmp_path):
    """With CSRF on, as in production: the mail client's POST carries no token."""
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        from course.accounts import create_user
        from course.cohorts.cohorts import create_cohort
        from course.cohorts.models import Membership
        from tests.factories import PASSWORD

        facilitator = create_user("fran@example.org", "Fran", "facilitator", PASSWORD)
        cohort = create_cohort("Harbour", facilitator)
        leader = create_user("lee@example.org", "Lee", "leader", PASSWORD)
        db.session.add(Membership(user_id=leader.id, cohort_id=cohort.id, role="leader"))
        db.session.commit()
        client = app.test_client()
        auth = Auth(client)
        page = client.get("/login")
        client.post("/login", data={"email": "fran@example.org", "password": PASSWORD,
                                    "csrf_token": csrf_token_from(page.get_data(as_text=True))})
        form = client.get(f"/facilitate/cohorts/{cohort.id}/nudge").get_data(as_text=True)
        client.post(f"/facilitate/cohorts/{cohort.id}/nudge", data={
            "leaders": [str(leader.id)], "subject": "Lesson two", "message": "Ten minutes.",
            "csrf_token": csrf_token_from(form)})
        [message] = read_outbox(app)
        assert message["Reply-To"] == "fran@example.org"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        url = link_of(message)
        assert url.startswith("http://localhost/email/unsubscribe/")
        assert url in message.get_body(("plain",)).get_content()
        path = url.removeprefix("http://localhost")
        auth.logout()
        stranger = app.test_client()  # no session, no cookie, no CSRF token
        assert stranger.get(path).status_code == 200  # a scanner's GET changes nothing
        assert prefs_for(leader.id).reminders is True
        done = stranger.post(path, data="List-Unsubscribe=One-Click",
                             content_type="application/x-www-form-urlencoded")
        assert done.status_code == 200
        assert prefs_for(leader.id).reminders is False
        assert "Undo" in done.get_data(as_text=True)
        undo = stranger.post(path + "/undo", data={
            "reminders": "on", "csrf_token": csrf_token_from(done.get_data(as_text=True))})
        assert undo.status_code == 200 and prefs_for(leader.id).reminders is True
        assert stranger.post(path + "/undo", data={"reminders": "on"}).status_code == 400


def test_no_reminder_goes_to_a_leader_who_turned_them_off(client, auth, world, app):
    auth.login(world.leader)
    client.post("/account/email", data={"digest": "weekly", "digest_weekday": "0",
                                        "checkins": "on", "reminders": "off"})
    auth.logout()
    page = remind(client, auth, world)
    assert "turned reminders off" in text_of(page)
    assert read_outbox(app) == []


def test_forged_revoked_and_foreign_links_do_nothing(client, auth, world, app):
    token = make_token(world.leader.id, [REMINDERS], 0)
    assert client.get("/email/unsubscribe/" + token[:-2] + "xx").status_code == 404
    assert client.post("/email/unsubscribe/not-a-token").status_code == 404
    bogus = make_token(world.leader.id, ["everything"], 0)
    assert client.post("/email/unsubscribe/" + bogus).status_code == 404
    auth.login(world.leader)
    client.post("/account/email/links")
    auth.logout()
    assert client.post("/email/unsubscribe/" + token).status_code == 404
    assert prefs_for(world.leader.id).reminders is True
    fresh = make_token(world.leader.id, [REMINDERS], 1)
    assert client.post("/email/unsubscribe/" + fresh).status_code == 200
    assert prefs_for(world.leader.id).reminders is False


def test_html_part_and_headers(app):
    message = build_message("a@example.org", "S", "Plain words", key="k",
                            html="<p>Rich words</p>",
                            headers={"List-Unsubscribe": "<https://x/u>"})
    assert message.get_body(("html",)).get_content().strip() == "<p>Rich words</p>"
    assert message.get_body(("plain",)).get_content().strip() == "Plain words"
    assert message["List-Unsubscribe"] == "<https://x/u>"
    with pytest.raises(ValueError):
        send_mail("a@example.org", "S", "B", headers={"Bcc": "x@example.org"})


@pytest.mark.parametrize("gone", ["deactivated", "deleted"])
def test_a_leader_gone_before_the_email_went_gets_nothing(make_app, gone):
    app = make_app(JOBS_IMMEDIATE=False)  # queued now, sent by a consumer later
    with app.app_context():
        from course.accounts import create_user
        from course.jobs.outbox import deliver
        from tests.factories import PASSWORD

        leader = create_user("lee@example.org", "Lee", "leader", PASSWORD)
        db.session.commit()
        email = send_mail(leader.email, "Your week", "Body", key="t:1", user_id=leader.id)
        email_id = email.id
        db.session.commit()
        if gone == "deactivated":
            db.session.get(User, leader.id).active = False
        else:
            db.session.delete(db.session.get(User, leader.id))
        db.session.commit()
        assert deliver.call_local([email_id]) == 0
        assert read_outbox(app) == []
        row = db.session.scalar(select(OutgoingEmail))
        assert (row.status, row.body) == (CANCELLED, "") if gone == "deactivated" else row is None


def test_the_reminder_page_says_who_turned_reminders_off(client, auth, world):
    auth.login(world.leader)
    client.post("/account/email", data={"digest": "weekly", "digest_weekday": "0",
                                        "checkins": "on", "reminders": "off"})
    auth.logout()
    auth.login(world.facilitator)
    page = text_of(client.get(f"/facilitate/cohorts/{world.cohort.id}/nudge"))
    assert "Lee Leader" in page and "has turned reminders off" in page
