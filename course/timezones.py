"""Times as people read them: every time shown goes through `local_time`, in their zone.

The database stores UTC (course.models.UTCDateTime); this is the one place a time becomes
words on a page, so no page shows bare UTC or another zone by accident.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import has_request_context
from flask_login import current_user

from course.models import DEFAULT_TIME_ZONE

# The choices offered in Account: (IANA name, what people call it). Europe/London first.
COMMON_ZONES = (
    ("Europe/London", "UK (London)"),
    ("Europe/Dublin", "Ireland (Dublin)"),
    ("Europe/Lisbon", "Portugal (Lisbon)"),
    ("Europe/Paris", "Central Europe (Paris, Brussels)"),
    ("Europe/Berlin", "Central Europe (Berlin, Amsterdam)"),
    ("Europe/Athens", "Eastern Europe (Athens, Helsinki)"),
    ("Atlantic/Reykjavik", "Iceland (Reykjavik)"),
    ("America/New_York", "US Eastern (New York)"),
    ("America/Chicago", "US Central (Chicago)"),
    ("America/Denver", "US Mountain (Denver)"),
    ("America/Los_Angeles", "US Pacific (Los Angeles)"),
    ("America/Toronto", "Canada Eastern (Toronto)"),
    ("Asia/Dubai", "Gulf (Dubai)"),
    ("Asia/Kolkata", "India (Kolkata)"),
    ("Asia/Singapore", "Singapore"),
    ("Asia/Hong_Kong", "Hong Kong"),
    ("Asia/Tokyo", "Japan (Tokyo)"),
    ("Australia/Perth", "Australia Western (Perth)"),
    ("Australia/Sydney", "Australia Eastern (Sydney)"),
    ("Pacific/Auckland", "New Zealand (Auckland)"),
    ("UTC", "UTC"),
)
ZONE_NAMES = frozenset(name for name, _ in COMMON_ZONES)
FORMATS = {
    "date": "%-d %b %Y",
    "long-date": "%-d %B %Y",
    "datetime": "%-d %b %Y, %H:%M",
    "time": "%H:%M",
}


def zone_of(user=None) -> ZoneInfo:
    """The person's zone: their setting, else Europe/London (also for a bad stored name)."""
    if user is None and has_request_context() and current_user.is_authenticated:
        user = current_user
    name = getattr(user, "time_zone", None) or DEFAULT_TIME_ZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIME_ZONE)


def to_local(moment: datetime, user=None) -> datetime:
    """An aware UTC time (or a naive one, taken as UTC) in the person's zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone_of(user))


def zone_label(moment: datetime) -> str:
    """The short name of a local time's zone, e.g. GMT, BST or CET."""
    return moment.tzname() or ""


def local_time(moment: date | datetime | None, fmt: str = "datetime", user=None) -> str:
    """Words for a time in the person's zone; times of day carry the zone's short name.

    `fmt` is a name in FORMATS or a strftime pattern. A plain date is shown as it is.
    """
    if moment is None:
        return ""
    pattern = FORMATS.get(fmt, fmt)
    if not isinstance(moment, datetime):
        return moment.strftime(pattern)
    here = to_local(moment, user)
    text = here.strftime(pattern)
    if "%H" in pattern or "%I" in pattern:
        text = f"{text} {zone_label(here)}"
    return text


def html_datetime(moment: date | datetime | None, user=None) -> str:
    """A valid `<time datetime>` value: seconds at most, with the local offset."""
    if moment is None:
        return ""
    if not isinstance(moment, datetime):
        return moment.isoformat()
    return to_local(moment, user).isoformat(timespec="seconds")


def init_app(app) -> None:
    """Register the filters every template uses for times."""
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["html_datetime"] = html_datetime
    app.jinja_env.globals["common_zones"] = COMMON_ZONES
