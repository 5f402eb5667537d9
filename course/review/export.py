"""The leader's spaced review in their data download: the questions that come back to them
and every review they answered or skipped."""

from __future__ import annotations

from course.access import mine
from course.content import Catalog
from course.content.render import plain_text
from course.extensions import db
from course.review.models import ReviewAnswer, ReviewItem
from course.review.review import question_of


def _prompt(row, catalog: Catalog) -> str | None:
    asked = question_of(row, catalog)
    return plain_text(asked[1].prompt_html) if asked else None


def review_data(user_id: int, catalog: Catalog) -> dict:
    """Both lists, oldest first."""
    items = db.session.scalars(mine(ReviewItem, user_id).order_by(ReviewItem.id))
    answers = db.session.scalars(mine(ReviewAnswer, user_id).order_by(ReviewAnswer.id))
    return {
        "review_questions": [
            {"lesson_id": i.lesson_id, "question_id": i.question_id,
             "question": _prompt(i, catalog), "right_at_first_try": i.first_correct,
             "first_tried_on": i.started_on.isoformat(), "next_review": i.review_number,
             "due_on": i.due_on.isoformat(), "finished": i.finished}
            for i in items
        ],
        "review_answers": [
            {"lesson_id": a.lesson_id, "question_id": a.question_id,
             "question": _prompt(a, catalog), "review": a.review_number,
             "answered_at": a.answered_at.isoformat(), "answer": a.response,
             "result": "skipped" if a.correct is None else ("right" if a.correct else "not right")}
            for a in answers
        ],
    }
