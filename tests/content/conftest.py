"""A small valid course copied into tmp_path for each test, with helpers to break it."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from course.content import check_content, load_catalog

FIXTURE_COURSE = Path(__file__).parent / "fixtures" / "course"
LESSON = "lessons/01-out-of-the-fog/01-where-am-i.md"
SECOND_LESSON = "lessons/01-out-of-the-fog/02-what-it-is-for.md"
MODULE = "lessons/01-out-of-the-fog/module.yml"
QUIZ = "quizzes/where-am-i.yml"


class Course:
    """A course folder under test: write, edit and check its files."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, path: str, text: str) -> Path:
        """Write a file (dedented) relative to the course root, creating folders."""
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text), encoding="utf-8")
        return target

    def read(self, path: str) -> str:
        return (self.root / path).read_text(encoding="utf-8")

    def replace(self, path: str, old: str, new: str) -> None:
        """Replace text that must occur exactly once in the file."""
        text = self.read(path)
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
        (self.root / path).write_text(text.replace(old, new), encoding="utf-8")

    def remove(self, path: str) -> None:
        target = self.root / path
        shutil.rmtree(target) if target.is_dir() else target.unlink()

    def problems(self) -> list[str]:
        """Return check_content's problems as `path:line: message` strings."""
        return [str(problem) for problem in check_content(self.root)]

    def load(self):
        return load_catalog(self.root)


def write_feedback(question: dict) -> None:
    """Fill every feedback a GIFT import left empty, as the author would."""
    for item in question.get("options", []) + question.get("pairs", []):
        item["feedback"] = item["feedback"] or "Written."
    for key in ("feedback_true", "feedback_false", "feedback_correct", "feedback_incorrect"):
        if key in question and not question[key]:
            question[key] = "Written."


@pytest.fixture
def course(tmp_path: Path) -> Course:
    """A copy of tests/content/fixtures/course: 2 modules, 3 lessons, 3 quizzes, valid."""
    root = tmp_path / "course"
    shutil.copytree(FIXTURE_COURSE, root)
    return Course(root)
