"""Questions answered in the leader's own terms: short text and the unscored scale."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from course.content.fields import Fields, describe
from course.content.grading import Grade, InvalidAnswer, OptionFeedback, Question, single_value
from course.numbers import parse_int

if TYPE_CHECKING:
    from course.numbers import parse_int
from course.content.render import Renderer

MAX_SHORT_ANSWER = 500
SCALE_LIMIT = 100
FULL_MARKS = 100.0
ACCEPT_FIELDS = ("text", "weight", "feedback")


def normalise(text: str) -> str:
    """Fold case and collapse whitespace, the way short answers are compared."""
    return " ".join(text.split()).casefold()


def _read_accept(fields: Fields, render: Renderer) -> tuple[tuple, tuple, tuple] | None:
    """Read `accept`: texts (worth 100) or mappings of text, weight and feedback."""
    before = fields.report.count
    values = fields.items("accept")
    if values is None:
        return None
    texts, weights, notes = [], [], []
    for index, value in enumerate(values):
        if isinstance(value, dict):
            item = Fields(fields.report, value, f"{fields.where}, accepted answer {index + 1}")
            item.only(ACCEPT_FIELDS)
            text, weight = item.text("text"), item.number("weight", 0, 100)
            note = item.text("feedback", required=False)
            texts.append(text)
            weights.append(FULL_MARKS if weight is None else weight)
            notes.append(render.block(note) if note else "")
        elif isinstance(value, list) or value is None or not str(value).strip():
            what = "empty" if value is None or isinstance(value, str) else describe(value)
            fields.report.add(values.lines[index], f"{fields.where}: item {index + 1} of "
                              f"'accept' must be text, or text with a weight, not {what}")
        else:
            raw = values.raw[index]
            texts.append((value if isinstance(value, str) else raw or str(value)).strip())
            weights.append(FULL_MARKS)
            notes.append("")
    if fields.report.count > before:
        return None
    if max(weights) < FULL_MARKS:
        fields.problem("accept", "no accepted answer is worth 100: give the best answer "
                       "weight 100, or no weight")
        return None
    # All worth 100 and no feedback of their own: the plain form, as before weights existed.
    weighted = any(weight < FULL_MARKS for weight in weights)
    return tuple(texts), tuple(weights) if weighted else (), tuple(notes) if any(notes) else ()


@dataclass(frozen=True)
class ShortAnswer(Question):
    """A few words typed by the leader, matched against accepted answers.

    `weights` and `notes_html` run parallel to `accept` when any accepted answer has a
    weight (a percentage of the mark) or feedback of its own; empty, every answer is worth
    100 and the feedback is feedback_correct or feedback_incorrect.
    """

    accept: tuple[str, ...] = ()
    feedback_correct_html: str = ""
    feedback_incorrect_html: str = ""
    weights: tuple[float, ...] = ()
    notes_html: tuple[str, ...] = ()

    type_name = "short"
    fields = ("accept", "feedback_correct", "feedback_incorrect")
    input_template = "questions/short.html"
    typed = True
    max_length: ClassVar[int] = MAX_SHORT_ANSWER  # the input's maxlength, and the grader's limit

    @classmethod
    def from_definition(cls, fields, render, id, prompt_html, explanation_html):
        """Require an accepted answer worth 100 and feedback for right and wrong answers."""
        accepted = _read_accept(fields, render)
        feedback_correct = fields.text("feedback_correct")
        feedback_incorrect = fields.text("feedback_incorrect")
        if accepted is None or feedback_correct is None or feedback_incorrect is None:
            return None
        accept, weights, notes = accepted
        return cls(
            id, prompt_html, explanation_html, accept, render.block(feedback_correct),
            render.block(feedback_incorrect), weights, notes,
        )

    def weight(self, index: int) -> float:
        """Return the percentage of the mark that accepted answer `index` earns."""
        return self.weights[index] if self.weights else FULL_MARKS

    def _match(self, answer: str) -> int | None:
        """Return the best-weighted accepted answer equal to `answer`, if any."""
        key = normalise(answer)
        found = [index for index, text in enumerate(self.accept) if normalise(text) == key]
        return max(found, key=self.weight, default=None)

    def grade(self, response: list[str]) -> Grade:
        """Score an accepted answer's weight (ignoring case and spacing); 0 for any other."""
        answer = " ".join(single_value(response, "Write one answer.").split())
        if len(answer) > self.max_length:
            raise InvalidAnswer(f"Keep the answer under {self.max_length} characters.")
        index = self._match(answer)
        weight = 0.0 if index is None else self.weight(index)
        correct = weight >= FULL_MARKS
        note = self.notes_html[index] if index is not None and self.notes_html else ""
        feedback = note or (self.feedback_correct_html if correct else self.feedback_incorrect_html)
        return Grade(
            score=round(weight / FULL_MARKS, 4),
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
    name: str = ""  # a short name for charts and tables ("Listening"); optional

    type_name = "scale"
    fields = ("min", "max", "labels", "name")
    input_template = "questions/scale.html"

    @property
    def scored(self) -> bool:
        """Return False: a self-rating has no right answer."""
        return False

    @property
    def short_name(self) -> str:
        """The author's short name, else one made from the id ("sharing-curating" ->
        "Sharing curating")."""
        return self.name or self.id.replace("-", " ").capitalize()

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
        name = fields.text("name", required=False) or ""
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
        return cls(id, prompt_html, explanation_html, low, high, tuple(sorted(found.items())),
                   name)

    def grade(self, response: list[str]) -> Grade:
        """Record the chosen level; there is no score."""
        message = f"Choose a number from {self.minimum} to {self.maximum}."
        raw = single_value(response, message).strip()
        negative = raw.startswith("-")
        value = parse_int(raw.removeprefix("-"), maximum=SCALE_LIMIT)
        if value is None:
            raise InvalidAnswer(message)
        value = -value if negative else value
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
