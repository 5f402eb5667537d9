"""Invite by a pasted list of emails: each valid address gets its own single-use link."""

from __future__ import annotations

import re
import smtplib

from sqlalchemy import func, select

from course.cohorts import inviting
from course.cohorts.cohorts import find_invitation
from course.cohorts.inviting import parse_email_list
from course.cohorts.models import Invitation
from course.extensions import db
from tests.facilitate.conftest import text_of
from tests.factories import read_outbox


def email_url(world) -> str:
    return f"/facilitate/cohorts/{world.cohort.id}/invitations/email"


def textarea(html: str) -> str:
    return re.search(r'<textarea[^>]*id="emails"[^>]*>(.*?)</textarea>', html, re.S).group(1)


def invitation_count() -> int:
    return db.session.scalar(select(func.count(Invitation.id)))


def test_parse_splits_on_commas_semicolons_spaces_and_new_lines():
    parsed = parse_email_list(
        "a@example.org, B@Example.org;c@example.org\n\td@example.org  e@example.org\r\n"
        "Jane Doe <jane@example.org>; \"Kim\" <kim@example.org>,b@example.org nonsense, a@"
    )
    assert parsed.valid == ["a@example.org", "b@example.org", "c@example.org",
                            "d@example.org", "e@example.org", "jane@example.org",
                            "kim@example.org"]
    assert parsed.invalid == ["nonsense", "a@"]
    assert parsed.duplicates == 1


def test_parse_never_glues_an_address_to_a_name():
    parsed = parse_email_list("a@example.org Jane <jane@example.org>")
    assert parsed.valid == ["a@example.org", "jane@example.org"]
    assert parsed.invalid == ["Jane"]  # reported back, not silently dropped


def test_valid_invalid_duplicates_and_existing_member(app, client, auth, world):
    auth.login(world.facilitator)
    before = invitation_count()
    pasted = (f"new.one@example.org; NEW.ONE@example.org, second@example.org\n"
              f"not-an-email, {world.leader.email.upper()} third@example.org,, @nope")
    response = client.post(email_url(world), data={"emails": pasted})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    page = text_of(response)

    sent = read_outbox(app)
    assert sorted(m["To"] for m in sent) == ["new.one@example.org", "second@example.org",
                                             "third@example.org"]
    tokens = set()
    for message in sent:
        assert message["Subject"] == "Your invitation to Harbour cohort on Clearing"
        body = message.get_content()
        assert world.facilitator.name in body
        token = re.search(r"http://localhost/invite/(\S+)", body).group(1)
        invitation = find_invitation(token)
        assert invitation.cohort_id == world.cohort.id and invitation.max_uses == 1
        tokens.add(token)
    assert len(tokens) == 3  # a fresh link each
    assert invitation_count() == before + 3

    assert "Invitations sent to 3 addresses." in page
    assert f"Already in this cohort, so not invited again: {world.leader.email}." in page
    assert "1 repeated entry left out" in page
    assert "Not valid email addresses, so nobody was invited: not-an-email, @nope." in page
    assert textarea(html).split() == ["not-an-email", "@nope"]  # kept to be corrected
    assert 'aria-invalid="true"' in html


def test_all_valid_redirects_with_a_summary(app, client, auth, world):
    auth.login(world.facilitator)
    response = client.post(email_url(world), data={"emails": "x@example.org y@example.org"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("#invite-emails")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Invitations sent to 2 addresses." in page
    assert len(read_outbox(app)) == 2


def test_only_invalid_sends_nothing(app, client, auth, world):
    auth.login(world.facilitator)
    response = client.post(email_url(world), data={"emails": "one two@"})
    assert response.status_code == 422
    assert textarea(response.get_data(as_text=True)).split() == ["one", "two@"]
    assert "Invitations sent to 0 addresses." in text_of(response)
    assert read_outbox(app) == []


def test_empty_and_oversized_lists_are_refused(app, client, auth, world):
    auth.login(world.facilitator)
    before = invitation_count()
    response = client.post(email_url(world), data={"emails": " ,; \n"})
    assert response.status_code == 422
    assert "Paste at least one email address." in response.get_data(as_text=True)

    many = "\n".join(f"invitee{n}@example.org" for n in range(501))
    response = client.post(email_url(world), data={"emails": many})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Paste at most 500 addresses at a time; that list has 501." in html
    assert "invitee500@example.org" in textarea(html)  # nothing typed is lost
    assert read_outbox(app) == [] and invitation_count() == before


def test_five_hundred_is_allowed(app, client, auth, world):
    auth.login(world.facilitator)
    many = ", ".join(f"invitee{n}@example.org" for n in range(500))
    assert client.post(email_url(world), data={"emails": many}).status_code == 302
    assert len(read_outbox(app)) == 500


def test_a_failed_send_is_reported_and_its_link_revoked(app, client, auth, world, monkeypatch):
    real_send = inviting.send_mail

    def flaky(to, subject, body, **options):  # the queue itself refuses this one
        if to == "down@example.org":
            raise smtplib.SMTPServerDisconnected("gone")
        real_send(to, subject, body, **options)

    monkeypatch.setattr(inviting, "send_mail", flaky)
    auth.login(world.facilitator)
    response = client.post(email_url(world), data={"emails": "ok@example.org down@example.org"})
    page = text_of(response)
    assert "The email could not be sent to: down@example.org." in page
    assert textarea(response.get_data(as_text=True)).split() == ["down@example.org"]
    assert [m["To"] for m in read_outbox(app)] == ["ok@example.org"]
    revoked = db.session.scalars(select(Invitation).where(Invitation.revoked_at.is_not(None)))
    assert len(list(revoked)) == 1


def test_the_email_goes_through_smtp_when_configured(make_app, world, monkeypatch):
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            sent.append((host, port))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def send_message(self, message):
            sent.append(message["To"])

    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    app = make_app(reset=False, COURSE_SMTP_URL="smtp://mail.example.org:2525")
    client = app.test_client()
    client.post("/login", data={"email": world.facilitator.email,
                                "password": "a calm walk by the river"})
    response = client.post(email_url(world), data={"emails": "smtp@example.org"})
    assert response.status_code == 302
    assert sent == [("mail.example.org", 2525), "smtp@example.org"]
    assert read_outbox(app) == []


def test_many_existing_members_keep_the_summary_short(app, client, auth, world, make_leader):
    members = [make_leader(cohort=world.cohort).email for _ in range(25)]
    auth.login(world.facilitator)
    response = client.post(email_url(world), data={"emails": " ".join(members)})
    assert response.status_code == 302
    page = text_of(client.get(response.headers["Location"]))
    assert f"not invited again: {', '.join(members[:10])} and 15 more." in page
    assert "Invitations sent to 0 addresses." in page
    assert read_outbox(app) == []
