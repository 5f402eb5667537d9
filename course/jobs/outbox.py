"""Sending queued email: enqueued when the transaction that wrote it commits, claimed by
key before it goes, retried with a growing delay, marked failed after the last retry."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass

from flask import current_app
from flask_sqlalchemy.session import Session
from huey import crontab
from sqlalchemy import and_, event, func, or_, select, update

from course.extensions import db, queue
from course.jobs.models import CANCELLED, FAILED, QUEUED, RETRY, SENDING, SENT, OutgoingEmail
from course.jobs.queue import job_context
from course.mail import PENDING, build_message, mail_batch, transmit
from course.models import User, utcnow

log = logging.getLogger("course.jobs.mail")


class MailNotSent(Exception):
    """Some emails of a job could not be sent this time; Huey runs the job again later."""


@event.listens_for(Session, "after_commit")
def _enqueue_committed(session) -> None:
    """The emails a transaction queued go to the job queue only once it has committed:
    an email about a change that was rolled back is never sent."""
    if session.get_nested_transaction() is not None:
        return  # SQLAlchemy says "after_commit" on releasing a savepoint too: not yet
    ids = session.info.pop(PENDING, None)
    if ids:
        enqueue(ids)


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the whole transaction, not a savepoint
        session.info.pop(PENDING, None)


def enqueue(ids: list[int]) -> None:
    """Ask a consumer to send these committed emails, retrying with a growing delay."""
    config = current_app.config
    try:
        deliver(sorted(set(ids)), retries=config["MAIL_RETRIES"],
                retry_delay=config["MAIL_RETRY_DELAY"], retry_backoff=2)
    except Exception:  # the commit stands; the sweep finds these rows and queues them
        log.exception("Could not enqueue %d email(s); the sweep will", len(ids))


@dataclass(frozen=True)
class Claimed:
    """What a consumer needs to send one email, read while it claimed the row."""

    id: int
    key: str
    recipient: str
    reply_to: str | None
    subject: str
    body: str
    attempts: int
    html: str = ""
    headers: dict | None = None


def claim(email_id: int) -> Claimed | None:
    """Take the email for this consumer (queued, or claimed by one that died); None when
    it is sent, failed, taken by another consumer, or was never committed."""
    now = utcnow()
    stale = now - current_app.config["MAIL_CLAIM_TIMEOUT"]
    # An email for someone deactivated since it was queued is not sent (a deleted
    # account's emails went with it).
    db.session.execute(
        update(OutgoingEmail)
        .where(OutgoingEmail.id == email_id, OutgoingEmail.status.in_((QUEUED, RETRY)),
               OutgoingEmail.user_id.in_(select(User.id).where(User.active.is_(False))))
        .values(status=CANCELLED, body="", html="", headers=None)
    )
    taken = db.session.execute(
        update(OutgoingEmail)
        .where(OutgoingEmail.id == email_id,
               or_(OutgoingEmail.status.in_((QUEUED, RETRY)),
                   and_(OutgoingEmail.status == SENDING, OutgoingEmail.claimed_at < stale)))
        .values(status=SENDING, claimed_at=now, attempts=OutgoingEmail.attempts + 1)
    ).rowcount == 1
    row = db.session.get(OutgoingEmail, email_id) if taken else None
    claimed = row and Claimed(row.id, row.key, row.recipient, row.reply_to, row.subject,
                              row.body, row.attempts, row.html, row.headers)
    db.session.commit()  # short: no lock is held while the mail server is talked to
    return claimed


def _settle(email_id: int, status: str, error: Exception | None = None) -> None:
    values: dict = {"status": status, "last_error": type(error).__name__ if error else None}
    if status == SENT:
        values["sent_at"] = utcnow()
    if status in (SENT, FAILED):
        values.update(body="", html="", headers=None)
    db.session.execute(update(OutgoingEmail).where(OutgoingEmail.id == email_id,
                                                   OutgoingEmail.status == SENDING)
                       .values(**values))
    db.session.commit()


def permanent(error: Exception) -> bool:
    """The server said no for good (5xx to the recipient or the message): no retry helps."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPDataError) and error.smtp_code >= 500


@queue.task(context=True)
def deliver(ids: list[int], task=None) -> int:
    """Send these emails over one connection; return how many went. Each is claimed first,
    so a second consumer, a retry or a re-queued job skips what is sent or being sent."""
    sent, again = 0, []
    last_job = task is None or not task.retries
    with job_context() as app, mail_batch():
        most = app.config["MAIL_RETRIES"] + 1
        for email_id in ids:
            email = claim(email_id)
            if email is None:
                continue
            try:
                transmit(build_message(email.recipient, email.subject, email.body,
                                       key=email.key, reply_to=email.reply_to,
                                       html=email.html, headers=email.headers))
            except Exception as error:  # noqa: BLE001 (any failure leaves it to a retry)
                gone = last_job or email.attempts >= most or permanent(error)
                _settle(email_id, FAILED if gone else RETRY, error)
                # The id and the error's class only: never the body, a link or a token.
                log.warning("Email %s %s on attempt %s (%s)", email_id,
                            "failed for good" if gone else "not sent; will retry",
                            email.attempts, type(error).__name__)
                if not gone:
                    again.append(email_id)
            else:
                _settle(email_id, SENT)
                sent += 1
    if again:
        raise MailNotSent(f"{len(again)} of {len(ids)} email(s) to retry")
    return sent


@queue.periodic_task(crontab(minute="*"))
def sweep() -> int:
    """Queue again what no job will send: emails whose enqueue failed after the commit, or
    whose consumer died mid-job (Huey has taken the job off the queue by then). Emails
    waiting for a retry are left alone: their job is scheduled and survives restarts."""
    with job_context() as app:
        now = utcnow()
        ids = list(db.session.scalars(select(OutgoingEmail.id).where(or_(
            and_(OutgoingEmail.status == QUEUED,
                 OutgoingEmail.created_at < now - app.config["MAIL_SWEEP_AFTER"]),
            and_(OutgoingEmail.status == SENDING,
                 OutgoingEmail.claimed_at < now - app.config["MAIL_CLAIM_TIMEOUT"]),
        )).order_by(OutgoingEmail.id).limit(500)))
        db.session.rollback()
        if ids:
            enqueue(ids)
        return len(ids)


def failed_count() -> int:
    """Emails given up after their last retry (or refused for good)."""
    return db.session.scalar(select(func.count()).where(OutgoingEmail.status == FAILED))
