"""Scoring quiz attempts: every attempt kept, best and latest, scale unscored."""

import pytest
from flask import current_app

from course.extensions import db
from course.quizzes.attempts import (
    QuizIncomplete,
    QuizRefused,
    grade_quiz,
    submit_quiz,
)
from tests.factories import right_answers, wrong_answers


def quiz_summary(user_id, quiz_id):
    """The summary the lesson page shows (course.progress.standing reads it with the rest)."""
    from course.progress.standing import lesson_standing

    catalog = current_app.extensions["catalog"]
    quiz = catalog.quizzes[quiz_id]
    lesson = next(lesson for lesson in catalog.ordered_lessons if lesson.quiz_id == quiz_id)
    return lesson_standing(user_id, lesson, quiz).summary






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


def test_a_form_key_longer_than_its_column_is_refused(leader, catalog, first_lesson):
    quiz = catalog.quizzes[first_lesson.quiz_id]
    with pytest.raises(QuizRefused, match="This form is out of date; reload the page"):
        submit_quiz(leader.id, quiz, first_lesson.id, right_answers(quiz), "k" * 65)
    db.session.rollback()
    assert quiz_summary(leader.id, quiz.id).attempts == 0
    submit_quiz(leader.id, quiz, first_lesson.id, right_answers(quiz), "k" * 64)
    assert quiz_summary(leader.id, quiz.id).attempts == 1


def test_a_key_another_leader_used_is_refused(leader, make_leader, catalog, first_lesson):
    quiz = catalog.quizzes[first_lesson.quiz_id]
    theirs = submit_quiz(make_leader().id, quiz, first_lesson.id, right_answers(quiz), "same")
    with pytest.raises(QuizRefused, match="That form was already used"):
        submit_quiz(leader.id, quiz, first_lesson.id, wrong_answers(quiz), "same")
    assert quiz_summary(leader.id, quiz.id).attempts == 0
    assert quiz_summary(theirs.user_id, quiz.id).attempts == 1


def test_an_answer_to_an_earlier_version_is_not_regraded(leader, catalog, first_lesson):
    """A quiz rewritten under a leader's old attempt: the old answer is shown as given to a
    question that has changed, never graded against the new options."""
    from dataclasses import replace

    from course.quizzes.attempts import attempt_feedback

    quiz = catalog.quizzes[first_lesson.quiz_id]
    attempt = submit_quiz(leader.id, quiz, first_lesson.id, right_answers(quiz), "v1")
    assert all(result["grade"] is not None for _, result in attempt_feedback(quiz, attempt))
    first = quiz.questions[0]
    reordered = replace(first, options=tuple(reversed(first.options)))
    assert reordered.version != first.version
    # Only the prose changed: the answer still stands.
    reworded = replace(first, prompt_html="<p>Reworded.</p>", explanation_html="")
    assert reworded.version == first.version
    changed = replace(quiz, questions=(reordered, *quiz.questions[1:]))
    shown = dict((q.id, r) for q, r in attempt_feedback(changed, attempt))
    assert shown[first.id]["grade"] is None
    assert all(shown[q.id]["grade"] is not None for q in quiz.questions[1:])
