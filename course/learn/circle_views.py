"""The leader's circle: what cohort peers shared with "My cohort", replies, reports.

    GET       /circle[?page=]                      circle
    GET       /circle/posts/<id>                   circle_post
    POST      /circle/posts/<id>/replies           circle_reply
    GET POST  /circle/replies/<id>/edit            edit_circle_reply   (own reply)
    GET POST  /circle/replies/<id>/delete          delete_circle_reply (own reply, confirmed)
    GET POST  /circle/posts/<id>/report            report_circle_post
    GET POST  /circle/replies/<id>/report          report_circle_reply
    POST      /account/circle-profile              circle_profile  (display name, organisation)

Every id is loaded through course.circle.circle's scope (the leader's own cohorts, the
post's audience, moderation): anything else is 404.
"""

from __future__ import annotations

import secrets

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from course.access import any_signed_in, leader_required
from course.circle.audience import AUDIENCES, REACH
from course.circle.circle import circle_page, get_post_or_404, get_reply_or_404, leader_scope
from course.circle.moderation import MAX_REASON_LENGTH, ModerationError, report
from course.circle.people import ProfileError, set_profile
from course.circle.replies import (
    MAX_REPLY_LENGTH,
    CircleError,
    add_reply,
    delete_reply,
    edit_reply,
    post_path,
)
from course.extensions import db
from course.learn import bp
from course.numbers import parse_int


@bp.context_processor
def _audiences() -> dict:
    """The audience radios' labels and the words for each (one source: circle.audience)."""
    return {"audiences": AUDIENCES, "audience_reach": REACH}


class LeaderLinks:
    """What a leader may do in the circle, as the URLs the shared template links to."""

    moderator = False

    def reply(self, post, page=None):
        return url_for("learn.circle_reply", post_id=post.id, page=page)

    def post(self, post):
        return url_for("learn.circle_post", post_id=post.id)

    def edit(self, reply):
        return url_for("learn.edit_circle_reply", reply_id=reply.id) if reply.is_mine else None

    def delete(self, reply):
        return (url_for("learn.delete_circle_reply", reply_id=reply.id)
                if reply.is_mine else None)

    def report_post(self, post):
        return None if post.is_mine else url_for("learn.report_circle_post", post_id=post.id)

    def report_reply(self, reply):
        return (None if reply.is_mine or reply.removed
                else url_for("learn.report_circle_reply", reply_id=reply.id))

    def hide_post(self, post):
        return None

    def hide_reply(self, reply):
        return None


def catalog():
    return current_app.extensions["catalog"]


def _page_number() -> int:
    return parse_int(request.args.get("page", "1"), minimum=1, maximum=999_999) or 1


def render_circle(*, post_id: int | None = None, failed=None, status: int = 200):
    """The circle (or one post of it); `failed` is (post id, error, text) to show again."""
    scope = leader_scope(current_user)
    page = circle_page(scope, catalog(), _page_number(), post_id=post_id)
    return render_template(
        "learn/circle.html", circle=page, links=LeaderLinks(), failed=failed,
        single=post_id is not None, max_reply=MAX_REPLY_LENGTH,
        form_key=secrets.token_hex(16),  # one per rendered page; each form adds its post id
    ), status


@bp.get("/circle")
@leader_required
def circle():
    """What the leader's cohort peers shared with "My cohort", newest first."""
    return render_circle()


@bp.get("/circle/posts/<int:post_id>")
@leader_required
def circle_post(post_id: int):
    """One post and all its replies (where a notice of a reply leads)."""
    _mark_seen(post_id)
    return render_circle(post_id=post_id)


def _mark_seen(post_id: int) -> None:
    from course.notices.notices import mark_seen

    mark_seen(current_user.id, post_path(post_id))


def _back(post_id: int, single: bool):
    if single:
        return url_for("learn.circle_post", post_id=post_id, _anchor=f"post-{post_id}")
    return url_for("learn.circle", page=request.args.get("page") or None,
                   _anchor=f"post-{post_id}")


@bp.post("/circle/posts/<int:post_id>/replies")
@leader_required
def circle_reply(post_id: int):
    """Reply to a peer's post (or one's own); the text stays on any error."""
    post = get_post_or_404(leader_scope(current_user), post_id)
    text = request.form.get("text", "")
    try:
        add_reply(post, current_user, text, request.form.get("form_key"))
    except CircleError as error:
        db.session.rollback()
        return render_circle(post_id=post_id if request.form.get("single") else None,
                             failed=(post_id, str(error), text), status=400)
    db.session.commit()
    flash("Reply sent.", "success")
    return redirect(_back(post_id, bool(request.form.get("single"))))


@bp.route("/circle/replies/<int:reply_id>/edit", methods=["GET", "POST"])
@leader_required
def edit_circle_reply(reply_id: int):
    """Change the words of one's own reply."""
    reply = get_reply_or_404(leader_scope(current_user), reply_id, own=True)
    text, error = reply.text, None
    if request.method == "POST":
        text = request.form.get("text", "")
        try:
            edit_reply(reply, text)
        except CircleError as refused:
            db.session.rollback()
            error = str(refused)
        else:
            db.session.commit()
            flash("Reply changed.", "success")
            return redirect(_back(reply.post_id, True))
    return render_template("learn/circle_edit.html", reply=reply, text=text, error=error,
                           max_reply=MAX_REPLY_LENGTH,
                           back=_back(reply.post_id, True)), 400 if error else 200


@bp.route("/circle/replies/<int:reply_id>/delete", methods=["GET", "POST"])
@leader_required
def delete_circle_reply(reply_id: int):
    """Ask first; delete one's own reply on Delete."""
    reply = get_reply_or_404(leader_scope(current_user), reply_id, own=True)
    back = _back(reply.post_id, True)
    if request.method == "GET" or request.form.get("confirm") != "yes":
        return render_template("learn/confirm_delete.html", heading="Delete your reply?",
                               text=reply.text, back=back, action=request.path,
                               detail="It leaves the circle for everyone. "
                                      "This cannot be undone.")
    delete_reply(reply)
    db.session.commit()
    flash("Reply deleted.", "info")
    return redirect(back)


def _report(item, post_id: int, what: str):
    reason, error = request.form.get("reason", ""), None
    if request.method == "POST":
        try:
            made = report(item, current_user, reason)
        except ModerationError as refused:
            db.session.rollback()
            error = str(refused)
        else:
            db.session.commit()
            flash("Thank you: your facilitator will look at it." if made
                  else "You have already reported this; your facilitator will look at it.",
                  "success")
            return redirect(_back(post_id, True))
    return render_template("circle/report.html", what=what, reason=reason, error=error,
                           max_reason=MAX_REASON_LENGTH, action=request.path,
                           back=_back(post_id, True)), 400 if error else 200


@bp.route("/circle/posts/<int:post_id>/report", methods=["GET", "POST"])
@leader_required
def report_circle_post(post_id: int):
    """Ask the facilitator to look at a post."""
    post = get_post_or_404(leader_scope(current_user), post_id)
    return _report(post, post.id, "post")


@bp.route("/circle/replies/<int:reply_id>/report", methods=["GET", "POST"])
@leader_required
def report_circle_reply(reply_id: int):
    """Ask the facilitator to look at a reply."""
    reply = get_reply_or_404(leader_scope(current_user), reply_id)
    return _report(reply, reply.post_id, "reply")


@bp.post("/account/circle-profile")
@any_signed_in
def circle_profile():
    """Keep the display name and organisation peers see; a refusal keeps what was typed."""
    values = {"display_name": request.form.get("display_name", ""),
              "organisation": request.form.get("organisation", "")}
    try:
        set_profile(current_user, values["display_name"], values["organisation"])
    except ProfileError as error:
        db.session.rollback()
        g.circle_profile = (str(error), error.field, values)
        from course.auth.account_views import account

        return account(), 400
    db.session.commit()
    flash("Saved: this is how your cohort sees you.", "success")
    return redirect(url_for("auth.account", _anchor="circle-profile"), 303)
