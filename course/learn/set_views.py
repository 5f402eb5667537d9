"""A leader's action-learning set: its members, the open round and every round's record.

    GET   /set                              my_set        the leader's set (a list if several)
    GET   /sets/<set>                       set_page
    POST  /sets/<set>/rounds/<round>        contribute_view   challenge, question, answer,
                                                              suggestion, commitment, report
"""

from __future__ import annotations

import secrets
from datetime import date

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from course.access import leader_required
from course.extensions import db
from course.learn import bp
from course.models import utcnow
from course.notices.notices import mark_seen
from course.numbers import parse_int
from course.plans.plans import PlanError, parse_date
from course.sets.contributions import contribute
from course.sets.models import LearningSet
from course.sets.rounds import (
    PHASE_NAMES,
    RoundError,
    current_phase,
    get_round_or_404,
    holder_names,
    records_for,
    rounds_of,
)
from course.sets.sets import (
    get_member_set_or_404,
    members_by_set,
    sets_for_member,
)
from course.sets.waiting import set_path

SENT = {
    "challenge": "Your challenge is posted. Your set can now ask you questions.",
    "question": "Question sent.",
    "answer": "Answer sent.",
    "suggestion": "Suggestion sent.",
    "commitment": "Your commitment is kept, with a check-in on its date.",
    "report": "Thank you for reporting back. The round is closed; its record stays with "
              "your set.",
}


@bp.get("/set")
@leader_required
def my_set():
    """The leader's set; a leader in sets of two cohorts chooses one."""
    found = sets_for_member(current_user)
    if len(found) == 1:
        return redirect(url_for("learn.set_page", set_id=found[0].id))
    return render_template("learn/set_list.html", sets=found)


@bp.get("/sets/<int:set_id>")
@leader_required
def set_page(set_id: int):
    """A set's page: members, the open round with what the phase allows, past rounds."""
    found = get_member_set_or_404(current_user, set_id)
    mark_seen(current_user.id, set_path(found.id))
    return render_set(found)


def render_set(found: LearningSet, *, failed: dict | None = None, status: int = 200):
    """`failed`: {kind, error, field, text, parent_id, due_on, if_then} of a form to show
    again with its words in it."""
    members = members_by_set([found.id])[found.id]
    rounds = rounds_of(found.id)
    names = holder_names(rounds, {m.id: m.name for m in members})
    now = utcnow()
    response = render_template(
        "learn/set.html", learning_set=found, members=members, rounds=rounds,
        records=records_for([r.id for r in rounds]),
        phases={r.id: current_phase(r, now) for r in rounds}, names=names,
        open_round=next((r for r in rounds if r.closed_at is None), None),
        phase_names=PHASE_NAMES, failed=failed or {}, form_key=secrets.token_hex(16),
    )
    return response, status, {"Cache-Control": "no-store"}


@bp.post("/sets/<int:set_id>/rounds/<int:round_id>")
@leader_required
def contribute_view(set_id: int, round_id: int):
    """Post to a round what the phase allows; a refusal keeps the words on screen."""
    found = get_member_set_or_404(current_user, set_id)
    running = get_round_or_404(found, round_id)
    form = request.form
    kind = form.get("kind", "")
    text = form.get("text", "")
    raw_parent, raw_due = form.get("parent_id", ""), form.get("due_on", "").strip()
    parent_id = parse_int(raw_parent) if raw_parent else None
    if raw_parent and parent_id is None:
        abort(400)
    try:
        due_on = _read_date(raw_due) if kind == "commitment" else None
        contribute(running, current_user, kind, text, parent_id=parent_id, due_on=due_on,
                   if_then=form.get("if_then"), form_key=form.get("form_key"))
    except RoundError as error:
        db.session.rollback()
        return render_set(found, failed={
            "kind": kind, "error": str(error), "field": error.field or "text", "text": text,
            "parent_id": parent_id, "due_on": raw_due, "if_then": form.get("if_then", ""),
        }, status=422)
    db.session.commit()
    flash(SENT.get(kind, "Sent."), "success")
    return redirect(url_for("learn.set_page", set_id=found.id, _anchor="round"))


def _read_date(raw: str) -> date | None:
    """The date a commitment is due: the picker's 2026-12-03, or typed as 3/12/2026."""
    if not raw:
        return None
    try:
        return parse_date(raw)
    except PlanError as error:
        raise RoundError(str(error), "due_on") from error
