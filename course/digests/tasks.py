"""The schedule on the job queue: every 15 minutes a consumer sends what is due, with the
same code as `flask digests send`. Each person's email goes from 07:00 their time, so a
quarter-hour tick is as late as one gets."""

from __future__ import annotations

import logging

from huey import crontab

from course.digests.engine import send_due
from course.extensions import queue
from course.jobs.queue import job_context
from course.models import utcnow

log = logging.getLogger("course.digests")


@queue.periodic_task(crontab(minute="*/15"))
def send_due_emails() -> dict[str, int]:
    """Queue the digests and check-in emails due now (idempotent: a late or twin tick
    sends nothing twice)."""
    with job_context():
        report = send_due(utcnow())
        # Counts only: never an address or a word of an email.
        log.info("Course emails queued: %s", dict(report.sent))
        return dict(report.sent)
