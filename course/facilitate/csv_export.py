"""The facilitator's CSV files: the matrix as shown, and one row per quiz question.

UTF-8 with a byte-order mark (so spreadsheet programs read names like "Zoë" right), a
header row, numbers as numbers and an empty cell for "none". A text cell that a
spreadsheet would run as a formula gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import datetime

from flask import Response

from course.facilitate.matrix_view import HEADINGS
from course.progress.activity import INACTIVE_AFTER
from course.progress.insight import Insight
from course.progress.matrix import STUCK, LeaderRow, Matrix
from course.progress.progress import IN_PROGRESS

FORMULA_START = ("=", "+", "-", "@")
# Spreadsheets skip leading spaces and control characters (NUL, tab, CR...) before they
# look for a formula, so the guard looks past them too.
IGNORED_LEAD = "".join(chr(code) for code in range(33)) + "\x7f"


def safe_cell(value: object) -> object:
    """A cell as written: None empty, numbers as they are, formula-like text defused."""
    if value is None:
        return ""
    if isinstance(value, str) and (
        value.lstrip(IGNORED_LEAD).startswith(FORMULA_START) or value[:1] in ("\t", "\r")
    ):
        return "'" + value
    return value


def csv_text(header: list[str], rows: Iterable[list[object]]) -> str:
    """The CSV document (RFC 4180 line ends), with a byte-order mark."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([safe_cell(cell) for cell in header])
    # One safe_cell per cell: inlining it bought nothing measurable (benchmarks/README.md).
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return out.getvalue()


def csv_response(filename: str, header: list[str], rows: Iterable[list[object]]) -> Response:
    """An attachment download of the CSV."""
    return Response(
        csv_text(header, rows).encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def file_name(cohort_name: str, what: str, now: datetime) -> str:
    """'harbour-cohort-progress-2026-11-22.csv': ASCII only, safe in a header."""
    slug = re.sub(r"[^a-z0-9]+", "-", cohort_name.lower()).strip("-")[:60] or "cohort"
    return f"{slug}-{what}-{now.date().isoformat()}.csv"


def matrix_header(matrix: Matrix) -> list[str]:
    """The screen's columns; its Leader cell (name, email, badges) split into five."""
    return [
        HEADINGS["name"], "Email", "Account", "Stuck", f"Inactive over {INACTIVE_AFTER.days} days",
        f"{HEADINGS['progress']} (%)", "Lessons done", f"{HEADINGS['active']} (UTC)",
        HEADINGS["reflections"], HEADINGS["shared"], f"{HEADINGS['quiz']} (%)",
        f"{HEADINGS['nudged']} (UTC)", "Nudges", HEADINGS["posts"], HEADINGS["replies"],
    ] + [f"{lesson.number}. {lesson.title}" for lesson in matrix.lessons]


def matrix_row(row: LeaderRow) -> list[object]:
    """One leader's figures; lesson cells hold the state words of course.progress.progress."""
    return [
        row.name, row.email, "active" if row.active else "deactivated",
        "yes" if row.stuck else "no", "yes" if row.inactive else "no",
        row.percent, row.done, row.last_active.date().isoformat() if row.last_active else None,
        row.reflections, row.shared, row.quiz_average,
        row.last_nudged.date().isoformat() if row.last_nudged else None, row.nudges,
        row.posts, row.replies_given,
    ] + [IN_PROGRESS if cell == STUCK else cell for cell in row.cells]  # as row.state()


QUESTION_HEADER = [
    "Lesson", "Quiz", "Question id", "Question", "Answered", "Right (%)",
    "Most chosen wrong option", "Times chosen",
]


def question_rows(insight: Insight) -> list[list[object]]:
    """One row per scored quiz question, in course order."""
    return [
        [f"{figures.lesson.number}. {figures.lesson.title}", figures.quiz.title, question.id,
         question.prompt, question.answered, question.percent_right,
         question.wrong_option, question.wrong_count if question.wrong_option else None]
        for figures in insight.quizzes
        for question in figures.questions
    ]
