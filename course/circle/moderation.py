"""Moderation: a facilitator hides a post or a reply with a reason its author reads (and
may show it again); any member reports one; open reports per cohort for the cohort page
and the facilitator's digest.

Hidden items leave every peer's circle on the next request (course.circle.circle filters
them in SQL) and stay, with the notice, for their author and the cohort's facilitators.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import abort
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from course.circle.models import CirclePost, CircleReply, CircleReport
from course.cohorts.models import Membership
from course.extensions import db
from course.models import Role, User, utcnow
from course.text import clean_text

MAX_REASON_LENGTH = 500


class ModerationError(ValueError):
    """A reason or report cannot be kept as typed; the message says why (text kept)."""


def clean_reason(text: str | None, *, required: bool) -> str:
    return clean_text(
        text, limit=MAX_REASON_LENGTH, error=ModerationError,
        empty="Say why, in a sentence: the author reads it." if required else None,
        too_long="Keep it under {limit} characters.",
    ).replace("\r", "")


def hide(item: CirclePost | CircleReply, moderator: User, reason: str | None) -> None:
    """Hide a post or reply from peers, with the reason its author sees; resolves its
    open reports."""
    item.hidden_reason = clean_reason(reason, required=True)
    item.hidden_at = utcnow()
    item.hidden_by_id = moderator.id
    _resolve_about(item, moderator)
    db.session.flush()


def unhide(item: CirclePost | CircleReply) -> None:
    """Show a hidden post or reply to peers again."""
    item.hidden_at = item.hidden_reason = item.hidden_by_id = None
    db.session.flush()


def _target(item: CirclePost | CircleReply) -> dict:
    return {"post_id": item.id} if isinstance(item, CirclePost) else {"reply_id": item.id}


def _resolve_about(item, moderator: User) -> None:
    for report in db.session.scalars(select(CircleReport).filter_by(
            **_target(item), resolved_at=None)):
        report.resolved_at, report.resolved_by_id = utcnow(), moderator.id


def report(item: CirclePost | CircleReply, reporter: User, reason: str | None) -> bool:
    """A member asks the facilitator to look at a post or reply. One open report per
    person and item: reporting again changes nothing. True when a report was made."""
    reason = clean_reason(reason, required=False)
    open_one = db.session.scalar(select(CircleReport.id).filter_by(
        **_target(item), reporter_id=reporter.id, resolved_at=None))
    if open_one is not None:
        return False
    db.session.add(CircleReport(**_target(item), reporter_id=reporter.id, reason=reason))
    db.session.flush()
    return True


def resolve(report_row: CircleReport, moderator: User) -> None:
    """The facilitator looked and leaves the item as it is."""
    report_row.resolved_at, report_row.resolved_by_id = utcnow(), moderator.id
    db.session.flush()


def _reports(cohort_ids):
    """Open reports on posts or replies in these cohorts (the post's author is a leader
    of the cohort), with the cohort and the post they are about."""
    direct, via = aliased(CirclePost), aliased(CirclePost)
    return (
        select(Membership.cohort_id, func.coalesce(direct.id, via.id).label("post_id"),
               CircleReport)
        .select_from(CircleReport)
        .outerjoin(CircleReply, CircleReply.id == CircleReport.reply_id)
        .outerjoin(direct, direct.id == CircleReport.post_id)
        .outerjoin(via, via.id == CircleReply.post_id)
        .join(Membership, Membership.user_id == func.coalesce(direct.user_id, via.user_id))
        .where(CircleReport.resolved_at.is_(None), Membership.cohort_id.in_(cohort_ids),
               Membership.role == Role.LEADER)
    )


def open_reports(cohort_ids) -> dict[int, int]:
    """Open reports per cohort ({cohort id: count}; cohorts without any left out), in one
    query. The facilitator digest reads it: a count, never the words."""
    ids = list(cohort_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        _reports(ids).with_only_columns(Membership.cohort_id, func.count(CircleReport.id))
        .group_by(Membership.cohort_id))
    return dict(rows.all())


@dataclass(frozen=True)
class OpenReport:
    id: int
    post_id: int
    reply_id: int | None
    reason: str
    created_at: datetime


def reports_for(cohort_id: int) -> list[OpenReport]:
    """A cohort's open reports, oldest first (the cohort was loaded through the scope)."""
    rows = db.session.execute(
        _reports([cohort_id]).order_by(CircleReport.created_at, CircleReport.id)
    ).all()
    return [OpenReport(found.id, post_id, found.reply_id, found.reason, found.created_at)
            for _, post_id, found in rows]


def get_report_or_404(cohort_id: int, report_id: int) -> CircleReport:
    found = db.session.execute(_reports([cohort_id]).where(CircleReport.id == report_id)).first()
    if found is None:
        abort(404)
    return found[2]
