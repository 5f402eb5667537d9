"""The facilitator's view of a cohort's circle: the posts, replies, hiding and reports.

    GET       /cohorts/<id>/circle[?page=]                 circle
    POST      /cohorts/<id>/circle/posts/<id>/replies      circle_reply
    GET POST  /cohorts/<id>/circle/posts/<id>/hide         hide_circle_post    (or show again)
    GET POST  /cohorts/<id>/circle/replies/<id>/hide       hide_circle_reply   (or show again)
    POST      /cohorts/<id>/circle/reports/<id>/resolve    resolve_circle_report
    GET       /cohorts/<id>/entries[?page=]                shared_entries_page (experiment
              entries shared with the facilitator or the cohort)

The cohort is g.cohort (loaded through the viewer's scope by the blueprint); posts and
replies through course.circle.circle.cohort_scope, so another cohort's are 404.
"""

from __future__ import annotations

import secrets

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from course.circle.circle import circle_page, cohort_scope, get_post_or_404, get_reply_or_404
from course.circle.moderation import (
    MAX_REASON_LENGTH,
    ModerationError,
    get_report_or_404,
    hide,
    open_reports,
    reports_for,
    resolve,
    unhide,
)
from course.circle.replies import MAX_REPLY_LENGTH, CircleError, add_reply
from course.experiments.shared import shared_entries
from course.extensions import db
from course.facilitate import bp
from course.numbers import parse_int


@bp.context_processor
def _circle_reports() -> dict:
    """For the cohort page's Circle button: how many reports wait (one query when asked)."""
    return {"circle_reports": lambda cohort_id: open_reports([cohort_id]).get(cohort_id, 0)}


class FacilitatorLinks:
    """What a facilitator may do in a cohort's circle, as URLs for the shared template."""

    moderator = True

    def __init__(self, cohort_id: int, viewer_id: int):
        self.cohort_id, self.viewer_id = cohort_id, viewer_id

    def reply(self, post, page=None):
        return url_for("facilitate.circle_reply", cohort_id=self.cohort_id, post_id=post.id,
                       page=page)

    def post(self, post):
        return url_for("facilitate.circle", cohort_id=self.cohort_id, _anchor=f"post-{post.id}")

    def edit(self, reply):
        return None

    def delete(self, reply):
        return None

    def report_post(self, post):
        return None

    def report_reply(self, reply):
        return None

    def hide_post(self, post):
        return url_for("facilitate.hide_circle_post", cohort_id=self.cohort_id, post_id=post.id)

    def hide_reply(self, reply):
        return url_for("facilitate.hide_circle_reply", cohort_id=self.cohort_id,
                       reply_id=reply.id)


def render_circle(*, failed=None, status: int = 200):
    """The cohort's circle with its open reports; `failed` is (post id, error, text)."""
    cohort = g.cohort
    page = parse_int(request.args.get("page", "1"), minimum=1, maximum=999_999) or 1
    shown = circle_page(cohort_scope(current_user, cohort), current_app.extensions["catalog"],
                        page)
    return render_template(
        "facilitate/circle.html", cohort=cohort, circle=shown, reports=reports_for(cohort.id),
        links=FacilitatorLinks(cohort.id, current_user.id), failed=failed,
        max_reply=MAX_REPLY_LENGTH, form_key=secrets.token_hex(16), single=False,
    ), status


def _back(post_id: int):
    return url_for("facilitate.circle", cohort_id=g.cohort.id,
                   page=request.args.get("page") or None, _anchor=f"post-{post_id}")


@bp.get("/cohorts/<int:cohort_id>/circle")
def circle():
    """What the cohort's leaders shared with their cohort, with replies and reports."""
    return render_circle()


@bp.post("/cohorts/<int:cohort_id>/circle/posts/<int:post_id>/replies")
def circle_reply(post_id: int):
    """Reply in the circle: the cohort reads it, labelled as from a facilitator."""
    post = get_post_or_404(cohort_scope(current_user, g.cohort), post_id)
    text = request.form.get("text", "")
    try:
        add_reply(post, current_user, text, request.form.get("form_key"))
    except CircleError as error:
        db.session.rollback()
        return render_circle(failed=(post_id, str(error), text), status=400)
    db.session.commit()
    flash("Reply sent to the circle.", "success")
    return redirect(_back(post_id))


def _hide_or_show(item, post_id: int, what: str):
    if request.method == "POST" and item.hidden_at is not None:
        unhide(item)
        db.session.commit()
        flash(f"The {what} is back in the circle.", "success")
        return redirect(_back(post_id))
    reason, error = request.form.get("reason", ""), None
    if request.method == "POST":
        try:
            hide(item, current_user, reason)
        except ModerationError as refused:
            db.session.rollback()
            error = str(refused)
        else:
            db.session.commit()
            flash(f"The {what} is hidden from the cohort; its author sees your reason.",
                  "success")
            return redirect(_back(post_id))
    return render_template("facilitate/circle_hide.html", cohort=g.cohort, what=what,
                           item=item, reason=reason, error=error, action=request.path,
                           max_reason=MAX_REASON_LENGTH,
                           back=_back(post_id)), 400 if error else 200


@bp.route("/cohorts/<int:cohort_id>/circle/posts/<int:post_id>/hide", methods=["GET", "POST"])
def hide_circle_post(post_id: int):
    """Hide a post from the cohort with a reason (or, when hidden, show it again)."""
    post = get_post_or_404(cohort_scope(current_user, g.cohort), post_id)
    return _hide_or_show(post, post.id, "post")


@bp.route("/cohorts/<int:cohort_id>/circle/replies/<int:reply_id>/hide",
          methods=["GET", "POST"])
def hide_circle_reply(reply_id: int):
    """Hide a reply from the cohort with a reason (or, when hidden, show it again)."""
    reply = get_reply_or_404(cohort_scope(current_user, g.cohort), reply_id)
    return _hide_or_show(reply, reply.post_id, "reply")


@bp.post("/cohorts/<int:cohort_id>/circle/reports/<int:report_id>/resolve")
def resolve_circle_report(report_id: int):
    """Close a report and leave the post or reply as it is."""
    found = get_report_or_404(g.cohort.id, report_id)
    resolve(found, current_user)
    db.session.commit()
    flash("Report closed; nothing was hidden.", "success")
    return redirect(url_for("facilitate.circle", cohort_id=g.cohort.id, _anchor="reports"))


@bp.get("/cohorts/<int:cohort_id>/entries")
def shared_entries_page():
    """Experiment entries the cohort's leaders shared with their facilitator or cohort."""
    page = parse_int(request.args.get("page", "1"), minimum=1, maximum=999_999) or 1
    found = shared_entries(current_user, g.cohort, current_app.extensions["catalog"], page)
    return render_template("facilitate/shared_entries.html", cohort=g.cohort, found=found)
