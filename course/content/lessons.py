"""Reading one module.yml or one lesson file into a Module or Lesson."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from course.content.fields import Fields
from course.content.files import prose, read_mapping, read_source
from course.content.models import KINDS, Experiment, Lesson, Module, Quiz, ReflectionPrompt
from course.content.problems import Problem
from course.content.render import Renderer
from course.content.yamlsrc import YamlProblem, split_front_matter

MODULE_FIELDS = ("id", "title", "order", "summary")
LESSON_FIELDS = (
    "id", "title", "kind", "minutes", "summary", "objectives", "reflections", "try_this",
    "quiz", "module", "order",
)
REQUIRED_LESSON_FIELDS = LESSON_FIELDS[:8]
# A word is anything between spaces with a letter or digit in it: Markdown marks are not.
_WORD = re.compile(r"\S*[^\W_]\S*")
WORDS_PER_MINUTE = 200  # reading on a phone, between meetings
MINUTES_PER_QUESTION = 1


@dataclass(frozen=True)
class LessonTime:
    """What a lesson takes, from its files: the one formula for the page and `content check`.

    Reading is kept to a tenth of a minute (rounded up); trying and checking are whole
    minutes, so the whole minutes shown for each part add up exactly to `needed`.
    """

    words: int
    reading_exact: float
    trying: int
    questions: int

    @property
    def reading(self) -> int:
        """Whole reading minutes, rounded up."""
        return math.ceil(self.reading_exact)

    @property
    def checking(self) -> int:
        """Minutes for the quiz: one per question."""
        return MINUTES_PER_QUESTION * self.questions

    @property
    def needed(self) -> int:
        """The whole minutes the lesson takes."""
        return math.ceil(self.reading_exact + self.trying + self.checking)


def lesson_time(lesson: Lesson, quiz: Quiz | None) -> LessonTime:
    """Reading at WORDS_PER_MINUTE, the try-this minutes and a minute per quiz question."""
    reading = math.ceil(10 * lesson.word_count / WORDS_PER_MINUTE) / 10
    return LessonTime(lesson.word_count, reading, lesson.try_this.minutes,
                      len(quiz.questions) if quiz is not None else 0)


def read_module(
    root: Path, path: Path, number: int, problems: list[Problem]
) -> tuple[Module, Fields] | None:
    """Read module.yml; `number` is the folder's NN, which `order` must repeat."""
    source = read_source(root, path, problems)
    if source is None:
        return None
    data = read_mapping(source.report, source.text, "module.yml", MODULE_FIELDS)
    if data is None:
        return None
    fields = Fields(source.report, data)
    fields.only(MODULE_FIELDS)
    module_id = fields.ident("id")
    title = fields.text("title")
    order = fields.integer("order", 1, 99)
    summary = fields.text("summary")
    if order is not None and order != number:
        fields.problem("order", f"order {order} does not match the folder number {number:02d}")
    if None in (module_id, title, order, summary) or source.report.count:
        return None
    return Module(module_id, title, order, summary, ()), fields


def read_lesson(
    root: Path, path: Path, module_id: str, order: int, problems: list[Problem],
    render: Renderer,
) -> tuple[Lesson, Fields] | None:
    """Read a lesson's front matter and its reading; `order` is its place in the module."""
    source = read_source(root, path, problems)
    if source is None:
        return None
    report = source.report
    try:
        front, body, body_line = split_front_matter(source.text)
    except YamlProblem as problem:
        report.add(problem.line, problem.message)
        return None
    # The YAML starts on line 2, after the opening '---'.
    data = read_mapping(report, front, "the front matter", REQUIRED_LESSON_FIELDS, 1)
    if data is None:
        return None
    fields = Fields(report, data)
    fields.only(LESSON_FIELDS)
    values = dict(
        id=fields.ident("id"),
        title=fields.text("title"),
        kind=_kind(fields),
        minutes=fields.integer("minutes", 1, 60),
        summary=fields.text("summary"),
        objectives=fields.texts("objectives", 2, 3),
        reflections=_reflections(fields),
        try_this=_experiment(fields),
    )
    quiz_id = fields.ident("quiz", required=False)
    _check_place(fields, module_id, path)
    if not body.strip():
        report.add(body_line, "the lesson has no reading after the front matter")
    if None in values.values() or report.count:
        return None
    lesson = Lesson(  # the reading is rendered on first use (Lesson.html)
        **values, quiz_id=quiz_id, body=body, module_id=module_id, order=order, number=0,
        content_hash=source.content_hash, word_count=len(_WORD.findall(body)),
        path=report.path, renderer=render,
    )
    return lesson, fields


def _kind(fields: Fields) -> str | None:
    kind = fields.text("kind")
    if kind is not None and kind not in KINDS:
        fields.problem("kind", f"unknown kind '{kind}' (expected {prose(list(KINDS))})")
        return None
    return kind


def _check_place(fields: Fields, module_id: str, path: Path) -> None:
    # Optional and redundant with the folders; when given they must agree with them.
    module = fields.ident("module", required=False)
    if module is not None and module_id and module != module_id:
        fields.problem("module", f"module '{module}' does not match the folder's module "
                       f"'{module_id}'")
    order = fields.integer("order", 1, 99, required=False)
    number = int(path.name[:2])
    if order is not None and order != number:
        fields.problem("order", f"order {order} does not match the file number {number:02d}")


def _reflections(fields: Fields) -> tuple[ReflectionPrompt, ...] | None:
    items = fields.mappings("reflections", 1, 3)
    if items is None:
        return None
    prompts, seen = [], {}
    for number, item in enumerate(items, 1):
        item.where = f"reflection {number}"
        item.only(("id", "prompt"))
        prompt_id, text = item.ident("id"), item.text("prompt")
        if prompt_id in seen:
            item.problem("id", f"duplicate reflection id '{prompt_id}' (also on line "
                         f"{seen[prompt_id]})")
        elif prompt_id is not None:
            seen[prompt_id] = item.line("id")
        prompts.append(ReflectionPrompt(prompt_id, text))
    return tuple(prompts)


def _experiment(fields: Fields) -> Experiment | None:
    item = fields.mapping("try_this")
    if item is None:
        return None
    item.only(("title", "minutes", "steps", "record", "measures"))
    values = (
        item.text("title"), item.integer("minutes", 1, 20), item.texts("steps", 1, 10),
        item.text("record"),
    )
    measures = item.texts("measures", required=False) or ()
    return None if None in values else Experiment(*values, measures)
