"""Grading every question type, with weights, and refusing answers that make no sense."""

from __future__ import annotations

import dataclasses

import pytest

from course.content import (
    QUESTION_TYPES,
    Grade,
    InvalidAnswer,
    Matching,
    MultipleChoice,
    Scale,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
    load_catalog,
)
from tests.content.conftest import FIXTURE_COURSE


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(FIXTURE_COURSE)


@pytest.fixture
def question(catalog):
    def find(quiz_id: str, question_id: str):
        return catalog.quiz(quiz_id).question(question_id)

    return find


def test_registry_names_every_type():
    assert dict(QUESTION_TYPES) == {
        "single": SingleChoice, "multiple": MultipleChoice, "true-false": TrueFalse,
        "short": ShortAnswer, "scale": Scale, "matching": Matching,
    }
    for name, cls in QUESTION_TYPES.items():
        assert cls.type_name == name
        assert callable(cls.from_definition) and callable(cls.grade)
    with pytest.raises(TypeError):
        QUESTION_TYPES["essay"] = Scale


def test_single_right_answer(question):
    single = question("where-am-i", "first-move")
    assert single.type == "single" and single.scored
    grade = single.grade(["1"])
    assert (grade.score, grade.correct) == (1.0, True)
    assert grade.answer_summary == "Spend a week listening."
    assert grade.explanation == "<p>Listening first tells you which kind of work this is.</p>"
    assert [(f.chosen, f.correct) for f in grade.feedback] == [
        (False, False), (True, True), (False, False),
    ]
    # Every option carries its feedback, so the page can explain each after answering.
    assert grade.feedback[0].feedback == (
        "<p>A policy before you know the situation fixes the wrong thing.</p>"
    )
    assert grade.feedback[1].text == "Spend a week <em>listening</em>."


def test_single_wrong_answer(question):
    grade = question("where-am-i", "first-move").grade(["0"])
    assert (grade.score, grade.correct) == (0.0, False)
    assert grade.answer_summary == "Write a policy first."
    assert [f.chosen for f in grade.feedback] == [True, False, False]


@pytest.mark.parametrize(("response", "message"), [
    ([], "Choose one option."),
    (["", "  "], "Choose one option."),
    (["0", "1"], "Choose one option."),
    (["one"], "That answer is not one of the options."),
    (["3"], "That answer is not one of the options."),
    (["-1"], "That answer is not one of the options."),
])
def test_single_invalid_answers(question, response, message):
    with pytest.raises(InvalidAnswer, match=f"^{message}$"):
        question("where-am-i", "first-move").grade(response)


def test_invalid_answer_is_a_value_error():
    assert issubclass(InvalidAnswer, ValueError)


@pytest.mark.parametrize(("response", "score", "correct", "summary"), [
    (["0", "2"], 1.0, True, "Searching for your own name; Asking a colleague"),
    (["2", "0", "0"], 1.0, True, "Searching for your own name; Asking a colleague"),
    (["0"], 0.0, False, "Searching for your own name"),
    (["0", "1", "2"], 0.0, False,
     "Searching for your own name; A year-long campaign; Asking a colleague"),
    (["1"], 0.0, False, "A year-long campaign"),
])
def test_multiple_scores_only_the_exact_set(question, response, score, correct, summary):
    grade = question("where-am-i", "probes").grade(response)
    assert (grade.score, grade.correct, grade.answer_summary) == (score, correct, summary)
    assert [f.correct for f in grade.feedback] == [True, False, True]
    assert [f.chosen for f in grade.feedback] == [str(i) in response for i in range(3)]


@pytest.mark.parametrize(("response", "message"), [
    ([], "Choose at least one option."),
    ([" "], "Choose at least one option."),
    (["0", "7"], "That answer is not one of the options."),
    (["0", "x"], "That answer is not one of the options."),
])
def test_multiple_invalid_answers(question, response, message):
    with pytest.raises(InvalidAnswer, match=f"^{message}$"):
        question("where-am-i", "probes").grade(response)


@pytest.mark.parametrize(("response", "score", "correct"), [
    (["0"], 1.0, True), (["1"], 0.5, False), (["2"], 0.0, False),
])
def test_single_with_weights(question, response, score, correct):
    weighted = question("what-it-is-for", "weighted")
    assert weighted.weighted
    grade = weighted.grade(response)
    assert (grade.score, grade.correct) == (score, correct)
    assert [f.correct for f in grade.feedback] == [True, False, False]  # the one worth 100


@pytest.mark.parametrize(("response", "score", "correct"), [
    (["0", "1"], 1.0, True),
    (["0"], 0.5, False),
    (["1"], 0.5, False),
    (["0", "2"], 0.0, False),  # 50 - 100 is below zero: clamped
    (["0", "1", "2"], 0.0, False),
    (["2"], 0.0, False),
])
def test_multiple_with_weights(question, response, score, correct):
    grade = question("what-it-is-for", "partial").grade(response)
    assert (grade.score, grade.correct) == (score, correct)


def test_weights_that_do_not_add_up_exactly(course):
    # GIFT files give thirds as 33.33333.
    course.write("quizzes/thirds.yml", """\
        id: thirds
        title: Thirds
        questions:
          - id: q
            type: multiple
            prompt: Pick the three.
            options:
              - {text: A, weight: 33.33333, feedback: One third.}
              - {text: B, weight: 33.33333, feedback: One third.}
              - {text: C, weight: 33.33333, feedback: One third.}
              - {text: D, weight: -100, feedback: No.}
    """)
    grade = course.load().quiz("thirds").question("q").grade(["0", "1", "2"])
    assert (grade.score, grade.correct) == (1.0, True)


@pytest.mark.parametrize(("response", "score", "summary", "chosen"), [
    (["false"], 1.0, "False", [False, True]),
    (["FALSE "], 1.0, "False", [False, True]),
    (["true"], 0.0, "True", [True, False]),
])
def test_true_false(question, response, score, summary, chosen):
    grade = question("where-am-i", "recipe").grade(response)
    assert (grade.score, grade.correct, grade.answer_summary) == (score, score == 1.0, summary)
    assert [(f.text, f.correct) for f in grade.feedback] == [("True", False), ("False", True)]
    assert [f.chosen for f in grade.feedback] == chosen
    assert grade.feedback[0].feedback == "<p>No; that is painting by numbers.</p>"


@pytest.mark.parametrize("response", [[], ["maybe"], ["true", "false"], ["1"]])
def test_true_false_invalid(question, response):
    with pytest.raises(InvalidAnswer, match="^Choose true or false.$"):
        question("where-am-i", "recipe").grade(response)


@pytest.mark.parametrize(("answer", "correct"), [
    ("listening", True),
    ("  Listening ", True),
    ("LISTEN", True),
    ("listening first", False),
    ("hearing", False),
])
def test_short_answer(question, answer, correct):
    grade = question("where-am-i", "method").grade([answer])
    assert (grade.score, grade.correct) == (float(correct), correct)
    assert grade.answer_summary == answer.strip()
    right, wrong = "<p>Yes, listening.</p>", "<p>The course’s movie method is listening.</p>"
    expected = right if correct else wrong
    assert [f.feedback for f in grade.feedback] == [expected]


def test_short_answer_ignores_extra_inner_spaces_and_escapes_the_answer():
    short = ShortAnswer("q", "<p>Who?</p>", "", ("no one",), "<p>Yes.</p>", "<p>No.</p>")
    assert short.grade(["No   one"]).correct
    assert short.grade(["No   one"]).answer_summary == "No one"
    grade = short.grade(["<b>nobody</b>"])
    assert grade.feedback[0].text == "&lt;b&gt;nobody&lt;/b&gt;"
    assert grade.correct is False


@pytest.mark.parametrize(("response", "message"), [
    ([], "Write one answer."),
    (["   "], "Write one answer."),
    (["one", "two"], "Write one answer."),
    (["x" * 501], "Keep the answer under 500 characters."),
])
def test_short_answer_invalid(question, response, message):
    with pytest.raises(InvalidAnswer, match=f"^{message}$"):
        question("where-am-i", "method").grade(response)


@pytest.mark.parametrize(("response", "summary"), [
    (["1"], "1: Not at all."),
    (["3"], "3: Sometimes."),
    (["4"], "4"),
    ([" 5 "], "5: Always, and I teach others."),
])
def test_scale_is_recorded_never_scored(question, response, summary):
    scale = question("where-am-i", "confidence")
    assert not scale.scored
    assert list(scale.values) == [1, 2, 3, 4, 5]
    grade = scale.grade(response)
    assert (grade.score, grade.correct, grade.feedback) == (None, None, ())
    assert grade.answer_summary == summary


@pytest.mark.parametrize("response", [[], ["0"], ["6"], ["2.5"], ["three"], ["1", "2"]])
def test_scale_invalid(question, response):
    with pytest.raises(InvalidAnswer, match="^Choose a number from 1 to 5.$"):
        question("where-am-i", "confidence").grade(response)


def test_grade_and_questions_are_frozen(question):
    grade = question("where-am-i", "first-move").grade(["1"])
    assert isinstance(grade, Grade)
    with pytest.raises(dataclasses.FrozenInstanceError):
        grade.score = 0.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        question("where-am-i", "first-move").options = ()
    hash(question("where-am-i", "confidence"))


def test_options_render_inline_and_feedback_as_blocks(question):
    single = question("where-am-i", "first-move")
    assert single.prompt_html == (
        "<p>Your chief executive asks you to “sort out Twitter” by Friday.\n"
        "What is the best first move?</p>"
    )
    assert [option.text_html for option in single.options] == [
        "Write a policy first.", "Spend a week <em>listening</em>.", "Hire an agency.",
    ]
    assert single.options[1].feedback_html == "<p>Right. Listening is a small, safe probe.</p>"
