"""Sign-in, sign-out, invitations, password reset, devices, passkeys and second factors."""

from flask import Blueprint

bp = Blueprint("auth", __name__)


@bp.record_once
def _install_session_interface(state) -> None:
    # A "keep me signed in" session needs a 30-day cookie; the rest keep their lifetime.
    from course.sessions import DeviceSessionInterface

    state.app.session_interface = DeviceSessionInterface()


from course.auth import (  # noqa: E402,F401  (views attach themselves to bp)
    account_views,
    email_views,
    passkey_views,
    second_factor_views,
    two_step_views,
    views,
)
