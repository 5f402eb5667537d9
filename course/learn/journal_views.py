"""Leader views: my journal (search, Markdown download)."""

from __future__ import annotations

from datetime import date

from flask import Response, current_app, render_template, request
from flask_login import current_user

from course.access import leader_required
from course.journal.journal import (
    build_journal,
    format_number,
    highlight,
    journal_markdown,
    search_pattern,
)
from course.learn import bp


def catalog():
    """The course loaded at start-up."""
    return current_app.extensions["catalog"]


def markdown_download(text: str, filename: str) -> Response:
    """A Markdown file to save, never shown as a web page."""
    return Response(text, content_type="text/markdown; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
    })


@bp.get("/journal")
@leader_required
def journal():
    """Every reflection and experiment entry, by module and lesson; searchable."""
    query = request.args.get("q", "")
    found = build_journal(current_user.id, catalog(), query)
    pattern = search_pattern(query)
    return render_template("learn/journal.html", journal=found, number=format_number,
                           mark=lambda text: highlight(text, pattern))


@bp.get("/journal.md", endpoint="journal_markdown")
@leader_required
def journal_download():
    """The whole journal as a Markdown file."""
    today = date.today()
    text = journal_markdown(build_journal(current_user.id, catalog()), current_user.name, today)
    return markdown_download(text, f"clearing-journal-{today.isoformat()}.md")


# The case for change lives in its own module; importing it here registers its routes
# (course/learn/__init__.py imports this module).
from course.learn import case_views  # noqa: E402,F401
