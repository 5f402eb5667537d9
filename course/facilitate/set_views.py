"""Facilitator views of action-learning sets: split a cohort, arrange it by hand, open a
round, move a round on early, read every set's rounds.

    GET       /cohorts/<id>/sets                               sets
    POST      /cohorts/<id>/sets/split                         split_sets
    GET POST  /cohorts/<id>/sets/arrange                       arrange_sets_view
    GET       /cohorts/<id>/sets/<set>                         learning_set
    POST      /cohorts/<id>/sets/<set>/rounds                  open_round_view
    POST      /cohorts/<id>/sets/<set>/rounds/<round>/next     next_phase
"""

from __future__ import annotations

import secrets

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from course.cohorts.cohorts import ARCHIVED
from course.extensions import db
from course.facilitate import bp
from course.facilitate.cohort_pages import refuse_archived
from course.models import utcnow
from course.numbers import parse_int
from course.sets.models import LearningSet, Round
from course.sets.rounds import (
    MAX_DAYS,
    PHASE_NAMES,
    RoundError,
    advance,
    current_phase,
    get_round_or_404,
    holder_names,
    open_round,
    open_rounds,
    records_for,
    rounds_of,
)
from course.sets.sets import (
    SetError,
    active_leaders,
    arrange_sets,
    balanced_sizes,
    get_cohort_set_or_404,
    members_by_set,
    sets_of_cohort,
    suggest_holder,
)


@bp.get("/cohorts/<int:cohort_id>/sets")
def sets():
    """Every set of the cohort, with its members and the round it is running."""
    return render_sets(g.cohort)


def render_sets(cohort, *, error: str | None = None, status: int = 200):
    found = sets_of_cohort(cohort)
    members = members_by_set([s.id for s in found])
    current = running_rounds([s.id for s in found])
    leaders = active_leaders(current_user, cohort)
    try:
        sizes = balanced_sizes(len(leaders))
    except SetError:
        sizes = []
    placed = {user.id for people in members.values() for user in people}
    return render_template(
        "facilitate/sets.html", cohort=cohort, sets=found, members=members, current=current,
        leaders=leaders, sizes=sizes, unplaced=[u for u in leaders if u.id not in placed],
        phase_names=PHASE_NAMES, error=error, archived=ARCHIVED,
    ), status


def running_rounds(set_ids: list[int]) -> dict[int, tuple[Round, str, object]]:
    """set id -> (its open round, the phase in force, when it ends)."""
    now = utcnow()
    return {set_id: (found, *current_phase(found, now))
            for set_id, found in open_rounds(set_ids).items()}


@bp.context_processor
def _cohort_sets() -> dict:
    """`cohort_sets(cohort)` for the cohort page's small sets section."""
    return {"cohort_sets": cohort_sets}


def cohort_sets(cohort) -> dict:
    found = sets_of_cohort(cohort)
    members = members_by_set([s.id for s in found])
    return {"sets": found, "members": members,
            "current": running_rounds([s.id for s in found]), "phase_names": PHASE_NAMES}


@bp.post("/cohorts/<int:cohort_id>/sets/split")
def split_sets():
    """Split the cohort's active leaders into balanced sets of 3 to 6."""
    cohort = g.cohort
    if cohort.archived_at is not None:
        return refuse_archived(cohort)
    from course.sets.sets import split_cohort

    try:
        made = split_cohort(current_user, cohort)
    except SetError as error:
        db.session.rollback()
        return render_sets(cohort, error=str(error), status=422)
    db.session.commit()
    flash(f"The cohort is split into {len(made)} set{'s' if len(made) != 1 else ''}. "
          "Move people by hand if you like, then open a round in each set.", "success")
    return redirect(url_for("facilitate.sets", cohort_id=cohort.id))


@bp.route("/cohorts/<int:cohort_id>/sets/arrange", methods=["GET", "POST"])
def arrange_sets_view():
    """Put each leader in a set by hand (each set 3 to 6 people)."""
    cohort = g.cohort
    found = sets_of_cohort(cohort)
    leaders = active_leaders(current_user, cohort)
    members = members_by_set([s.id for s in found])
    number_of = {user.id: n for n, each in enumerate(found, start=1)
                 for user in members[each.id]}
    slots = max(len(found), -(-len(leaders) // 3), 1)
    error, status = None, 200
    if request.method == "POST":
        if cohort.archived_at is not None:
            return refuse_archived(cohort)
        chosen = {}
        for leader in leaders:
            raw = request.form.get(f"set-{leader.id}", "")
            chosen[leader.id] = parse_int(raw, minimum=1, maximum=slots) if raw else None
            if raw and chosen[leader.id] is None:
                abort(400)
        try:
            arrange_sets(current_user, cohort, chosen)
        except SetError as refused:
            db.session.rollback()
            error, status, number_of = str(refused), 422, chosen
        else:
            db.session.commit()
            flash("The sets are arranged.", "success")
            return redirect(url_for("facilitate.sets", cohort_id=cohort.id))
    names = {n: each.name for n, each in enumerate(found, start=1)}
    return render_template(
        "facilitate/sets_arrange.html", cohort=cohort, leaders=leaders, chosen=number_of,
        choices=[(n, names.get(n, f"Set {n}")) for n in range(1, slots + 1)], error=error,
    ), status


@bp.get("/cohorts/<int:cohort_id>/sets/<int:set_id>")
def learning_set(set_id: int):
    """One set: its members, a form to open a round, every round's record."""
    found = get_cohort_set_or_404(current_user, g.cohort, set_id)
    return render_set(found)


def render_set(found: LearningSet, *, errors: dict | None = None, values: dict | None = None,
               status: int = 200):
    members = members_by_set([found.id])[found.id]
    rounds = rounds_of(found.id)
    now = utcnow()
    return render_template(
        "facilitate/sets_set.html", cohort=g.cohort, learning_set=found, members=members,
        rounds=rounds, records=records_for([r.id for r in rounds]),
        phases={r.id: current_phase(r, now) for r in rounds},
        names=holder_names(rounds, {m.id: m.name for m in members}),
        suggested=suggest_holder(found.id, [m.id for m in members]),
        open_round=next((r for r in rounds if r.closed_at is None), None),
        phase_names=PHASE_NAMES, errors=errors or {}, values=values or {},
        max_days=MAX_DAYS, form_key=secrets.token_hex(16),
    ), status, {"Cache-Control": "no-store"}


@bp.post("/cohorts/<int:cohort_id>/sets/<int:set_id>/rounds")
def open_round_view(set_id: int):
    """Open a round with a problem holder; each member is told on the course home."""
    found = get_cohort_set_or_404(current_user, g.cohort, set_id)
    if g.cohort.archived_at is not None:
        return refuse_archived(g.cohort)
    form = request.form
    holder = parse_int(form.get("holder", ""))
    days = {name: parse_int(form.get(f"{name}_days", "").strip(), maximum=MAX_DAYS)
            for name in ("questions", "suggestions")}
    try:
        made = open_round(found, holder, current_user, questions_days=days["questions"],
                          suggestions_days=days["suggestions"],
                          form_key=form.get("form_key"))
    except RoundError as error:
        db.session.rollback()
        return render_set(found, errors={error.field or "holder": str(error)},
                          values=dict(form.items()), status=422)
    db.session.commit()
    flash(f"A round is open in {found.name}. Its members see it on their set's page.",
          "success")
    return redirect(url_for("facilitate.learning_set", cohort_id=g.cohort.id, set_id=found.id,
                            _anchor=f"round-{made.id}"))


@bp.post("/cohorts/<int:cohort_id>/sets/<int:set_id>/rounds/<int:round_id>/next")
def next_phase(set_id: int, round_id: int):
    """Move a round on to its next phase now, without waiting for the date."""
    found = get_cohort_set_or_404(current_user, g.cohort, set_id)
    running = get_round_or_404(found, round_id)
    try:
        phase = advance(running, request.form.get("phase") or None)
    except RoundError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash("The round is closed; its record stays with the set." if phase == "closed"
              else f"The round is now in its {PHASE_NAMES[phase].lower()} phase.", "success")
    return redirect(url_for("facilitate.learning_set", cohort_id=g.cohort.id,
                            set_id=found.id, _anchor=f"round-{round_id}"))
