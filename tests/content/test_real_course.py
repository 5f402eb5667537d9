"""The course in this repository (lessons/, quizzes/) is complete and valid."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from course.content import (
    KINDS,
    SELF_ASSESSMENT_DIMENSIONS,
    MultipleChoice,
    SingleChoice,
    TrueFalse,
    check_content,
    load_catalog,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def catalog():
    problems = check_content(REPO)
    assert [str(problem) for problem in problems] == []
    return load_catalog(REPO)


WORDS_PER_MINUTE = 200


def test_size_and_kinds(catalog):
    assert len(catalog.modules) >= 7
    assert len(catalog.lessons) >= 21
    assert {lesson.kind for lesson in catalog.ordered_lessons} == set(KINDS)


def test_every_lesson_is_complete(catalog):
    for lesson in catalog.ordered_lessons:
        assert 400 <= lesson.word_count <= 1300, (lesson.id, lesson.word_count)
        assert lesson.reflections, lesson.id
        assert lesson.try_this.steps, lesson.id
        assert lesson.quiz_id, lesson.id


def test_every_lesson_declares_honest_minutes(catalog):
    """Reading at 200 words a minute, plus the try-this, plus a minute per quiz question."""
    for lesson in catalog.ordered_lessons:
        questions = len(catalog.quiz(lesson.quiz_id).questions) if lesson.quiz_id else 0
        needed = math.ceil(
            lesson.word_count / WORDS_PER_MINUTE + lesson.try_this.minutes + questions
        )
        assert lesson.minutes >= needed, (lesson.id, lesson.minutes, needed)


def test_every_lesson_quiz_has_feedback_everywhere(catalog):
    for lesson in catalog.ordered_lessons:
        quiz = catalog.quiz(lesson.quiz_id)
        assert 3 <= len(quiz.questions) <= 5, (quiz.id, len(quiz.questions))
        for question in quiz.questions:
            where = f"{quiz.id}/{question.id}"
            if isinstance(question, SingleChoice | MultipleChoice):
                assert all(option.feedback_html for option in question.options), where
            if isinstance(question, TrueFalse):
                assert question.feedback_true_html and question.feedback_false_html, where


def test_self_assessment_has_the_six_dimensions(catalog):
    quiz = catalog.self_assessment
    assert quiz is not None
    assert [question.id for question in quiz.questions] == list(SELF_ASSESSMENT_DIMENSIONS)
    for question in quiz.questions:
        assert question.type == "scale"
        assert {1, 3, 5} <= {level for level, _ in question.labels}
    assert all(question.name for question in quiz.questions)  # the chart's short names


def test_real_course_passes_content_check_strict():
    from click.testing import CliRunner

    from course.content.commands import content

    result = CliRunner().invoke(content, ["check", "--strict", "--content-dir", str(REPO)])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output


def test_readings_are_readable():
    """Flesch reading ease >= 50 for every reading (benchmarks/readability.py prints them)."""
    import importlib.util
    import sys

    script = REPO / "benchmarks" / "readability.py"
    spec = importlib.util.spec_from_file_location("readability", script)
    readability = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("readability", readability)  # dataclasses look their module up
    spec.loader.exec_module(readability)
    textstat = readability._textstat()
    for path in readability.lesson_files(REPO):
        row = readability.measure(REPO, path, textstat)
        assert 400 <= row.words <= 1300, (path.name, row.words)
        assert row.flesch >= 50, (path.name, row.flesch)


def test_quizzes_meet_the_second_edition_targets(catalog):
    """No tells: the right answer rarely the longest, true/false balanced, 3-5 options."""
    singles = longest = true_false = false = 0
    for lesson in catalog.ordered_lessons:
        for question in catalog.quiz(lesson.quiz_id).questions:
            if isinstance(question, SingleChoice):
                singles += 1
                assert 3 <= len(question.options) <= 5, question.id
                right = max(len(o.text) for o in question.options if o.correct)
                wrong = max(len(o.text) for o in question.options if not o.correct)
                longest += right > wrong
            elif isinstance(question, TrueFalse):
                true_false += 1
                false += not question.answer
    assert longest <= singles / 3, (longest, singles)
    assert true_false == 0 or 0.35 <= false / true_false <= 0.65, (false, true_false)
