"""Notices: "something new for you" in the app (a reply to a reflection, a peer's reply
in the circle, a set's new round), shown on the course home and beside the thing itself
until the person opens it. A notice names what happened and where, never anyone's words."""

from course.notices.notices import (  # noqa: F401 (the package's public API)
    mark_seen,
    notify,
    retract,
    retract_for,
    unseen,
)
