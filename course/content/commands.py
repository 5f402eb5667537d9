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
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too, not only problems.")
def check(root: Path | None, strict: bool) -> None:
    """Validate every lesson and quiz: one path:line: message per problem, exit 1 if any.

    Warnings (quiz tells, lesson timings) print as path:line: warning: message and fail
    the check only with --strict.
    """
    root = root or content_dir()
    warnings: list = []
    try:
        catalog, problems = read_course(root, warnings)
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from None
    for problem in sorted(problems + warnings):
        click.echo(str(problem))
    counted = f" and {plural(len(warnings), 'warning')}" if warnings else ""
    if problems or (strict and warnings):
        lessons = len(list(root.glob("lessons/*/*.md")))
        quizzes = len(list(root.glob("quizzes/*.yml")))
        found = (f"{plural(len(problems), 'problem')}{counted}" if problems
                 else plural(len(warnings), "warning"))
        strictly = "" if problems else " (--strict fails on warnings)"
        click.echo(f"{found} in {plural(lessons, 'lesson')} and "
                   f"{plural(quizzes, 'quiz', 'quizzes')}{strictly}.")
        raise SystemExit(1)
    click.echo(
        f"OK: {plural(len(catalog.modules), 'module')}, {plural(len(catalog.lessons), 'lesson')}, "
        f"{plural(len(catalog.quizzes), 'quiz', 'quizzes')}"
        + (f"; {plural(len(warnings), 'warning')}." if warnings else ".")
    )


content.add_command(import_gift)
