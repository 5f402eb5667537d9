"""Scoring quiz attempts: every attempt kept, best and latest, scale unscored."""

import pytest

from course.learn.attempts import QuizIncomplete, grade_quiz, quiz_summary, submit_quiz


def right_answers(quiz) -> dict:
    answers = {}
    for question in quiz.questions:
        if question.type in ("single", "multiple"):
            answers[question.id] = [str(i) for i, o in enumerate(question.options) if o.correct]
        elif question.type == "true-false":
            answers[question.id] = ["true" if question.answer else "false"]
        elif question.type == "short":
            answers[question.id] = [question.accept[0]]
        else:
            answers[question.id] = [str(question.minimum)]
    return answers


def wrong_answers(quiz) -> dict:
    answers = right_answers(quiz)
    for question in quiz.questions:
        if question.type == "single":
            answers[question.id] = [str(next(i for i, o in enumerate(question.options)
                                             if not o.correct))]
        elif question.type == "true-false":
            answers[question.id] = ["false" if question.answer else "true"]
        elif question.type == "multiple":
            answers[question.id] = [str(i) for i, o in enumerate(question.options)
                                    if not o.correct][:1] or ["0"]
    return answers


def test_all_right_scores_one(catalog, first_lesson):
    quiz = catalog.quizzes[first_lesson.quiz_id]
    results, score = grade_quiz(quiz, right_answers(quiz))
    assert score == 1.0 and all(r["correct"] for r in results.values())


def test_missing_answers_are_listed(catalog, first_lesson):
    quiz = catalog.quizzes[first_lesson.quiz_id]
    with pytest.raises(QuizIncomplete) as caught:
        grade_quiz(quiz, {})
    assert set(caught.value.errors) == {q.id for q in quiz.questions}


def test_scale_questions_are_recorded_not_scored(catalog):
    quiz = catalog.self_assessment
    results, score = grade_quiz(quiz, right_answers(quiz))
    assert score is None and all(r["score"] is None for r in results.values())


def test_every_attempt_kept_best_and_latest(leader, catalog, first_lesson):
    quiz = catalog.quizzes[first_lesson.quiz_id]
    submit_quiz(leader.id, quiz, first_lesson.id, right_answers(quiz), "k1")
    submit_quiz(leader.id, quiz, first_lesson.id, wrong_answers(quiz), "k2")
    submit_quiz(leader.id, quiz, first_lesson.id, wrong_answers(quiz), "k2")  # double submit
    summary = quiz_summary(leader.id, quiz.id)
    assert summary.attempts == 2
    assert summary.best == 1.0
    assert summary.latest_score < 1.0
