"""What a leader does on a lesson page: reflect, share, take the quiz, log, complete."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms.validators import ValidationError

from course.access import leader_required, refuse_unless
from course.accounts import authenticate
from course.auth.throttle import password_attempts, remember_device
from course.experiments.experiments import ExperimentError, add_entry, parse_measures
from course.extensions import csrf, db
from course.idempotency import STALE_FORM, USED_FORM
from course.learn import bp
from course.learn.lesson_views import catalog, lesson_or_404, render_lesson
from course.models import Role
from course.plans.plans import log_against, plan_for_lesson_or_404
from course.progress.progress import (
    CompletionError,
    complete_lesson,
    course_progress,
    reopen_lesson,
)
from course.quizzes.attempts import QuizIncomplete, QuizRefused, field_name, submit_quiz
from course.reflections.reflections import (
    ReflectionError,
    check_prompt,
    save_draft,
    save_reflection,
)
from course.review.review import schedule_reviews
from course.sessions import start_session


def lesson_anchor(lesson_id: str, anchor: str) -> str:
    return url_for("learn.lesson", lesson_id=lesson_id, _anchor=anchor)


def _csrf_ok() -> bool:
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return True
    try:
        validate_csrf(request.form.get("csrf_token"))
    except (ValidationError, CSRFError):
        return False
    return True


@bp.post("/lessons/<lesson_id>/reflections/<prompt_id>")
@csrf.exempt  # checked below, so an expired form re-shows the text instead of a bare 400
def save_reflection_view(lesson_id: str, prompt_id: str):
    """Save a reflection; an expired session or form keeps the text on screen."""
    lesson = lesson_or_404(lesson_id)
    text = request.form.get("text", "")
    try:
        check_prompt(lesson, prompt_id)
    except ReflectionError:
        abort(404)
    if not current_user.is_authenticated or not _csrf_ok():
        signed_in = current_user.is_authenticated
        return render_template(
            "learn/reflection_rescue.html", lesson=lesson, prompt_id=prompt_id, text=text,
            signed_in=signed_in, prompt=_prompt(lesson, prompt_id),
        ), (400 if signed_in else 401)
    refuse_unless(Role.LEADER)  # signed in by now: a facilitator gets 403
    try:
        save_reflection(current_user.id, lesson, prompt_id, text, request.form.get("form_key"))
        db.session.commit()
    except ReflectionError as error:
        db.session.rollback()
        return render_lesson(lesson, status=400, reflection_errors={prompt_id: str(error)},
                             reflection_texts={prompt_id: text})
    flash("Reflection saved.", "success")
    return redirect(lesson_anchor(lesson.id, f"reflection-{prompt_id}"))


def _prompt(lesson, prompt_id):
    return next(prompt for prompt in lesson.reflections if prompt.id == prompt_id)


@bp.post("/reflections/rescue")
@password_attempts
def rescue_reflection():
    """Sign in again from the rescue page; the text becomes the prompt's draft."""
    lesson = lesson_or_404(request.form.get("lesson_id", ""))
    prompt_id = request.form.get("prompt_id", "")
    text = request.form.get("text", "")
    try:
        check_prompt(lesson, prompt_id)
    except ReflectionError:
        abort(404)
    user = None
    if not current_user.is_authenticated:
        user = authenticate(request.form.get("email", ""), request.form.get("password", ""))
        if user is None:
            return render_template(
                "learn/reflection_rescue.html", lesson=lesson, prompt_id=prompt_id, text=text,
                signed_in=False, prompt=_prompt(lesson, prompt_id),
                login_error="That email and password do not match an active account.",
            ), 401
        if not user.is_leader:
            # Only leaders write reflections; and a facilitator's sign-in must pass the
            # second factor (course/auth), which this shortcut does not ask for.
            abort(403)
        start_session(user)
    refuse_unless(Role.LEADER)  # signed in by now: a facilitator gets 403
    try:
        save_draft(current_user.id, lesson, prompt_id, text)
    except ReflectionError as error:
        db.session.commit()  # keep the new session
        return render_lesson(lesson, status=400, reflection_errors={prompt_id: str(error)},
                             reflection_texts={prompt_id: text})
    db.session.commit()
    flash("Your text is kept as a draft. Read it through and press Save.", "success")
    response = redirect(lesson_anchor(lesson.id, f"reflection-{prompt_id}"))
    return remember_device(response, user.email) if user is not None else response


@bp.post("/lessons/<lesson_id>/reflections/<prompt_id>/draft")
@leader_required
def autosave_reflection(lesson_id: str, prompt_id: str):
    """Autosave while typing (JavaScript); answers JSON."""
    lesson = lesson_or_404(lesson_id)
    try:
        row = save_draft(current_user.id, lesson, prompt_id, request.form.get("text", ""))
    except ReflectionError as error:
        db.session.rollback()
        return jsonify(status="error", message=str(error)), 400
    # Read before the commit expires the row: reading after would reload it in a second
    # write transaction.
    answer = {"status": "saved", "saved_at": row.updated_at.isoformat(), "reflection_id": row.id}
    db.session.commit()
    return jsonify(answer)


@bp.post("/lessons/<lesson_id>/quiz")
@leader_required
def submit_quiz_view(lesson_id: str):
    """Grade a quiz attempt and show feedback on every option."""
    lesson = lesson_or_404(lesson_id)
    quiz = catalog().quizzes.get(lesson.quiz_id) if lesson.quiz_id else None
    if quiz is None:
        abort(404)
    responses = {q.id: request.form.getlist(field_name(q.id)) for q in quiz.questions}
    try:
        attempt = submit_quiz(current_user.id, quiz, lesson.id, responses,
                              request.form.get("form_key"))
    except QuizIncomplete as error:
        db.session.rollback()
        return render_lesson(lesson, status=400, quiz_errors=error.errors,
                             quiz_values=responses)
    except QuizRefused as error:  # an out-of-date or used form: the choices stay chosen
        db.session.rollback()
        return render_lesson(lesson, status=400, quiz_values=responses,
                             quiz_message=str(error))
    schedule_reviews(current_user, quiz, lesson.id, attempt)  # after the first attempt only
    db.session.commit()
    return redirect(url_for("learn.lesson", lesson_id=lesson.id, attempt=attempt.id,
                            _anchor="quiz-heading"))


@bp.post("/lessons/<lesson_id>/experiments")
@leader_required
def add_experiment(lesson_id: str):
    """Log a 'try this' entry; a refusal names the field it is about."""
    lesson = lesson_or_404(lesson_id)
    values = request.form.to_dict()
    # The plan this entry tells the outcome of (a check-in's ?plan=, ticked on the form).
    plan = (plan_for_lesson_or_404(current_user.id, lesson.id, values["plan_id"])
            if values.get("plan_id") else None)
    field = "done_on"  # which field a refusal is about, so the message sits beside it
    try:
        done_on = _parse_date(values.get("done_on", ""))
        measures = {}
        for number, label in enumerate(lesson.try_this.measures, 1):
            field = f"measure-{number}"
            measures |= parse_measures(lesson, {label: values.get(f"m:{label}", "")})
        field = "done_on" if done_on > date.today() else "entry-text"
        entry = add_entry(current_user.id, lesson, done_on, values.get("text", ""), measures,
                          values.get("form_key"))
    except ExperimentError as error:
        db.session.rollback()
        # A stale or used form is about the whole form, not one field.
        about_form = str(error) in (STALE_FORM, USED_FORM)
        return render_lesson(lesson, status=400, entry_error=str(error), entry_values=values,
                             entry_field=None if about_form else field)
    if plan is not None:
        log_against(plan, entry)
    db.session.commit()
    flash("Experiment logged." + (" Your plan is marked done." if plan else ""), "success")
    return redirect(lesson_anchor(lesson.id, "try-heading"))


def _parse_date(raw: str) -> date:
    if not raw.strip():
        return date.today()
    try:
        return date.fromisoformat(raw.strip())
    except ValueError as exc:
        raise ExperimentError("Give the date as day, month and year.") from exc


@bp.post("/lessons/<lesson_id>/complete")
@leader_required
def complete(lesson_id: str):
    """Mark a lesson done (or not done again)."""
    lesson = lesson_or_404(lesson_id)
    if request.form.get("done") == "0":
        reopen_lesson(current_user.id, lesson.id)
        db.session.commit()
        flash("Marked as not done yet.", "info")
        return redirect(lesson_anchor(lesson.id, "complete"))
    try:
        complete_lesson(current_user.id, lesson)
    except CompletionError as error:
        db.session.rollback()
        # Said at the button that was pressed (the form posts to #complete), not at the top.
        return render_lesson(lesson, status=400, completion_error=str(error))
    db.session.commit()
    following = catalog().next_lesson(lesson.id)
    flash(f"“{lesson.title}” is done.", "success")
    # An explicit anchor: a redirect without one would inherit the form's #complete.
    if following:
        return redirect(url_for("learn.lesson", lesson_id=following.id, _anchor="main"))
    if course_progress(current_user.id, catalog()).complete:  # the last lesson: finished
        return redirect(url_for("learn.completion", _anchor="main"))
    return redirect(url_for("learn.home", _anchor="main"))
