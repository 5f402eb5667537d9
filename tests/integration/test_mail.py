"""Outgoing mail: the outbox by default, SMTP when COURSE_SMTP_URL is set."""

import smtplib
from unittest import mock

import pytest

from course.mail import mail_batch, send_mail
from tests.factories import read_outbox


def test_outbox_by_default(app):
    send_mail("leader@example.org", "Hello", "Body text é")
    [message] = read_outbox(app)
    assert message["To"] == "leader@example.org" and message["Subject"] == "Hello"
    assert "Body text é" in message.get_content()


@pytest.mark.parametrize(
    ("url", "client", "port", "starttls"),
    [
        ("smtp://user:p%40ss@mail.example.org:587?starttls=1", "SMTP", 587, True),
        ("smtps://user:pass@mail.example.org", "SMTP_SSL", 465, False),
        ("smtp://mail.example.org", "SMTP", 25, False),
    ],
)
def test_smtp_when_configured(make_app, url, client, port, starttls):
    app = make_app(COURSE_SMTP_URL=url)
    with app.app_context(), mock.patch(f"course.mail.smtplib.{client}") as smtp:
        send_mail("leader@example.org", "Hello", "Body")
    args, kwargs = smtp.call_args
    assert args[:2] == ("mail.example.org", port)
    session = smtp.return_value  # smtplib clients return themselves from __enter__
    assert session.starttls.called is starttls
    if "user" in url:
        session.login.assert_called_once_with("user", "p@ss" if "%40" in url else "pass")
    sent = session.send_message.call_args.args[0]
    assert sent["To"] == "leader@example.org"
    assert read_outbox(app) == []


def test_bad_smtp_scheme_is_explained(make_app):
    app = make_app(COURSE_SMTP_URL="http://mail.example.org")
    with app.app_context(), pytest.raises(RuntimeError, match="smtp:// or smtps://"):
        send_mail("leader@example.org", "Hello", "Body")


def test_a_batch_shares_one_connection_and_reconnects_once_dropped(make_app):
    app = make_app(COURSE_SMTP_URL="smtp://mail.example.org")
    with app.app_context(), mock.patch("course.mail.smtplib.SMTP") as smtp:
        session = smtp.return_value
        with mail_batch():
            send_mail("a@example.org", "One", "Body")
            send_mail("b@example.org", "Two", "Body")
            assert smtp.call_count == 1 and session.send_message.call_count == 2
            session.send_message.side_effect = [smtplib.SMTPServerDisconnected("bye"), None]
            send_mail("c@example.org", "Three", "Body")  # the server hung up: a new one
            assert smtp.call_count == 2 and session.send_message.call_count == 4
        session.quit.assert_called()  # closed when the batch ends
        session.send_message.side_effect = None
        send_mail("d@example.org", "Four", "Body")  # outside a batch: its own connection
        assert smtp.call_count == 3


def test_a_batch_stops_trying_once_the_server_cannot_be_reached(make_app):
    app = make_app(COURSE_SMTP_URL="smtp://mail.example.org")
    with app.app_context(), mock.patch("course.mail.smtplib.SMTP",
                                       side_effect=OSError("no route")) as smtp:
        with mail_batch():
            with pytest.raises(OSError):
                send_mail("a@example.org", "One", "Body")
            with pytest.raises(smtplib.SMTPException, match="could not be reached"):
                send_mail("b@example.org", "Two", "Body")
        assert smtp.call_count == 1  # no second 20-second wait


def test_a_batch_without_smtp_writes_the_outbox_as_ever(app):
    with mail_batch():
        send_mail("a@example.org", "One", "Body")
        send_mail("b@example.org", "Two", "Body")
    assert sorted(m["To"] for m in read_outbox(app)) == ["a@example.org", "b@example.org"]
