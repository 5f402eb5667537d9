"""Quiz attempts: grade every question, store every attempt, report best and latest."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from course.content import InvalidAnswer, Quiz
from course.extensions import db
from course.idempotency import add_once, check_form_key, kept_with
from course.progress.progress import touch_lesson
from course.quizzes.models import QuizAttempt


class QuizIncomplete(ValueError):
    """Some answers are missing or invalid; errors maps question id to a message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("Some questions need an answer.")
        self.errors = errors


class QuizRefused(ValueError):
    """The attempt cannot be kept from this form (out of date or already used); the
    choices are shown again."""


def field_name(question_id: str) -> str:
    """The form field carrying a question's answer."""
    return f"q-{question_id}"


def grade_quiz(quiz: Quiz, responses: dict[str, list[str]]) -> tuple[dict, float | None]:
    """Grade each question; return per-question results and the score over scored ones."""
    results, errors = {}, {}
    for question in quiz.questions:
        try:
            grade = question.grade(responses.get(question.id, []))
        except InvalidAnswer as error:
            errors[question.id] = str(error)
            continue
        results[question.id] = {
            "response": responses.get(question.id, []),
            "version": question.version,  # the question as it was answered
            "score": grade.score,
            "correct": grade.correct,
            "answer": grade.answer_summary,
        }
    if errors:
        raise QuizIncomplete(errors)
    scored = [r["score"] for r in results.values() if r["score"] is not None]
    return results, (sum(scored) / len(scored) if scored else None)


def attempt_sent_with(form_key: str, user_id: int, quiz_id: str,
                      lesson_id: str | None) -> QuizAttempt | None:
    """The attempt an earlier submit of this very form stored, if any."""
    return kept_with(select(QuizAttempt).where(QuizAttempt.form_key == form_key), QuizRefused,
                     user_id=user_id, quiz_id=quiz_id, lesson_id=lesson_id)


def submit_quiz(
    user_id: int, quiz: Quiz, lesson_id: str | None, responses: dict[str, list[str]],
    form_key: str | None,
) -> QuizAttempt:
    """Store a graded attempt; the same form_key twice (even racing in) stores one attempt."""
    form_key = check_form_key(form_key, QuizRefused)
    if form_key:
        done = attempt_sent_with(form_key, user_id, quiz.id, lesson_id)
        if done is not None:
            return done
    results, score = grade_quiz(quiz, responses)
    attempt = QuizAttempt(
        user_id=user_id, quiz_id=quiz.id, lesson_id=lesson_id, score=score, answers=results,
        form_key=form_key,
    )
    twin = add_once(attempt, lambda key: attempt_sent_with(key, user_id, quiz.id, lesson_id))
    if twin is not None:
        return twin
    if lesson_id:
        touch_lesson(user_id, lesson_id)
    db.session.flush()
    return attempt


@dataclass(frozen=True)
class QuizSummary:
    attempts: int
    best: float | None
    latest_score: float | None


def quiz_summary_columns(user_id: int, quiz_id: str) -> tuple:
    """Attempts, best score and latest score as scalar subqueries (one round trip for all)."""
    own = (QuizAttempt.user_id == user_id, QuizAttempt.quiz_id == quiz_id)
    return (
        select(func.count(QuizAttempt.id)).where(*own).scalar_subquery(),
        select(func.max(QuizAttempt.score)).where(*own).scalar_subquery(),
        select(QuizAttempt.score).where(*own)
        .order_by(QuizAttempt.created_at.desc(), QuizAttempt.id.desc())
        .limit(1).scalar_subquery(),
    )


def attempt_feedback(quiz: Quiz, attempt: QuizAttempt) -> list[tuple]:
    """Each question with its re-graded feedback (None if the question changed since: an
    answer is re-graded only against the version of the question it was given to)."""
    shown = []
    for question in quiz.questions:
        stored = attempt.answers.get(question.id)
        grade = None
        if stored is not None and stored.get("version") == question.version:
            try:
                grade = question.grade(stored["response"])
            except InvalidAnswer:
                grade = None
        shown.append((question, {"grade": grade, "answer": (stored or {}).get("answer", "—")}))
    return shown
