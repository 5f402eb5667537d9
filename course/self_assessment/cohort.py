"""The cohort's self-assessment: averages per dimension before and after, and their chart.

An average is shown only once a few leaders have answered, so no one's ratings show.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select

from course.content import Catalog, Scale
from course.extensions import db
from course.self_assessment.assessment import (
    AFTER,
    BEFORE,
    STAGES,
    dimension_name,
    scale_questions,
)
from course.self_assessment.chart import Chart, GrowthRow, growth_chart
from course.self_assessment.models import SelfAssessment

# A stage's average per dimension is shown once this many leaders have answered it, so no
# one leader's self-rating can be read off the chart.
MIN_GROUP = 3


@dataclass(frozen=True)
class DimensionFigures:
    """A dimension's cohort averages (None under MIN_GROUP answers) and how many answered."""

    dimension: str
    name: str
    before: float | None
    before_count: int
    after: float | None
    after_count: int

    @property
    def change_text(self) -> str:
        if self.before is None or self.after is None:
            return "not yet known"
        change = round(self.after - self.before, 1)
        if change == 0:
            return "no change"
        return f"+{change:.1f}" if change > 0 else f"\u2212{-change:.1f}"


def cohort_growth(leader_ids, catalog: Catalog):
    """(dimensions, leaders who answered each stage, chart or None, top level)."""
    dimensions, answered = _self_assessment(leader_ids, catalog)
    maximum = max((q.maximum for q in scale_questions(catalog)), default=5)
    return dimensions, answered, _chart(dimensions, maximum), maximum


def _self_assessment(leader_ids, catalog: Catalog) -> tuple[tuple[DimensionFigures, ...], dict]:
    questions = scale_questions(catalog)
    levels: dict[str, dict[str, list[int]]] = {stage: {} for stage in STAGES}
    answered = dict.fromkeys(STAGES, 0)
    for stage, given in db.session.execute(
        select(SelfAssessment.stage, SelfAssessment.levels).where(
            SelfAssessment.user_id.in_(leader_ids), SelfAssessment.skipped.is_(False)
        )
    ):
        if stage not in levels or not isinstance(given, dict) or not given:
            continue
        answered[stage] += 1
        for question in questions:
            value = given.get(question.id)
            if isinstance(value, int) and value in question.values:
                levels[stage].setdefault(question.id, []).append(value)

    def average(stage: str, dimension: str) -> tuple[float | None, int]:
        values = levels[stage].get(dimension, [])
        if len(values) < MIN_GROUP:
            return None, len(values)
        return round(sum(values) / len(values), 1), len(values)

    dimensions = tuple(
        DimensionFigures(q.id, dimension_name(q), *average(BEFORE, q.id), *average(AFTER, q.id))
        for q in questions if isinstance(q, Scale)
    )
    return dimensions, answered


def _chart(dimensions: tuple[DimensionFigures, ...], maximum: int) -> Chart | None:
    """The leaders' growth chart laid out for cohort averages; None with nothing to draw."""
    stages = tuple(
        stage for stage in STAGES if any(getattr(d, stage) is not None for d in dimensions)
    )
    if not stages:
        return None
    rows = tuple(GrowthRow(d.dimension, d.name, d.before, d.after) for d in dimensions)
    chart = growth_chart(rows, stages, maximum)
    slots = [(row, stage) for row in rows for stage in stages]  # the order bars are laid out
    bars = tuple(
        bar if getattr(row, stage) is not None
        else replace(bar, text=f"{stage.capitalize()}: under {MIN_GROUP} answers")
        for bar, (row, stage) in zip(chart.bars, slots, strict=True)
    )
    return replace(chart, bars=bars)
