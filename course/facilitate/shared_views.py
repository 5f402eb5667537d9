"""Facilitator views of what leaders shared (with replies), and reminders to leaders.

    GET       /cohorts/<id>/shared                       shared   ?lesson=<id>&page=<n>
    POST      /cohorts/<id>/shared/<reflection>/replies  reply
    GET POST  /cohorts/<id>/nudge                        nudge    ?select=all|not-started|inactive
"""

from __future__ import annotations

import secrets

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from course.cohorts.models import Cohort
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
from course.numbers import coerce_id, parse_int
from course.reflections.shared import (
    MAX_REPLY_LENGTH,
    ReplyError,
    add_reply,
    get_shared_reflection_or_404,
    shared_feed,
    shared_lessons,
)


class ReplyForm(FlaskForm):
    """A reply to one shared reflection (its rules live in feed.clean_reply)."""

    text = TextAreaField("Your reply")


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
    return current_app.extensions["catalog"]


@bp.get("/cohorts/<int:cohort_id>/shared")
def shared():
    """What the cohort's leaders shared, by lesson; unshared reflections are never here."""
    return render_shared(g.cohort)


@bp.post("/cohorts/<int:cohort_id>/shared/<int:reflection_id>/replies")
def reply(reflection_id: int):
    """Reply to a shared reflection; the leader sees it beside their words."""
    cohort = g.cohort
    reflection_id = get_shared_reflection_or_404(current_user, cohort, reflection_id)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            add_reply(reflection_id, current_user, form.text.data, request.form.get("form_key"))
        except ReplyError as error:
            db.session.rollback()
            form.text.errors.append(str(error))
        else:
            db.session.commit()
            flash("Reply sent. The leader sees it beside their reflection.", "success")
            return redirect(url_for("facilitate.shared", cohort_id=cohort.id,
                                    lesson=request.args.get("lesson") or None,
                                    page=request.args.get("page") or None,
                                    _anchor=f"reflection-{reflection_id}"))
    errors = form.text.errors or ["This form had expired. Please send your reply again."]
    return render_shared(cohort, failed=(reflection_id, " ".join(errors), form.text.data or ""),
                         status=422)


def render_shared(cohort: Cohort, *, failed=None, status: int = 200):
    """The feed page; `failed` is (reflection id, error, text) of a reply to show again."""
    lesson_id = request.args.get("lesson") or None
    page = request.args.get("page", "1")
    feed = shared_feed(current_user, cohort, catalog(), lesson_id=lesson_id,
                       page=parse_int(page, minimum=1, maximum=999_999) or 1)
    return render_template(
        "facilitate/shared.html", cohort=cohort, feed=feed, lesson_id=lesson_id,
        lessons=shared_lessons(current_user, cohort, catalog()), failed=failed,
        max_reply=MAX_REPLY_LENGTH,
        # One key per rendered page (each reply form adds its reflection's id): a
        # double-clicked "Send reply" keeps one reply.
        form_key=secrets.token_hex(16),
    ), status


@bp.route("/cohorts/<int:cohort_id>/nudge", methods=["GET", "POST"])
def nudge():
    """Choose leaders and send each a reminder in the facilitator's own words."""
    cohort = g.cohort
    now = utcnow()
    candidates = nudge_candidates(current_user, cohort, catalog().lessons)
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
