"""Everything the app holds about one person, as JSON and Markdown in a zip.

Secrets are left out on purpose: no password hash, no session or link token hashes.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime

from sqlalchemy import func, select

from course.access import mine
from course.circle.export import circle_data
from course.cohorts.models import Cohort, Invitation, Membership, Nudge
from course.content import Catalog
from course.digests.export import email_data
from course.experiments.models import ExperimentEntry
from course.extensions import db
from course.journal.journal import build_journal, journal_markdown
from course.journal.models import CaseDocument, CaseVersion
from course.models import User, utcnow
from course.passkeys.passkeys import list_passkeys
from course.passkeys.second_factor import has_totp, recovery_codes_left
from course.plans.models import Plan
from course.plans.mydata import plan_data
from course.progress.models import LessonProgress
from course.quizzes.models import QuizAttempt
from course.reflections.models import Reflection
from course.reflections.reflections import replies_for
from course.review.export import review_data
from course.review.models import ReviewAnswer
from course.self_assessment.models import SelfAssessment
from course.sessions import list_sessions
from course.sets.mydata import set_data

DATA_FILE = "clearing-data.json"
JOURNAL_FILE = "clearing-journal.md"
CASE_FILE = "clearing-case-for-change.md"


def _when(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _lesson_title(catalog: Catalog, lesson_id: str | None) -> str | None:
    lesson = catalog.lessons.get(lesson_id) if lesson_id else None
    return lesson.title if lesson else None


def _prompt_text(catalog: Catalog, lesson_id: str, prompt_id: str) -> str | None:
    lesson = catalog.lessons.get(lesson_id)
    found = [p.text for p in lesson.reflections if p.id == prompt_id] if lesson else []
    return found[0] if found else None


def _rows(model, user_id: int) -> list:
    return list(db.session.scalars(mine(model, user_id).order_by(model.id)))


def profile_data(user: User) -> dict:
    """Who the person is and where they belong."""
    memberships = db.session.execute(
        select(Membership, Cohort.name)
        .join(Cohort, Cohort.id == Membership.cohort_id)
        .where(Membership.user_id == user.id)
        .order_by(Membership.joined_at, Membership.id)
    ).all()
    invitations = db.session.execute(
        select(Invitation, Cohort.name)
        .join(Cohort, Cohort.id == Invitation.cohort_id)
        .where(Invitation.created_by_id == user.id)
        .order_by(Invitation.created_at)
    ).all()
    return {
        "profile": {
            "name": user.name, "email": user.email, "role": user.role.value,
            "active": user.active, "created_at": _when(user.created_at),
            "password_changed_at": _when(user.password_changed_at),
            "time_zone": user.time_zone, "welcome_seen_at": _when(user.welcome_seen_at),
            "display_name": user.display_name, "organisation": user.organisation,
        },
        "memberships": [
            {"cohort": name, "role": m.role.value, "joined_at": _when(m.joined_at)}
            for m, name in memberships
        ],
        "invitations_created": [
            {"cohort": name, "created_at": _when(i.created_at), "expires_at": _when(i.expires_at),
             "max_uses": i.max_uses, "uses": i.uses, "revoked_at": _when(i.revoked_at)}
            for i, name in invitations
        ],
        "active_sessions": active_sessions(user.id),
    }


def active_sessions(user_id: int) -> int:
    """How many browsers are signed in to the account now (kept devices included)."""
    return len(list_sessions(user_id))


def sign_in_data(user_id: int) -> dict:
    """Passkeys by name and date, whether an app is set up; never key material or a secret."""
    return {
        "passkeys": [
            {"name": p.name, "created_at": _when(p.created_at),
             "last_used_at": _when(p.last_used_at)}
            for p in list_passkeys(user_id)
        ],
        "two_step_sign_in": {"authenticator_app": has_totp(user_id),
                             "unused_recovery_codes": recovery_codes_left(user_id)},
    }


def learning_data(user_id: int, catalog: Catalog) -> dict:
    """Progress, reflections with versions and replies, attempts, experiments, assessments."""
    reflections = _rows(Reflection, user_id)
    replies = replies_for(r.id for r in reflections)
    return {
        "lesson_progress": [
            {"lesson_id": r.lesson_id, "lesson": _lesson_title(catalog, r.lesson_id),
             "started_at": _when(r.started_at), "updated_at": _when(r.updated_at),
             "completed_at": _when(r.completed_at)}
            for r in _rows(LessonProgress, user_id)
        ],
        "reflections": [
            {"lesson_id": r.lesson_id, "lesson": _lesson_title(catalog, r.lesson_id),
             "prompt_id": r.prompt_id, "prompt": _prompt_text(catalog, r.lesson_id, r.prompt_id),
             "text": r.text, "audience": r.audience, "shared_at": _when(r.shared_at),
             "created_at": _when(r.created_at), "updated_at": _when(r.updated_at),
             "saved_at": _when(r.saved_at),
             "versions": [{"text": v.text, "created_at": _when(v.created_at)}
                          for v in reversed(r.versions)],
             "replies": [{"from": author, "text": reply.text,
                          "created_at": _when(reply.created_at)}
                         for reply, author in replies.get(r.id, [])]}
            for r in reflections
        ],
        "quiz_attempts": [
            {"quiz_id": a.quiz_id, "lesson_id": a.lesson_id,
             "quiz": catalog.quizzes[a.quiz_id].title if a.quiz_id in catalog.quizzes else None,
             "created_at": _when(a.created_at), "score": a.score, "answers": a.answers}
            for a in _rows(QuizAttempt, user_id)
        ],
        "experiment_entries": [
            {"lesson_id": e.lesson_id, "lesson": _lesson_title(catalog, e.lesson_id),
             "done_on": _when(e.done_on), "text": e.text, "measures": e.measures,
             "audience": e.audience, "shared_at": _when(e.shared_at),
             "created_at": _when(e.created_at)}
            for e in _rows(ExperimentEntry, user_id)
        ],
        "self_assessments": [
            {"stage": s.stage, "levels": s.levels, "skipped": s.skipped,
             "created_at": _when(s.created_at), "updated_at": _when(s.updated_at)}
            for s in _rows(SelfAssessment, user_id)
        ],
    }


def case_data(user_id: int) -> dict | None:
    """The case for change: the draft as last typed and every saved version."""
    document = db.session.scalar(mine(CaseDocument, user_id))
    if document is None:
        return None
    return {
        "title": document.title, "draft": document.content,
        "created_at": _when(document.created_at), "updated_at": _when(document.updated_at),
        "saved_at": _when(document.saved_at),
        "versions": [{"title": v.title, "content": v.content, "markdown": v.text,
                      "created_at": _when(v.created_at)} for v in _rows(CaseVersion, user_id)],
    }


def reminders_received(user_id: int) -> list[dict]:
    """The reminders facilitators sent to the person, oldest first, with the sender's name.

    Columns, not rows: the reminder's form_key and the ids of its cohort and sender stay
    out of the download.
    """
    rows = db.session.execute(
        select(Nudge.created_at, Nudge.subject, Nudge.message, User.name)
        .outerjoin(User, User.id == Nudge.sent_by_id)
        .where(Nudge.leader_id == user_id)
        .order_by(Nudge.created_at, Nudge.id)
    ).all()
    # A reminder outlives its sender's account; it then reads "a facilitator".
    return [{"sent_at": _when(sent_at), "from": name or "a facilitator", "subject": subject,
             "message": message}
            for sent_at, subject, message, name in rows]


def export_data(user: User, catalog: Catalog) -> dict:
    """Everything held about the person, secrets excepted."""
    return {
        "exported_at": _when(utcnow()),
        "about": "Everything Clearing holds about you. Passwords are stored only as "
                 "one-way hashes and are not included.",
        **profile_data(user),
        **sign_in_data(user.id),
        **learning_data(user.id, catalog),
        **plan_data(user.id, catalog),
        **review_data(user.id, catalog),
        "reminders": reminders_received(user.id),
        **circle_data(user.id),
        "case_for_change": case_data(user.id),
        **email_data(user.id, catalog),
        **set_data(user.id),
    }


def export_zip(user: User, catalog: Catalog, today: date) -> bytes:
    """The zip: the data as JSON, the journal and the last saved case as Markdown."""
    data = json.dumps(export_data(user, catalog), indent=2, ensure_ascii=False)
    latest = db.session.scalar(mine(CaseVersion, user.id).order_by(CaseVersion.id.desc()))
    journal = journal_markdown(build_journal(user.id, catalog), user.name, today)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(DATA_FILE, data + "\n")
        archive.writestr(JOURNAL_FILE, journal)
        if latest is not None:
            archive.writestr(CASE_FILE, latest.text)
    return buffer.getvalue()


def holdings(user_id: int) -> dict[str, int]:
    """How many rows of each kind the person has, for the pages that explain them."""
    def count(model, *where) -> int:
        query = mine(model, user_id).where(*where).subquery()
        return db.session.scalar(select(func.count()).select_from(query))

    return {
        "reflections": count(Reflection, Reflection.written),
        "experiment_entries": count(ExperimentEntry),
        "plans": count(Plan),
        "quiz_attempts": count(QuizAttempt),
        "review_answers": count(ReviewAnswer),
        "lessons": count(LessonProgress),
        "self_assessments": count(SelfAssessment),
        "reminders": db.session.scalar(
            select(func.count(Nudge.id)).where(Nudge.leader_id == user_id)),
    }
