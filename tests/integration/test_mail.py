"""Outgoing mail: the outbox by default, SMTP when COURSE_SMTP_URL is set.

send_mail queues; these tests commit (Huey's immediate mode then sends at once) or call
the transport, send(), directly. tests/integration/test_jobs.py runs a real queue.
"""

import smtplib
from unittest import mock

import pytest

from course.extensions import db
from course.mail import build_message, mail_batch, send_mail, transmit
from tests.factories import read_outbox


def send(to: str, subject: str, body: str) -> None:
    """Hand one message to the transport now, as a consumer does."""
    transmit(build_message(to, subject, body))


def test_outbox_by_default(app):
    send_mail("leader@example.org", "Hello", "Body text é")
    assert read_outbox(app) == []  # queued: nothing goes before the commit
    db.session.commit()
    [message] = read_outbox(app)
    assert message["To"] == "leader@example.org" and message["Subject"] == "Hello"
    assert "Body text é" in message.get_content()


def test_the_message_id_and_reply_to_come_from_the_queued_email(app):
    send_mail("leader@example.org", "Hello", "Body", key="nudge:k-1",
              reply_to="facilitator@example.org")
    db.session.commit()
    [message] = read_outbox(app)
    assert message["Reply-To"] == "facilitator@example.org"
    again = build_message("leader@example.org", "Hello", "Body", key="nudge:k-1")
    assert message["Message-ID"] == again["Message-ID"]
    assert message["Message-ID"].endswith("@clearing.invalid>")  # the sender's domain
    assert build_message("a@example.org", "S", "B", key="nudge:k-2")["Message-ID"] != again[
        "Message-ID"]


def test_the_same_key_twice_is_one_email(app):
    assert send_mail("leader@example.org", "Hello", "Body", key="invitation:7") is not None
    assert send_mail("leader@example.org", "Hello", "Body", key="invitation:7") is None
    db.session.commit()
    assert send_mail("leader@example.org", "Hello", "Body", key="invitation:7") is None
    db.session.commit()
    assert len(read_outbox(app)) == 1


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
        send("leader@example.org", "Hello", "Body")
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
        send("leader@example.org", "Hello", "Body")


def test_a_batch_shares_one_connection_and_reconnects_once_dropped(make_app):
    app = make_app(COURSE_SMTP_URL="smtp://mail.example.org")
    with app.app_context(), mock.patch("course.mail.smtplib.SMTP") as smtp:
        session = smtp.return_value
        with mail_batch():
            send("a@example.org", "One", "Body")
            send("b@example.org", "Two", "Body")
            assert smtp.call_count == 1 and session.send_message.call_count == 2
            session.send_message.side_effect = [smtplib.SMTPServerDisconnected("bye"), None]
            send("c@example.org", "Three", "Body")  # the server hung up: a new one
            assert smtp.call_count == 2 and session.send_message.call_count == 4
        session.__exit__.assert_called()  # QUIT and closed when the batch ends
        session.send_message.side_effect = None
        send("d@example.org", "Four", "Body")  # outside a batch: its own connection
        assert smtp.call_count == 3


def test_a_batch_stops_trying_once_the_server_cannot_be_reached(make_app):
    app = make_app(COURSE_SMTP_URL="smtp://mail.example.org")
    with app.app_context(), mock.patch("course.mail.smtplib.SMTP",
                                       side_effect=OSError("no route")) as smtp:
        with mail_batch():
            with pytest.raises(OSError):
                send("a@example.org", "One", "Body")
            with pytest.raises(smtplib.SMTPException, match="could not be reached"):
                send("b@example.org", "Two", "Body")
        assert smtp.call_count == 1  # no second 20-second wait


def test_a_batch_without_smtp_writes_the_outbox_as_ever(app):
    with mail_batch():
        send("a@example.org", "One", "Body")
        send("b@example.org", "Two", "Body")
    assert sorted(m["To"] for m in read_outbox(app)) == ["a@example.org", "b@example.org"]
