"""Reminders from a facilitator to leaders of their cohort.

    GET POST  /cohorts/<id>/nudge    nudge    ?select=all|not-started|inactive|stuck

The `select` presets tick leaders as the progress matrix's filters of the same name
choose them (its "Remind these leaders" link passes its filter along).
"""

from __future__ import annotations

import secrets

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from course.cohorts.nudges import (
    DEFAULT_MESSAGE,
    DEFAULT_SUBJECT,
    MAX_MESSAGE_LENGTH,
    MAX_SUBJECT_LENGTH,
    SELECTIONS,
    NudgeError,
    nudge_candidates,
    send_nudges,
)
from course.extensions import db
from course.facilitate import bp
from course.models import utcnow
from course.numbers import coerce_id


class LeaderChoice(SelectMultipleField):
    """Ticked leaders, each of whom must be an active leader of the cohort."""

    def pre_validate(self, form):
        allowed = {value for value, _ in self.choices}
        if any(value not in allowed for value in self.data or ()):
            raise ValidationError("Someone you chose is no longer an active leader of this "
                                  "cohort. Check the list and send again.")


class NudgeForm(FlaskForm):
    """Whom to remind, and in what words."""

    leaders = LeaderChoice("Leaders to remind", coerce=coerce_id,
                           validators=[DataRequired("Choose at least one leader to remind.")])
    subject = StringField(
        "Subject", default=DEFAULT_SUBJECT,
        validators=[Length(max=MAX_SUBJECT_LENGTH,
                           message=f"Keep the subject under {MAX_SUBJECT_LENGTH} characters.")],
        render_kw={"maxlength": MAX_SUBJECT_LENGTH},
    )
    message = TextAreaField(
        "Message", default=DEFAULT_MESSAGE,
        description=("Each leader gets their own email, starting “Hello” and their name, "
                     "with a link to the course. Nothing they wrote is included."),
        validators=[DataRequired("Write the message to send.")],
        render_kw={"rows": 8, "maxlength": MAX_MESSAGE_LENGTH},
    )


def catalog():
    """The course loaded at start-up."""
    return current_app.extensions["catalog"]


@bp.route("/cohorts/<int:cohort_id>/nudge", methods=["GET", "POST"])
def nudge():
    """Choose leaders and send each a reminder in the facilitator's own words."""
    cohort = g.cohort
    now = utcnow()
    candidates = nudge_candidates(current_user, cohort, catalog().lessons, now)
    form = NudgeForm()
    form.leaders.choices = [(c.leader.id, c.leader.name) for c in candidates]
    if form.validate_on_submit():
        chosen = set(form.leaders.data)
        try:
            report = send_nudges(current_user, cohort,
                                 [c.leader for c in candidates if c.leader.id in chosen],
                                 form.subject.data, form.message.data,
                                 request.form.get("form_key"))
        except NudgeError as error:
            db.session.rollback()
            form.message.errors.append(str(error))
        else:
            db.session.commit()
            if report.sent:
                flash(f"Reminder sent to {count_of(len(report.sent))}: "
                      f"{names(report.sent)}.", "success")
            if report.failed:
                flash(f"The email could not be sent to {names(report.failed)}. "
                      "Try them again later.", "error")
            if report.opted_out:
                flash(f"Not sent to {names(report.opted_out)}: they have turned reminders "
                      "off in their email settings.", "info")
            return redirect(url_for("facilitate.nudge", cohort_id=cohort.id))
    selection = request.args.get("select")
    ticked = (set(form.leaders.data or ()) if request.method == "POST"
              else {c.leader.id for c in candidates if c.matches(selection, now)})
    return render_template(
        "facilitate/nudge.html", cohort=cohort, candidates=candidates, form=form,
        ticked=ticked, selection=selection, selections=SELECTIONS, now=now,
        # One key per rendered form: a double-clicked "Send reminders" emails each leader once.
        form_key=secrets.token_hex(16),
    ), (422 if form.errors else 200)


def count_of(n: int) -> str:
    """'1 leader', '3 leaders'."""
    return f"{n:,} leader{'' if n == 1 else 's'}"


def names(people, shown: int = 10) -> str:
    """A few names, then how many more: flashed lines ride in the size-capped cookie."""
    text = ", ".join(person.name for person in people[:shown])
    return text + (f" and {len(people) - shown:,} more" if len(people) > shown else "")
