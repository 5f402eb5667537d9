"""A leader's part in action-learning sets, for their data download: what they wrote in
rounds (never what others wrote) and the dated commitments of rounds they held."""

from __future__ import annotations

from sqlalchemy import select

from course.extensions import db
from course.sets.models import LearningSet, Round, RoundContribution


def set_data(user_id: int) -> dict:
    written = db.session.execute(
        select(RoundContribution.kind, RoundContribution.text, RoundContribution.created_at,
               LearningSet.name, Round.id)
        .join(Round, Round.id == RoundContribution.round_id)
        .join(LearningSet, LearningSet.id == Round.set_id)
        .where(RoundContribution.author_id == user_id)
        .order_by(RoundContribution.created_at, RoundContribution.id)).all()
    held = db.session.execute(
        select(Round.opened_at, Round.closed_at, Round.commitment_due_on,
               Round.commitment_if_then, LearningSet.name)
        .join(LearningSet, LearningSet.id == Round.set_id)
        .where(Round.holder_id == user_id).order_by(Round.opened_at, Round.id)).all()
    return {
        "set_contributions": [
            {"set": name, "round": round_id, "kind": kind, "text": text,
             "created_at": created_at.isoformat()}
            for kind, text, created_at, name, round_id in written],
        "set_rounds_held": [
            {"set": name, "opened_at": opened.isoformat(),
             "closed_at": closed.isoformat() if closed else None,
             "commitment_due_on": due.isoformat() if due else None,
             "commitment_if_then": if_then}
            for opened, closed, due, if_then, name in held],
    }
