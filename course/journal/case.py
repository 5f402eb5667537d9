"""A case for change: chosen journal items and a few short fields, as a document for a board.

Nothing here is stored: the document is made from what the form sends, every time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from flask import abort
from werkzeug.datastructures import MultiDict

from course.access import get_mine_or_404
from course.content import Catalog
from course.experiments.models import ExperimentEntry
from course.journal.journal import (
    JournalItem,
    LessonGroup,
    entry_item,
    format_date,
    format_number,
    group_items,
    item_markdown,
    reflection_item,
)
from course.numbers import parse_int
from course.reflections.models import Reflection

SECTIONS = (
    ("situation", "Situation"),
    ("tried", "What I tried"),
    ("happened", "What happened"),
    ("propose", "What I propose"),
)
APPENDIX_ONLY = "appendix"
USES = (*(key for key, _ in SECTIONS), APPENDIX_ONLY)
DEFAULT_USE = {"reflection": "situation", "experiment": "tried"}
MAX_PICKS = 200
KINDS = {"r": (Reflection, reflection_item), "e": (ExperimentEntry, entry_item)}


@dataclass(frozen=True)
class Pick:
    """A chosen journal item and the section its words should fill."""

    item: JournalItem
    use: str


@dataclass(frozen=True)
class CaseDocument:
    title: str
    author: str
    made_on: date
    sections: tuple[tuple[str, str], ...]  # (heading, text), written sections only
    appendix: tuple[LessonGroup, ...]


def use_field(key: str) -> str:
    """The form field saying which section an item fills."""
    return f"use-{key}"


def read_picks(user_id: int, catalog: Catalog, form: MultiDict) -> list[Pick]:
    """Load the chosen items as the leader's own rows; anyone else's id answers 404."""
    keys = list(dict.fromkeys(form.getlist("pick")))
    if len(keys) > MAX_PICKS:
        abort(400)
    picks = []
    for key in keys:
        kind = KINDS.get(key[:1])
        item_id = parse_int(key[1:])
        if kind is None or item_id is None:
            abort(404)
        model, to_item = kind
        item = to_item(get_mine_or_404(model, user_id, item_id), catalog)
        if not item.text.strip():
            continue  # an emptied reflection has nothing to quote
        use = form.get(use_field(key))
        picks.append(Pick(item, use if use in USES else DEFAULT_USE[item.kind]))
    return picks


def uses_of(picks: list[Pick]) -> dict[str, str]:
    """Which section each chosen item fills, by item key (to re-show the form as sent)."""
    return {pick.item.key: pick.use for pick in picks}


def sent_uses(form: MultiDict) -> dict[str, str]:
    """Every section choice the form sent, ticked or not, so a re-shown form keeps them all."""
    return {
        name[len("use-"):]: value for name, value in form.items()
        if name.startswith("use-") and value in USES and len(name) <= 24
    }


def pick_text(item: JournalItem) -> str:
    """An item's words as they go into a section; experiments say when and what."""
    if item.is_reflection:
        return item.text.strip()
    lines = [f"On {format_date(item.when)} ({item.heading}): {item.text.strip()}"]
    lines += [f"{label}: {format_number(value)}" for label, value in item.measures]
    return "\n".join(lines)


def prefill(sections: Mapping[str, str], picks: list[Pick]) -> tuple[dict[str, str], list[str]]:
    """Fill empty sections from the items aimed at them; a written section is never changed.

    Returns the new sections and the headings of the ones left alone because they held text.
    """
    filled, kept = dict(sections), []
    for key, heading in SECTIONS:
        texts = [pick_text(pick.item) for pick in picks if pick.use == key]
        if not texts:
            continue
        if (filled.get(key) or "").strip():
            kept.append(heading)
            continue
        filled[key] = "\n\n".join(texts)
    return filled, kept


def build_case(
    title: str, sections: Mapping[str, str], picks: list[Pick], author: str, today: date,
    catalog: Catalog,
) -> CaseDocument:
    """The document: title, the written sections in order, and the chosen items quoted."""
    written = tuple(
        (heading, sections[key].replace("\r\n", "\n").strip())
        for key, heading in SECTIONS
        if (sections.get(key) or "").strip()
    )
    appendix = tuple(
        lesson for module in group_items([p.item for p in picks], catalog)
        for lesson in module.lessons
    )
    return CaseDocument(title.strip(), author, today, written, appendix)


def case_markdown(document: CaseDocument) -> str:
    """The document as Markdown; the leader's words verbatim, journal items quoted."""
    out = [f"# {document.title}", "", f"{document.author}, {format_date(document.made_on)}", ""]
    for heading, text in document.sections:
        out += [f"## {heading}", "", text, ""]
    if document.appendix:
        out += ["## Appendix: from my journal", ""]
        for lesson in document.appendix:
            out += [f"### {lesson.title}", ""]
            for item in lesson.items:
                out += [item_markdown(item, quote=True), ""]
    return "\n".join(out).rstrip("\n") + "\n"


def markdown_filename(today: date) -> str:
    """A safe download name such as case-for-change-2025-03-03.md."""
    return f"case-for-change-{today.isoformat()}.md"
