"""What every question type shares: the base class, the grade and the invalid-answer error."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING, ClassVar, NamedTuple

if TYPE_CHECKING:
    from typing import Self

    from course.content.fields import Fields
    from course.content.render import Renderer


class InvalidAnswer(ValueError):
    """A submitted answer that cannot be graded; the message is meant for the leader."""


@dataclass(frozen=True)
class OptionFeedback:
    """One option as the leader sees it after answering; `text` and `feedback` are HTML."""

    text: str
    chosen: bool
    correct: bool
    feedback: str


@dataclass(frozen=True)
class PairFeedback:
    """One pair of a matching question after answering: `prompt` and `feedback` are HTML."""

    prompt: str
    chosen: str  # the answer the leader picked, plain text
    answer: str  # the right answer, plain text
    correct: bool
    feedback: str


@dataclass(frozen=True)
class Grade:
    """One graded answer: score 0..1 (None when unscored), feedback per option, explanation HTML."""

    score: float | None
    correct: bool | None
    feedback: tuple[OptionFeedback, ...] | tuple[PairFeedback, ...]
    explanation: str
    answer_summary: str


class Judgement(NamedTuple):
    """A stored answer as statistics count it: right or not, and the wrong choices it made."""

    correct: bool
    wrong: tuple[str, ...]


_FIRST_PARAGRAPH = re.compile(r"\A\s*<p>(?P<inner>(?:(?!</?p\b).)*)</p>(?P<rest>.*)\Z", re.DOTALL)


@dataclass(frozen=True)
class Question:
    """Fields every question has: its id and sanitised HTML for the prompt and explanation."""

    id: str
    prompt_html: str
    explanation_html: str

    type_name: ClassVar[str] = ""
    # Keys a definition of this type may use besides id, type, prompt and explanation.
    fields: ClassVar[tuple[str, ...]] = ()
    # Template files under course/templates: `input_template` defines the macro
    # input(question, name, chosen) that asks the question; `feedback_template` defines
    # feedback(question, grade) that shows a graded answer's per-option feedback.
    input_template: ClassVar[str] = ""
    feedback_template: ClassVar[str] = "questions/options_feedback.html"
    # Answers are typed by the leader: they are the leader's words, never shown in statistics.
    typed: ClassVar[bool] = False

    @property
    def legend_parts(self) -> tuple[str, str]:
        """The prompt split for a <legend>, which holds phrasing content only: the first
        paragraph's inner HTML, and the blocks that follow it (shown after the legend)."""
        match = _FIRST_PARAGRAPH.match(self.prompt_html)
        return (match["inner"], match["rest"].strip()) if match else ("", self.prompt_html)

    @property
    def type(self) -> str:
        """Return the type name used in quiz files, e.g. 'single'."""
        return self.type_name

    def grading_key(self) -> tuple:
        """What grading a stored response depends on: everything but the prose around it.
        A type whose feedback texts can change without changing the grade narrows this."""
        return (self.type_name, repr(replace(self, prompt_html="", explanation_html="")))

    @cached_property
    def version(self) -> str:
        """A short fingerprint of grading_key(): an answer stored with another version was
        given to a question that has changed since, so it is not re-graded against it."""
        return hashlib.sha256(repr(self.grading_key()).encode()).hexdigest()[:12]

    @property
    def scored(self) -> bool:
        """Return whether answers to this question earn a score."""
        return True

    @classmethod
    def from_definition(
        cls, fields: Fields, render: Renderer, id: str, prompt_html: str, explanation_html: str
    ) -> Self | None:
        """Validate the type-specific fields and build the question, or return None."""
        raise NotImplementedError

    def grade(self, response: list[str]) -> Grade:
        """Grade the raw submitted form values; raise InvalidAnswer when they make no sense."""
        raise NotImplementedError

    def option_texts(self) -> tuple[str, ...]:
        """Return, in order, the plain texts a wrong answer can be counted under."""
        raise NotImplementedError(f"question type {self.type_name!r} lists no option texts")

    def wrong_choices(self, grade: Grade) -> tuple[str, ...]:
        """Return the option texts (from option_texts) that a graded answer chose wrongly."""
        raise NotImplementedError(f"question type {self.type_name!r} names no wrong choices")

    def judge(self, response: list[str]) -> Judgement | None:
        """Count a stored response: right or not, its wrong choices; None if no longer valid."""
        try:
            grade = self.grade(response)
        except InvalidAnswer:
            return None
        return Judgement(bool(grade.correct), self.wrong_choices(grade))


def single_value(response: list[str], message: str) -> str:
    """Return the one non-blank submitted value, or raise InvalidAnswer with `message`."""
    values = [value.strip() for value in response if value and value.strip()]
    if len(values) != 1:
        raise InvalidAnswer(message)
    return values[0]
