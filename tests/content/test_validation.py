"""Each validation message, on the line where the author has to look."""

from __future__ import annotations

import pytest

from course.content import SELF_ASSESSMENT_DIMENSIONS
from tests.content.conftest import LESSON, MODULE, QUIZ, SECOND_LESSON

KINDS = "(expected fog, quest, movie or painting-by-numbers)"
TYPES = "(expected single, multiple, true-false, short, scale or matching)"
SECOND_MODULE = "lessons/02-listening-first/module.yml"
THIRD_LESSON = "lessons/02-listening-first/01-edge-of-the-pond.md"
LESSON_BODY = "## Why this starts with you"

# (file, text to replace, replacement, expected problems). Line numbers are the fixture's.
CASES = {
    "unknown kind": (
        LESSON, "kind: fog", "kind: smog", [f"{LESSON}:4: unknown kind 'smog' {KINDS}"],
    ),
    "minutes not a number": (
        LESSON, "minutes: 15", "minutes: ten",
        [f"{LESSON}:5: 'minutes' must be a whole number, not 'ten'"],
    ),
    "minutes a decimal": (
        LESSON, "minutes: 15", "minutes: 12.5",
        [f"{LESSON}:5: 'minutes' must be a whole number, not '12.5'"],
    ),
    "minutes out of range": (
        LESSON, "minutes: 15", "minutes: 90",
        [f"{LESSON}:5: 'minutes' must be from 1 to 60, not 90"],
    ),
    "missing required field": (
        LESSON, "title: Where am I? Four kinds of work\n", "",
        [f"{LESSON}:2: missing required field 'title'"],
    ),
    "empty field": (LESSON, "title: Where am I? Four kinds of work", "title:",
                    [f"{LESSON}:3: 'title' is empty"]),
    "typo in a field name": (
        LESSON, "minutes: 15", "minuts: 15",
        [f"{LESSON}:2: missing required field 'minutes'",
         f"{LESSON}:5: unknown field 'minuts' (did you mean 'minutes'?)"],
    ),
    "unknown field without a close match": (
        LESSON, "minutes: 15", "minutes: 15\ncolour: blue",
        [f"{LESSON}:6: unknown field 'colour' (expected id, title, kind, minutes, summary, "
         "objectives, reflections, try_this, quiz, module, order)"],
    ),
    "id with capitals and spaces": (
        LESSON, "id: where-am-i", "id: Where Am I",
        [f"{LESSON}:2: 'id' must be lower-case letters, digits and hyphens, not 'Where Am I'"],
    ),
    "too few objectives": (
        LESSON, "  - Pick one small probe that would teach you something\n", "",
        [f"{LESSON}:7: 'objectives' needs 2 to 3 items, not 1"],
    ),
    "objectives not a list": (
        LESSON,
        "objectives:\n  - Name the kind of work your digital situation is\n"
        "  - Pick one small probe that would teach you something\n",
        "objectives: Name the kind of work\n",
        [f"{LESSON}:7: 'objectives' must be a list, not 'Name the kind of work'"],
    ),
    "duplicate key": (
        LESSON, "minutes: 15\n", "minutes: 15\nkind: quest\n",
        [f"{LESSON}:6: duplicate key 'kind' (first on line 4)"],
    ),
    "duplicate reflection id": (
        LESSON, "try_this:", "  - id: my-fog\n    prompt: Again?\ntry_this:",
        [f"{LESSON}:13: reflection 2: duplicate reflection id 'my-fog' (also on line 11)"],
    ),
    "reflection without a prompt": (
        LESSON,
        "    prompt: Which part of your organisation's online presence do you know least about?\n",
        "", [f"{LESSON}:11: reflection 1: missing required field 'prompt'"],
    ),
    "try_this without record": (
        LESSON, "  record: What you found and who was talking.\n", "",
        [f"{LESSON}:14: try_this: missing required field 'record'"],
    ),
    "try_this too long": (
        LESSON, "  minutes: 5", "  minutes: 30",
        [f"{LESSON}:15: try_this: 'minutes' must be from 1 to 20, not 30"],
    ),
    "quiz not found": (
        LESSON, "quiz: where-am-i", "quiz: nowhere",
        [f"{LESSON}:22: quiz 'nowhere' not found in quizzes/"],
    ),
    "front matter module disagrees with the folder": (
        LESSON, "quiz: where-am-i", "quiz: where-am-i\nmodule: listening-first",
        [f"{LESSON}:23: module 'listening-first' does not match the folder's module "
         "'out-of-the-fog'"],
    ),
    "front matter order disagrees with the file name": (
        LESSON, "quiz: where-am-i", "quiz: where-am-i\norder: 2",
        [f"{LESSON}:23: order 2 does not match the file number 01"],
    ),
    "malformed YAML in front matter": (
        LESSON, "summary: Name the kind of work your digital situation is.",
        "summary: Name: the kind: of work",
        [f"{LESSON}:6: malformed YAML: mapping values are not allowed in this context"],
    ),
    "tab in indentation": (
        LESSON, "  - id: my-fog\n", "  - id: my-fog\n\t\n",
        [f"{LESSON}:12: malformed YAML: found a tab character that violates indentation"],
    ),
    "front matter not closed": (
        LESSON, "quiz: where-am-i\n---\n", "quiz: where-am-i\n",
        [f"{LESSON}:1: front matter not closed: add a '---' line after the last field"],
    ),
    "module order disagrees with the folder": (
        MODULE, "order: 1", "order: 3",
        [f"{MODULE}:3: order 3 does not match the folder number 01"],
    ),
    "module field typo": (
        MODULE, "summary:", "sumary:",
        [f"{MODULE}:1: missing required field 'summary'",
         f"{MODULE}:4: unknown field 'sumary' (did you mean 'summary'?)"],
    ),
    "duplicate module id": (
        SECOND_MODULE, "id: listening-first", "id: out-of-the-fog",
        [f"{SECOND_MODULE}:1: duplicate module id 'out-of-the-fog' (also in {MODULE}:1)"],
    ),
    "duplicate lesson id across modules": (
        THIRD_LESSON, "id: edge-of-the-pond", "id: where-am-i",
        [f"{THIRD_LESSON}:2: duplicate lesson id 'where-am-i' (also in {LESSON}:2)"],
    ),
    "option without feedback": (
        QUIZ, "        feedback: A policy before you know the situation fixes the wrong thing.\n",
        "", [f"{QUIZ}:11: question 'first-move', option 1: missing required field 'feedback'"],
    ),
    "option with empty feedback": (
        QUIZ, "{text: A year-long campaign, correct: false, feedback: Neither small nor quick.}",
        "{text: A year-long campaign, correct: false, feedback: ''}",
        [f"{QUIZ}:26: question 'probes', option 2: 'feedback' is empty"],
    ),
    "choice question without a right answer": (
        QUIZ, "        correct: true\n", "        correct: false\n",
        [f"{QUIZ}:10: question 'first-move': no option is correct: mark the right answer "
         "'correct: true'"],
    ),
    "correct not true or false": (
        QUIZ, "      - text: Write a policy first.\n        correct: false",
        "      - text: Write a policy first.\n        correct: maybe",
        [f"{QUIZ}:12: question 'first-move', option 1: 'correct' must be true or false, "
         "not 'maybe'"],
    ),
    "unknown question type": (
        QUIZ, "type: true-false", "type: essay",
        [f"{QUIZ}:29: question 'recipe': unknown question type 'essay' {TYPES}"],
    ),
    "unknown question field": (
        QUIZ, "    explanation: Probes are cheap", "    explaination: Probes are cheap",
        [f"{QUIZ}:23: question 'probes': unknown field 'explaination' "
         "(did you mean 'explanation'?)"],
    ),
    "unknown quiz field": (
        QUIZ, "title: Where am I?", "title: Where am I?\nsummary: x",
        [f"{QUIZ}:3: unknown field 'summary' (expected id, title, questions)"],
    ),
    "true-false without answer": (
        QUIZ, "    answer: false\n", "",
        [f"{QUIZ}:28: question 'recipe': missing required field 'answer'"],
    ),
    "true-false without both feedbacks": (
        QUIZ, "    feedback_false: Right; in fog neither the goal nor the method is known.\n", "",
        [f"{QUIZ}:28: question 'recipe': missing required field 'feedback_false'"],
    ),
    "short without accepted answers": (
        QUIZ, 'accept: [listening, "listen"]', "accept: []",
        [f"{QUIZ}:38: question 'method': 'accept' needs at least 1 item, not 0"],
    ),
    "scale without labels": (
        QUIZ, "    labels:\n      1: Not at all.\n      3: Sometimes.\n"
        "      5: Always, and I teach others.\n", "",
        [f"{QUIZ}:42: question 'confidence': missing required field 'labels'"],
    ),
    "scale with min not below max": (
        QUIZ, "    max: 5", "    max: 1",
        [f"{QUIZ}:46: question 'confidence': 'min' (1) must be less than 'max' (1)"],
    ),
    "scale without a label for one end": (
        QUIZ, "      5: Always, and I teach others.\n", "",
        [f"{QUIZ}:47: question 'confidence': labels need at least both ends: add one for 5"],
    ),
    "scale label outside the range": (
        QUIZ, "      3: Sometimes.", "      7: Sometimes.",
        [f"{QUIZ}:49: question 'confidence': label '7' must be a whole number from 1 to 5"],
    ),
    "duplicate question id": (
        QUIZ, "  - id: probes", "  - id: first-move",
        [f"{QUIZ}:20: duplicate question id 'first-move' (also on line 4)"],
    ),
    "quiz id not matching the file name": (
        QUIZ, "id: where-am-i", "id: where-i-am",
        [f"{QUIZ}:1: quiz id 'where-i-am' does not match the file name 'where-am-i.yml' "
         "(name the file where-i-am.yml)"],
    ),
    "malformed YAML in a quiz": (
        QUIZ, 'accept: [listening, "listen"]', 'accept: [listening, "listen"',
        [f"{QUIZ}:39: malformed YAML: did not find expected ',' or ']'"],
    ),
    "mis-indented YAML in a quiz": (
        QUIZ, "    type: multiple\n", "     type: multiple\n",
        [f"{QUIZ}:21: malformed YAML: mapping values are not allowed in this context"],
    ),
}


@pytest.mark.parametrize(("path", "old", "new", "expected"), CASES.values(), ids=CASES.keys())
def test_message_and_line(course, path, old, new, expected):
    course.replace(path, old, new)
    assert course.problems() == expected


def test_lesson_without_reading(course):
    text = course.read(LESSON)
    course.write(LESSON, text[: text.index(LESSON_BODY)])
    assert course.problems() == [f"{LESSON}:24: the lesson has no reading after the front matter"]


def test_front_matter_missing(course):
    course.write(LESSON, "# Where am I?\n\nNo front matter.\n")
    assert course.problems() == [
        f"{LESSON}:1: front matter missing: the file must start with a '---' line, then the "
        "lesson's fields, then another '---' line"
    ]


def test_empty_front_matter_and_empty_quiz(course):
    course.write(LESSON, "---\n---\nA reading.\n")
    course.write(QUIZ, "")
    assert course.problems() == [
        f"{LESSON}:2: the front matter is empty: it needs id, title, kind, minutes, summary, "
        "objectives, reflections and try_this",
        f"{QUIZ}:1: the quiz is empty: it needs id, title and questions",
    ]


def test_quiz_that_is_a_list(course):
    course.write(QUIZ, "- id: q1\n- id: q2\n")
    assert course.problems() == [
        f"{QUIZ}:1: the quiz must be fields (key: value lines), not a list"
    ]


def test_file_that_is_not_utf8(course):
    (course.root / LESSON).write_bytes(b"---\nid: where-am-i\ntitle: caf\xe9\n---\n")
    assert course.problems() == [f"{LESSON}:3: not UTF-8 text: save the file as UTF-8"]


def test_module_folder_without_module_yml(course):
    course.remove(MODULE)
    assert course.problems() == [
        f"{MODULE}:1: module.yml is missing: each module folder needs one "
        "(id, title, order, summary)"
    ]


def test_module_folder_badly_named(course):
    course.write("lessons/Extra Module/module.yml", "id: extra\n")
    assert course.problems() == [
        "lessons/Extra Module/module.yml:1: module folder 'Extra Module' must be named NN-slug "
        "(two digits, a hyphen, then lower-case words joined by hyphens)"
    ]


def test_lesson_file_badly_named(course):
    course.write("lessons/01-out-of-the-fog/Intro.md", course.read(LESSON))
    course.write("lessons/01-out-of-the-fog/3-intro.md", course.read(LESSON))
    rule = "(two digits, a hyphen, then lower-case words joined by hyphens)"
    assert course.problems() == [
        f"lessons/01-out-of-the-fog/3-intro.md:1: lesson file '3-intro.md' must be named "
        f"NN-slug.md {rule}",
        f"lessons/01-out-of-the-fog/Intro.md:1: lesson file 'Intro.md' must be named "
        f"NN-slug.md {rule}",
    ]


def test_two_lessons_with_one_number(course):
    course.write("lessons/01-out-of-the-fog/02-again.md", course.read(SECOND_LESSON))
    assert course.problems() == [
        "lessons/01-out-of-the-fog/02-what-it-is-for.md:1: lesson number 02 is also used by "
        "02-again.md"
    ]


def test_lesson_outside_a_module_folder(course):
    course.write("lessons/03-stray.md", course.read(LESSON))
    assert course.problems() == [
        "lessons/03-stray.md:1: lessons belong in a module folder: lessons/NN-module/NN-lesson.md"
    ]


def test_readme_files_are_notes_not_lessons(course):
    course.write("lessons/README.md", "How we write lessons.\n")
    course.write("lessons/01-out-of-the-fog/README.md", "Notes on this module.\n")
    assert course.problems() == []


def test_module_without_lessons(course):
    course.write("lessons/03-empty/module.yml", """\
        id: empty
        title: Empty
        order: 3
        summary: Nothing yet.
    """)
    assert course.problems() == [
        "lessons/03-empty/module.yml:1: module 'empty' has no lessons: add files named "
        "NN-slug.md beside module.yml"
    ]


def test_duplicate_module_order(course):
    course.write("lessons/02-again/module.yml", """\
        id: again
        title: Again
        order: 2
        summary: A second module numbered 02.
    """)
    course.write("lessons/02-again/01-more.md", course.read(THIRD_LESSON).replace(
        "id: edge-of-the-pond", "id: more"))
    assert course.problems() == [
        f"{SECOND_MODULE}:3: duplicate module order '2' (also in lessons/02-again/module.yml:3)"
    ]


def test_quiz_files_must_end_in_yml(course):
    course.write("quizzes/extra.yaml", "id: extra\n")
    course.write("quizzes/notes.txt", "ignored")
    assert course.problems() == ["quizzes/extra.yaml:1: quiz files end in .yml, not .yaml"]


def test_weights_rules(course):
    path = "quizzes/what-it-is-for.yml"
    course.replace(path, "{text: A wrong answer, weight: 0, feedback: No marks.}",
                   "{text: A wrong answer, feedback: No marks., correct: false}")
    course.replace(path, "{text: Right two, weight: 50,", "{text: Right two, weight: 40,")
    assert course.problems() == [
        f"{path}:7: question 'weighted': give every option a weight, or none",
        f"{path}:14: question 'partial': the positive weights add up to 90, not 100",
    ]


def test_weights_must_agree_with_correct_and_reach_100(course):
    path = "quizzes/what-it-is-for.yml"
    course.replace(path, "{text: The best answer, weight: 100,",
                   "{text: The best answer, weight: 90,")
    course.replace(path, "{text: A partial answer, weight: 50,",
                   "{text: A partial answer, correct: true, weight: 50,")
    course.replace(path, "{text: Wrong, weight: -100,",
                   "{text: Wrong, correct: true, weight: -100,")
    assert course.problems() == [
        f"{path}:9: question 'weighted', option 2: 'correct' must be true exactly when the "
        "weight is 100",
        f"{path}:17: question 'partial', option 3: 'correct' must be true exactly when the "
        "weight is above 0",
    ]


def test_single_with_weights_needs_one_option_worth_100(course):
    path = "quizzes/what-it-is-for.yml"
    course.replace(path, "{text: The best answer, weight: 100,",
                   "{text: The best answer, weight: 90,")
    assert course.problems() == [
        f"{path}:7: question 'weighted': no option has weight 100: give the best answer 100",
    ]


def test_self_assessment_rules(course):
    path = "quizzes/self-assessment.yml"
    course.replace(path, "id: managing-risk", "id: risk")
    course.replace(path, "experimenting\n    type: scale", "experimenting\n    type: single")
    course.replace(path, "peers online?\n    min: 1", "peers online?\n    min: 2")
    course.replace(path, "labels: {1: I do not., 3: Sometimes., 5: Routinely.}\n  - id: sharing",
                   "labels: {2: I do not., 5: Routinely.}\n  - id: sharing")
    dimensions = ", ".join(SELF_ASSESSMENT_DIMENSIONS)
    assert course.problems() == [
        f"{path}:3: the self-assessment needs one question per dimension; missing: managing-risk",
        f"{path}:16: question 'connecting': self-assessment scales run from min 1 to max 5",
        f"{path}:18: question 'connecting': self-assessment labels describe levels 1, 3 and 5; "
        "missing: 1, 3",
        f"{path}:25: question 'experimenting': missing required field 'options'",
        f"{path}:26: question 'experimenting': self-assessment questions are type scale, not "
        "'single'",
        f"{path}:28: question 'experimenting': unknown field 'min' (expected id, type, prompt, "
        "explanation, options)",
        f"{path}:29: question 'experimenting': unknown field 'max' (expected id, type, prompt, "
        "explanation, options)",
        f"{path}:30: question 'experimenting': unknown field 'labels' (expected id, type, prompt, "
        "explanation, options)",
        f"{path}:37: question 'risk': 'risk' is not a self-assessment dimension "
        f"(expected {dimensions})",
    ]


def test_every_problem_is_reported_at_once(course):
    course.replace(LESSON, "kind: fog", "kind: smog")
    course.replace(LESSON, "minutes: 15", "minutes: ten")
    course.replace(MODULE, "order: 1", "order: one")
    course.replace(QUIZ, "type: true-false", "type: essay")
    course.replace(QUIZ, "        feedback: A policy before you know the situation fixes the "
                   "wrong thing.\n", "")
    course.replace(THIRD_LESSON, "kind: quest", "kind: fog\nkind: quest")
    assert course.problems() == [
        f"{LESSON}:4: unknown kind 'smog' {KINDS}",
        f"{LESSON}:5: 'minutes' must be a whole number, not 'ten'",
        f"{MODULE}:3: 'order' must be a whole number, not 'one'",
        f"{THIRD_LESSON}:5: duplicate key 'kind' (first on line 4)",
        f"{QUIZ}:11: question 'first-move', option 1: missing required field 'feedback'",
        f"{QUIZ}:28: question 'recipe': unknown question type 'essay' {TYPES}",
    ]


def test_values_are_kept_as_typed(course):
    # YAML reads `Yes` as true and `2024` as a number; text fields keep what the author wrote.
    course.replace(LESSON, "title: Where am I? Four kinds of work", "title: 2024")
    course.replace(QUIZ, "      - text: Hire an agency.", "      - text: Yes")
    catalog = course.load()
    assert catalog.lesson("where-am-i").title == "2024"
    assert catalog.quiz("where-am-i").question("first-move").options[2].text == "Yes"
