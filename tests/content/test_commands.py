"""`flask content check` (and the import-gift wiring) through click's test runner."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from flask.cli import FlaskGroup

from course.content.commands import content
from tests.content.conftest import LESSON, QUIZ


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_check_passes_on_a_valid_course(runner, course):
    result = runner.invoke(content, ["check", "--content-dir", str(course.root)])
    assert result.exit_code == 0, result.output
    assert result.output == "OK: 2 modules, 3 lessons, 3 quizzes.\n"


def test_check_lists_every_problem_and_fails(runner, course):
    course.replace(LESSON, "kind: fog", "kind: smog")
    course.replace(QUIZ, "type: true-false", "type: essay")
    result = runner.invoke(content, ["check", "--content-dir", str(course.root)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{LESSON}:4: unknown kind 'smog' (expected fog, quest, movie or painting-by-numbers)",
        f"{QUIZ}:29: question 'recipe': unknown question type 'essay' (expected single, "
        "multiple, true-false, short, scale or matching)",
        "2 problems in 3 lessons and 3 quizzes.",
    ]


def test_check_reads_the_configured_folder(runner, course, monkeypatch):
    monkeypatch.setenv("COURSE_CONTENT_DIR", str(course.root))
    course.replace(LESSON, "minutes: 15", "minutes: 0")
    result = runner.invoke(content, ["check"])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == "1 problem in 3 lessons and 3 quizzes."


def test_check_on_a_missing_folder(runner, tmp_path):
    result = runner.invoke(content, ["check", "--content-dir", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert "does not exist" in result.output


def test_check_works_when_the_app_cannot_start(runner, course):
    # A bad course stops create_app; the plugin command must not need the app at all.
    def create_app():
        raise AssertionError("content check must not build the app")

    cli = FlaskGroup(create_app=create_app, add_default_commands=False, load_dotenv=False)
    cli.add_command(content)
    course.replace(LESSON, "kind: fog", "kind: smog")
    result = runner.invoke(cli, ["content", "check", "--content-dir", str(course.root)])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == "1 problem in 3 lessons and 3 quizzes."


def test_import_gift_is_a_content_command():
    assert set(content.commands) == {"check", "import-gift"}
