"""Reminders a facilitator sends to leaders of their cohort, each one logged.

A reminder carries the facilitator's own words and the leader's name, nothing else a
leader wrote or did. Services flush; the view commits once.
"""

from __future__ import annotations

import smtplib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app, render_template
from sqlalchemy import and_, case, func, select
from sqlalchemy.exc import IntegrityError

from course.cohorts.models import Cohort, Membership, Nudge
from course.cohorts.scoping import visible_leaders
from course.digests.settings import REMINDERS, prefs_by_user
from course.digests.unsubscribe import unsubscribe_headers, unsubscribe_url
from course.extensions import db
from course.idempotency import check_form_key
from course.links import public_url
from course.mail import send_mail
from course.models import User, utcnow
from course.progress.activity import (
    INACTIVE_AFTER,
    STUCK_AFTER,
    is_inactive,
    last_active_by_leader,
    stuck_before,
)
from course.progress.models import LessonProgress
from course.text import clean_text

DEFAULT_SUBJECT = "A reminder from your Clearing facilitator"
DEFAULT_MESSAGE = (
    "I hope the course is proving useful. When you have ten minutes between meetings, "
    "open your next lesson and carry on where you left off: a short reading, one "
    "question to reflect on privately, and a small experiment to try.\n\n"
    "If something is getting in the way, reply to me and we can talk it through."
)
MAX_SUBJECT_LENGTH = 200
MAX_MESSAGE_LENGTH = 4000
MAX_FORM_KEY = 40  # leaves room for "-<leader id>" in the 64-character column

ALL, NOT_STARTED, INACTIVE, STUCK = "all", "not-started", "inactive", "stuck"
# The same keys as the progress matrix's filters: its "Remind these leaders" link passes
# its `show` value as `select`.
SELECTIONS = {ALL: "Everyone", NOT_STARTED: "Not started",
              INACTIVE: f"Inactive {INACTIVE_AFTER.days} days",
              STUCK: f"Stuck over {STUCK_AFTER.days} days"}


@dataclass(frozen=True)
class NudgeCandidate:
    """An active leader of the cohort, with what the pre-tick filters need."""

    leader: User
    joined_at: datetime
    last_active: datetime | None  # as course.progress.activity defines it; None: never
    started: bool  # opened at least one lesson of the current course
    nudges: int = 0
    last_nudged: datetime | None = None
    stuck: bool = False  # a lesson in progress for longer than STUCK_AFTER, as the matrix says
    reminders_off: bool = False  # the leader turned reminders off (Account -> Email)

    def inactive(self, now: datetime) -> bool:
        """Inactive as the progress matrix says it (course.progress.activity)."""
        return is_inactive(self.last_active, self.joined_at, now)

    def matches(self, selection: str | None, now: datetime) -> bool:
        """Whether a pre-tick link chooses this leader."""
        return (selection == ALL or (selection == NOT_STARTED and not self.started)
                or (selection == INACTIVE and self.inactive(now))
                or (selection == STUCK and self.stuck))


@dataclass
class NudgeReport:
    """Who was reminded, and whose email could not be sent."""

    sent: list[User] = field(default_factory=list)
    failed: list[User] = field(default_factory=list)
    opted_out: list[User] = field(default_factory=list)  # turned reminders off (Account)


def nudges_by_leader(cohort_id: int) -> dict[int, tuple[int, datetime]]:
    """leader id -> (reminders sent in this cohort, when the last one went): one query.

    The caller has already reached the cohort through a scoped loader.
    """
    rows = db.session.execute(
        select(Nudge.leader_id, func.count(Nudge.id), func.max(Nudge.created_at))
        .where(Nudge.cohort_id == cohort_id)
        .group_by(Nudge.leader_id)
    )
    return {leader_id: (count, last) for leader_id, count, last in rows.all()}


def nudge_candidates(viewer: User, cohort: Cohort, lesson_ids: Iterable[str],
                     now: datetime | None = None) -> list[NudgeCandidate]:
    """The cohort's active leaders by name, with activity, past reminders and whether
    they take reminders (four queries)."""
    current = LessonProgress.lesson_id.in_(list(lesson_ids))
    # Stuck as the matrix's cells say it: a current lesson started before stuck_before(now)
    # and not done.
    stuck = and_(current, LessonProgress.completed_at.is_(None),
                 LessonProgress.started_at < stuck_before(now or utcnow()))
    leaders = visible_leaders(viewer, [cohort.id]).subquery()
    rows = db.session.execute(
        select(User, leaders.c.joined_at, func.count(case((current, LessonProgress.id))),
               func.count(case((stuck, LessonProgress.id))))
        .join(leaders, leaders.c.user_id == User.id)
        .outerjoin(LessonProgress, LessonProgress.user_id == User.id)
        .where(User.active.is_(True))
        .group_by(User.id, leaders.c.joined_at)
        .order_by(func.lower(User.name), User.id)
    ).all()
    if not rows:
        return []
    seen = last_active_by_leader(visible_leaders(viewer, [cohort.id]).with_only_columns(
        Membership.user_id))
    sent = nudges_by_leader(cohort.id)
    prefs = prefs_by_user([row[0].id for row in rows])
    return [
        NudgeCandidate(leader, joined_at, seen.get(leader.id), started > 0,
                       *sent.get(leader.id, (0, None)), stuck=stuck_lessons > 0,
                       reminders_off=not prefs[leader.id].reminders)
        for leader, joined_at, started, stuck_lessons in rows
    ]


def clean_subject(subject: str | None) -> str:
    """One line (a header cannot hold a line break), spaces tidied, the default if empty."""
    return " ".join((subject or "").split())[:MAX_SUBJECT_LENGTH] or DEFAULT_SUBJECT


class NudgeError(ValueError):
    """The reminder cannot be sent as written; the message says why."""


def clean_message(message: str | None) -> str:
    """The facilitator's words with line endings normalised; refuse them empty or too long."""
    return clean_text(message, limit=MAX_MESSAGE_LENGTH, error=NudgeError,
                      empty="Write the message to send.",
                      too_long="Keep the message under {limit} characters; it has {length}.")


def nudged_with(keys: list[str]) -> set[str]:
    """Which of these per-leader keys an earlier submit of the same form already used."""
    if not keys:
        return set()
    return set(db.session.scalars(select(Nudge.form_key).where(Nudge.form_key.in_(keys))))


def send_nudges(viewer: User, cohort: Cohort, leaders: list[User], subject: str,
                message: str, form_key: str | None = None) -> NudgeReport:
    """Queue an email of the facilitator's message to each leader; log a Nudge for each.

    The same form_key twice emails each leader once. One submit reaches several leaders,
    so each leader's Nudge carries its own key, "<form_key>-<leader id>", in the unique
    column. The row is written (in a savepoint) before the email goes: a repeat of the
    form finds it, and a twin racing this request trips the unique key, and either way
    that leader counts as reminded without a second email. An email that cannot be queued
    takes its row back, so sending the same form again retries only those leaders; once
    queued, the job queue retries a failing mail server itself. Without a form_key (an old
    page, a script) every submit sends.
    """
    subject, message = clean_subject(subject), clean_message(message)
    form_key = check_form_key(form_key, NudgeError, limit=MAX_FORM_KEY)
    keys = {leader.id: f"{form_key}-{leader.id}" if form_key else None for leader in leaders}
    done = nudged_with([key for key in keys.values() if key])
    link = public_url("learn.home")
    prefs = prefs_by_user([leader.id for leader in leaders])
    report = NudgeReport()
    for leader in leaders:
        if keys[leader.id] in done:
            report.sent.append(leader)
            continue
        if not prefs[leader.id].reminders:  # the leader said no (Account -> Email)
            report.opted_out.append(leader)
            continue
        stop = unsubscribe_url(leader.id, [REMINDERS], prefs[leader.id].link_version)
        body = render_template("facilitate/email/nudge.txt", leader=leader, sender=viewer,
                               cohort=cohort, message=message, link=link, unsubscribe=stop)
        try:
            with db.session.begin_nested():
                nudge = Nudge(cohort_id=cohort.id, leader_id=leader.id, sent_by_id=viewer.id,
                              subject=subject, message=message, created_at=utcnow(),
                              form_key=keys[leader.id])
                db.session.add(nudge)
                db.session.flush()  # claim the key before the email is queued, not after
                # Queued, sent once the view commits; the key keeps it to one email, and
                # the leader's reply goes to the facilitator, not to the no-reply sender.
                send_mail(leader.email, subject, body, reply_to=viewer.email,
                          key=f"nudge:{keys[leader.id] or f'row-{nudge.id}'}",
                          headers=unsubscribe_headers(stop), user_id=leader.id)
        except IntegrityError:  # the same form raced in twice; the other one emails them
            if keys[leader.id] is None:
                raise
        except (smtplib.SMTPException, OSError):
            # Name nobody's words: the log says who was not reached, not what was said.
            current_app.logger.exception("Could not send a reminder to user %s", leader.id)
            report.failed.append(leader)
            continue
        report.sent.append(leader)
    return report
