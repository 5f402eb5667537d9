"""Server-side sessions: the cookie holds a random id whose hash names a row."""

from __future__ import annotations

from datetime import timedelta
from functools import cache

from flask import current_app, has_request_context, request, session
from flask_login import login_user, logout_user
from sqlalchemy import bindparam, delete, select, update

from course.database import READ_METHODS
from course.extensions import db, login_manager
from course.models import User, UserSession, utcnow
from course.tokens import hash_token, new_token

SESSION_KEY = "sid"
# last_seen_at is refreshed at most this often, so reading a page rarely writes.
TOUCH_INTERVAL = timedelta(minutes=1)


def start_session(user: User) -> None:
    """Sign a user in on this browser with a fresh server-side session."""
    session.clear()  # a new id on every login: no fixation
    token = new_token()
    db.session.add(UserSession(user_id=user.id, token_hash=hash_token(token)))
    db.session.flush()
    session[SESSION_KEY] = token
    session.permanent = True
    login_user(user)


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


@cache
def _session_statement():
    """Built once (every signed-in request runs it): a live session row and its user."""
    return (
        select(UserSession, User)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash == bindparam("token_hash"))
    )


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Return the signed-in user only while their server-side session is alive."""
    token = session.get(SESSION_KEY)
    if not token:
        return None
    row = db.session.execute(_session_statement(), {"token_hash": hash_token(token)}).first()
    if row is None:
        return None
    user_session, user = row
    if str(user.id) != user_id or not user.active:
        return None
    now = utcnow()
    config = current_app.config
    idle = now - user_session.last_seen_at > config["SESSION_IDLE_TIMEOUT"]
    too_old = now - user_session.created_at > config["SESSION_ABSOLUTE_LIFETIME"]
    if idle or too_old:
        return None
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
