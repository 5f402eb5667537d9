"""The matching question type: its definition check, grading, page and statistics."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from course.content import InvalidAnswer, Judgement, Matching, PairFeedback

TEMPLATES = Path(__file__).resolve().parents[2] / "course" / "templates"
MATCHING = """\
    id: kinds
    title: Kinds of work
    questions:
      - id: match
        type: matching
        prompt: Match each kind of work to what is known.
        explanation: Obeng sorts work by what is known.
        pairs:
          - prompt: "*Fog*"
            answer: Neither is known
            feedback: Small safe probes teach both.
          - prompt: Quest
            answer: The goal
            feedback: The route is found by trying.
          - prompt: Movie
            answer: The method
            feedback: A known method finds what matters.
        distractors: [Both are known]
"""


@pytest.fixture
def match(course) -> Matching:
    course.write("quizzes/kinds.yml", MATCHING)
    return course.load().quiz("kinds").question("match")


def test_answers_are_listed_alphabetically_with_the_distractors(match):
    assert match.answers == ("Both are known", "Neither is known", "The goal", "The method")
    assert [pair.prompt_html for pair in match.pairs] == ["<em>Fog</em>", "Quest", "Movie"]
    assert match.pairs[0].prompt == "Fog" and match.pairs[0].answer == "Neither is known"
    assert match.pairs[0].feedback_html == "<p>Small safe probes teach both.</p>"


@pytest.mark.parametrize(("response", "score", "correct"), [
    (["0:1", "1:2", "2:3"], 1.0, True),
    (["2:3", "0:1", "1:2"], 1.0, True),  # picks name their pair: order does not matter
    (["0:1", "1:3", "2:2"], 0.3333, False),
    (["0:0", "1:0", "2:0"], 0.0, False),
])
def test_the_score_is_the_share_of_pairs_right(match, response, score, correct):
    grade = match.grade(response)
    assert (grade.score, grade.correct) == (score, correct)


def test_feedback_and_summary_go_pair_by_pair(match):
    grade = match.grade(["0:1", "1:3", "2:3"])
    assert grade.feedback == (
        PairFeedback("<em>Fog</em>", "Neither is known", "Neither is known", True,
                     "<p>Small safe probes teach both.</p>"),
        PairFeedback("Quest", "The method", "The goal", False,
                     "<p>The route is found by trying.</p>"),
        PairFeedback("Movie", "The method", "The method", True,
                     "<p>A known method finds what matters.</p>"),
    )
    assert grade.answer_summary == (
        "Fog → Neither is known; Quest → The method; Movie → The method")
    assert grade.explanation == "<p>Obeng sorts work by what is known.</p>"


@pytest.mark.parametrize(("response", "message"), [
    ([], "Choose an answer for every item."),
    (["0:1", "", "2:3"], "Choose an answer for every item."),
    (["0:1", "1:2", "2:9"], "That answer is not one of the choices."),
    (["0:1", "1:2", "3:0"], "That answer is not one of the choices."),
    (["0:1", "0:2", "2:3"], "That answer is not one of the choices."),
    (["0:1", "1:2", "two"], "That answer is not one of the choices."),
    (["0:1", "1:2", "2:-1"], "That answer is not one of the choices."),
])
def test_answers_that_make_no_sense_are_refused(match, response, message):
    with pytest.raises(InvalidAnswer, match=f"^{message}$"):
        match.grade(response)


def test_statistics_count_each_wrong_match(match):
    assert match.judge(["0:1", "1:3", "2:0"]) == Judgement(
        False, ("Quest → The method", "Movie → Both are known"))
    assert match.judge(["0:1", "1:2", "2:3"]) == Judgement(True, ())
    assert match.judge(["0:1"]) is None
    texts = match.option_texts()
    assert len(texts) == 3 * 4 and texts[0] == "Fog → Both are known"
    assert not match.typed


@pytest.fixture(scope="module")
def env() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True,
                       undefined=StrictUndefined)


def test_each_prompt_gets_a_labelled_select_keeping_its_pick(env, match):
    template = env.from_string('{% from "learn/_quiz.html" import question_input %}'
                               "{{ question_input(q, values, none) }}")
    html = template.render(q=match, values={"match": ["0:2", "", "2:0"]})
    assert re.findall(r'<label class="label" for="([\w-]+)">(.*?)</label>', html) == [
        ("q-match-0", "<em>Fog</em>"), ("q-match-1", "Quest"), ("q-match-2", "Movie")]
    assert html.count('name="q-match"') == 3
    assert html.count('<option value="">Choose…</option>') == 3
    assert re.findall(r'<option value="([\d:]+)" selected>([^<]+)</option>', html) == [
        ("0:2", "The goal"), ("2:0", "Both are known")]


def test_feedback_shows_each_pair_and_the_right_answer_where_missed(env, match):
    template = env.from_string('{% from "learn/_quiz.html" import feedback %}'
                               "{{ feedback(q, result) }}")
    html = template.render(q=match, result={"grade": match.grade(["0:1", "1:3", "2:3"])})
    assert "Not quite (partly right)." in html
    assert html.count('<span class="tag tag-right">Right answer</span>') == 2
    assert "Quest → The method" in html
    assert html.count('<p class="muted">Right answer: The goal</p>') == 1


@pytest.mark.parametrize(("old", "new", "message"), [
    ("""          - prompt: Quest
            answer: The goal
            feedback: The route is found by trying.
          - prompt: Movie
            answer: The method
            feedback: A known method finds what matters.
""", "", "question 'match': 'pairs' needs at least 2 items, not 1"),
    ("- prompt: Movie", "- prompt: Quest",
     "question 'match', pair 3: the same prompt as pair 2: each prompt is matched once"),
    ("[Both are known]", "[The goal]", "question 'match': the distractor 'The goal' is also "
     "the answer of a pair: a distractor must match no prompt"),
    ("            feedback: The route is found by trying.\n", "",
     "question 'match', pair 2: missing required field 'feedback'"),
    ("            answer: The method", "            answr: The method",
     "question 'match', pair 3: unknown field 'answr' (did you mean 'answer'?)"),
])
def test_definition_problems(course, old, new, message):
    course.write("quizzes/kinds.yml", MATCHING.replace(old, new))
    assert message in [problem.split(": ", 1)[1] for problem in course.problems()]


def test_pairs_need_two_different_answers(course):
    text = MATCHING.replace("answer: The goal", "answer: Neither is known").replace(
        "answer: The method", "answer: Neither is known")
    course.write("quizzes/kinds.yml", text)
    assert course.problems() == ["quizzes/kinds.yml:8: question 'match': every pair has the "
                                 "same answer: give the pairs at least two different answers"]
