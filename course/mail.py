"""Outgoing mail: .eml files in instance/outbox/, or SMTP when COURSE_SMTP_URL is set."""

from __future__ import annotations

import smtplib
import ssl
from contextlib import contextmanager
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app, g


def build_message(to: str, subject: str, body: str) -> EmailMessage:
    """Return a plain-text message from the configured sender."""
    message = EmailMessage()
    message["From"] = current_app.config["COURSE_MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = datetime.now(UTC)
    message["Message-ID"] = make_msgid(domain="clearing")
    message.set_content(body)
    return message


def send_mail(to: str, subject: str, body: str) -> None:
    """Send one message by SMTP, or write it into the outbox folder."""
    message = build_message(to, subject, body)
    smtp_url = current_app.config.get("COURSE_SMTP_URL")
    if smtp_url:
        _send_smtp(smtp_url, message)
    else:
        _write_outbox(message)


class _Batch:
    """One SMTP connection shared by the messages sent inside `mail_batch()`."""

    def __init__(self) -> None:
        self.client: smtplib.SMTP | None = None
        self.unreachable = False  # once connecting failed, the rest fail at once

    def send(self, url: str, message: EmailMessage) -> None:
        if self.unreachable:
            raise smtplib.SMTPException("the mail server could not be reached")
        if self.client is None:
            try:
                self.client = _connect(url)
            except (smtplib.SMTPException, OSError):
                self.unreachable = True
                raise
        try:
            self.client.send_message(message)
        except smtplib.SMTPServerDisconnected:  # the server hung up between messages
            self.client = _connect(url)
            self.client.send_message(message)

    def close(self) -> None:
        if self.client is not None:
            try:
                self.client.quit()
            except (smtplib.SMTPException, OSError):
                self.client.close()
            self.client = None


@contextmanager
def mail_batch():
    """Send the messages of this block over one SMTP connection (opened on first use,
    opened again if the server drops it, closed at the end): reminders to a cohort cost
    one handshake, not one per leader. Without SMTP it changes nothing."""
    previous = g.get("mail_batch")
    g.mail_batch = batch = _Batch()
    try:
        yield
    finally:
        g.mail_batch = previous
        batch.close()


def outbox_dir() -> Path:
    """The folder where unsent mail is written."""
    return Path(current_app.instance_path) / "outbox"


def _write_outbox(message: EmailMessage) -> Path:
    folder = outbox_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    msgid = message["Message-ID"].strip("<>").split("@")[0]
    path = folder / f"{stamp}-{msgid}.eml"
    path.write_bytes(bytes(message))
    return path


def _send_smtp(url: str, message: EmailMessage) -> None:
    """Send over the batch's connection inside `mail_batch()`, else over a new one."""
    batch = g.get("mail_batch")
    if batch is not None:
        batch.send(url, message)
        return
    client = _connect(url)
    with client:  # QUIT and close afterwards
        client.send_message(message)


def _connect(url: str) -> smtplib.SMTP:
    """smtp://user:pass@host:587?starttls=1 or smtps://user:pass@host:465, signed in."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps"):
        raise RuntimeError("COURSE_SMTP_URL must start with smtp:// or smtps://")
    options = parse_qs(parts.query)
    context = ssl.create_default_context()
    if parts.scheme == "smtps":
        client = smtplib.SMTP_SSL(parts.hostname, parts.port or 465, context=context, timeout=20)
    else:
        client = smtplib.SMTP(parts.hostname, parts.port or 25, timeout=20)
    try:
        if parts.scheme == "smtp" and options.get("starttls", ["0"])[0] in ("1", "true", "yes"):
            client.starttls(context=context)
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
    except BaseException:
        client.close()
        raise
    return client
