"""Warnings: quiz tells and lesson timings that `content check` reports but never refuses.

A tell gives the answer away without knowing it: the one long option, a pattern of
true/false answers, two options to choose from. A lesson's `minutes` below what its
reading, experiment and quiz take breaks the promise made on the course map.
"""

from __future__ import annotations

from course.content.choice_questions import ChoiceQuestion, SingleChoice, TrueFalse
from course.content.fields import Fields, plural
from course.content.lessons import MINUTES_PER_QUESTION, WORDS_PER_MINUTE, lesson_time
from course.content.models import Lesson, Quiz
from course.content.problems import Problem
from course.content.yamlsrc import LineDict

# The right answer is a tell when it is both this many times as long as the longest
# other option and this many characters longer (so short options may differ freely).
LONG_RATIO = 1.5
LONG_MARGIN = 20
MIN_OPTIONS = 3


def find_warnings(
    quizzes: list[tuple[Quiz, Fields]], lessons: list[tuple[Lesson, Fields]]
) -> list[Problem]:
    """Return the warnings for quizzes and lessons that were read without problems."""
    found: list[Problem] = []
    for quiz, fields in quizzes:
        found += _quiz_warnings(quiz, fields)
    known = {quiz.id: quiz for quiz, _ in quizzes}
    for lesson, fields in lessons:
        quiz = known.get(lesson.quiz_id) if lesson.quiz_id else None
        found += _timing_warnings(lesson, fields, quiz)
    return sorted(found)


def _warning(path: str, line: int, message: str) -> Problem:
    return Problem(path, line, message, warning=True)


def _quiz_warnings(quiz: Quiz, fields: Fields) -> list[Problem]:
    # A quiz is only built when it has no problems, so its questions and their source
    # mappings correspond one to one.
    items = fields.data["questions"]
    found = []
    for question, item in zip(quiz.questions, items, strict=True):
        where = f"question '{question.id}'"
        if isinstance(question, ChoiceQuestion) and len(question.options) < MIN_OPTIONS:
            found.append(_warning(
                quiz.path, item.key_lines["options"],
                f"{where}: only {len(question.options)} options: with fewer than "
                f"{MIN_OPTIONS}, guessing is too easy; add a plausible wrong option"))
        if isinstance(question, SingleChoice):
            found += _long_right_answer(quiz.path, where, question, item)
    judged = [(q, item) for q, item in zip(quiz.questions, items, strict=True)
              if isinstance(q, TrueFalse)]
    answers = {question.answer for question, _ in judged}
    if len(judged) >= 2 and len(answers) == 1:
        answer = "true" if answers.pop() else "false"
        other = "false" if answer == "true" else "true"
        found.append(_warning(
            quiz.path, judged[0][1].key_lines["answer"],
            f"all {len(judged)} true/false questions have the answer {answer}: make one "
            f"{other}, so that the pattern does not give the answers away"))
    return found


def _long_right_answer(
    path: str, where: str, question: SingleChoice, item: LineDict
) -> list[Problem]:
    others = [len(option.text) for option in question.options if not option.correct]
    if not others:
        return []
    longest = max(others)
    found = []
    for number, option in enumerate(question.options, 1):
        size = len(option.text)
        if option.correct and size >= LONG_RATIO * longest and size >= longest + LONG_MARGIN:
            line = item["options"][number - 1].key_lines["text"]
            found.append(_warning(
                path, line,
                f"{where}, option {number}: the right answer is much longer than every other "
                f"option ({size} characters; the longest other has {longest}): leaders learn "
                "to pick the longest; shorten it or give the others as much substance"))
    return found


def _timing_warnings(lesson: Lesson, fields: Fields, quiz: Quiz | None) -> list[Problem]:
    # The same formula the lesson page shows (course.content.lessons.lesson_time).
    time = lesson_time(lesson, quiz)
    needed, reading, experiment, questions = (time.needed, time.reading_exact, time.trying,
                                              time.questions)
    if lesson.minutes >= needed:
        return []
    total = reading + experiment + time.checking
    rounded = "" if total == needed else f", rounded up to {needed}"
    return [_warning(
        lesson.path, fields.line("minutes"),
        f"'minutes' is {lesson.minutes}, less than the lesson takes: {lesson.word_count} words "
        f"of reading at {WORDS_PER_MINUTE} a minute ({reading:g}) + {experiment} for try_this "
        f"+ {MINUTES_PER_QUESTION * questions} for {plural(questions, 'quiz question')} = "
        f"{total:g}{rounded}; raise 'minutes' to {needed} or shorten the lesson")]
