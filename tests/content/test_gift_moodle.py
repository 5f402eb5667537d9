"""GIFT read as Moodle reads it: each point where the importer once differed, end to end.

Each question is imported, written as YAML, given the feedback an author would write,
and loaded as the app loads it, so what is checked is what a leader would read.
"""

from __future__ import annotations

import pytest
import yaml

from course.content import load_catalog
from course.content.gift import gift_to_quiz, parse_gift
from course.content.render import plain_text
from tests.content.conftest import write_feedback


@pytest.fixture
def load(tmp_path):
    def load(gift: str):
        result = parse_gift(gift, "t.gift")
        assert result.refused == [] and len(result.questions) == 1, result.refused
        quiz = gift_to_quiz(result, "t")
        write_feedback(quiz["questions"][0])
        (tmp_path / "quizzes").mkdir(exist_ok=True)
        (tmp_path / "quizzes" / "t.yml").write_text(
            yaml.safe_dump(quiz, sort_keys=False, allow_unicode=True), encoding="utf-8")
        return load_catalog(tmp_path).quiz("t").questions[0]

    return load


def test_an_escaped_percent_reads_as_a_percent(load):
    question = load("Which offer? {~50\\% off\\=deal =full price ~free#100\\% free}")
    assert [option.text for option in question.options] == [
        "50% off=deal", "full price", "free"]
    assert plain_text(question.options[2].feedback_html) == "100% free"


@pytest.mark.parametrize("char", ["~", "=", "#", "{", "}", ":", "%", "\\"])
def test_each_escape_is_decoded_once_and_shown_as_written(load, char):
    question = load(f"Say a\\{char}b {{=c\\{char}d#e\\{char}f ~g ~h}}")
    assert plain_text(question.prompt_html) == f"Say a{char}b"
    assert question.options[0].text == f"c{char}d"
    assert plain_text(question.options[0].feedback_html) == f"e{char}f"


def test_markdown_characters_in_moodle_text_are_shown_as_written(load):
    question = load("\\# 1. Is *a* _b_ [c] `d` <b>e</b> \\\\ f? {T}")
    # Moodle's own format allows HTML; the course's allow-list keeps the text of <b>.
    assert question.prompt_html == "<p># 1. Is *a* _b_ [c] `d` e \\ f?</p>"


def test_short_answers_with_partial_credit_score_their_share(load):
    question = load("Best animal? {=Frog#Good! =%50%Cat#Cats, again? =%0%*#Completely wrong}")
    cat = question.grade(["cat"])
    assert (cat.score, cat.correct) == (0.5, False)
    assert cat.feedback[0].feedback == "<p>Cats, again?</p>"
    assert question.grade(["frog"]).feedback[0].feedback == "<p>Good!</p>"
    assert question.grade(["dog"]).feedback[0].feedback == "<p>Completely wrong</p>"


@pytest.mark.parametrize(("block", "reason"), [
    ("Q {=a =%-50%b}", "short answers cannot take marks away: 'b' is worth -50%"),
    ("Q {=%50%a =%25%b}", "malformed question: no short answer is worth 100%"),
])
def test_short_answers_the_quiz_format_cannot_score_are_refused(block, reason):
    refused = parse_gift(block, "t.gift").refused
    assert len(refused) == 1 and refused[0].reason.startswith(reason)


@pytest.mark.parametrize(("block", "accept"), [
    ("{One}", ["One"]),
    ("{Paris =Lutetia}", ["Paris", "Lutetia"]),
    ("{true}", ["true"]),  # Moodle's true/false is exactly T, TRUE, F or FALSE
])
def test_a_bare_answer_is_the_one_right_short_answer(load, block, accept):
    question = load(f"Name it. {block}")
    assert list(question.accept) == accept
    assert question.grade([accept[0].upper()]).correct


def test_several_equals_answers_are_each_right(load):
    question = load("A warm season? {=spring =summer ~easter}")
    assert question.type == "single"
    assert [option.correct for option in question.options] == [True, True, False]
    assert [question.grade([str(i)]).score for i in range(3)] == [1.0, 1.0, 0.0]


def test_an_unmarked_first_answer_is_wrong_in_a_choice(load):
    question = load("Pick {maybe =yes ~no}")
    assert [(option.text, option.correct) for option in question.options] == [
        ("maybe", False), ("yes", True), ("no", False)]


def test_matching_questions_are_imported_with_their_distractors(load):
    question = load("Match the capitals. {\n =Canada -> Ottawa\n =Italy -> Rome\n"
                    " =Japan -> Tokyo #1\n = -> Paris\n}")
    assert question.type == "matching"
    assert [(pair.prompt, pair.answer) for pair in question.pairs] == [
        ("Canada", "Ottawa"), ("Italy", "Rome"), ("Japan", "Tokyo #1")]  # '#' is text here
    assert question.answers == ("Ottawa", "Paris", "Rome", "Tokyo #1")
    grade = question.grade(["0:0", "1:1", "2:3"])
    assert (grade.score, grade.correct) == (0.6667, False)
    assert grade.answer_summary == "Canada → Ottawa; Italy → Paris; Japan → Tokyo #1"


def test_matching_answers_are_plain_text(load):
    question = load("[markdown]Match **these**. {=*a* -> 2 \\* 3 =b\\: c -> d\\=e}")
    assert [pair.prompt_html for pair in question.pairs] == ["<em>a</em>", "b: c"]
    assert question.answers == ("2 \\* 3", "d=e")


@pytest.mark.parametrize(("block", "reason"), [
    ("Match {=a -> 1 = -> 2}", "malformed question: a matching question needs at least two "
     "pairs"),
    ("Match {=a -> 1 =b ->}", "malformed question: a matching pair has no answer after '->'"),
])
def test_matching_questions_the_quiz_format_cannot_hold_are_refused(block, reason):
    refused = parse_gift(block, "t.gift").refused
    assert [r.reason for r in refused] == [reason]
