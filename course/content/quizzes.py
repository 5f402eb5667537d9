"""Reading one quiz file, and the extra rules for the before/after self-assessment."""

from __future__ import annotations

from pathlib import Path

from course.content.fields import Fields
from course.content.files import read_mapping, read_source
from course.content.models import SELF_ASSESSMENT_DIMENSIONS, SELF_ASSESSMENT_ID, Quiz
from course.content.open_questions import Scale
from course.content.problems import Problem
from course.content.questions import build_question
from course.content.render import Renderer

QUIZ_FIELDS = ("id", "title", "questions")
SELF_ASSESSMENT_LEVELS = (1, 3, 5)


def read_quiz(
    root: Path, path: Path, problems: list[Problem], render: Renderer
) -> tuple[Quiz, Fields] | None:
    """Read quizzes/<id>.yml: its id must be the file name, its question ids unique."""
    source = read_source(root, path, problems)
    if source is None:
        return None
    data = read_mapping(source.report, source.text, "the quiz", QUIZ_FIELDS)
    if data is None:
        return None
    fields = Fields(source.report, data)
    fields.only(QUIZ_FIELDS)
    quiz_id = fields.ident("id")
    title = fields.text("title")
    if quiz_id is not None and quiz_id != path.stem:
        fields.problem("id", f"quiz id '{quiz_id}' does not match the file name '{path.name}' "
                       f"(name the file {quiz_id}.yml)")
    items = fields.mappings("questions", 1)
    questions, seen = [], {}
    for item in items or ():
        questions.append(build_question(item, render))
        question_id = item.data.get("id")
        if isinstance(question_id, str) and question_id in seen:
            source.report.add(item.line("id"), f"duplicate question id '{question_id}' "
                              f"(also on line {seen[question_id]})")
        elif isinstance(question_id, str):
            seen[question_id] = item.line("id")
    if quiz_id == SELF_ASSESSMENT_ID and items:
        check_self_assessment(fields, items)
    if source.report.count or quiz_id is None or title is None or not items:
        return None
    return Quiz(quiz_id, title, tuple(questions), source.report.path, source.content_hash), fields


def check_self_assessment(fields: Fields, items: list[Fields]) -> None:
    """Six 1-5 scale questions, one per dimension, each describing levels 1, 3 and 5."""
    dimensions = ", ".join(SELF_ASSESSMENT_DIMENSIONS)
    found = []
    for item in items:
        question_id, type_name = item.data.get("id"), item.data.get("type")
        if question_id not in SELF_ASSESSMENT_DIMENSIONS:
            item.problem("id", f"'{question_id}' is not a self-assessment dimension "
                         f"(expected {dimensions})")
        found.append(question_id)
        if type_name != Scale.type_name:
            item.problem("type", f"self-assessment questions are type scale, not '{type_name}'")
            continue
        if item.data.get("min") != 1 or item.data.get("max") != 5:
            item.problem("min", "self-assessment scales run from min 1 to max 5")
        labels = item.data.get("labels")
        missing = [level for level in SELF_ASSESSMENT_LEVELS
                   if not isinstance(labels, dict) or level not in labels]
        if missing:
            item.problem("labels", "self-assessment labels describe levels 1, 3 and 5; missing: "
                         + ", ".join(map(str, missing)))
    missing = [dimension for dimension in SELF_ASSESSMENT_DIMENSIONS if dimension not in found]
    if missing:
        fields.problem("questions", "the self-assessment needs one question per dimension; "
                       "missing: " + ", ".join(missing))
