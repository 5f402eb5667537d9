"""A leader's own items on the lesson page: who sees each one (the audience radios) and
deleting one (asked first, on a page of its own: no one-tap loss)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request
from flask_login import current_user

from course.access import get_mine_or_404, leader_required
from course.circle.audience import parse_audience
from course.circle.posts import set_audience
from course.experiments.models import ExperimentEntry
from course.extensions import db
from course.learn import bp
from course.learn.lesson_views import lesson_or_404
from course.learn.work_views import lesson_anchor
from course.plans.plans import reopen_if_unlogged
from course.reflections.models import Reflection

AUDIENCE_SAID = {  # what the flash says after a change
    "private": "Only you can see this {what} now.",
    "facilitator": "Your facilitator can see this {what}; your cohort cannot.",
    "cohort": "Your cohort and your facilitator can see this {what} in the circle.",
}


def _change_audience(item, what: str, anchor: str):
    """Set who sees the item from the form's radio choice; takes effect at once."""
    audience = parse_audience(request.form.get("audience"))
    if audience is None:  # the radios always send one of the three: a tampered form
        abort(400)
    set_audience(item, audience)
    db.session.commit()
    flash(AUDIENCE_SAID[audience].format(what=what), "success")
    return redirect(lesson_anchor(item.lesson_id, anchor))


@bp.post("/reflections/<int:reflection_id>/audience")
@leader_required
def reflection_audience(reflection_id: int):
    """Only me, my facilitator or my cohort: who sees this reflection from now on."""
    reflection = get_mine_or_404(Reflection, current_user.id, reflection_id)
    return _change_audience(reflection, "reflection", f"reflection-{reflection.prompt_id}")


@bp.post("/experiments/<int:entry_id>/audience")
@leader_required
def entry_audience(entry_id: int):
    """Only me, my facilitator or my cohort: who sees this experiment entry from now on."""
    entry = get_mine_or_404(ExperimentEntry, current_user.id, entry_id)
    return _change_audience(entry, "entry", "try-heading")


def _confirm_delete(what: str, text: str, lesson_id: str, anchor: str, action: str,
                    detail: str = ""):
    lesson = lesson_or_404(lesson_id)
    return render_template("learn/confirm_delete.html", what=what, text=text, lesson=lesson,
                           detail=detail, action=action,
                           back=lesson_anchor(lesson.id, anchor))


@bp.route("/reflections/<int:reflection_id>/delete", methods=["GET", "POST"])
@leader_required
def delete_reflection(reflection_id: int):
    """Ask first (GOV.UK's confirmation page); delete the reflection and its versions on Delete."""
    reflection = get_mine_or_404(Reflection, current_user.id, reflection_id)
    lesson_id, prompt_id = reflection.lesson_id, reflection.prompt_id
    if request.method == "GET" or request.form.get("confirm") != "yes":
        versions = len(reflection.versions)
        detail = (f"Its {versions} saved versions go too. " if versions > 1 else "")
        return _confirm_delete("reflection", reflection.text, lesson_id,
                               f"reflection-{prompt_id}", request.path,
                               detail + "This cannot be undone.")
    db.session.delete(reflection)
    db.session.commit()
    flash("Reflection deleted.", "info")
    return redirect(lesson_anchor(lesson_id, f"reflection-{prompt_id}"))


@bp.route("/experiments/<int:entry_id>/delete", methods=["GET", "POST"])
@leader_required
def delete_experiment(entry_id: int):
    """Ask first; delete one 'try this' log entry on Delete."""
    entry = get_mine_or_404(ExperimentEntry, current_user.id, entry_id)
    lesson_id = entry.lesson_id
    if request.method == "GET" or request.form.get("confirm") != "yes":
        return _confirm_delete(f"entry from {entry.done_on.strftime('%-d %b %Y')}", entry.text,
                               lesson_id, "try-heading", request.path,
                               "This cannot be undone.")
    reopen_if_unlogged(entry)  # a plan it told the outcome of is open again
    db.session.delete(entry)
    db.session.commit()
    flash("Entry deleted.", "info")
    return redirect(lesson_anchor(lesson_id, "try-heading"))
