"""Who may reach what: role gates for views, and the loader of a leader's own rows.

Role gates say who may reach a view at all. A leader's own rows (reflections, attempts,
entries, progress, self-assessments) are loaded only through `mine()` and
`get_mine_or_404()`: anyone else's id answers 404, never 403. A facilitator's cohort is
loaded by the facilitator blueprint through `course.cohorts.scoping`.
"""

from __future__ import annotations

from functools import wraps
from typing import TypeVar

from flask import abort
from flask_login import current_user
from sqlalchemy import BindParameter, Select, select

from course.extensions import db, login_manager
from course.models import Role

Owned = TypeVar("Owned")  # any model with `id` and `user_id`


def refuse_unless(*roles: Role):
    """None when the current user holds one of the roles; else the response to send
    (sign in first for the anonymous, 403 for the signed-in)."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role not in roles:
        abort(403)
    return None


def roles_required(*roles: Role):
    """Allow only signed-in users holding one of the given roles; others get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            return refuse_unless(*roles) or view(*args, **kwargs)

        return wrapped

    return decorator


def requires(*roles: Role):
    """Declare the roles a view of a gated blueprint needs (its before_request checks
    them, before anything else is loaded); the default is the blueprint's own."""

    def decorator(view):
        view.required_roles = roles
        return view

    return decorator


def refuse_unless_view_allows(view, default: tuple[Role, ...]):
    """A blueprint's gate: refuse_unless() with the roles the view declared, or default."""
    return refuse_unless(*getattr(view, "required_roles", default))


leader_required = roles_required(Role.LEADER)
# Facilitators and admins may read the course too (to know what leaders see).
any_signed_in = roles_required(Role.LEADER, Role.FACILITATOR, Role.ADMIN)
FACILITATING = (Role.FACILITATOR, Role.ADMIN)


def mine(model: type[Owned], user_id: int | BindParameter) -> Select:
    """SELECT of a model limited to one owner's rows (or, for a statement built once and
    run many times, to the owner named by a bound parameter given at execution)."""
    return select(model).where(model.user_id == user_id)


def get_mine_or_404(model: type[Owned], user_id: int, row_id: int) -> Owned:
    """Load one of the user's own rows; anyone else's id answers 404, never 403."""
    row = db.session.scalar(mine(model, user_id).where(model.id == row_id))
    if row is None:
        abort(404)
    return row
