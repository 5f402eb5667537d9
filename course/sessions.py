"""Server-side sessions: the cookie holds a random id whose hash names a row."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import cache

from flask import current_app, g, has_request_context, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import login_user, logout_user
from sqlalchemy import ColumnElement, bindparam, delete, select, update

from course.database import READ_METHODS
from course.extensions import db, login_manager
from course.models import User, UserSession, utcnow
from course.tokens import hash_token, new_token

SESSION_KEY = "sid"
KEPT_KEY = "kept"  # marks a "keep me signed in" browser, so its cookie lives 30 days
# last_seen_at is refreshed at most this often, so reading a page rarely writes.
TOUCH_INTERVAL = timedelta(minutes=1)


def start_session(user: User, keep: bool = False) -> None:
    """Sign a user in on this browser with a fresh server-side session (30 days if kept)."""
    session.clear()  # a new id on every login: no fixation
    token = new_token()
    agent = request.headers.get("User-Agent", "")[:200] if has_request_context() else ""
    db.session.add(UserSession(user_id=user.id, token_hash=hash_token(token), kept=keep,
                               user_agent=agent))
    db.session.flush()
    session[SESSION_KEY] = token
    if keep:
        session[KEPT_KEY] = True
    session.permanent = True
    login_user(user)


def current_session_id() -> int | None:
    """The id of this browser's session row, if it is signed in."""
    token = session.get(SESSION_KEY)
    if not token:
        return None
    return db.session.scalar(
        select(UserSession.id).where(UserSession.token_hash == hash_token(token)))


def list_sessions(user_id: int) -> list[UserSession]:
    """A user's live sessions, most recently used first (expired rows are left out)."""
    rows = db.session.scalars(
        select(UserSession).where(UserSession.user_id == user_id)
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc()))
    return [row for row in rows if _alive(row, utcnow())]


def _limits(user_session) -> tuple[timedelta, timedelta]:
    """Idle limit and absolute lifetime of a session row."""
    config = current_app.config
    if user_session.kept:
        return config["DEVICE_SESSION_LIFETIME"], config["DEVICE_SESSION_LIFETIME"]
    return config["SESSION_IDLE_TIMEOUT"], config["SESSION_ABSOLUTE_LIFETIME"]


def _alive(user_session, now: datetime) -> bool:
    """Whether a session (a row, or its columns read by load_user) is still alive."""
    idle, lifetime = _limits(user_session)
    return now - user_session.last_seen_at <= idle and now - user_session.created_at <= lifetime


class DeviceSessionInterface(SecureCookieSessionInterface):
    """The signed cookie: a kept session's lives 30 days, others the usual lifetime.

    The server row decides whether a session is alive; the cookie only has to outlive it.
    """

    def get_expiration_time(self, app, session_):
        """When the browser should drop the cookie."""
        if session_.permanent and session_.get(KEPT_KEY):
            return datetime.now(UTC) + app.config["DEVICE_SESSION_LIFETIME"]
        return super().get_expiration_time(app, session_)


def end_session() -> None:
    """Sign out here and delete the server-side row, so a copied cookie dies too."""
    token = session.get(SESSION_KEY)
    if token:
        db.session.execute(delete(UserSession).where(UserSession.token_hash == hash_token(token)))
    logout_user()
    session.clear()


def end_other_sessions(user: User) -> int:
    """End every session of a user except this browser's; return how many ended."""
    token = session.get(SESSION_KEY) if has_request_context() else None
    query = delete(UserSession).where(UserSession.user_id == user.id)
    if token:
        query = query.where(UserSession.token_hash != hash_token(token))
    return db.session.execute(query).rowcount


def end_all_sessions(user_id: int) -> int:
    """End every session of a user (deactivation, deletion)."""
    return db.session.execute(delete(UserSession).where(UserSession.user_id == user_id)).rowcount


# Facts about the signed-in person that every page shows (the navigation's "Your set"),
# read in the session's one statement rather than a statement each: name -> a function
# giving a column correlated with User. Features add theirs when imported (create_app
# imports them all before the first request); person_fact(name) reads one.
PERSON_FACTS: dict[str, Callable[[], ColumnElement]] = {}
FACTS_KEY = "clearing_person_facts"


def person_fact(name: str):
    """A fact PERSON_FACTS names, about the signed-in person (None if nobody is)."""
    return g.get(FACTS_KEY, {}).get(name)


@cache
def _session_statement(facts: tuple[str, ...]):
    """Built once per set of facts (every signed-in request runs it): a live session row,
    its user and the person's facts.

    The session is read as plain columns (all _alive and _touch need), only the user as an
    entity: one ORM object a request instead of two."""
    return (
        select(UserSession.id, UserSession.last_seen_at, UserSession.created_at,
               UserSession.kept, User, *(PERSON_FACTS[name]().label(name) for name in facts))
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash == bindparam("token_hash"))
    )


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Return the signed-in user only while their server-side session is alive."""
    token = session.get(SESSION_KEY)
    if not token:
        return None
    facts = tuple(PERSON_FACTS)
    user_session = db.session.execute(
        _session_statement(facts), {"token_hash": hash_token(token)}).first()
    if user_session is None:
        return None
    user = user_session.User
    if str(user.id) != user_id or not user.active:
        return None
    now = utcnow()
    if not _alive(user_session, now):
        return None
    setattr(g, FACTS_KEY, {name: user_session._mapping[name] for name in facts})
    if now - user_session.last_seen_at > TOUCH_INTERVAL:
        _touch(user_session.id, now)
    return user


def _touch(session_id: int, now) -> None:
    """Record activity: in the request's own write, or a short write of its own on reads."""
    if request.method not in READ_METHODS:
        # This request already holds (SQLite) or may take the write lock: share it.
        db.session.execute(
            update(UserSession).where(UserSession.id == session_id).values(last_seen_at=now)
        )
        return
    with db.engine.connect() as conn:
        conn = conn.execution_options(sqlite_immediate=True)
        with conn.begin():
            conn.execute(
                update(UserSession).where(UserSession.id == session_id).values(last_seen_at=now)
            )
