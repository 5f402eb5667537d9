"""Questions answered in the leader's own terms: short text and the unscored scale."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import ClassVar

from course.content.grading import Grade, InvalidAnswer, OptionFeedback, Question, single_value

MAX_SHORT_ANSWER = 500
SCALE_LIMIT = 100


def normalise(text: str) -> str:
    """Fold case and collapse whitespace, the way short answers are compared."""
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class ShortAnswer(Question):
    """A few words typed by the leader, matched against accepted answers."""

    accept: tuple[str, ...] = ()
    feedback_correct_html: str = ""
    feedback_incorrect_html: str = ""

    type_name = "short"
    fields = ("accept", "feedback_correct", "feedback_incorrect")
    input_template = "questions/short.html"
    typed = True
    max_length: ClassVar[int] = MAX_SHORT_ANSWER  # the input's maxlength, and the grader's limit

    @classmethod
    def from_definition(cls, fields, render, id, prompt_html, explanation_html):
        """Require at least one accepted answer and feedback for right and wrong answers."""
        accept = fields.texts("accept")
        feedback_correct = fields.text("feedback_correct")
        feedback_incorrect = fields.text("feedback_incorrect")
        if accept is None or feedback_correct is None or feedback_incorrect is None:
            return None
        return cls(
            id, prompt_html, explanation_html, accept, render.block(feedback_correct),
            render.block(feedback_incorrect),
        )

    def grade(self, response: list[str]) -> Grade:
        """Score 1 when the text matches an accepted answer, ignoring case and spacing."""
        answer = " ".join(single_value(response, "Write one answer.").split())
        if len(answer) > self.max_length:
            raise InvalidAnswer(f"Keep the answer under {self.max_length} characters.")
        correct = normalise(answer) in {normalise(text) for text in self.accept}
        feedback = self.feedback_correct_html if correct else self.feedback_incorrect_html
        return Grade(
            score=float(correct),
            correct=correct,
            feedback=(OptionFeedback(html.escape(answer), True, correct, feedback),),
            explanation=self.explanation_html,
            answer_summary=answer,
        )

    def option_texts(self) -> tuple[str, ...]:
        """Return nothing: the answers are the leader's own words, never counted by text."""
        return ()

    def wrong_choices(self, grade: Grade) -> tuple[str, ...]:
        """Return nothing: what a leader typed is not shown to anyone else."""
        return ()


@dataclass(frozen=True)
class Scale(Question):
    """A self-rating from `minimum` to `maximum`: recorded, never scored."""

    minimum: int = 1
    maximum: int = 5
    labels: tuple[tuple[int, str], ...] = ()

    type_name = "scale"
    fields = ("min", "max", "labels")
    input_template = "questions/scale.html"

    @property
    def scored(self) -> bool:
        """Return False: a self-rating has no right answer."""
        return False

    @property
    def values(self) -> range:
        """Return every value the leader may choose."""
        return range(self.minimum, self.maximum + 1)

    def label(self, value: int) -> str | None:
        """Return the author's description of a level, if there is one."""
        return dict(self.labels).get(value)

    @classmethod
    def from_definition(cls, fields, render, id, prompt_html, explanation_html):
        """Require min < max and labels for at least both ends."""
        before = fields.report.count
        low = fields.integer("min", -SCALE_LIMIT, SCALE_LIMIT)
        high = fields.integer("max", -SCALE_LIMIT, SCALE_LIMIT)
        if low is not None and high is not None and low >= high:
            fields.problem("max", f"'min' ({low}) must be less than 'max' ({high})")
        labels = fields.mapping("labels", where=fields.where)
        if labels is None or fields.report.count > before:
            return None
        found = {}
        for key in labels.data:
            if type(key) is not int or not low <= key <= high:
                labels.problem(key, f"label '{key}' must be a whole number from {low} to {high}")
            elif (text := labels.text(key)) is not None:
                found[key] = text
        for end in (low, high):
            if end not in labels.data:
                fields.problem("labels", f"labels need at least both ends: add one for {end}")
        if fields.report.count > before:
            return None
        return cls(id, prompt_html, explanation_html, low, high, tuple(sorted(found.items())))

    def grade(self, response: list[str]) -> Grade:
        """Record the chosen level; there is no score."""
        message = f"Choose a number from {self.minimum} to {self.maximum}."
        try:
            value = int(single_value(response, message))
        except ValueError:
            raise InvalidAnswer(message) from None
        if value not in self.values:
            raise InvalidAnswer(message)
        label = self.label(value)
        return Grade(
            score=None,
            correct=None,
            feedback=(),
            explanation=self.explanation_html,
            answer_summary=f"{value}: {label}" if label else str(value),
        )

    def option_texts(self) -> tuple[str, ...]:
        """Return nothing: no level is wrong."""
        return ()

    def wrong_choices(self, grade: Grade) -> tuple[str, ...]:
        """Return nothing: no level is wrong."""
        return ()
