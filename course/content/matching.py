"""Matching questions: each prompt is paired with its answer, picked from one shared list."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from course.content.grading import Grade, InvalidAnswer, PairFeedback, Question
from course.content.render import plain_text

if TYPE_CHECKING:
    from course.content.fields import Fields
    from course.content.render import Renderer

# A submitted pick is "<pair index>:<answer index>", so picks need not arrive in order.
_PICK = re.compile(r"(\d{1,4}):(\d{1,4})", re.ASCII)
NOT_AN_ANSWER = "That answer is not one of the choices."
EVERY_PAIR = "Choose an answer for every item."


@dataclass(frozen=True)
class Pair:
    """A prompt (Markdown, shown inline) and its right answer (plain text, as in the list)."""

    prompt_html: str
    prompt: str  # plain text, for statistics and storage
    answer: str
    feedback_html: str


def _answer_order(text: str) -> tuple[str, str]:
    return text.casefold(), text


@dataclass(frozen=True)
class Matching(Question):
    """Pairs to match; every select list offers `answers`: the pairs' answers and distractors.

    The answers are listed alphabetically, so their order tells nothing about the pairs and
    the blank form is the same for every leader.
    """

    pairs: tuple[Pair, ...] = ()
    answers: tuple[str, ...] = ()

    type_name = "matching"
    fields = ("pairs", "distractors")
    input_template = "questions/matching.html"
    feedback_template = "questions/matching.html"

    @classmethod
    def from_definition(cls, fields, render, id, prompt_html, explanation_html):
        """Require two or more pairs with distinct prompts, each with its answer and feedback."""
        pairs = _read_pairs(fields, render)
        distractors = [" ".join(text.split())
                       for text in fields.texts("distractors", required=False) or ()]
        if pairs is None:
            return None
        answers = {pair.answer for pair in pairs}
        for distractor in distractors:
            if distractor in answers:
                fields.problem("distractors", f"the distractor '{distractor}' is also the answer "
                               "of a pair: a distractor must match no prompt")
        if len(answers) < 2:
            fields.problem("pairs", "every pair has the same answer: give the pairs at least two "
                           "different answers")
        choices = tuple(sorted(answers | set(distractors), key=_answer_order))
        return cls(id, prompt_html, explanation_html, pairs, choices)

    def _picks(self, response: list[str]) -> dict[int, int]:
        picks: dict[int, int] = {}
        for value in response:
            if not value or not value.strip():
                continue  # a row left on "Choose…"
            match = _PICK.fullmatch(value.strip())
            if match is None:
                raise InvalidAnswer(NOT_AN_ANSWER)
            pair, answer = int(match[1]), int(match[2])
            if pair >= len(self.pairs) or answer >= len(self.answers) or pair in picks:
                raise InvalidAnswer(NOT_AN_ANSWER)
            picks[pair] = answer
        if len(picks) < len(self.pairs):
            raise InvalidAnswer(EVERY_PAIR)
        return picks

    def grade(self, response: list[str]) -> Grade:
        """Score the share of pairs matched right; right only when every pair is."""
        picks = self._picks(response)
        chosen = [self.answers[picks[index]] for index in range(len(self.pairs))]
        right = [text == pair.answer for text, pair in zip(chosen, self.pairs, strict=True)]
        return Grade(
            score=round(sum(right) / len(self.pairs), 4),
            correct=all(right),
            feedback=tuple(
                PairFeedback(pair.prompt_html, text, pair.answer, ok, pair.feedback_html)
                for pair, text, ok in zip(self.pairs, chosen, right, strict=True)
            ),
            explanation=self.explanation_html,
            answer_summary="; ".join(
                f"{pair.prompt} → {text}" for pair, text in zip(self.pairs, chosen, strict=True)
            ),
        )

    def option_texts(self) -> tuple[str, ...]:
        """Return every prompt → answer a leader could choose, pair by pair."""
        return tuple(f"{pair.prompt} → {answer}" for pair in self.pairs for answer in self.answers)

    def wrong_choices(self, grade: Grade) -> tuple[str, ...]:
        """Return each prompt → answer matched wrongly."""
        return tuple(f"{pair.prompt} → {shown.chosen}"
                     for pair, shown in zip(self.pairs, grade.feedback, strict=True)
                     if not shown.correct)


def _read_pairs(fields: Fields, render: Renderer) -> tuple[Pair, ...] | None:
    before = fields.report.count
    items = fields.mappings("pairs", low=2)
    if items is None:
        return None
    pairs, seen = [], {}
    for number, item in enumerate(items, 1):
        item.where = f"{fields.where}, pair {number}"
        item.only(("prompt", "answer", "feedback"))
        prompt, answer, feedback = item.text("prompt"), item.text("answer"), item.text("feedback")
        if prompt is None or answer is None or feedback is None:
            continue
        html = render.inline(prompt)
        text = plain_text(html)
        if text in seen:
            item.problem("prompt", f"the same prompt as pair {seen[text]}: each prompt is "
                         "matched once")
        seen.setdefault(text, number)
        pairs.append(Pair(html, text, " ".join(answer.split()), render.block(feedback)))
    return tuple(pairs) if fields.report.count == before else None
