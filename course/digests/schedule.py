"""When course emails go: in the morning of the person's own day, in their own zone.

An email is due from SEND_FROM_HOUR local time (07:00) and, if the queue was down or the
item arrived later, until SEND_UNTIL_HOUR (20:00); nothing goes at night, it waits for
the next morning. The hour stays local across daylight-saving changes: it is worked out
from the person's zone (User.time_zone) for each moment, never stored as a UTC hour.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from course.digests.models import FORTNIGHTLY, OFF
from course.digests.settings import Prefs
from course.timezones import zone_of

SEND_FROM_HOUR = 7
SEND_UNTIL_HOUR = 20
# A leader's first digest waits until they have been in the course this long: joining on
# a Sunday evening does not bring "your week" on Monday morning.
FIRST_DIGEST_AFTER = timedelta(days=3)


class _Zone:
    def __init__(self, name: str | None):
        self.time_zone = name


def local_moment(now: datetime, zone_name: str | None) -> datetime:
    """`now` (aware, UTC) on the person's clock."""
    return now.astimezone(zone_of(_Zone(zone_name)))


def sending_hours(local: datetime) -> bool:
    """Whether course email may go at this local time."""
    return SEND_FROM_HOUR <= local.hour < SEND_UNTIL_HOUR


def fortnight_week(on: date) -> bool:
    """Fortnightly digests go in even weeks (weeks counted from Monday 1 January 1 AD), so
    the rule needs no memory of the last one sent."""
    return ((on.toordinal() - 1) // 7) % 2 == 0


def digest_day(prefs: Prefs, on: date) -> bool:
    """Whether the leader's digest falls on this local date (weekly, fortnightly or off)."""
    if prefs.digest == OFF or on.weekday() != prefs.digest_weekday:
        return False
    return prefs.digest != FORTNIGHTLY or fortnight_week(on)


def settled_in(joined_at: datetime | None, now: datetime) -> bool:
    """Long enough in the course for a digest (see FIRST_DIGEST_AFTER)."""
    return joined_at is not None and now - joined_at >= FIRST_DIGEST_AFTER


def facilitator_day(prefs: Prefs, on: date) -> bool:
    """Whether the facilitator's weekly digest falls on this local date."""
    return prefs.facilitator_digest and on.weekday() == prefs.facilitator_weekday
