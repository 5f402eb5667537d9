"""Email settings: read (defaults without a row), change, and the kinds a link turns off.

Kinds: "digest" (the leader's digest and the replies and reviews it carries), "checkins"
(a plan's check-in on its day), "reminders" (from my facilitator), "facilitator_digest".
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from sqlalchemy import select, update

from course.digests.models import FORTNIGHTLY, OFF, WEEKLY, EmailSettings
from course.extensions import db
from course.idempotency import insert_if_missing
from course.models import utcnow

CADENCES = {WEEKLY: "Every week", FORTNIGHTLY: "Every other week", OFF: "Off"}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
DIGEST, CHECKINS, REMINDERS, FACILITATOR_DIGEST = (
    "digest", "checkins", "reminders", "facilitator_digest")
# What each kind is called where a person reads it ("You will no longer get ...").
KIND_NAMES = {
    DIGEST: "your course digest (with new replies and questions to review)",
    CHECKINS: "check-in emails for your plans",
    REMINDERS: "reminders from your facilitator",
    FACILITATOR_DIGEST: "the weekly digest of your cohorts",
}


class SettingsError(ValueError):
    """A setting cannot be kept as sent; `field` names the control to fix."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Prefs:
    """A person's email settings (the defaults when they never changed any)."""

    digest: str = WEEKLY
    digest_weekday: int = 0
    checkins: bool = True
    reminders: bool = True
    facilitator_digest: bool = True
    facilitator_weekday: int = 0
    link_version: int = 0

    def wants(self, kind: str) -> bool:
        """Whether emails of this kind go to the person."""
        return {DIGEST: self.digest != OFF, CHECKINS: self.checkins,
                REMINDERS: self.reminders,
                FACILITATOR_DIGEST: self.facilitator_digest}.get(kind, False)


NAMES = tuple(field.name for field in fields(Prefs))


def prefs_columns():
    """The settings' columns, to outer-join onto a batch of users (None: the default)."""
    return [getattr(EmailSettings, name) for name in NAMES]


def prefs_from(values) -> Prefs:
    """Prefs from a row of prefs_columns() values (the defaults where they are None)."""
    defaults = Prefs()
    return Prefs(*(getattr(defaults, name) if value is None else value
                   for name, value in zip(NAMES, values, strict=True)))


def prefs_for(user_id: int) -> Prefs:
    """One person's settings (one query)."""
    row = db.session.execute(select(*prefs_columns())
                             .where(EmailSettings.user_id == user_id)).one_or_none()
    return prefs_from(row) if row else Prefs()


def prefs_by_user(user_ids: list[int]) -> dict[int, Prefs]:
    """Several people's settings (one query); everyone in `user_ids` is in the answer."""
    found = {user_id: Prefs() for user_id in user_ids}
    if user_ids:
        rows = db.session.execute(select(EmailSettings.user_id, *prefs_columns())
                                  .where(EmailSettings.user_id.in_(user_ids)))
        for user_id, *values in rows:
            found[user_id] = prefs_from(values)
    return found


def change(user_id: int, **values) -> None:
    """Keep these settings (a row is made the first time; racing twins are fine)."""
    unknown = set(values) - set(NAMES)
    if unknown:
        raise ValueError(f"unknown settings: {sorted(unknown)}")
    insert_if_missing(EmailSettings, ["user_id"], user_id=user_id)
    db.session.execute(update(EmailSettings).where(EmailSettings.user_id == user_id)
                       .values(**values, updated_at=utcnow()))


def parse_weekday(raw: str | None, field: str) -> int:
    """A weekday from a form: "0" (Monday) to "4" (Friday) and nothing else."""
    if raw in {str(n) for n in range(len(WEEKDAYS))}:
        return int(raw)
    raise SettingsError(field, "Choose a day from Monday to Friday.")


def parse_on_off(raw: str | None, field: str, message: str) -> bool:
    if raw in ("on", "off"):
        return raw == "on"
    raise SettingsError(field, message)


def read_form(form, *, leader: bool, facilitator: bool) -> tuple[dict, list[SettingsError]]:
    """The settings a form sends, and every problem with it at once."""
    values, problems = {}, []

    def take(name, parse):
        try:
            values[name] = parse()
        except SettingsError as error:
            problems.append(error)

    def cadence():
        if form.get("digest") in CADENCES:
            return form["digest"]
        raise SettingsError("digest-weekly", "Choose how often the digest comes, or Off.")

    if leader:
        take("digest", cadence)
        take("digest_weekday", lambda: parse_weekday(form.get("digest_weekday"),
                                                     "digest_weekday"))
        take("checkins", lambda: parse_on_off(form.get("checkins"), "checkins-on",
                                              "Choose whether check-in emails come."))
        take("reminders", lambda: parse_on_off(form.get("reminders"), "reminders-on",
                                               "Choose whether reminders come."))
    if facilitator:
        day = form.get("facilitator_day")
        if day == "off":
            values["facilitator_digest"] = False
        else:
            take("facilitator_weekday", lambda: parse_weekday(day, "facilitator_day"))
            if "facilitator_weekday" in values:
                values["facilitator_digest"] = True
    return values, problems


def turn_off(user_id: int, kinds: list[str]) -> dict:
    """Turn these kinds off; return what they were, for Undo."""
    before = prefs_for(user_id)
    off, undo = {}, {}
    for kind in kinds:
        if kind == DIGEST:
            off["digest"], undo["digest"] = OFF, before.digest
        elif kind in (CHECKINS, REMINDERS, FACILITATOR_DIGEST):
            off[kind], undo[kind] = False, getattr(before, kind)
    if off:
        change(user_id, **off)
    return undo


def undo_values(form, kinds: list[str]) -> dict:
    """What Undo puts back, from the Undo form, only for the link's kinds and only values
    the settings can hold."""
    values = {}
    for kind in kinds:
        raw = form.get(kind)
        if kind == DIGEST and raw in (WEEKLY, FORTNIGHTLY, OFF):
            values["digest"] = raw
        elif kind in (CHECKINS, REMINDERS, FACILITATOR_DIGEST) and raw in ("on", "off"):
            values[kind] = raw == "on"
    return values


def revoke_links(user_id: int) -> None:
    """Make the unsubscribe links in every email already sent stop working."""
    version = prefs_for(user_id).link_version
    change(user_id, link_version=version + 1)
