"""Role decorators: who may reach a view at all (object scoping lives in the loaders)."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from course.models import Role


def roles_required(*roles: Role):
    """Allow only signed-in users holding one of the given roles; others get 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


leader_required = roles_required(Role.LEADER)
facilitator_required = roles_required(Role.FACILITATOR, Role.ADMIN)
admin_required = roles_required(Role.ADMIN)
