"""A cohort's progress matrix and insight, on screen and as CSV (counts only, never text).

    GET  /cohorts/<id>/progress        progress        the matrix; ?show= &sort= &dir= &page=
    GET  /cohorts/<id>/progress.csv    progress_csv    the same rows, columns and order, all pages
    GET  /cohorts/<id>/insight         insight         lessons, quiz questions, growth
    GET  /cohorts/<id>/questions.csv   questions_csv   one row per quiz question
"""

from __future__ import annotations

from dataclasses import replace

from flask import Response, current_app, g, render_template, request, stream_with_context
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from course.facilitate import bp
from course.facilitate.csv_export import (
    QUESTION_HEADER,
    csv_response,
    file_name,
    matrix_header,
    matrix_row,
    question_rows,
)
from course.facilitate.formatting import email_breaks
from course.facilitate.matrix_view import (
    CELLS,
    FILTERS,
    MatrixQuery,
    RowPage,
    column_headings,
    select_rows,
    sort_label,
)
from course.models import utcnow
from course.progress.activity import INACTIVE_AFTER, STUCK_AFTER
from course.progress.insight import build_insight
from course.progress.matrix import FIGURES, LeaderRow, add_figures, build_matrix
from course.self_assessment.cohort import MIN_GROUP
from course.timezones import html_datetime, local_time

# A page of 100 leaders by 50 lessons has 5,000 cells: each kind is written once here, as
# short as HTML allows (the end tag of a cell is optional), and a row's cells joined in one
# go rather than rendered cell by cell in Jinja. The words are the cell's text (read out,
# and shown without CSS); the stylesheet shows a symbol instead, explained by the legend.
# A lesson not started is an empty cell with no class (the stylesheet's td:empty), as the
# caption and the legend say: most cells of a young cohort, so nine bytes each count.
CELL_HTML = {code: f"<td class={css}>{escape(words)}" if words else "<td>"
             for code, (css, words, _) in CELLS.items()}


DATE = "%-d %b %Y"
STATUSES = (  # the badges after a leader's name: (shown when, the badge)
    (lambda row: not row.active, ' <span class="status status-deactivated">Deactivated</span>'),
    (lambda row: row.stuck, ' <span class="status status-stuck">Stuck</span>'),
    (lambda row: row.inactive, ' <span class="status status-inactive">Inactive</span>'),
)
NO_QUIZ = '<span aria-hidden="true">–</span><span class="visually-hidden">no quiz yet</span>'


def _date(moment, viewer) -> str:
    """A <time> in the viewer's zone, or "Never"."""
    if moment is None:
        return "Never"
    return (f'<time datetime="{html_datetime(moment, viewer)}">'
            f"{local_time(moment, DATE, viewer)}</time>")


def row_html(row: LeaderRow, total: int, viewer) -> Markup:
    """A leader's row: the name cell, the figures in COLUMNS' order, the lesson cells.

    Written here rather than in Jinja: it runs once per row, 100 times a page, and this
    is a third of the cost. The figures' cells carry no class (the table styles them); the
    lesson cells end the row with no space before </tr>, so a lesson not started is an
    empty cell (the stylesheet's td:empty).
    """
    badges = "".join([badge for shown, badge in STATUSES if shown(row)])
    nudged = _date(row.last_nudged, viewer)
    if row.last_nudged is not None:
        nudged += f'<span class="matrix-of"> ({row.nudges})</span>'
    quiz = NO_QUIZ if row.quiz_average is None else f"{row.quiz_average}%"
    start = "<tr>" if row.active else '<tr class="row-deactivated">'
    return Markup(  # the name and the email are escaped; everything else is numbers or ours
        f'{start}'
        f'<th scope="row" class="matrix-name"><span class="leader-name">{escape(row.name)}'
        f'</span>{badges}<span class="matrix-email">{email_breaks(row.email)}</span></th>'
        f'<td>{row.percent}%<span class="matrix-of"> {row.done}/{total}</span>'
        f"<td>{_date(row.last_active, viewer)}<td>{row.reflections}<td>{row.shared}"
        f"<td>{quiz}<td>{nudged}<td>{row.posts}<td>{row.replies_given}"
        + "".join([CELL_HTML[cell] for cell in row.cells]) + "</tr>\n"
    )


# Template fragments per chunk sent: a few kilobytes, not one write per fragment.
STREAM_FRAGMENTS = 200


def stream_page(template: str, **context) -> Response:
    """Send a large page in chunks, so a 1,000-leader matrix is never held whole in memory.

    The view has loaded everything before the first chunk; the CSRF token the page's forms
    need is made now, while the session cookie can still be written.
    """
    generate_csrf()
    app = current_app._get_current_object()
    app.update_template_context(context)
    stream = app.jinja_env.get_template(template).stream(context)
    stream.enable_buffering(STREAM_FRAGMENTS)
    return Response(stream_with_context(stream), mimetype="text/html")


@bp.get("/cohorts/<int:cohort_id>/progress")
def progress():
    """Leaders by lessons, with each leader's figures; filtered, sorted and paged by the URL.

    Every leader's figures are read only where the filter or the sort needs them; the rest
    are read for the page's rows alone (at most PAGE_SIZE of a cohort of any size)."""
    cohort, catalog = g.cohort, current_app.extensions["catalog"]
    query = MatrixQuery.from_args(request.args, len(catalog.ordered_lessons))
    matrix = build_matrix(current_user, cohort, catalog, utcnow(), query.reads())
    rows = select_rows(matrix, query)
    page = RowPage.of(rows, query.page)
    page = replace(page, rows=add_figures(matrix, page.rows, set(FIGURES) - query.reads()))
    return stream_page(
        "facilitate/progress.html", cohort=cohort, matrix=matrix, query=query, rows=rows,
        page=page,
        headings=column_headings(matrix.lessons), filters=FILTERS, cells=CELLS,
        row_html=row_html, sort_label=sort_label(query, matrix.lessons),
        inactive_days=INACTIVE_AFTER.days, stuck_days=STUCK_AFTER.days,
        viewer=current_user._get_current_object(),  # their time zone, looked up once a date
    )


@bp.get("/cohorts/<int:cohort_id>/progress.csv")
def progress_csv():
    """The matrix as a spreadsheet: the rows, columns and order the screen shows."""
    cohort, catalog = g.cohort, current_app.extensions["catalog"]
    matrix = build_matrix(current_user, cohort, catalog, utcnow())
    rows = select_rows(matrix, MatrixQuery.from_args(request.args, len(matrix.lessons)))
    return csv_response(
        file_name(cohort.name, "progress", matrix.now), matrix_header(matrix),
        (matrix_row(row) for row in rows),
    )


@bp.get("/cohorts/<int:cohort_id>/insight")
def insight():
    """Completion per lesson, each quiz question, and the cohort's self-assessment."""
    cohort = g.cohort
    figures = build_insight(current_user, cohort, current_app.extensions["catalog"])
    return render_template(
        "facilitate/insight.html", cohort=cohort, insight=figures, min_group=MIN_GROUP
    )


@bp.get("/cohorts/<int:cohort_id>/questions.csv")
def questions_csv():
    """One row per quiz question: answered, % right, the most chosen wrong option."""
    cohort = g.cohort
    figures = build_insight(current_user, cohort, current_app.extensions["catalog"])
    return csv_response(
        file_name(cohort.name, "questions", utcnow()), QUESTION_HEADER, question_rows(figures)
    )
