"""The course home's cards beyond the course map: each feature that has something waiting
for a leader (check-ins, review questions, new replies, the circle, a set's round) adds one
line here, naming its template and the function that gathers its data.

A provider is called as `provider(user, catalog)` and returns the template's context (a
dict) or None when there is nothing to show; the card is then left out. Providers run one
or two queries each: the home page stays cheap.
"""

from __future__ import annotations

from importlib import import_module

# (template, "module:function"), shown in this order above the course map.
HOME_CARDS: tuple[tuple[str, str], ...] = (
    ("learn/_card_checkins.html", "course.plans.checkins:home_card"),
    ("learn/_card_review.html", "course.learn.review_views:home_card"),
    ("learn/_card_notices.html", "course.notices.notices:home_card"),
    ("learn/_card_set.html", "course.sets.waiting:home_card"),
    ("learn/_card_circle.html", "course.circle.circle:home_card"),
)


def _resolve(path: str):
    module, _, name = path.partition(":")
    return getattr(import_module(module), name)


def home_cards(user, catalog) -> list[tuple[str, dict]]:
    """The cards with something to show, as (template, context) pairs."""
    cards = []
    for template, provider in HOME_CARDS:
        data = _resolve(provider)(user, catalog)
        if data:
            cards.append((template, data))
    return cards
