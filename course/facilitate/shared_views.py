"""Facilitator views of what leaders shared, with replies.

    GET       /cohorts/<id>/shared                       shared   ?lesson=<id>&awaiting=1&page=<n>
    POST      /cohorts/<id>/shared/<reflection>/replies  reply
"""

from __future__ import annotations

import secrets

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import TextAreaField

from course.cohorts.models import Cohort
from course.extensions import db
from course.facilitate import bp
from course.numbers import parse_int
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
                                    awaiting=request.args.get("awaiting") or None,
                                    page=request.args.get("page") or None,
                                    _anchor=f"reflection-{reflection_id}"))
    errors = form.text.errors or ["This form had expired. Please send your reply again."]
    return render_shared(cohort, failed=(reflection_id, " ".join(errors), form.text.data or ""),
                         status=422)


def render_shared(cohort: Cohort, *, failed=None, status: int = 200):
    """The feed page; `failed` is (reflection id, error, text) of a reply to show again."""
    lesson_id = request.args.get("lesson") or None
    awaiting = request.args.get("awaiting") == "1"
    page = request.args.get("page", "1")
    feed = shared_feed(current_user, cohort, catalog(), lesson_id=lesson_id,
                       page=parse_int(page, minimum=1, maximum=999_999) or 1,
                       awaiting=awaiting)
    return render_template(
        "facilitate/shared.html", cohort=cohort, feed=feed, lesson_id=lesson_id,
        awaiting="1" if awaiting else None,
        lessons=shared_lessons(current_user, cohort, catalog()), failed=failed,
        max_reply=MAX_REPLY_LENGTH,
        # One key per rendered page (each reply form adds its reflection's id): a
        # double-clicked "Send reply" keeps one reply.
        form_key=secrets.token_hex(16),
    ), status
