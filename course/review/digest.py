"""The "review" section of a leader's email: the questions waiting, their prompts shortened
(course content, never a leader's words), each linking to the course home's Review card."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from course.content import Catalog
from course.content.render import plain_text
from course.digests.sections import Item
from course.extensions import db
from course.review.models import ReviewItem
from course.review.review import question_of

PROMPT_LENGTH = 80
PATH = "/course#review"


def shorten(text: str, limit: int = PROMPT_LENGTH) -> str:
    """The text cut at a word to at most `limit` characters, with an ellipsis if cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return f"{cut}…"


def review_items(user_ids: list[int], on: date, catalog: Catalog) -> dict[int, list[Item]]:
    """Per leader, the questions due on or before `on`, oldest first (one query)."""
    found: dict[int, list[Item]] = {}
    if not user_ids:
        return found
    rows = db.session.scalars(
        select(ReviewItem)
        .where(ReviewItem.user_id.in_(user_ids), ReviewItem.finished.is_(False),
               ReviewItem.due_on <= on)
        .order_by(ReviewItem.user_id, ReviewItem.due_on, ReviewItem.id)
    )
    for item in rows:
        asked = question_of(item, catalog)
        if asked is None:
            continue
        text = shorten(plain_text(asked[1].prompt_html))
        found.setdefault(item.user_id, []).append(Item(text=text, path=PATH, ref=item.id))
    return found
