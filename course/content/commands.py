"""`flask content ...`: a CLI plugin that needs no app, so a bad course can still be checked."""

from __future__ import annotations

from pathlib import Path

import click

from course.config import content_dir
from course.content.fields import plural
from course.content.gift import import_gift
from course.content.loader import read_course


@click.group("content", help="Check and import course content (lessons and quizzes).")
def content() -> None:
    """Group the content commands; none of them needs the app or the database."""


@content.command("check")
@click.option(
    "--content-dir", "root", type=click.Path(file_okay=False, path_type=Path),
    help="Folder holding lessons/ and quizzes/ [default: COURSE_CONTENT_DIR or the repository].",
)
def check(root: Path | None) -> None:
    """Validate every lesson and quiz: one path:line: message per problem, exit 1 if any."""
    root = root or content_dir()
    try:
        catalog, problems = read_course(root)
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from None
    if problems:
        for problem in problems:
            click.echo(str(problem))
        lessons = len(list(root.glob("lessons/*/*.md")))
        quizzes = len(list(root.glob("quizzes/*.yml")))
        click.echo(
            f"{plural(len(problems), 'problem')} in {plural(lessons, 'lesson')} and "
            f"{plural(quizzes, 'quiz', 'quizzes')}."
        )
        raise SystemExit(1)
    click.echo(
        f"OK: {plural(len(catalog.modules), 'module')}, {plural(len(catalog.lessons), 'lesson')}, "
        f"{plural(len(catalog.quizzes), 'quiz', 'quizzes')}."
    )


content.add_command(import_gift)
