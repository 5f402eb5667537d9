"""The catalog built from a valid course: order, navigation, lookups and immutability."""

from __future__ import annotations

import dataclasses
import hashlib

import pytest

from course.content import (
    KINDS,
    SELF_ASSESSMENT_DIMENSIONS,
    Catalog,
    ContentError,
    Problem,
    check_content,
    load_catalog,
)
from tests.content.conftest import LESSON


def test_the_fixture_course_is_valid(course):
    assert course.problems() == []


def test_modules_and_lessons_are_in_course_order(course):
    catalog = course.load()
    assert [module.id for module in catalog.modules] == ["out-of-the-fog", "listening-first"]
    assert catalog.modules[0].lesson_ids == ("where-am-i", "what-it-is-for")
    assert [lesson.id for lesson in catalog.ordered_lessons] == [
        "where-am-i", "what-it-is-for", "edge-of-the-pond",
    ]
    assert list(catalog.lessons) == [lesson.id for lesson in catalog.ordered_lessons]
    places = [(lesson.module_id, lesson.order, lesson.number) for lesson in catalog.ordered_lessons]
    assert places == [("out-of-the-fog", 1, 1), ("out-of-the-fog", 2, 2), ("listening-first", 1, 3)]


def test_next_and_previous_cross_module_boundaries(course):
    catalog = course.load()
    assert catalog.next_lesson("where-am-i").id == "what-it-is-for"
    assert catalog.next_lesson("what-it-is-for").id == "edge-of-the-pond"
    assert catalog.next_lesson("edge-of-the-pond") is None
    assert catalog.previous_lesson("edge-of-the-pond").id == "what-it-is-for"
    assert catalog.previous_lesson("where-am-i") is None


def test_lookups(course):
    catalog = course.load()
    assert catalog.lesson("where-am-i").title == "Where am I? Four kinds of work"
    assert catalog.module("listening-first").title == "Listening first"
    assert [lesson.id for lesson in catalog.lessons_of("out-of-the-fog")] == [
        "where-am-i", "what-it-is-for",
    ]
    assert catalog.quiz("where-am-i").question("probes").type == "multiple"
    for missing in (lambda: catalog.lesson("nope"), lambda: catalog.module("nope"),
                    lambda: catalog.quiz("nope"), lambda: catalog.lessons_of("nope")):
        with pytest.raises(KeyError):
            missing()


def test_lesson_fields(course):
    lesson = course.load().lesson("where-am-i")
    assert lesson.kind == "fog" and lesson.kind_info is KINDS["fog"]
    assert lesson.minutes == 15
    assert lesson.objectives == (
        "Name the kind of work your digital situation is",
        "Pick one small probe that would teach you something",
    )
    assert [(r.id, r.text) for r in lesson.reflections] == [
        ("my-fog", "Which part of your organisation's online presence do you know least about?"),
    ]
    assert lesson.try_this.title == "Search for yourself"
    assert lesson.try_this.minutes == 5
    assert len(lesson.try_this.steps) == 2
    assert lesson.try_this.measures == ("mentions found",)
    assert lesson.quiz_id == "where-am-i"
    assert lesson.path == LESSON
    assert lesson.content_hash == hashlib.sha256((course.root / LESSON).read_bytes()).hexdigest()
    assert lesson.html.startswith("<h2>Why this starts with you</h2>")
    assert 40 < lesson.word_count < 70
    assert course.load().lesson("edge-of-the-pond").quiz_id is None


def test_quizzes_and_self_assessment(course):
    catalog = course.load()
    assert set(catalog.quizzes) == {"where-am-i", "what-it-is-for", "self-assessment"}
    quiz = catalog.quiz("where-am-i")
    types = [question.type for question in quiz.questions]
    assert types == ["single", "multiple", "true-false", "short", "scale"]
    assert quiz.path == "quizzes/where-am-i.yml"
    assert len(quiz.content_hash) == 64
    assert [q.id for q in catalog.self_assessment.questions] == list(SELF_ASSESSMENT_DIMENSIONS)
    course.remove("quizzes/self-assessment.yml")
    assert course.load().self_assessment is None


def test_catalog_is_immutable(course):
    catalog = course.load()
    lesson = catalog.lesson("where-am-i")
    with pytest.raises(dataclasses.FrozenInstanceError):
        lesson.title = "Changed"
    with pytest.raises(TypeError):
        catalog.lessons["x"] = lesson
    with pytest.raises(TypeError):
        catalog.quizzes["x"] = catalog.quiz("where-am-i")
    assert isinstance(catalog.modules, tuple)
    assert isinstance(lesson.objectives, tuple)
    hash(lesson)  # every part of a lesson is immutable, so it hashes


def test_missing_folders_are_an_empty_course(tmp_path):
    catalog = load_catalog(tmp_path)
    assert catalog.modules == () and len(catalog.lessons) == 0 and len(catalog.quizzes) == 0
    assert catalog.self_assessment is None
    assert check_content(tmp_path) == []
    assert Catalog.empty().ordered_lessons == ()


def test_a_missing_content_folder_is_an_error_not_an_empty_course(tmp_path):
    with pytest.raises(RuntimeError, match="does not exist: set COURSE_CONTENT_DIR"):
        load_catalog(tmp_path / "nope")
    with pytest.raises(RuntimeError):
        check_content(tmp_path / "nope")


def test_content_error_carries_every_problem(course):
    course.replace(LESSON, "kind: fog", "kind: smog")
    course.replace(LESSON, "minutes: 15", "minutes: ten")
    with pytest.raises(ContentError) as caught:
        course.load()
    problems = caught.value.problems
    assert all(isinstance(problem, Problem) for problem in problems)
    assert str(caught.value) == "\n".join(str(problem) for problem in problems)
    assert len(problems) == 2


def test_problem_is_frozen_and_formats_as_path_line_message():
    problem = Problem("lessons/a/01-b.md", 4, "unknown kind 'smog'")
    assert str(problem) == "lessons/a/01-b.md:4: unknown kind 'smog'"
    with pytest.raises(dataclasses.FrozenInstanceError):
        problem.line = 5


def test_kinds_have_labels_and_meanings():
    assert list(KINDS) == ["fog", "quest", "movie", "painting-by-numbers"]
    assert KINDS["painting-by-numbers"].label == "Painting by numbers"
    assert "unknown" in KINDS["fog"].meaning
    with pytest.raises(TypeError):
        KINDS["new"] = KINDS["fog"]
