"""The leader's course email: the digest on its day, and on other days one short email
when something urgent (a check-in, a new reply) is waiting. At most one course email per
leader per local day: both kinds share the key "leader-mail:<user>:<local date>", so the
second of a day is never queued, and what it would have held waits for the next one.

Leaders are read in batches (by id); each batch costs a constant number of queries,
whatever its size: the leaders with their settings, the keys already used today, where
each continues, and one call per section provider per local date in the batch (a batch
spans at most two dates, around midnight somewhere). Providers never hand over anyone's
words (course/digests/sections.py), and nothing here adds any: an email names lessons
and who replied, and links to them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app, render_template
from sqlalchemy import func, select

from course.cohorts.models import Cohort, Membership
from course.digests import schedule
from course.digests.models import FORTNIGHTLY, EmailSettings
from course.digests.sections import SECTIONS, Item, Section, resolve
from course.digests.settings import (
    CHECKINS,
    DIGEST,
    WEEKDAYS,
    Prefs,
    prefs_columns,
    prefs_from,
)
from course.digests.unsubscribe import unsubscribe_headers, unsubscribe_url
from course.extensions import db
from course.jobs.models import OutgoingEmail
from course.links import public_path, public_url
from course.mail import send_mail
from course.models import Role, User
from course.progress.progress import continue_lessons

BATCH_SIZE = 200
LEADER_DIGEST, LEADER_URGENT = "leader digest", "check-ins and replies"


@dataclass
class RunReport:
    """What a run sent (or would send), by kind of email."""

    sent: Counter = field(default_factory=Counter)
    already: Counter = field(default_factory=Counter)  # due, but sent earlier that day
    listed: list[str] = field(default_factory=list)  # --dry-run: one line per email


@dataclass
class Recipient:
    """A leader due an email now: their local date and whether it is their digest day."""

    id: int
    email: str
    name: str
    prefs: Prefs
    on: date
    digest: bool


def plural(count: int, word: str) -> str:
    """'1 section', '3 sections' (the dry run's lines)."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def leader_key(user_id: int, on: date) -> str:
    """The idempotency key of a leader's one course email of a local day."""
    return f"leader-mail:{user_id}:{on.isoformat()}"


def setting_of(section: Section) -> str:
    """The email setting a section belongs to: check-ins their own, the rest the digest."""
    return CHECKINS if section.name == CHECKINS else DIGEST


PREFS_START = 5  # eligible_leaders' rows: id, email, name, time_zone, joined_at, prefs...


def eligible_leaders(after_id: int, limit: int):
    """Active leaders with a membership in a cohort that is not archived, by id, with
    their settings and when they first joined (one statement)."""
    joined = (
        select(func.min(Membership.joined_at))
        .join(Cohort, Cohort.id == Membership.cohort_id)
        .where(Membership.user_id == User.id, Membership.role == Role.LEADER,
               Cohort.archived_at.is_(None))
        .correlate(User).scalar_subquery()
    )
    return (
        select(User.id, User.email, User.name, User.time_zone, joined.label("joined_at"),
               *prefs_columns())
        .outerjoin(EmailSettings, EmailSettings.user_id == User.id)
        .where(User.active.is_(True), User.role == Role.LEADER, joined.is_not(None),
               User.id > after_id)
        .order_by(User.id).limit(limit)
    )


def due_now(rows, now: datetime) -> list[Recipient]:
    """The leaders of a batch for whom an email may go now (their morning or day)."""
    due = []
    for row in rows:
        local = schedule.local_moment(now, row.time_zone)
        if not schedule.sending_hours(local):
            continue
        prefs = prefs_from(row[PREFS_START:])
        on = local.date()
        digest = schedule.digest_day(prefs, on) and schedule.settled_in(row.joined_at, now)
        if digest or prefs.checkins or prefs.wants(DIGEST):
            due.append(Recipient(row.id, row.email, row.name, prefs, on, digest))
    return due


def used_keys(keys: list[str]) -> set[str]:
    """Which of these keys were queued before (one query)."""
    if not keys:
        return set()
    return set(db.session.scalars(select(OutgoingEmail.key).where(OutgoingEmail.key.in_(keys))))


def gather(due: list[Recipient], catalog) -> dict[int, list[tuple[Section, list[Item]]]]:
    """Each leader's sections with items, in SECTIONS order: each provider called once per
    local date in the batch, for the leaders whose settings and day want it."""
    found: dict[int, list[tuple[Section, list[Item]]]] = defaultdict(list)
    by_date: dict[date, list[Recipient]] = defaultdict(list)
    for person in due:
        by_date[person.on].append(person)
    for on, people in by_date.items():
        for section in SECTIONS:
            ids = [p.id for p in people if p.prefs.wants(setting_of(section))
                   and (p.digest or section.urgent)]
            if not ids:
                continue
            items = resolve(section.provider)(ids, on, catalog)
            for person_id in ids:
                if items.get(person_id):
                    found[person_id].append((section, items[person_id]))
    return found


def compose(person: Recipient, sections, continue_lesson, catalog) -> dict | None:
    """The email's subject, text, HTML and headers, or None when there is nothing to say."""
    if person.digest:
        if not sections and continue_lesson is None:
            return None
        kinds = [DIGEST]
        period = "fortnight" if person.prefs.digest == FORTNIGHTLY else "week"
        subject = f"Your {period} on Clearing"
    else:
        sections = [(s, items) for s, items in sections if s.urgent]
        if not sections:
            return None
        kinds = sorted({setting_of(s) for s, _ in sections})
        subject = ("How did it go? A check-in from Clearing" if kinds == [CHECKINS]
                   else "Something new for you on Clearing")
    stop = unsubscribe_url(person.id, kinds, person.prefs.link_version)
    context = dict(
        name=person.name, digest=person.digest, prefs=person.prefs, weekdays=WEEKDAYS,
        continue_lesson=continue_lesson if person.digest else None,
        continue_url=(public_url("learn.lesson", lesson_id=continue_lesson.id)
                      if person.digest and continue_lesson else None),
        sections=[(s.heading, [(item.text, public_path(item.path)) for item in items])
                  for s, items in sections],
        settings_url=public_url("auth.email_settings"), unsubscribe_url=stop,
        home_url=public_url("learn.home"),
    )
    return {"subject": subject, "text": render_template("email/digest.txt", **context),
            "html": render_template("email/digest.html", **context),
            "headers": unsubscribe_headers(stop), "sections": sections}


def send_batch(due: list[Recipient], catalog, report: RunReport, *, dry_run: bool) -> None:
    """Build and queue the batch's emails, then let each section acknowledge what went."""
    keys = {person.id: leader_key(person.id, person.on) for person in due}
    used = used_keys(list(keys.values()))
    waiting = [person for person in due if keys[person.id] not in used]
    report.already[LEADER_DIGEST] += sum(1 for p in due if keys[p.id] in used and p.digest)
    sections = gather(waiting, catalog)
    continues = continue_lessons([p.id for p in waiting if p.digest], catalog)
    sent: dict[tuple[str, date], list[Item]] = defaultdict(list)
    for person in waiting:
        email = compose(person, sections.get(person.id, []), continues.get(person.id), catalog)
        if email is None:
            continue
        kind = LEADER_DIGEST if person.digest else LEADER_URGENT
        if dry_run:
            report.sent[kind] += 1
            report.listed.append(f"{kind}: user {person.id} <{person.email}> "
                                 f"({plural(len(email['sections']), 'section')})")
            continue
        queued = send_mail(person.email, email["subject"], email["text"], key=keys[person.id],
                           html=email["html"], headers=email["headers"], user_id=person.id)
        if queued is None:  # a twin run queued it a moment ago: its items are its to ack
            report.already[kind] += 1
            continue
        report.sent[kind] += 1
        for section, items in email["sections"]:
            if section.ack:
                sent[(section.ack, person.on)].extend(items)
    for (ack, on), items in sent.items():
        resolve(ack)(items, on)


def send_leader_emails(now: datetime, catalog, report: RunReport, *, dry_run: bool = False,
                       batch_size: int = BATCH_SIZE) -> None:
    """Every leader email due at `now`, batch by batch; each batch commits on its own (a
    dry run rolls back)."""
    after = 0
    while True:
        rows = db.session.execute(eligible_leaders(after, batch_size)).all()
        if not rows:
            return
        after = rows[-1].id
        due = due_now(rows, now)
        if due:
            send_batch(due, catalog, report, dry_run=dry_run)
        if dry_run:
            db.session.rollback()
        else:
            db.session.commit()


def send_due(now: datetime, *, dry_run: bool = False, batch_size: int = BATCH_SIZE) -> RunReport:
    """Every course email due at `now`: leaders' digests and urgent emails, facilitators'
    digests. Run twice, it sends once. The CLI and the periodic job both call this."""
    from course.digests.facilitator import send_facilitator_digests

    catalog = current_app.extensions["catalog"]
    report = RunReport()
    send_leader_emails(now, catalog, report, dry_run=dry_run, batch_size=batch_size)
    send_facilitator_digests(now, catalog, report, dry_run=dry_run)
    return report
