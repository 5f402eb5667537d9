"""Per-question statistics for a cohort: how many answered, the share right, the wrong
option chosen most often. Counts only; each question's type judges an answer
(course.content question types), and what a leader typed is never shown."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import JSON, func, select, true, type_coerce

from course.content import Catalog, Lesson, Question, Quiz
from course.content.render import plain_text
from course.extensions import db
from course.quizzes.models import QuizAttempt


def percent(part: int, whole: int) -> int | None:
    """A rounded percentage, or None when there is nothing to divide by."""
    return round(100 * part / whole) if whole else None


@dataclass(frozen=True)
class QuestionFigures:
    """How a cohort answered one question, over each leader's latest attempt at its quiz."""

    id: str
    prompt: str  # plain text
    answered: int
    right: int
    wrong_option: str | None  # the wrong option chosen most often (option text)
    wrong_count: int
    typed: bool  # a short answer: what leaders typed is theirs and is not shown

    @property
    def percent_right(self) -> int | None:
        return percent(self.right, self.answered)


@dataclass(frozen=True)
class QuizFigures:
    lesson: Lesson
    quiz: Quiz
    takers: int
    questions: tuple[QuestionFigures, ...]

    @property
    def percent_right(self) -> int | None:
        """The share of all answers to the quiz's questions that were right."""
        return percent(sum(q.right for q in self.questions),
                       sum(q.answered for q in self.questions))


def quiz_figures(leader_ids, catalog: Catalog) -> tuple[QuizFigures, ...]:
    def latest():
        return (
            select(func.max(QuizAttempt.id))
            .where(QuizAttempt.user_id.in_(leader_ids()))
            .group_by(QuizAttempt.user_id, QuizAttempt.quiz_id)
        )

    takers = dict(db.session.execute(
        select(QuizAttempt.quiz_id, func.count()).where(QuizAttempt.id.in_(latest()))
        .group_by(QuizAttempt.quiz_id)
    ).all())
    # The database unpacks the answers and counts each distinct response to each question
    # (json_each on SQLite and PostgreSQL alike), so Python reads a few hundred small rows,
    # not one JSON document per leader and quiz; each distinct response is graded once.
    answer = func.json_each(QuizAttempt.answers).table_valued("key", "value")
    response = type_coerce(answer.c.value, JSON)["response"].as_string()
    version = type_coerce(answer.c.value, JSON)["version"].as_string()
    versions = {(quiz.id, q.id): q.version for quiz in catalog.quizzes.values()
                for q in quiz.questions}
    tallies: dict[str, Counter[tuple]] = {}
    for quiz_id, question_id, given, answered_version, count in db.session.execute(
        select(QuizAttempt.quiz_id, answer.c.key, response, version, func.count())
        .select_from(QuizAttempt)
        .join(answer, true())
        .where(QuizAttempt.id.in_(latest()))
        .group_by(QuizAttempt.quiz_id, answer.c.key, response, version)
    ):
        if answered_version != versions.get((quiz_id, question_id)):
            continue  # given to an earlier version of the question: not counted against this
        values = json.loads(given) if given else None
        if isinstance(values, list):
            key = (question_id, tuple(str(value) for value in values))
            tallies.setdefault(quiz_id, Counter())[key] += count
    found = []
    for lesson in catalog.ordered_lessons:
        quiz = catalog.quizzes.get(lesson.quiz_id) if lesson.quiz_id else None
        if quiz is None:
            continue
        tally = tallies.get(quiz.id, Counter())
        questions = tuple(
            _question_figures(question, tally) for question in quiz.questions if question.scored
        )
        found.append(QuizFigures(lesson, quiz, takers.get(quiz.id, 0), questions))
    return tuple(found)


def _question_figures(question: Question, tally: Counter[tuple]) -> QuestionFigures:
    answered = right = 0
    wrong: Counter[str] = Counter()
    for (question_id, response), count in tally.items():
        if question_id != question.id:
            continue
        judged = question.judge(list(response))  # the question's own type counts it
        if judged is None:
            continue  # no longer a valid answer to the question as it stands now
        answered += count
        right += count if judged.correct else 0
        for text in judged.wrong:
            wrong[text] += count
    # Ties go to the option listed first, so the figure does not change between requests.
    order = question.option_texts()
    top = max(wrong, key=lambda text: (wrong[text], -order.index(text)), default=None)
    return QuestionFigures(
        question.id, plain_text(question.prompt_html), answered, right, top,
        wrong[top] if top else 0, typed=question.typed,
    )
