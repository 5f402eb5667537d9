"""The data download's part on email: the person's email settings, their notices and the
emails the course queued for them (subject, status and times: the bodies are emptied once
sent)."""

from __future__ import annotations

from sqlalchemy import select

from course.digests.settings import prefs_for
from course.extensions import db
from course.jobs.models import OutgoingEmail
from course.notices.models import Notice
from course.notices.notices import describe, lesson_name


def _when(value) -> str | None:
    return value.isoformat() if value is not None else None


def email_data(user_id: int, catalog) -> dict:
    """Settings, notices and queued emails (three queries)."""
    prefs = prefs_for(user_id)
    notices = db.session.execute(
        select(Notice.kind, Notice.lesson_id, Notice.path, Notice.created_at, Notice.seen_at,
               Notice.emailed_at)
        .where(Notice.user_id == user_id).order_by(Notice.created_at, Notice.id)).all()
    emails = db.session.execute(
        select(OutgoingEmail.subject, OutgoingEmail.status, OutgoingEmail.created_at,
               OutgoingEmail.sent_at)
        .where(OutgoingEmail.user_id == user_id).order_by(OutgoingEmail.id)).all()
    return {
        "email_settings": {
            "digest": prefs.digest, "digest_weekday": prefs.digest_weekday,
            "checkins": prefs.checkins, "reminders": prefs.reminders,
            "facilitator_digest": prefs.facilitator_digest,
            "facilitator_weekday": prefs.facilitator_weekday,
        },
        "notices": [
            {"what": describe(row.kind, None, lesson_name(catalog, row.lesson_id)),
             "kind": row.kind, "path": row.path, "created_at": _when(row.created_at),
             "seen_at": _when(row.seen_at), "emailed_at": _when(row.emailed_at)}
            for row in notices
        ],
        "emails": [
            {"subject": row.subject, "status": row.status, "queued_at": _when(row.created_at),
             "sent_at": _when(row.sent_at)}
            for row in emails
        ],
    }
