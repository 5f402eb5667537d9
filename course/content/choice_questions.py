"""Questions answered by choosing: single, multiple and true-false."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from course.content.grading import Grade, InvalidAnswer, OptionFeedback, Question, single_value
from course.content.render import plain_text
from course.numbers import parse_int

if TYPE_CHECKING:
    from course.content.fields import Fields
    from course.content.render import Renderer

# GIFT weights such as 33.33333 never add up exactly.
WEIGHT_TOLERANCE = 0.5
NOT_AN_OPTION = "That answer is not one of the options."


@dataclass(frozen=True)
class Option:
    """A choice: `text` is its plain text, `weight` a percentage (or None when unweighted)."""

    text_html: str
    text: str
    correct: bool
    feedback_html: str
    weight: float | None = None



def _clamp(score: float) -> float:
    return round(min(1.0, max(0.0, score)), 4)


def _index(value: str, count: int) -> int:
    index = parse_int(value, maximum=count - 1) if count else None
    if index is None:  # not ASCII digits ("١", "1e3"), or past the last option
        raise InvalidAnswer(NOT_AN_OPTION)
    return index


def _read_option(item: Fields, render: Renderer, single: bool) -> Option | None:
    before = item.report.count
    item.only(("text", "correct", "feedback", "weight"))
    text = item.text("text")
    feedback = item.text("feedback")
    weight = item.number("weight", -100, 100)
    # With a weight, `correct` may be left out: GIFT files say it with the weight alone. The
    # right answers of a single question are those worth 100; of a multiple, all worth some.
    correct = item.boolean("correct", required="weight" not in item.data)
    if weight is not None:
        implied = weight >= 100 - WEIGHT_TOLERANCE if single else weight > 0
        if correct is None:
            correct = implied
        elif correct != implied:
            rule = "is 100" if single else "is above 0"
            item.problem("weight", f"'correct' must be true exactly when the weight {rule}")
    if item.report.count > before or text is None or feedback is None or correct is None:
        return None
    html = render.inline(text)
    return Option(html, plain_text(html), correct, render.block(feedback), weight)


def read_options(fields: Fields, render: Renderer, single: bool) -> tuple[Option, ...] | None:
    """Validate the options of a choice question, each with its feedback."""
    before = fields.report.count
    items = fields.mappings("options", low=2)
    if items is None:
        return None
    options = []
    for number, item in enumerate(items, 1):
        item.where = f"{fields.where}, option {number}"
        options.append(_read_option(item, render, single))
    if None in options:
        return None
    weighted = [option.weight is not None for option in options]
    right = sum(option.correct for option in options)
    if any(weighted) and not all(weighted):
        fields.problem("options", "give every option a weight, or none")
    elif right == 0 and single and all(weighted):
        fields.problem("options", "no option has weight 100: give the best answer 100")
    elif right == 0:
        fields.problem("options", "no option is correct: mark the right answer 'correct: true'")
    elif not single and all(weighted):
        total = sum(option.weight for option in options if option.weight > 0)
        if abs(total - 100) > WEIGHT_TOLERANCE:
            fields.problem("options", f"the positive weights add up to {total:g}, not 100")
    return tuple(options) if fields.report.count == before else None


@dataclass(frozen=True)
class ChoiceQuestion(Question):
    """Shared parts of single and multiple choice; answers are 0-based option indexes."""

    options: tuple[Option, ...] = ()

    fields = ("options",)
    input_template = "questions/choice.html"
    several: ClassVar[bool] = False  # check boxes rather than radio buttons

    def grading_key(self) -> tuple:
        """The options' texts, order, rightness and weights: not their feedback."""
        return (self.type_name,
                tuple((option.text, option.correct, option.weight) for option in self.options))

    @property
    def weighted(self) -> bool:
        """Return whether the options carry percentage weights."""
        return self.options[0].weight is not None

    def _grade(self, chosen: set[int], score: float, correct: bool) -> Grade:
        return Grade(
            score=score,
            correct=correct,
            feedback=tuple(
                OptionFeedback(option.text_html, index in chosen, option.correct,
                               option.feedback_html)
                for index, option in enumerate(self.options)
            ),
            explanation=self.explanation_html,
            answer_summary="; ".join(self.options[index].text for index in sorted(chosen)),
        )

    def option_texts(self) -> tuple[str, ...]:
        """Return each option's plain text."""
        return tuple(option.text for option in self.options)

    def wrong_choices(self, grade: Grade) -> tuple[str, ...]:
        """Return the texts of the chosen options that are not correct."""
        return tuple(option.text for option, shown in zip(self.options, grade.feedback, strict=True)
                     if shown.chosen and not option.correct)


@dataclass(frozen=True)
class SingleChoice(ChoiceQuestion):
    """One option to choose; the response is its index as a string.

    Several options may be right (as when a GIFT question has several '=' answers): any
    one of them scores full marks.
    """

    type_name = "single"

    @classmethod
    def from_definition(cls, fields, render, id, prompt_html, explanation_html):
        """Validate the options: one or more correct (with weights, those worth 100)."""
        options = read_options(fields, render, single=True)
        return cls(id, prompt_html, explanation_html, options) if options else None

    def grade(self, response: list[str]) -> Grade:
        """Score 1 for a right option, or the chosen option's weight when weighted."""
        index = _index(single_value(response, "Choose one option."), len(self.options))
        option = self.options[index]
        score = _clamp(option.weight / 100) if self.weighted else float(option.correct)
        return self._grade({index}, score, option.correct)


@dataclass(frozen=True)
class MultipleChoice(ChoiceQuestion):
    """Several options to choose; the response is their indexes as strings."""

    type_name = "multiple"
    several = True

    @classmethod
    def from_definition(cls, fields, render, id, prompt_html, explanation_html):
        """Validate the options (at least one correct; weights, if any, add up to 100)."""
        options = read_options(fields, render, single=False)
        return cls(id, prompt_html, explanation_html, options) if options else None

    def grade(self, response: list[str]) -> Grade:
        """Score 1 for exactly the right set, or the sum of chosen weights when weighted."""
        values = [value.strip() for value in response if value and value.strip()]
        if not values:
            raise InvalidAnswer("Choose at least one option.")
        chosen = {_index(value, len(self.options)) for value in values}
        right = {index for index, option in enumerate(self.options) if option.correct}
        if self.weighted:
            score = _clamp(sum(self.options[index].weight for index in chosen) / 100)
        else:
            score = float(chosen == right)
        return self._grade(chosen, score, chosen == right)


@dataclass(frozen=True)
class TrueFalse(Question):
    """A statement to judge; the response is "true" or "false"."""

    answer: bool = True
    feedback_true_html: str = ""
    feedback_false_html: str = ""

    type_name = "true-false"
    fields = ("answer", "feedback_true", "feedback_false")
    input_template = "questions/true-false.html"


    def grading_key(self) -> tuple:
        """The right answer, not the feedback texts."""
        return (self.type_name, self.answer)

    @classmethod
    def from_definition(cls, fields, render, id, prompt_html, explanation_html):
        """Require the answer and the feedback for both choices."""
        answer = fields.boolean("answer")
        feedback_true = fields.text("feedback_true")
        feedback_false = fields.text("feedback_false")
        if answer is None or feedback_true is None or feedback_false is None:
            return None
        return cls(
            id, prompt_html, explanation_html, answer, render.block(feedback_true),
            render.block(feedback_false),
        )

    def grade(self, response: list[str]) -> Grade:
        """Score 1 when the judgement matches the answer."""
        value = single_value(response, "Choose true or false.").lower()
        if value not in ("true", "false"):
            raise InvalidAnswer("Choose true or false.")
        said = value == "true"
        return Grade(
            score=float(said == self.answer),
            correct=said == self.answer,
            feedback=(
                OptionFeedback("True", said, self.answer, self.feedback_true_html),
                OptionFeedback("False", not said, not self.answer, self.feedback_false_html),
            ),
            explanation=self.explanation_html,
            answer_summary="True" if said else "False",
        )

    def option_texts(self) -> tuple[str, ...]:
        """Return the two judgements, as the leader sees them."""
        return ("True", "False")

    def wrong_choices(self, grade: Grade) -> tuple[str, ...]:
        """Return the judgement chosen, when it is the wrong one."""
        return tuple(shown.text for shown in grade.feedback if shown.chosen and not shown.correct)
