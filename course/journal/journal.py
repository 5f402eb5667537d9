"""A leader's journal: every reflection and experiment entry in course order, searchable."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

from course.access import mine
from course.circle.audience import PRIVATE
from course.content import Catalog
from course.experiments.models import ExperimentEntry
from course.extensions import db
from course.reflections.models import Reflection

MAX_QUERY_LENGTH = 200
GONE_MODULE = "No longer in the course"


@dataclass(frozen=True)
class JournalItem:
    """One reflection or experiment entry, with the words of the lesson it answers."""

    kind: str  # "reflection" | "experiment"
    id: int
    lesson_id: str
    heading: str  # the prompt's text, or the experiment's title
    text: str
    when: date
    audience: str = PRIVATE  # who else sees it (course.circle.audience)
    measures: tuple[tuple[str, float], ...] = ()
    prompt_id: str = ""

    @property
    def key(self) -> str:
        """A short id for forms: r12 for a reflection, e7 for an entry."""
        return ("r" if self.kind == "reflection" else "e") + str(self.id)

    @property
    def is_reflection(self) -> bool:
        return self.kind == "reflection"


@dataclass(frozen=True)
class LessonGroup:
    lesson_id: str
    title: str
    in_course: bool
    items: tuple[JournalItem, ...]


@dataclass(frozen=True)
class ModuleGroup:
    title: str
    number: int | None  # None for lessons no longer in the course
    lessons: tuple[LessonGroup, ...]


@dataclass(frozen=True)
class Journal:
    """The grouped items (only matches when searching) and how many there are in all."""

    modules: tuple[ModuleGroup, ...]
    query: str
    total: int

    @property
    def count(self) -> int:
        return sum(len(lesson.items) for module in self.modules for lesson in module.lessons)

    @property
    def items(self) -> list[JournalItem]:
        return [item for m in self.modules for lesson in m.lessons for item in lesson.items]


def reflection_item(row: Reflection, catalog: Catalog) -> JournalItem:
    """A reflection row as a journal item, with its prompt's text when the lesson has it."""
    lesson = catalog.lessons.get(row.lesson_id)
    prompts = {prompt.id: prompt.text for prompt in lesson.reflections} if lesson else {}
    heading = prompts.get(row.prompt_id, "A reflection prompt no longer in the lesson")
    return JournalItem("reflection", row.id, row.lesson_id, heading, row.text,
                       row.updated_at.date(), row.audience, prompt_id=row.prompt_id)


def entry_item(row: ExperimentEntry, catalog: Catalog) -> JournalItem:
    """An experiment entry as a journal item, titled by the lesson's experiment."""
    lesson = catalog.lessons.get(row.lesson_id)
    title = lesson.try_this.title if lesson and lesson.try_this else "Experiment"
    measures = tuple((str(label), value) for label, value in (row.measures or {}).items())
    return JournalItem("experiment", row.id, row.lesson_id, title, row.text, row.done_on,
                       row.audience, measures=measures)


def load_items(user_id: int, catalog: Catalog) -> list[JournalItem]:
    """Every written reflection and every experiment entry of one leader."""
    reflections = db.session.scalars(mine(Reflection, user_id).order_by(Reflection.id))
    entries = db.session.scalars(
        mine(ExperimentEntry, user_id).order_by(ExperimentEntry.done_on, ExperimentEntry.id)
    )
    items = [reflection_item(row, catalog) for row in reflections if row.text.strip()]
    return items + [entry_item(row, catalog) for row in entries]


def clean_query(query: str | None) -> str:
    """The search as typed, with runs of spaces folded and a length limit."""
    return " ".join((query or "").split())[:MAX_QUERY_LENGTH]


def search_pattern(query: str) -> re.Pattern | None:
    """A case-insensitive pattern for the words typed, or None for an empty search."""
    query = clean_query(query)
    return re.compile(re.escape(query), re.IGNORECASE) if query else None


def matches(item: JournalItem, pattern: re.Pattern | None) -> bool:
    """True when the search finds the words in the item's text or its prompt or title."""
    return pattern is None or bool(pattern.search(item.text) or pattern.search(item.heading))


def group_items(items: list[JournalItem], catalog: Catalog) -> tuple[ModuleGroup, ...]:
    """Group items by module then lesson in course order; prompts in the lesson's order."""
    by_lesson: dict[str, list[JournalItem]] = {}
    for item in items:
        by_lesson.setdefault(item.lesson_id, []).append(item)
    modules = []
    for number, module in enumerate(catalog.modules, start=1):
        lessons = tuple(
            LessonGroup(lesson.id, lesson.title, True, _ordered(by_lesson.pop(lesson.id), lesson))
            for lesson in catalog.lessons_of(module.id) if lesson.id in by_lesson
        )
        if lessons:
            modules.append(ModuleGroup(module.title, number, lessons))
    if by_lesson:  # content changed under the leader's words: keep them, at the end
        gone = tuple(
            LessonGroup(lesson_id, lesson_id.replace("-", " ").capitalize(), False,
                        _ordered(rest, None))
            for lesson_id, rest in sorted(by_lesson.items())
        )
        modules.append(ModuleGroup(GONE_MODULE, None, gone))
    return tuple(modules)


def _ordered(items: list[JournalItem], lesson) -> tuple[JournalItem, ...]:
    prompt_order = {p.id: n for n, p in enumerate(lesson.reflections)} if lesson else {}
    reflections = sorted(
        (item for item in items if item.is_reflection),
        key=lambda item: (prompt_order.get(item.prompt_id, len(prompt_order)), item.id),
    )
    entries = sorted(
        (item for item in items if not item.is_reflection), key=lambda i: (i.when, i.id)
    )
    return tuple(reflections + entries)


def build_journal(user_id: int, catalog: Catalog, query: str = "") -> Journal:
    """The leader's journal, narrowed to items matching the search when there is one."""
    items = load_items(user_id, catalog)
    pattern = search_pattern(query)
    found = [item for item in items if matches(item, pattern)]
    return Journal(group_items(found, catalog), clean_query(query), len(items))


def highlight(text: str, pattern: re.Pattern | None) -> Markup:
    """Escape text and mark what the search found (each piece escaped, never trusted)."""
    if pattern is None:
        return escape(text)
    pieces, last = [], 0
    for found in pattern.finditer(text):
        pieces.append(escape(text[last:found.start()]))
        pieces.append(Markup("<mark>%s</mark>") % found.group(0))
        last = found.end()
    pieces.append(escape(text[last:]))
    return Markup("").join(pieces)


def format_date(value: date) -> str:
    """3 March 2025."""
    return f"{value.day} {value:%B %Y}"


def format_number(value) -> str:
    """12, not 12.0; 2.5 stays 2.5."""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


MARKDOWN_STATE = {"private": "private", "facilitator": "shared with my facilitator",
                  "cohort": "shared with my cohort"}


def item_markdown(item: JournalItem, quote: bool = False) -> str:
    """One item as Markdown; the leader's text verbatim (quoted line by line if asked)."""
    if item.is_reflection:
        state = MARKDOWN_STATE[item.audience]
        head = f"**Reflection:** {item.heading}\n\n*Last changed {format_date(item.when)}, {state}*"
    else:
        head = (f"**Experiment: {item.heading}**, {format_date(item.when)}, "
                f"{MARKDOWN_STATE[item.audience]}")
    lines = [head, "", item.text]
    if item.measures:
        lines += [""] + [f"- {label}: {format_number(value)}" for label, value in item.measures]
    body = "\n".join(lines)
    if quote:
        body = "\n".join("> " + line if line else ">" for line in body.split("\n"))
    return body


def journal_markdown(journal: Journal, name: str, today: date) -> str:
    """The whole journal as a Markdown document."""
    out = ["# My journal", "", f"{name}, Clearing. Downloaded {format_date(today)}.", ""]
    if not journal.modules:
        out += ["Nothing written yet.", ""]
    for module in journal.modules:
        label = f"Module {module.number}: {module.title}" if module.number else module.title
        out += [f"## {label}", ""]
        for lesson in module.lessons:
            out += [f"### {lesson.title}", ""]
            for item in lesson.items:
                out += [item_markdown(item), "", "---", ""]
    return "\n".join(out).rstrip("\n") + "\n"
