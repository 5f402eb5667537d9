"""Outgoing mail: .eml files in instance/outbox/, or SMTP when COURSE_SMTP_URL is set."""

from __future__ import annotations

import smtplib
import ssl
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app


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
    """smtp://user:pass@host:587?starttls=1 or smtps://user:pass@host:465."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps"):
        raise RuntimeError("COURSE_SMTP_URL must start with smtp:// or smtps://")
    options = parse_qs(parts.query)
    context = ssl.create_default_context()
    if parts.scheme == "smtps":
        client = smtplib.SMTP_SSL(parts.hostname, parts.port or 465, context=context, timeout=20)
    else:
        client = smtplib.SMTP(parts.hostname, parts.port or 25, timeout=20)
    with client:
        if parts.scheme == "smtp" and options.get("starttls", ["0"])[0] in ("1", "true", "yes"):
            client.starttls(context=context)
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
        client.send_message(message)
