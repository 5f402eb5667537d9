"""Forms for the facilitator's pages. Rules live in the services; these only shape input."""

from __future__ import annotations

from datetime import timedelta

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from course.cohorts.inviting import MAX_ADDRESSES
from course.cohorts.management import (
    DEFAULT_LINK_DAYS,
    MAX_LINK_DAYS,
    MAX_LINK_USES,
    today_utc,
)
from course.numbers import coerce_id, parse_int

NAME_HELP = "Leaders see this name, so choose one they will recognise."
USES_MESSAGE = f"Enter a whole number from 1 to {MAX_LINK_USES:,}."


class CohortNameForm(FlaskForm):
    """Name a new cohort, or rename one."""

    name = StringField(
        "Cohort name", description=NAME_HELP,
        validators=[DataRequired("Enter a cohort name."),
                    Length(max=120, message="Use at most 120 characters for the name.")],
        render_kw={"autocomplete": "off", "maxlength": 120},
    )


class WholeNumberField(IntegerField):
    """An IntegerField that takes ASCII digits only (no "١٢", no "1_000", no "+5")."""

    def process_formdata(self, valuelist):
        if valuelist:
            self.data = parse_int(valuelist[0].strip(), maximum=10**9)
            if self.data is None:
                raise ValueError(self.gettext("Not a valid integer value."))


class InvitationLinkForm(FlaskForm):
    """A shareable invitation link: until when, and for how many people."""

    expires_on = DateField(
        "Valid until",
        description="The link stops working at the end of this day (UTC).",
        validators=[InputRequired("Choose the last day the link works.")],
        invalid_value_message="Enter the date as year-month-day, for example 2026-03-31.",
        default=lambda: today_utc() + timedelta(days=DEFAULT_LINK_DAYS),
    )
    max_uses = WholeNumberField(
        "Maximum uses",
        description=f"How many people may join through this link (1 to {MAX_LINK_USES:,}).",
        validators=[InputRequired(USES_MESSAGE), NumberRange(1, MAX_LINK_USES, USES_MESSAGE)],
        invalid_value_message=USES_MESSAGE,
        default=50,
        render_kw={"min": 1, "max": MAX_LINK_USES, "inputmode": "numeric"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = today_utc()
        self.expires_on.render_kw = {
            "min": (today + timedelta(days=1)).isoformat(),
            "max": (today + timedelta(days=MAX_LINK_DAYS)).isoformat(),
        }


class EmailInviteForm(FlaskForm):
    """A pasted list of addresses, each to get its own single-use link."""

    emails = TextAreaField(
        "Email addresses",
        description=(
            f"Paste up to {MAX_ADDRESSES} addresses, separated by commas, semicolons, spaces "
            "or new lines. Each person is emailed their own single-use link, valid for "
            f"{DEFAULT_LINK_DAYS} days."
        ),
        validators=[DataRequired("Paste at least one email address."),
                    Length(max=MAX_ADDRESSES * 300, message="That list is too long.")],
        render_kw={"rows": 6, "autocomplete": "off", "spellcheck": "false"},
    )


class AssignFacilitatorForm(FlaskForm):
    """Choose a facilitator or admin to run the cohort (admins only)."""

    facilitator = SelectField(
        "Facilitator", coerce=lambda value: None if value in ("", None) else coerce_id(value),
        validators=[InputRequired("Choose someone to add.")],
    )


class ConfirmForm(FlaskForm):
    """An empty form: the confirm button of a state change (CSRF-checked)."""
