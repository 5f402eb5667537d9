"""The facilitator's weekly digest: per cohort they run, who needs attention (inactive,
stuck: course/progress/activity.py's definitions), shared reflections awaiting a reply,
check-ins missed and circle posts or replies members reported, each with a link to the
filtered matrix, feed or circle. Names and counts only: never a reflection, reply, post or
plan.

A constant number of queries per facilitator, however many cohorts and leaders: their
cohorts' leaders (through scoping.visible_leaders), last active, stuck lessons, awaiting
replies by cohort, missed check-ins and open circle reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask import render_template
from sqlalchemy import func, select

from course.circle.moderation import open_reports
from course.cohorts.models import Cohort, Membership
from course.cohorts.scoping import visible_leaders
from course.digests import schedule
from course.digests.engine import RunReport, plural, used_keys
from course.digests.models import EmailSettings
from course.digests.settings import (
    FACILITATOR_DIGEST,
    WEEKDAYS,
    prefs_columns,
    prefs_from,
)
from course.digests.unsubscribe import unsubscribe_headers, unsubscribe_url
from course.extensions import db
from course.links import public_url
from course.mail import send_mail
from course.models import Role, User
from course.plans.plans import missed_checkins
from course.progress.activity import (
    INACTIVE_AFTER,
    STUCK_AFTER,
    is_inactive,
    last_active_by_leader,
    stuck_before,
)
from course.progress.models import LessonProgress
from course.reflections.models import Reflection
from course.reflections.shared import awaiting_reply

FACILITATOR = "facilitator digest"
NAMES_SHOWN = 8  # then "and 4 more": the matrix has them all


@dataclass
class CohortNews:
    """What needs the facilitator in one cohort."""

    cohort: Cohort
    leaders: int = 0
    inactive: list[str] = field(default_factory=list)
    stuck: list[str] = field(default_factory=list)
    awaiting: int = 0
    missed: list[str] = field(default_factory=list)  # leaders with a missed check-in
    reports: int = 0  # circle posts or replies members reported, not yet dealt with

    @property
    def quiet(self) -> bool:
        return not (self.inactive or self.stuck or self.awaiting or self.missed
                    or self.reports)


def facilitator_key(user_id: int, on: date) -> str:
    return f"facilitator-digest:{user_id}:{on.isoformat()}"


def eligible_facilitators():
    """Active facilitators and admins who run a cohort that is not archived (one query)."""
    runs = (select(Membership.id).join(Cohort, Cohort.id == Membership.cohort_id)
            .where(Membership.user_id == User.id, Membership.role == Role.FACILITATOR,
                   Cohort.archived_at.is_(None)).correlate(User).exists())
    return db.session.execute(
        select(User, *prefs_columns())
        .outerjoin(EmailSettings, EmailSettings.user_id == User.id)
        .where(User.active.is_(True), User.role.in_((Role.FACILITATOR, Role.ADMIN)), runs)
        .order_by(User.id)
    ).all()


def cohort_news(viewer: User, on: date, now: datetime, catalog) -> list[CohortNews]:
    """Per cohort the viewer runs (not archived), what needs them."""
    cohorts = list(db.session.scalars(
        select(Cohort).join(Membership, Membership.cohort_id == Cohort.id)
        .where(Membership.user_id == viewer.id, Membership.role == Role.FACILITATOR,
               Cohort.archived_at.is_(None)).order_by(Cohort.name, Cohort.id)))
    news = {cohort.id: CohortNews(cohort) for cohort in cohorts}
    if not cohorts:
        return []
    scope = visible_leaders(viewer, list(news))
    leaders = db.session.execute(
        scope.add_columns(User.name).join(User, User.id == Membership.user_id)
        .where(User.active.is_(True)).order_by(func.lower(User.name), User.id)).all()
    ids = sorted({row.user_id for row in leaders})
    seen = last_active_by_leader(scope.with_only_columns(Membership.user_id))
    stuck = set(db.session.scalars(
        select(LessonProgress.user_id).distinct()
        .where(LessonProgress.user_id.in_(ids), LessonProgress.completed_at.is_(None),
               LessonProgress.started_at < stuck_before(now),
               LessonProgress.lesson_id.in_(list(catalog.lessons))))) if ids else set()
    members = scope.subquery()
    awaiting = dict(db.session.execute(
        select(members.c.cohort_id, func.count(Reflection.id))
        .join(Reflection, Reflection.user_id == members.c.user_id)
        .where(awaiting_reply()).group_by(members.c.cohort_id)).all())
    missed = missed_checkins(ids, on)
    for row in leaders:
        item = news[row.cohort_id]
        item.leaders += 1
        if is_inactive(seen.get(row.user_id), row.joined_at, now):
            item.inactive.append(row.name)
        if row.user_id in stuck:
            item.stuck.append(row.name)
        if missed.get(row.user_id):
            item.missed.append(row.name)
    for cohort_id, count in awaiting.items():
        news[cohort_id].awaiting = count
    for cohort_id, count in open_reports(list(news)).items():
        news[cohort_id].reports = count
    return list(news.values())


def links_for(cohort: Cohort) -> dict[str, str]:
    return {
        "inactive": public_url("facilitate.progress", cohort_id=cohort.id, show="inactive"),
        "stuck": public_url("facilitate.progress", cohort_id=cohort.id, show="stuck"),
        "awaiting": public_url("facilitate.shared", cohort_id=cohort.id, awaiting="1"),
        "matrix": public_url("facilitate.progress", cohort_id=cohort.id),
        "reports": public_url("facilitate.circle", cohort_id=cohort.id) + "#reports",
    }


def send_facilitator_digests(now: datetime, catalog, report: RunReport, *,
                             dry_run: bool = False) -> None:
    """Each facilitator's digest due at `now` (their weekday, their morning); none when
    every cohort is quiet."""
    due = []
    for user, *values in eligible_facilitators():
        prefs = prefs_from(values)
        local = schedule.local_moment(now, user.time_zone)
        if schedule.sending_hours(local) and schedule.facilitator_day(prefs, local.date()):
            due.append((user, prefs, local.date()))
    used = used_keys([facilitator_key(user.id, on) for user, _, on in due])
    for user, prefs, on in due:
        key = facilitator_key(user.id, on)
        if key in used:
            report.already[FACILITATOR] += 1
            continue
        news = cohort_news(user, on, now, catalog)
        if all(item.quiet for item in news):
            continue
        stop = unsubscribe_url(user.id, [FACILITATOR_DIGEST], prefs.link_version)
        context = dict(name=user.name, news=[(item, links_for(item.cohort)) for item in news],
                       shown=NAMES_SHOWN, inactive_days=INACTIVE_AFTER.days,
                       stuck_days=STUCK_AFTER.days, weekday=WEEKDAYS[prefs.facilitator_weekday],
                       settings_url=public_url("auth.email_settings"), unsubscribe_url=stop)
        if dry_run:
            report.sent[FACILITATOR] += 1
            report.listed.append(f"{FACILITATOR}: user {user.id} <{user.email}> "
                                 f"({plural(len(news), 'cohort')})")
            continue
        queued = send_mail(user.email, "Your cohorts this week on Clearing",
                           render_template("email/facilitator_digest.txt", **context),
                           key=key, html=render_template("email/facilitator_digest.html",
                                                         **context),
                           headers=unsubscribe_headers(stop), user_id=user.id)
        report.sent[FACILITATOR] += queued is not None
        report.already[FACILITATOR] += queued is None
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
