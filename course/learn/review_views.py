"""The Review card on the course home: questions that come back, answered in place.

    POST  /review/<item>   answer_review_view   answer (or, with action=skip, skip) a review

The card itself is gathered by `home_card` (course/learn/home_cards.py). After a review
the leader is sent back to /course?reviewed=<answer>#review, where the card shows the
verdict and the question's own feedback. An answer that cannot be graded re-shows the
course home with the message beside the question and what was chosen still chosen.
"""

from __future__ import annotations

import secrets

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_login import current_user

from course.access import get_mine_or_404, leader_required
from course.extensions import db
from course.idempotency import STALE_FORM
from course.learn import bp
from course.numbers import parse_int
from course.review.models import ReviewItem
from course.review.review import (
    REVIEWS,
    ReviewError,
    ReviewRefused,
    answer_feedback,
    answer_review,
    due_items,
    local_today,
    question_of,
    skip_review,
)

MAX_SHOWN = 5  # questions on the card at once; the rest wait their turn


def field_name(item_id: int) -> str:
    """The form field carrying a review's answer (unique on the page, so are its ids)."""
    return f"review-{item_id}"


def home_card(user, catalog) -> dict | None:
    """The Review card: what is due today in the leader's zone, and the feedback on the
    review just answered. None (no card) when neither."""
    if not user.is_leader:
        return None
    reviewed = parse_int(request.args.get("reviewed"), minimum=1)
    feedback = answer_feedback(user.id, reviewed, catalog) if reviewed else None
    due = due_items(user, catalog, local_today(user))
    if not due and feedback is None:
        return None
    form = g.get("review_form") or {}
    key = secrets.token_hex(16)
    return {
        "due": due[:MAX_SHOWN], "more": max(0, len(due) - MAX_SHOWN), "feedback": feedback,
        "error_item": form.get("item_id"), "error": form.get("error"),
        "chosen": form.get("values", []), "form_key": key, "reviews": REVIEWS,
        "field_name": field_name,
    }


def _show_again(item_id: int, message: str, values: list[str]):
    """The course home again, with the message beside the question (status 400)."""
    from course.learn.lesson_views import home

    g.review_form = {"item_id": item_id, "error": message, "values": values}
    page = home()
    return (page, 400) if isinstance(page, str) else page


@bp.post("/review/<int:item_id>")
@leader_required
def answer_review_view(item_id: int):
    """Answer a review question (graded by its own type), or skip it."""
    catalog = current_app.extensions["catalog"]
    item = get_mine_or_404(ReviewItem, current_user.id, item_id)
    asked = question_of(item, catalog)
    if asked is None:  # the course no longer holds the question
        abort(404)
    _, question = asked
    number = parse_int(request.form.get("number"), minimum=1, maximum=REVIEWS)
    form_key = request.form.get("form_key")
    values = request.form.getlist(field_name(item.id))
    today = local_today(current_user)
    try:
        if request.form.get("action") == "skip":
            answer = skip_review(item, question, number, form_key, today)
        else:
            answer = answer_review(item, question, number, values, form_key, today)
    except ReviewError as error:
        db.session.rollback()
        return _show_again(item_id, str(error), values)
    except ReviewRefused as error:
        db.session.rollback()
        if str(error) == STALE_FORM:  # the form itself is wrong: show it again, as it was
            return _show_again(item_id, str(error), values)
        flash(str(error), "info")
        # To the top, where the message is (an explicit anchor: without one the browser
        # would keep the form's #review).
        return redirect(url_for("learn.home", _anchor="main"))
    answer_id = answer.id
    db.session.commit()
    return redirect(url_for("learn.home", reviewed=answer_id, _anchor="review"))
