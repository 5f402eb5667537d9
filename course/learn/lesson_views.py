"""Leader views: the course map, a lesson page, the completion page and the certificate."""

from __future__ import annotations

import secrets

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from course.access import any_signed_in, get_mine_or_404
from course.content.lessons import lesson_time
from course.experiments.experiments import entries_for_lesson
from course.learn import bp
from course.learn.assessment_views import (
    assessment_status,
    needs_before_assessment,
    needs_welcome,
)
from course.learn.home_cards import home_cards
from course.learn.plan_forms import lesson_plans
from course.models import utcnow
from course.notices.notices import seen_on_lesson
from course.numbers import parse_int
from course.progress.completion import achievement, certificate_facts, hours_text
from course.progress.progress import (
    DONE,
    IN_PROGRESS,
    NOT_STARTED,
    course_finished_at,
    course_progress,
)
from course.progress.standing import lesson_standing, record_open
from course.quizzes.attempts import attempt_feedback
from course.quizzes.models import QuizAttempt
from course.reflections.reflections import reflections_for_lesson
from course.self_assessment.assessment import growth_report


def catalog():
    """The course loaded at start-up."""
    return current_app.extensions["catalog"]


def lesson_or_404(lesson_id: str):
    """A lesson of the catalog, or 404."""
    found = catalog().lessons.get(lesson_id)
    if found is None:
        abort(404)
    return found


@bp.get("/course")
@any_signed_in
def home():
    """The course map with the leader's progress; first sign-in offers the self-assessment."""
    status = assessment_status(current_user.id)
    if needs_welcome(current_user, status["before"]):  # issue 13: the first session
        return redirect(url_for("learn.welcome"))
    if current_user.is_leader and catalog().self_assessment and needs_before_assessment(
        current_user.id, status
    ):
        return redirect(url_for("learn.assessment", stage="before"))
    progress = course_progress(current_user.id, catalog())
    return render_template(
        "learn/home.html", catalog=catalog(), progress=progress, assessment=status,
        cards=home_cards(current_user, catalog()),
    )


# The step strip's anchors: each is the id of its section's heading on the lesson page.
STEPS = (("read", "Read"), ("reflect-heading", "Reflect"), ("try-heading", "Try"),
         ("quiz-heading", "Check"), ("complete", "Finish"))


def current_step(state: str, reflections: dict, has_entries: bool, quiz_attempts: int,
                 has_quiz: bool) -> str:
    """The step the leader is at, from what they have stored (the strip's aria-current).

    The rule, in order: a lesson marked done is at Finish; with no reflection saved the
    leader is at Read, or at Reflect once a draft exists; with a reflection saved and
    nothing logged, at Try; with an entry logged and no quiz attempt, at Check; with the
    quiz attempted (or no quiz), at Finish. A step skipped is not held against anyone:
    the rule only looks at what is there.
    """
    if state == DONE:
        return "complete"
    if not any(row.saved_at for row in reflections.values()):
        return "reflect-heading" if any(row.text for row in reflections.values()) else "read"
    if not has_entries:
        return "try-heading"
    if has_quiz and not quiz_attempts:
        return "quiz-heading"
    return "complete"


def _quiz_error_items(quiz, quiz_errors: dict, quiz_message: str | None) -> list:
    """The quiz's error summary: each unanswered question by number, linked to it."""
    items = [(None, quiz_message)] if quiz_message else []
    total = len(quiz.questions) if quiz else 0
    for number, question in enumerate(quiz.questions if quiz else (), 1):
        if question.id in quiz_errors:
            items.append((f"question-{question.id}",
                          f"Question {number} of {total}: {quiz_errors[question.id]}"))
    return items


def render_lesson(lesson, *, status=200, quiz_errors=None, quiz_values=None, attempt=None,
                  quiz_message=None, reflection_errors=None, reflection_texts=None,
                  entry_error=None, entry_field=None, entry_values=None,
                  completion_error=None, touch=False, plan_errors=None, plan_values=None,
                  log_plan=None):
    """Render a lesson page with the leader's own work on it (and any form being corrected)."""
    quiz = catalog().quizzes.get(lesson.quiz_id) if lesson.quiz_id else None
    user_id = current_user.id
    reflections, replies = reflections_for_lesson(user_id, lesson.id)
    standing = lesson_standing(user_id, lesson, quiz)
    if touch and current_user.is_leader:
        record_open(user_id, lesson.id, standing.touched_at, utcnow())
    # Opening the lesson sees its notices; this one view still marks what was new.
    new_notices = seen_on_lesson(user_id, lesson.id) if touch and standing.has_notices else set()
    state = IN_PROGRESS if touch and standing.state == NOT_STARTED else standing.state
    step = current_step(state, reflections, standing.has_entries,
                        standing.summary.attempts if standing.summary else 0, quiz is not None)
    context = dict(
        lesson=lesson, quiz=quiz, catalog=catalog(), time=lesson_time(lesson, quiz),
        steps=STEPS, step=step if current_user.is_leader else None,
        module=catalog().module(lesson.module_id),
        reflections=reflections, replies=replies, new_notices=new_notices,
        entries=entries_for_lesson(user_id, lesson.id) if standing.has_entries else [],
        summary=standing.summary,
        state=state,
        attempt=attempt,
        attempt_feedback=attempt_feedback(quiz, attempt) if attempt and quiz else [],
        quiz_errors=quiz_errors or {}, quiz_values=quiz_values or {}, quiz_message=quiz_message,
        reflection_errors=reflection_errors or {}, reflection_texts=reflection_texts or {},
        entry_error=entry_error, entry_values=entry_values or {},
        entry_field=entry_field, completion_error=completion_error,
        # Each section's error summary: (the id of the field to link to, the message).
        errors={
            "reflect": [(f"text-{prompt}", message)
                        for prompt, message in (reflection_errors or {}).items()],
            "quiz": _quiz_error_items(quiz, quiz_errors or {}, quiz_message),
            "try": [(entry_field, entry_error)] if entry_error else [],
            "finish": [("done-button", completion_error)] if completion_error else [],
        },
        # One key per rendered form: a double submit of the same form saves once.
        form_key=secrets.token_hex(16),
    )
    if current_user.is_leader and lesson.try_this:  # the Try section's plans (course.plans)
        context["planning"] = lesson_plans(current_user, lesson, has_plans=standing.has_plans,
                                           errors=plan_errors, values=plan_values,
                                           log_plan=log_plan, entry_values=entry_values)
    return render_template("learn/lesson.html", **context), status


@bp.get("/lessons/<lesson_id>")
@any_signed_in
def lesson(lesson_id: str):
    """One lesson: the reading, reflections, the experiment log and the quiz."""
    found = lesson_or_404(lesson_id)
    attempt = None
    if "attempt" in request.args:
        attempt_id = parse_int(request.args["attempt"])
        if attempt_id is None:
            abort(404)
        attempt = get_mine_or_404(QuizAttempt, current_user.id, attempt_id)
        if attempt.lesson_id != found.id:
            abort(404)
    return render_lesson(found, attempt=attempt, touch=True, log_plan=request.args.get("plan"))


@bp.get("/certificate")
@any_signed_in
def certificate():
    """A printable certificate, once every lesson is done."""
    progress = course_progress(current_user.id, catalog())
    if not progress.complete:
        return render_template("learn/certificate_pending.html", progress=progress), 403
    facts = certificate_facts(current_user, catalog(),
                              current_app.config["COURSE_ORGANISATION_NAME"])
    return render_template("learn/certificate.html", progress=progress, catalog=catalog(),
                           finished=course_finished_at(current_user.id), facts=facts,
                           hours=hours_text(facts.hours))


@bp.get("/course/finished")
@any_signed_in
def completion():
    """Finishing the course: what the leader did, their growth, and the certificate."""
    progress = course_progress(current_user.id, catalog())
    if not progress.complete:
        return render_template("learn/certificate_pending.html", progress=progress), 403
    return render_template(
        "learn/completion.html", progress=progress, catalog=catalog(),
        finished=course_finished_at(current_user.id),
        did=achievement(current_user.id, catalog()),
        report=growth_report(current_user.id, catalog()),
    )
