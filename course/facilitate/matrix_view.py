"""What the facilitator asked to see of the matrix: a filter, a sort and a page, read from
the URL.

The page, its CSV and the tests share these, so the CSV holds exactly the rows and the
order the screen shows for the same query string (all of them: the CSV is not paged).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from math import ceil

from course.numbers import parse_int
from course.progress.activity import INACTIVE_AFTER, STUCK_AFTER
from course.progress.matrix import (
    ACTIVITY,
    CIRCLE,
    LESSONS,
    NUDGES,
    QUIZZES,
    REFLECTIONS,
    STATE_RANK,
    STUCK,
    LeaderRow,
    Matrix,
)
from course.progress.progress import DONE, IN_PROGRESS, NOT_STARTED

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
    ("posts", "Posts", lambda row: row.posts),  # in the cohort's circle now
    ("replies", "Replies given", lambda row: row.replies_given),
)
HEADINGS = {key: heading for key, heading, _ in COLUMNS}
# The figure (course.progress.matrix.FIGURES) each filter and sort reads of every leader;
# a page reads the others for its own rows only. A lesson-N sort reads LESSONS.
FILTER_READS = {"all": None, "inactive": ACTIVITY, "not-started": LESSONS, "stuck": LESSONS}
SORT_READS = {"name": None, "progress": LESSONS, "active": ACTIVITY, "reflections": REFLECTIONS,
              "shared": REFLECTIONS, "quiz": QUIZZES, "nudged": NUDGES, "posts": CIRCLE,
              "replies": CIRCLE}
VALUES = {key: value for key, _, value in COLUMNS}
# Each cell says its state in words (read out; shown as a symbol by the stylesheet, with a
# legend), not by colour alone.
CELLS = {  # code: (class, the words in the cell, the legend's explanation)
    DONE: ("cd", "Done", "Done"),
    IN_PROGRESS: ("co", "In progress", "In progress"),
    STUCK: ("cs", "Stuck", f"Stuck: in progress for over {STUCK_AFTER.days} days"),
    NOT_STARTED: ("cn", "", "Not started (an empty cell)"),
}
LESSON_PREFIX = "lesson-"  # sort=lesson-3 sorts by the third lesson's state
# Leaders per page: 100 rows (under 150 KB at 50 lessons), not a national cohort at once.
PAGE_SIZE = 100


@dataclass(frozen=True)
class MatrixQuery:
    """Which leaders to show (`show`) and in what order (`sort`, `dir`)."""

    show: str = "all"
    sort: str = "name"
    dir: str = ASC
    page: int = 1

    @classmethod
    def from_args(cls, args: Mapping[str, str], lesson_count: int) -> MatrixQuery:
        """Read the query string; anything unknown falls back to the default, never an error."""
        show = args.get("show", "all")
        sort = args.get("sort", "name")
        direction = args.get("dir") or default_direction(sort)
        if sort not in HEADINGS and lesson_index(sort, lesson_count) is None:
            sort = "name"
        page = args.get("page", "1")
        return cls(
            show=show if show in FILTERS else "all",
            sort=sort,
            dir=direction if direction in (ASC, DESC) else default_direction(sort),
            page=parse_int(page, minimum=1, maximum=999_999) or 1,
        )

    def args(self, **changes) -> dict[str, str | int]:
        """The query string for url_for, with some values changed; defaults left out."""
        # A dict, not dataclasses.replace: the page asks this of 60 column headings.
        values = {"show": self.show, "sort": self.sort, "dir": self.dir, "page": self.page,
                  **changes}
        return {key: value for key, value in values.items()
                if not (key == "show" and value == "all") and not (key == "page" and value == 1)}

    def sort_link(self, column: str) -> dict[str, str | int]:
        """The query string a column heading links to: the other direction if sorted by it,
        from the first page."""
        if column == self.sort:
            return self.args(dir=DESC if self.dir == ASC else ASC, page=1)
        return self.args(sort=column, dir=default_direction(column), page=1)

    def reads(self) -> set[str]:
        """The figures the filter and the sort read of every leader, not only a page's."""
        return {FILTER_READS[self.show], SORT_READS.get(self.sort, LESSONS)} - {None}

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
    if not column.startswith(LESSON_PREFIX):
        return None
    number = parse_int(column.removeprefix(LESSON_PREFIX), minimum=1, maximum=lesson_count)
    return None if number is None else number - 1


def lesson_column(index: int) -> str:
    """The sort key of the lesson at a 0-based position."""
    return f"{LESSON_PREFIX}{index + 1}"


def column_headings(lessons: tuple) -> list[tuple[str, str, str, int | None]]:
    """The table's headings in order: (sort key, heading, class, lesson number or None)."""
    return [(key, heading, "matrix-name" if key == "name" else "matrix-figure", None)
            for key, heading, _ in COLUMNS] + [
        (lesson_column(index), lesson.title, "matrix-lesson", lesson.number)
        for index, lesson in enumerate(lessons)]


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


@dataclass(frozen=True)
class RowPage:
    """One page of the selected rows; a page number past the end shows the last page."""

    rows: list[LeaderRow]
    number: int
    pages: int
    total: int
    offset: int  # rows before this page

    @classmethod
    def of(cls, rows: list[LeaderRow], number: int, size: int | None = None) -> RowPage:
        size = size or PAGE_SIZE
        pages = max(1, ceil(len(rows) / size))
        number = min(max(number, 1), pages)
        offset = (number - 1) * size
        return cls(rows[offset:offset + size], number, pages, len(rows), offset)

    @property
    def first(self) -> int:
        """The 1-based position of the page's first row (0 when there are none)."""
        return self.offset + 1 if self.rows else 0

    @property
    def last(self) -> int:
        """The 1-based position of the page's last row (0 when there are none)."""
        return self.offset + len(self.rows)

    def numbers(self, around: int = 2) -> list[int | None]:
        """Page numbers to link: the first, the last and those near this one; None for a gap."""
        near = range(self.number - around, self.number + around + 1)
        numbers: list[int | None] = []
        for number in sorted({1, self.pages, *near} & set(range(1, self.pages + 1))):
            if numbers and number - numbers[-1] > 1:
                numbers.append(None)
            numbers.append(number)
        return numbers
