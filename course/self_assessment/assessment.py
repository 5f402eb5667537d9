"""Self-assessment rules (before and after, answered or skipped) and the growth chart's data."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from flask import current_app
from markupsafe import Markup
from sqlalchemy import bindparam
from sqlalchemy.exc import IntegrityError

from course.access import mine
from course.content import Catalog
from course.content.open_questions import Scale
from course.extensions import db
from course.models import utcnow
from course.progress.progress import course_progress
from course.self_assessment.chart import Chart, GrowthRow, growth_chart
from course.self_assessment.models import SelfAssessment

BEFORE, AFTER = "before", "after"
STAGES = (BEFORE, AFTER)
DONE, SKIPPED = "done", "skipped"

_ONE_PARAGRAPH = re.compile(r"\A\s*<p>(?P<inner>(?:(?!</?p\b).)*)</p>\s*\Z", re.DOTALL)


class InvalidLevels(ValueError):
    """Some dimensions lack a valid level; `errors` maps each one to a message for the leader."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{key}: {message}" for key, message in errors.items()))
        self.errors = errors


def dimension_name(question: Scale) -> str:
    """The short human name of a dimension: the `name` its question carries in the file."""
    return question.short_name


def scale_questions(catalog: Catalog) -> tuple[Scale, ...]:
    """The self-assessment's dimensions, in file order; empty when the course has none."""
    quiz = catalog.self_assessment
    return tuple(q for q in quiz.questions if isinstance(q, Scale)) if quiz else ()


def legend_html(question: Scale) -> Markup:
    """The question's sanitised prompt without its paragraph wrapper, to sit in a <legend>."""
    match = _ONE_PARAGRAPH.match(question.prompt_html)
    return Markup(match["inner"] if match else question.prompt_html)  # author HTML, sanitised


def read_levels(questions: tuple[Scale, ...], form: Mapping[str, str]) -> dict[str, int]:
    """The chosen level of every question; InvalidLevels names each one missing or out of range.

    Keys that are not dimensions of the self-assessment are ignored.
    """
    levels: dict[str, int] = {}
    errors: dict[str, str] = {}
    for question in questions:
        raw = (form.get(question.id) or "").strip()
        allowed = {str(value): value for value in question.values}
        choose = f"Choose a level from {question.minimum} to {question.maximum}."
        if not raw:
            errors[question.id] = f"This question has no answer yet. {choose}"
        elif raw not in allowed:  # compared as text: no int() of arbitrary input
            errors[question.id] = f"That is not one of the levels. {choose}"
        else:
            levels[question.id] = allowed[raw]
    if errors:
        raise InvalidLevels(errors)
    return levels


def get_assessment(user_id: int, stage: str) -> SelfAssessment | None:
    """The leader's row for one stage, answered or skipped, if there is one."""
    return db.session.scalar(mine(SelfAssessment, user_id).where(SelfAssessment.stage == stage))


def stage_status(row: SelfAssessment | None) -> str | None:
    """None when never offered, "skipped", or "done" when answered."""
    if row is None:
        return None
    return SKIPPED if row.skipped or not row.levels else DONE


def assessment_status(user_id: int) -> dict[str, str | None]:
    """{"before": ..., "after": ...}, each None, "skipped" or "done"."""
    rows = {row.stage: row
            for row in db.session.scalars(_assessments_of(), {"user_id": user_id})}
    return {stage: stage_status(rows.get(stage)) for stage in STAGES}


@cache
def _assessments_of():
    """Built once (every course home runs it): a leader's self-assessments."""
    return mine(SelfAssessment, bindparam("user_id"))


def needs_before_assessment(user_id: int, status: dict[str, str | None] | None = None) -> bool:
    """True when the leader has neither answered nor skipped the "before" (and there is one).

    Pass the leader's `assessment_status` when it has been read already: no query then.
    """
    if not scale_questions(current_app.extensions["catalog"]):
        return False
    if status is not None:
        return status[BEFORE] is None
    return get_assessment(user_id, BEFORE) is None


def _row_for(user_id: int, stage: str) -> SelfAssessment:
    row = get_assessment(user_id, stage)
    if row is not None:
        return row
    row = SelfAssessment(user_id=user_id, stage=stage, levels={}, skipped=False)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:  # a double submit created it first; update that one
        row = get_assessment(user_id, stage)
    return row


def save_assessment(user_id: int, stage: str, levels: dict[str, int]) -> SelfAssessment:
    """Record (or replace) the leader's levels for a stage; one row per stage, never two."""
    row = _row_for(user_id, stage)
    row.levels = dict(levels)
    row.skipped = False
    row.updated_at = utcnow()
    db.session.flush()
    return row


def skip_assessment(user_id: int, stage: str) -> SelfAssessment:
    """Note that the leader chose "not now"; answers already given are kept, never wiped."""
    row = _row_for(user_id, stage)
    if stage_status(row) != DONE:
        row.skipped = True
        row.updated_at = utcnow()
    db.session.flush()
    return row


@dataclass(frozen=True)
class AssessmentPage:
    """What the self-assessment form shows for one stage."""

    stage: str
    title: str
    questions: tuple[Scale, ...]
    chosen: dict[str, str]  # dimension -> the level as submitted, to pre-select
    status: str | None
    course_complete: bool

    @property
    def early(self) -> bool:
        """The "after" opened before the course is finished (allowed, but said)."""
        return self.stage == AFTER and not self.course_complete


def assessment_page(user_id: int, stage: str, catalog: Catalog) -> AssessmentPage | None:
    """The form for a stage with the leader's earlier answers; None when the course has none."""
    questions = scale_questions(catalog)
    if not questions:
        return None
    row = get_assessment(user_id, stage)
    chosen = {key: str(value) for key, value in (row.levels if row else {}).items()}
    complete = stage == AFTER and course_progress(user_id, catalog).complete
    return AssessmentPage(
        stage, catalog.self_assessment.title, questions, chosen, stage_status(row), complete
    )


def submitted_choices(questions: tuple[Scale, ...], form: Mapping[str, str]) -> dict[str, str]:
    """What the leader picked, kept on the form when it comes back with errors."""
    return {q.id: form[q.id] for q in questions if form.get(q.id)}


@dataclass(frozen=True)
class Growth:
    """Everything the "My growth" page shows."""

    status: dict[str, str | None]
    rows: tuple[GrowthRow, ...]
    stages: tuple[str, ...]  # the stages answered, in order
    chart: Chart | None
    course_complete: bool
    available: bool  # the course has a self-assessment at all

    @property
    def offer_after(self) -> bool:
        """The "after" is offered at the end of the course, or once the leader has opened it."""
        return self.course_complete or self.status[AFTER] is not None


def growth_report(user_id: int, catalog: Catalog) -> Growth:
    """The leader's own before and after levels per dimension, with the chart laid out."""
    questions = scale_questions(catalog)
    rows_by_stage = {row.stage: row for row in db.session.scalars(mine(SelfAssessment, user_id))}
    status = {stage: stage_status(rows_by_stage.get(stage)) for stage in STAGES}
    stages = tuple(stage for stage in STAGES if status[stage] == DONE)
    levels = {stage: rows_by_stage[stage].levels for stage in stages}
    rows = tuple(
        GrowthRow(
            q.id, dimension_name(q),
            *(_level(levels.get(stage, {}), q) for stage in STAGES),
        )
        for q in questions
    )
    maximum = max((q.maximum for q in questions), default=5)
    chart = growth_chart(rows, stages, maximum) if stages and rows else None
    complete = course_progress(user_id, catalog).complete
    return Growth(status, rows, stages, chart, complete, bool(questions))


def _level(levels: dict, question: Scale) -> int | None:
    """A stored level, if it is still a valid answer to the question as it stands now."""
    value = levels.get(question.id)
    return value if isinstance(value, int) and value in question.values else None
