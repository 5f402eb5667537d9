"""The loaded course as frozen dataclasses: modules, lessons, quizzes and the catalog."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING

from course.content.grading import Question

if TYPE_CHECKING:
    from course.content.render import Renderer


@dataclass(frozen=True)
class Kind:
    """One of Obeng's four kinds of work, by what is known about the goal and the method."""

    name: str
    label: str
    meaning: str


KINDS: Mapping[str, Kind] = MappingProxyType(
    {
        kind.name: kind
        for kind in (
            Kind("fog", "Fog", "Goal and method both unknown: small safe probes."),
            Kind("quest", "Quest", "Goal known, method unknown: find the way by trying."),
            Kind("movie", "Movie", "Method known, goal unknown: use it to discover what matters."),
            Kind(
                "painting-by-numbers",
                "Painting by numbers",
                "Goal and method both known: a clear recipe, done step by step.",
            ),
        )
    }
)

SELF_ASSESSMENT_ID = "self-assessment"
SELF_ASSESSMENT_DIMENSIONS = (
    "listening",
    "connecting",
    "sharing-curating",
    "experimenting",
    "leading-change",
    "managing-risk",
)


@dataclass(frozen=True)
class ReflectionPrompt:
    """A private reflection question; `id` is unique within its lesson."""

    id: str
    text: str


@dataclass(frozen=True)
class Experiment:
    """The lesson's "try this": one small real experiment and what to record."""

    title: str
    minutes: int
    steps: tuple[str, ...]
    record: str
    measures: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lesson:
    """One lesson: front matter fields, the sanitised reading, and its place in the course."""

    id: str
    title: str
    kind: str
    minutes: int
    summary: str
    objectives: tuple[str, ...]
    reflections: tuple[ReflectionPrompt, ...]
    try_this: Experiment
    quiz_id: str | None
    body: str = field(repr=False)  # the reading, as Markdown
    module_id: str
    order: int  # 1-based position in its module
    number: int  # 1-based position in the whole course
    content_hash: str
    word_count: int
    path: str  # relative to the content root, e.g. "lessons/01-x/01-y.md"
    renderer: Renderer = field(repr=False, compare=False)

    @cached_property
    def html(self) -> str:
        """The sanitised reading, rendered on first use and then kept.

        Rendering 1,000 readings is most of the cost of loading a large course, and a
        worker may never show most of them; loading stays a matter of reading and checking.
        """
        return self.renderer.block(self.body)

    @property
    def kind_info(self) -> Kind:
        """Return the label and meaning of this lesson's kind of work."""
        return KINDS[self.kind]


@dataclass(frozen=True)
class Module:
    """A group of lessons, shown in `order`."""

    id: str
    title: str
    order: int
    summary: str
    lesson_ids: tuple[str, ...]


@dataclass(frozen=True)
class Quiz:
    """A quiz: its questions in file order."""

    id: str
    title: str
    questions: tuple[Question, ...]
    path: str
    content_hash: str

    def question(self, question_id: str) -> Question:
        """Return a question by id; KeyError when there is none."""
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)


@dataclass(frozen=True, eq=False)
class Catalog:
    """The whole validated course; `lessons` is in course order."""

    modules: tuple[Module, ...]
    lessons: Mapping[str, Lesson]
    quizzes: Mapping[str, Quiz]
    ordered_lessons: tuple[Lesson, ...] = field(init=False, repr=False)
    # Changes whenever any module, lesson or quiz does: a key for anything derived from it.
    fingerprint: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # Kept as a tuple so next/previous are an index away; frozen, hence object.__setattr__.
        object.__setattr__(self, "ordered_lessons", tuple(self.lessons.values()))
        digest = hashlib.sha256(repr(self.modules).encode())
        for item in (*self.ordered_lessons, *self.quizzes.values()):
            digest.update(f"{item.id}:{item.content_hash}\n".encode())
        object.__setattr__(self, "fingerprint", digest.hexdigest()[:16])

    @classmethod
    def empty(cls) -> Catalog:
        """Return a course with nothing in it."""
        return cls.build([], [], [])

    @classmethod
    def build(cls, modules: list[Module], lessons: list[Lesson], quizzes: list[Quiz]) -> Catalog:
        """Freeze lists already in course order into a catalog."""
        return cls(
            modules=tuple(modules),
            lessons=MappingProxyType({lesson.id: lesson for lesson in lessons}),
            quizzes=MappingProxyType({quiz.id: quiz for quiz in quizzes}),
        )

    @property
    def self_assessment(self) -> Quiz | None:
        """Return the before/after self-assessment quiz, if the course has one."""
        return self.quizzes.get(SELF_ASSESSMENT_ID)

    def lesson(self, lesson_id: str) -> Lesson:
        """Return a lesson by id; KeyError when there is none."""
        return self.lessons[lesson_id]

    def module(self, module_id: str) -> Module:
        """Return a module by id; KeyError when there is none."""
        for module in self.modules:
            if module.id == module_id:
                return module
        raise KeyError(module_id)

    def quiz(self, quiz_id: str) -> Quiz:
        """Return a quiz by id; KeyError when there is none."""
        return self.quizzes[quiz_id]

    def lessons_of(self, module_id: str) -> tuple[Lesson, ...]:
        """Return a module's lessons in order."""
        return tuple(self.lessons[lesson_id] for lesson_id in self.module(module_id).lesson_ids)

    def next_lesson(self, lesson_id: str) -> Lesson | None:
        """Return the lesson after this one in the course (across modules), or None at the end."""
        number = self.lessons[lesson_id].number
        ordered = self.ordered_lessons
        return ordered[number] if number < len(ordered) else None

    def previous_lesson(self, lesson_id: str) -> Lesson | None:
        """Return the lesson before this one in the course, or None at the start."""
        number = self.lessons[lesson_id].number
        return self.ordered_lessons[number - 2] if number > 1 else None
