"""Outgoing mail. `send_mail` queues an email; the job queue (course.jobs.outbox) sends
it once the caller's transaction commits, by SMTP when COURSE_SMTP_URL is set, else as an
.eml file in instance/outbox/."""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from contextlib import contextmanager
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app, g
from sqlalchemy.exc import IntegrityError

from course.extensions import db
from course.jobs.models import OutgoingEmail

# session.info key: ids of the emails this transaction queued, handed to the job queue
# when it commits (course.jobs.outbox listens) and forgotten when it rolls back.
PENDING = "outgoing_email_ids"
MAX_KEY = 200


# The only extra headers an email may carry (RFC 2369 / RFC 8058 unsubscribing).
EXTRA_HEADERS = frozenset({"List-Unsubscribe", "List-Unsubscribe-Post"})


def send_mail(to: str, subject: str, body: str, *, key: str | None = None,
              reply_to: str | None = None, html: str | None = None,
              headers: dict[str, str] | None = None,
              user_id: int | None = None) -> OutgoingEmail | None:
    """Queue one email, sent after the caller commits; None if `key` was queued before.

    The key makes the email idempotent: a retry, a restart or a second consumer sends it
    once. Pass one naming what the email is for ("invitation:12"); without it the key is
    a hash of the email itself, so the very same email queued twice goes once.

    `html` adds an HTML alternative to the plain text; `headers` adds List-Unsubscribe and
    List-Unsubscribe-Post. With `user_id` the email is that person's: it is not sent once
    their account is deactivated, and it goes with the account when that is deleted.
    """
    unknown = set(headers or ()) - EXTRA_HEADERS
    if unknown:
        raise ValueError(f"headers not allowed: {sorted(unknown)}")
    if key is None:
        key = "content:" + _digest(to, subject, body, reply_to or "", html or "")
    elif len(key) > MAX_KEY:
        key = key[:100] + ":" + _digest(key)
    email = OutgoingEmail(key=key, recipient=to, reply_to=reply_to, subject=subject, body=body,
                          html=html or "", headers=dict(headers) if headers else None,
                          user_id=user_id)
    try:
        with db.session.begin_nested():  # only this row goes back if the key is taken
            db.session.add(email)
    except IntegrityError:
        return None
    db.session.info.setdefault(PENDING, []).append(email.id)
    return email


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:40]


def build_message(to: str, subject: str, body: str, *, key: str | None = None,
                  reply_to: str | None = None, html: str | None = None,
                  headers: dict[str, str] | None = None) -> EmailMessage:
    """Return a plain-text message (multipart/alternative with `html`) from the configured
    sender; its Message-ID comes from the idempotency key, so a resent copy is
    recognisably the same email."""
    sender = current_app.config["COURSE_MAIL_FROM"]
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    if reply_to:
        message["Reply-To"] = reply_to
    message["Subject"] = subject
    message["Date"] = datetime.now(UTC)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "clearing"
    token = _digest(key) if key else _digest(to, subject, body, str(datetime.now(UTC)))
    message["Message-ID"] = f"<{token}@{domain}>"
    for name, value in (headers or {}).items():
        if name in EXTRA_HEADERS:
            message[name] = value
    message.set_content(body)
    if html:
        message.add_alternative(html, subtype="html")
    return message


def transmit(message: EmailMessage) -> None:
    """Hand one message to SMTP now, or write it into the outbox folder (the consumer's
    side of sending; requests call send_mail)."""
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
        client, self.client = self.client, None
        if client is None:
            return
        try:
            with client:  # the client's own exit: QUIT, then close the socket
                pass
        except (smtplib.SMTPException, OSError):
            pass  # every message was handed over already; a failed goodbye loses none


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
    partial = path.with_suffix(".part")  # renamed when whole: a reader never sees half
    partial.write_bytes(bytes(message))
    partial.replace(path)
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
    # Every connect, read and write gives up after this many seconds: a hung server fails
    # the send (to be retried later) instead of holding a consumer thread.
    timeout = float(current_app.config["COURSE_SMTP_TIMEOUT"])
    if parts.scheme == "smtps":
        client = smtplib.SMTP_SSL(parts.hostname, parts.port or 465, context=context,
                                  timeout=timeout)
    else:
        client = smtplib.SMTP(parts.hostname, parts.port or 25, timeout=timeout)
    try:
        if parts.scheme == "smtp" and options.get("starttls", ["0"])[0] in ("1", "true", "yes"):
            client.starttls(context=context)
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
    except BaseException:
        client.close()
        raise
    return client
