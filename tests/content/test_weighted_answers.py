"""Short answers worth part of the mark, and single questions with several right options."""

from __future__ import annotations

import pytest

from course.content import Judgement

SHORT = """\
    id: animals
    title: Animals
    questions:
      - id: best
        type: short
        prompt: Which is the best animal?
        accept:
          - Frog
          - {text: Cat, weight: 50, feedback: Half marks for a cat.}
          - {text: Toad, weight: 25}
          - {text: Dog, weight: 0, feedback: A dog earns nothing here.}
          - {text: toad, weight: 100}
        feedback_correct: Yes, the frog.
        feedback_incorrect: The best animal is the frog.
"""
SEVERAL = """\
    id: seasons
    title: Seasons
    questions:
      - id: warm
        type: single
        prompt: Name a warm season.
        options:
          - {text: Spring, correct: true, feedback: Warm enough.}
          - {text: Summer, correct: true, feedback: The warmest.}
          - {text: Winter, correct: false, feedback: The coldest.}
"""


@pytest.fixture
def best(course):
    course.write("quizzes/animals.yml", SHORT)
    return course.load().quiz("animals").question("best")


@pytest.mark.parametrize(("answer", "score", "correct", "feedback"), [
    ("frog", 1.0, True, "<p>Yes, the frog.</p>"),
    (" CAT ", 0.5, False, "<p>Half marks for a cat.</p>"),
    ("dog", 0.0, False, "<p>A dog earns nothing here.</p>"),
    ("newt", 0.0, False, "<p>The best animal is the frog.</p>"),
    # "Toad" is worth 25 and "toad" 100: an answer earns the best weight it matches.
    ("TOAD", 1.0, True, "<p>Yes, the frog.</p>"),
])
def test_an_accepted_answer_earns_its_weight_and_its_own_feedback(best, answer, score,
                                                                  correct, feedback):
    grade = best.grade([answer])
    assert (grade.score, grade.correct) == (score, correct)
    assert [shown.feedback for shown in grade.feedback] == [feedback]


def test_weighted_answers_keep_their_texts_in_accept(best):
    assert best.accept == ("Frog", "Cat", "Toad", "Dog", "toad")
    assert best.weights == (100.0, 50.0, 25.0, 0.0, 100.0)
    assert best.judge(["Cat"]) == Judgement(False, ())  # typed words are never counted


def test_plain_accepted_answers_need_no_weights(course):
    question = course.load().quiz("where-am-i").question("method")
    assert (question.weights, question.notes_html) == ((), ())
    assert question.weight(0) == 100


@pytest.mark.parametrize(("old", "new", "message"), [
    ("weight: 50,", "weight: 150,", "question 'best', accepted answer 2: 'weight' must be "
     "from 0 to 100, not 150"),
    ("weight: 25}", "weight: -25}", "question 'best', accepted answer 3: 'weight' must be "
     "from 0 to 100, not -25"),
    ("{text: Toad, weight: 25}", "{txt: Toad}", "question 'best', accepted answer 3: unknown "
     "field 'txt' (did you mean 'text'?)"),
    ("          - Frog\n", "          - [Frog]\n", "question 'best': item 1 of 'accept' must "
     "be text, or text with a weight, not a list"),
])
def test_accepted_answer_problems(course, old, new, message):
    course.write("quizzes/animals.yml", SHORT.replace(old, new))
    assert message in [problem.split(": ", 1)[1] for problem in course.problems()]


def test_some_accepted_answer_must_be_worth_100(course):
    course.write("quizzes/animals.yml", SHORT.replace("          - Frog\n", "")
                 .replace("weight: 100}", "weight: 90}"))
    assert course.problems() == [
        "quizzes/animals.yml:7: question 'best': no accepted answer is worth 100: give the "
        "best answer weight 100, or no weight"]


@pytest.mark.parametrize(("response", "score", "correct"), [
    (["0"], 1.0, True), (["1"], 1.0, True), (["2"], 0.0, False)])
def test_any_right_option_of_a_single_question_scores_full_marks(course, response, score,
                                                                 correct):
    course.write("quizzes/seasons.yml", SEVERAL)
    warm = course.load().quiz("seasons").question("warm")
    grade = warm.grade(response)
    assert (grade.score, grade.correct) == (score, correct)
    assert [shown.correct for shown in grade.feedback] == [True, True, False]


def test_several_right_options_with_weights(course):
    course.write("quizzes/seasons.yml", SEVERAL.replace("correct: true", "weight: 100")
                 .replace("correct: false", "weight: 0"))
    warm = course.load().quiz("seasons").question("warm")
    assert [option.correct for option in warm.options] == [True, True, False]
    assert warm.grade(["1"]).score == 1.0
