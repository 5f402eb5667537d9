"""The growth chart's geometry: horizontal bars per dimension, before hatched and after
solid, laid out in viewBox units for the shared SVG macro (templates/_paired_bars.html)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GrowthRow:
    """One dimension's levels before and after (None where not answered)."""

    dimension: str
    name: str
    before: int | None
    after: int | None

    @property
    def change(self) -> int | None:
        """After minus before, when both are known."""
        return None if self.before is None or self.after is None else self.after - self.before

    @property
    def change_text(self) -> str:
        """The change as a leader reads it: "+2", "−1" or "no change"."""
        if self.change is None:
            return "not yet known"
        if self.change == 0:
            return "no change"
        return f"+{self.change}" if self.change > 0 else f"\u2212{-self.change}"


# The chart is drawn in a 360-unit-wide viewBox, so its text stays legible on a phone.
CHART_WIDTH, BAR_AREA, TOP, GROUP_LABEL, BAR_HEIGHT, BAR_GAP = 360, 250, 26, 22, 18, 4


@dataclass(frozen=True)
class Bar:
    """One bar of the chart, its geometry in viewBox units and the words beside it."""

    stage: str
    x: int
    y: int
    width: int
    height: int
    text: str
    text_x: int
    text_y: int


@dataclass(frozen=True)
class Chart:
    """Horizontal bars, a group per dimension: hatched for before, solid for after."""

    width: int
    height: int
    ticks: tuple[tuple[int, int], ...]  # (level, x)
    labels: tuple[tuple[str, int], ...]  # (dimension name, baseline y)
    bands: tuple[tuple[int, int], ...]  # (top, bottom) of each group's bars, for the grid lines
    bars: tuple[Bar, ...]
    stages: tuple[str, ...]
    maximum: int


def growth_chart(rows: tuple[GrowthRow, ...], stages: tuple[str, ...], maximum: int) -> Chart:
    """Lay out the bars for the stages that have answers; bar length is level / maximum."""
    bars_height = len(stages) * (BAR_HEIGHT + BAR_GAP)
    group = GROUP_LABEL + bars_height + 12
    labels, bands, bars = [], [], []
    for index, row in enumerate(rows):
        top = TOP + index * group
        labels.append((row.name, top + 15))
        bands.append((top + GROUP_LABEL - 3, top + GROUP_LABEL + bars_height))
        for offset, stage in enumerate(stages):
            level = getattr(row, stage)
            y = top + GROUP_LABEL + offset * (BAR_HEIGHT + BAR_GAP)
            known = level is not None
            width = max(0, round(BAR_AREA * level / maximum)) if known else 0
            name = stage.capitalize()
            text = f"{name} {level}" if known else f"{name}: not answered"
            text_x = BAR_AREA + 8 if known else 4
            bars.append(Bar(stage, 0, y, width, BAR_HEIGHT, text, text_x, y + 14))
    ticks = tuple((level, round(BAR_AREA * level / maximum)) for level in range(1, maximum + 1))
    return Chart(CHART_WIDTH, TOP + len(rows) * group, ticks, tuple(labels), tuple(bands),
                 tuple(bars), stages, maximum)
