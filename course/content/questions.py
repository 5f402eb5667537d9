"""The question-type registry: a quiz file's `type` names the class that validates and grades."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from course.content.choice_questions import MultipleChoice, Option, SingleChoice, TrueFalse
from course.content.fields import Fields
from course.content.files import prose
from course.content.grading import Grade, InvalidAnswer, OptionFeedback, Question
from course.content.matching import Matching, Pair
from course.content.open_questions import Scale, ShortAnswer
from course.content.render import Renderer


def registry(*classes: type[Question]) -> Mapping[str, type[Question]]:
    """Map type names to classes, refusing (at import) a class that leaves a duty undone.

    Templates and statistics ask the type itself; a type without its template or its
    statistics would otherwise be shown or counted wrongly instead of failing.
    """
    for cls in classes:
        missing = [name for name in ("type_name", "input_template") if not getattr(cls, name)]
        own = cls.__mro__[: cls.__mro__.index(Question)]
        missing += [name for name in ("from_definition", "grade", "option_texts", "wrong_choices")
                    if not any(name in vars(klass) for klass in own)]
        if missing:
            raise TypeError(f"question type {cls.__name__} must define {', '.join(missing)}")
    return MappingProxyType({cls.type_name: cls for cls in classes})


QUESTION_TYPES = registry(SingleChoice, MultipleChoice, TrueFalse, ShortAnswer, Scale, Matching)
COMMON_FIELDS = ("id", "type", "prompt", "explanation")

__all__ = [
    "QUESTION_TYPES",
    "Grade",
    "InvalidAnswer",
    "Matching",
    "MultipleChoice",
    "Option",
    "OptionFeedback",
    "Pair",
    "Question",
    "Scale",
    "ShortAnswer",
    "SingleChoice",
    "TrueFalse",
    "build_question",
]


def build_question(fields: Fields, render: Renderer) -> Question | None:
    """Validate one question definition and build it, or record problems and return None."""
    before = fields.report.count
    question_id = fields.ident("id")
    fields.where = f"question '{question_id}'" if question_id else "question"
    type_name = fields.text("type")
    cls = QUESTION_TYPES.get(type_name) if type_name else None
    if type_name and cls is None:
        expected = prose(list(QUESTION_TYPES))
        fields.problem("type", f"unknown question type '{type_name}' (expected {expected})")
    if cls is not None:
        fields.only(COMMON_FIELDS + cls.fields)
    prompt = fields.text("prompt")
    explanation = fields.text("explanation", required=False) or ""
    if cls is None or question_id is None or prompt is None:
        return None
    question = cls.from_definition(
        fields, render, question_id, render.block(prompt), render.block(explanation)
    )
    return question if fields.report.count == before else None
