"""What the facilitator asked to see of the matrix: a filter and a sort, read from the URL.

The page, its CSV and the tests share these, so the CSV holds exactly the rows and the
order the screen shows for the same query string.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from course.facilitate.matrix import (
    INACTIVE_AFTER,
    STATE_RANK,
    STUCK,
    STUCK_AFTER,
    LeaderRow,
    Matrix,
)
from course.learn.progress import DONE, IN_PROGRESS, NOT_STARTED

ASC, DESC = "asc", "desc"
FILTERS = {
    "all": "Everyone",
    "inactive": f"Inactive for over {INACTIVE_AFTER.days} days",
    "not-started": "Not started yet",
    "stuck": f"Stuck: a lesson in progress for over {STUCK_AFTER.days} days",
}
KEEP: dict[str, Callable[[LeaderRow], bool]] = {
    "all": lambda row: True,
    "inactive": lambda row: row.inactive,
    "not-started": lambda row: not row.started,
    "stuck": lambda row: row.stuck,
}
# The figures beside the lesson cells, in screen order: (sort key, heading, value of a row).
COLUMNS: tuple[tuple[str, str, Callable[[LeaderRow], object]], ...] = (
    ("name", "Leader", lambda row: row.name.casefold()),
    ("progress", "Progress", lambda row: row.percent),
    ("active", "Last active", lambda row: row.last_active),
    ("reflections", "Reflections", lambda row: row.reflections),
    ("shared", "Shared", lambda row: row.shared),
    ("quiz", "Quiz average", lambda row: row.quiz_average),
    ("nudged", "Last nudged", lambda row: row.last_nudged),
)
HEADINGS = {key: heading for key, heading, _ in COLUMNS}
VALUES = {key: value for key, _, value in COLUMNS}
# Each cell says its state in words (read out; shown as a symbol by the stylesheet, with a
# legend), not by colour alone.
CELLS = {  # code: (class suffix, label)
    DONE: ("done", "Done"),
    IN_PROGRESS: ("open", "In progress"),
    STUCK: ("stuck", f"In progress for over {STUCK_AFTER.days} days"),
    NOT_STARTED: ("none", "Not started"),
}
LESSON_PREFIX = "lesson-"  # sort=lesson-3 sorts by the third lesson's state


@dataclass(frozen=True)
class MatrixQuery:
    """Which leaders to show (`show`) and in what order (`sort`, `dir`)."""

    show: str = "all"
    sort: str = "name"
    dir: str = ASC

    @classmethod
    def from_args(cls, args: Mapping[str, str], lesson_count: int) -> MatrixQuery:
        """Read the query string; anything unknown falls back to the default, never an error."""
        show = args.get("show", "all")
        sort = args.get("sort", "name")
        direction = args.get("dir") or default_direction(sort)
        if sort not in HEADINGS and lesson_index(sort, lesson_count) is None:
            sort = "name"
        return cls(
            show=show if show in FILTERS else "all",
            sort=sort,
            dir=direction if direction in (ASC, DESC) else default_direction(sort),
        )

    def args(self, **changes: str) -> dict[str, str]:
        """The query string for url_for, with some values changed; defaults left out."""
        query = replace(self, **changes)
        values = {"show": query.show, "sort": query.sort, "dir": query.dir}
        return {key: value for key, value in values.items()
                if not (key == "show" and value == "all")}

    def sort_link(self, column: str) -> dict[str, str]:
        """The query string a column heading links to: the other direction if sorted by it."""
        if column == self.sort:
            return self.args(dir=DESC if self.dir == ASC else ASC)
        return self.args(sort=column, dir=default_direction(column))

    def aria_sort(self, column: str) -> str | None:
        """The aria-sort value of a column heading: only the sorted column has one."""
        if column != self.sort:
            return None
        return "ascending" if self.dir == ASC else "descending"


def default_direction(column: str) -> str:
    """Names A to Z; figures and lessons with the most (the furthest along) first."""
    return ASC if column == "name" else DESC


def lesson_index(column: str, lesson_count: int) -> int | None:
    """The 0-based lesson a `lesson-N` sort key names, or None."""
    number = column.removeprefix(LESSON_PREFIX)
    if column.startswith(LESSON_PREFIX) and number.isdigit() and 1 <= int(number) <= lesson_count:
        return int(number) - 1
    return None


def lesson_column(index: int) -> str:
    """The sort key of the lesson at a 0-based position."""
    return f"{LESSON_PREFIX}{index + 1}"


def sort_label(query: MatrixQuery, lessons: tuple) -> str:
    """'sorted by progress, descending', for the line above the matrix."""
    index = lesson_index(query.sort, len(lessons))
    column = HEADINGS[query.sort].lower() if index is None else f"lesson {index + 1}"
    return f"sorted by {column}, {'ascending' if query.dir == ASC else 'descending'}"


def select_rows(matrix: Matrix, query: MatrixQuery) -> list[LeaderRow]:
    """The rows the query keeps, sorted; leaders without a figure (never active, no quiz) last."""
    keep = KEEP[query.show]
    rows = sorted((row for row in matrix.rows if keep(row)),
                  key=lambda row: (row.name.casefold(), row.id))
    index = lesson_index(query.sort, len(matrix.lessons))
    if index is not None:
        value = lambda row: STATE_RANK[row.cells[index]]  # noqa: E731
    else:
        value = VALUES[query.sort]
    known = [row for row in rows if value(row) is not None]
    known.sort(key=value, reverse=query.dir == DESC)  # stable: ties stay in name order
    return known + [row for row in rows if value(row) is None]
