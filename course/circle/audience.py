"""Who may see a reflection or an experiment entry: the one definition of the audiences.

A leaf module (no models of its own): the reflection and experiment models take their
column from here, and every query that decides who sees an item uses these names.
"""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

PRIVATE, FACILITATOR, COHORT = "private", "facilitator", "cohort"
# In order of reach; the labels are the radio buttons' words.
AUDIENCES: dict[str, str] = {PRIVATE: "Only me", FACILITATOR: "My facilitator",
                             COHORT: "My cohort"}
# Whom each reaches beyond the author, for the words beside an item.
REACH: dict[str, str] = {PRIVATE: "Private", FACILITATOR: "Shared with your facilitator",
                         COHORT: "Shared with your cohort"}
# What a facilitator of the author's cohort sees (the feed): both wider audiences.
FACILITATOR_SEES = (FACILITATOR, COHORT)
RANK = {PRIVATE: 0, FACILITATOR: 1, COHORT: 2}


def audience_column() -> Mapped[str]:
    """The audience column: 'private' unless the author chooses otherwise."""
    return mapped_column(String(12), default=PRIVATE, server_default=PRIVATE)


def parse_audience(raw: str | None) -> str | None:
    """The audience a form sent, or None for anything else."""
    return raw if raw in AUDIENCES else None
