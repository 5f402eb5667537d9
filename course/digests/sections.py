"""The sections a leader's email can hold. Each feature that has something waiting for a
leader adds one line to SECTIONS: its heading, its provider and whether it is urgent.

A provider is called once per batch of leaders, with a constant number of queries:

    provider(user_ids: list[int], on: datetime.date, catalog) -> dict[int, list[Item]]

`on` is the leader-local date the email is built for. It returns, per leader with
something waiting, the items in the order to show. An item's text names what is waiting
(a lesson title, a question's prompt shortened, who replied) and NEVER holds a leader's
or a facilitator's words: no reflection, reply, post, plan or challenge text.

Urgent sections (check-ins, new replies) are sent on the day they fall due even when no
digest is due that day; the rest wait for the leader's digest day. After an email holding
items has been queued, the engine calls the section's `ack(items, on)` (if it has one) so
the same items are not sent again.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module


@dataclass(frozen=True)
class Item:
    """One line of an email: what is waiting, and where (a path inside the app, e.g.
    "/lessons/l01?plan=3#log"; the engine makes it absolute with links.public_url)."""

    text: str
    path: str
    ref: int | str | None = None  # the provider's own id (for ack), never shown


@dataclass(frozen=True)
class Section:
    name: str  # machine name, also the email-setting it belongs to ("checkins", "digest")
    heading: str  # shown above the items
    provider: str  # "module:function"
    urgent: bool = False
    ack: str | None = None  # "module:function" called as ack(items, on)


# Shown in this order. Features add their line here.
SECTIONS: tuple[Section, ...] = (
    Section("checkins", "Check-ins", "course.plans.checkins:checkins_section", urgent=True,
            ack="course.plans.checkins:ack_checkins"),
    Section("review", "Questions to review", "course.review.digest:review_items"),
    Section("notices", "New replies", "course.notices.notices:digest_items", urgent=True,
            ack="course.notices.notices:digest_ack"),
    Section("sets", "Your action-learning set", "course.sets.waiting:digest_items"),
)


def resolve(path: str):
    module, _, name = path.partition(":")
    return getattr(import_module(module), name)
