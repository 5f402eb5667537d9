"""Where to send people: their home page, and only local `next` URLs."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request, url_for
from flask_login import current_user

from course.sets.sets import in_any_set
from course.urls import link_for


def home_url(user) -> str:
    """A leader's course home, or a facilitator's list of cohorts."""
    if user.is_facilitator:
        return url_for("facilitate.cohorts")
    return url_for("learn.home")


def safe_next_url(target: str | None) -> str | None:
    """Return target only if it is a path on this site (no scheme, host or backslash)."""
    if not target or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


# The main navigation of a signed-in page: (label, endpoint, who sees it, the endpoints it
# is the section of). A match ending in "." is a prefix: every page of that blueprint.
MAIN_LINKS = (
    ("Cohorts", "facilitate.cohorts", "facilitator", ("facilitate.",)),
    ("Course", "learn.home", "anyone", ("learn.home", "learn.lesson")),
    ("Journal", "learn.journal", "leader", ("learn.journal",)),
    ("Growth", "learn.growth", "leader", ("learn.growth", "learn.assessment")),
    ("Circle", "learn.circle", "leader", ("learn.circle", "learn.circle_post")),
    ("Your set", "learn.my_set", "set member", ("learn.my_set", "learn.set_page")),
    ("Account", "auth.account", "anyone", ("auth.account",)),
)


def _is_section(endpoint: str, matches: tuple[str, ...]) -> bool:
    return any(endpoint == match or (match.endswith(".") and endpoint.startswith(match))
               for match in matches)


def main_links() -> list[tuple[str, str, bool]]:
    """The signed-in person's main navigation, for base.html: (label, URL, whether the page
    belongs to that section, which the link marks with aria-current)."""
    user = current_user
    sees = {"anyone": True, "facilitator": user.is_facilitator, "leader": user.is_leader,
            "set member": user.is_leader and in_any_set()}
    endpoint = request.endpoint or ""
    return [(label, link_for(target), _is_section(endpoint, matches))
            for label, target, who, matches in MAIN_LINKS if sees[who]]


def init_app(app) -> None:
    """main_links() is a template global."""
    app.jinja_env.globals["main_links"] = main_links
