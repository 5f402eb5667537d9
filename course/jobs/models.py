"""The outgoing-mail ledger: one row per email, claimed by key before it is sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from course.extensions import db
from course.models import UTCDateTime, utcnow

# queued -> sending -> sent; a failed try goes back to retry (a later job is scheduled
# for it) and, after the last retry or a permanent refusal, to failed.
QUEUED, SENDING, RETRY, SENT, FAILED = "queued", "sending", "retry", "sent", "failed"
# Not sent because the person it was for was deactivated before it went.
CANCELLED = "cancelled"


class OutgoingEmail(db.Model):
    """An email the app has committed to send. The unique key makes sending idempotent:
    enqueued twice it is one row, and a consumer must move the row from queued to sending
    (one conditional UPDATE) before it may send, so two consumers never both send it."""

    __tablename__ = "outgoing_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    recipient: Mapped[str] = mapped_column(String(320))
    reply_to: Mapped[str | None] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    # Emptied once the email is sent or given up: a reset link in it must not outlive
    # the send in a database dump, and a facilitator's words need not be kept twice.
    body: Mapped[str] = mapped_column(Text, default="")
    html: Mapped[str] = mapped_column(Text, default="", server_default="")  # emptied likewise
    # List-Unsubscribe and List-Unsubscribe-Post (course.mail.EXTRA_HEADERS), or None.
    headers: Mapped[dict | None] = mapped_column(JSON)
    # The person the email is for, when it is about their course (digests, check-ins,
    # reminders): a deactivated account gets none, a deleted one takes its emails along.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                                index=True)
    status: Mapped[str] = mapped_column(String(10), default=QUEUED, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The exception's class only (e.g. SMTPServerDisconnected): never the body or a token.
    last_error: Mapped[str | None] = mapped_column(String(100))
