"""Walking the content folder: every file read, cross-checked, and frozen into a Catalog."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from course.content.fields import Fields
from course.content.files import NAME_RULE, NUMBERED_NAME, relative
from course.content.lessons import read_lesson, read_module
from course.content.models import Catalog, Lesson, Module, Quiz
from course.content.problems import ContentError, Problem, Report
from course.content.quizzes import read_quiz
from course.content.render import Renderer
from course.content.tells import find_warnings


def load_catalog(root: Path) -> Catalog:
    """Read, validate and render the course under `root`; raise ContentError on any problem.

    A `root` that is not a folder raises RuntimeError: that is a setting, not content.
    """
    catalog, problems = read_course(Path(root))
    if problems:
        raise ContentError(problems)
    return catalog


def check_content(root: Path) -> list[Problem]:
    """Return every problem in the course under `root`, sorted by file and line."""
    return read_course(Path(root))[1]


def check_warnings(root: Path) -> list[Problem]:
    """Return the warnings (quiz tells, lesson timings) for the course under `root`."""
    warnings: list[Problem] = []
    read_course(Path(root), warnings)
    return warnings


def read_course(
    root: Path, warnings: list[Problem] | None = None
) -> tuple[Catalog | None, list[Problem]]:
    """Return the catalog (None when anything is wrong) and every problem found.

    Warnings are looked for only when a `warnings` list is given (by `content check`):
    they never stop the app, so start-up does not spend time on them.
    """
    if not root.is_dir():
        # A mistyped COURSE_CONTENT_DIR would otherwise look like an empty course. It is a
        # configuration error, raised as such (RuntimeError, like the other settings).
        raise RuntimeError(
            f"content folder {root} does not exist: set COURSE_CONTENT_DIR to the folder "
            "holding lessons/ and quizzes/"
        )
    problems: list[Problem] = []
    render = Renderer()
    quizzes = _read_quizzes(root, problems, render)
    modules = _read_modules(root, problems, render)
    _check_unique("module id", [(fields, module.id) for module, fields, _ in modules])
    _check_unique("module order", [(fields, m.order) for m, fields, _ in modules], "order")
    lessons = [pair for _, _, module_lessons in modules for pair in module_lessons]
    _check_unique("lesson id", [(fields, lesson.id) for lesson, fields in lessons])
    _check_unique("quiz id", [(fields, quiz.id) for quiz, fields in quizzes])
    known = {quiz.id for quiz, _ in quizzes}
    for lesson, fields in lessons:
        if lesson.quiz_id is not None and lesson.quiz_id not in known:
            if not (root / "quizzes" / f"{lesson.quiz_id}.yml").exists():
                fields.problem("quiz", f"quiz '{lesson.quiz_id}' not found in quizzes/")
    problems.sort(key=lambda problem: (problem.path, problem.line))
    if warnings is not None:
        warnings += find_warnings(quizzes, lessons)
    if problems:
        return None, problems
    return _assemble(modules, [quiz for quiz, _ in quizzes]), problems


def _read_quizzes(root: Path, problems: list[Problem], render: Renderer) -> list:
    folder = root / "quizzes"
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        if path.suffix == ".yaml":
            Report(relative(root, path), problems).add(1, "quiz files end in .yml, not .yaml")
        elif path.suffix == ".yml":
            found.append(read_quiz(root, path, problems, render))
    return [pair for pair in found if pair is not None]


def _read_modules(root: Path, problems: list[Problem], render: Renderer) -> list:
    """Return (module, its fields, [(lesson, its fields)]) for each readable module folder."""
    folder = root / "lessons"
    if not folder.is_dir():
        return []
    modules = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.name.lower() == "readme.md":
            continue
        if path.is_file():
            if path.suffix == ".md":
                Report(relative(root, path), problems).add(
                    1, "lessons belong in a module folder: lessons/NN-module/NN-lesson.md"
                )
            continue
        report = Report(relative(root, path / "module.yml"), problems)
        match = NUMBERED_NAME.match(path.name)
        if match is None:
            report.add(1, f"module folder '{path.name}' must be named NN-slug ({NAME_RULE})")
            continue
        if not (path / "module.yml").is_file():
            report.add(1, "module.yml is missing: each module folder needs one "
                       "(id, title, order, summary)")
            module = None
        else:
            module = read_module(root, path / "module.yml", int(match[1]), problems)
        module_id = module[0].id if module else ""
        lessons = _read_lessons(root, path, module_id, problems, render)
        if module is not None:
            if not lessons and not _has_lesson_files(path):
                module[1].problem("id", f"module '{module_id}' has no lessons: add files "
                                  "named NN-slug.md beside module.yml")
            modules.append((*module, lessons))
    return modules


def _has_lesson_files(folder: Path) -> bool:
    return any(p.suffix == ".md" and p.name.lower() != "readme.md" for p in folder.iterdir())


def _read_lessons(
    root: Path, folder: Path, module_id: str, problems: list[Problem], render: Renderer
) -> list[tuple[Lesson, Fields]]:
    files, numbers = [], {}
    for path in sorted(folder.glob("*.md")):
        if path.name.lower() == "readme.md":  # notes for authors, not a lesson
            continue
        report = Report(relative(root, path), problems)
        if not NUMBERED_NAME.match(path.stem):
            report.add(1, f"lesson file '{path.name}' must be named NN-slug.md ({NAME_RULE})")
        elif path.name[:2] in numbers:
            report.add(1, f"lesson number {path.name[:2]} is also used by {numbers[path.name[:2]]}")
        else:
            numbers[path.name[:2]] = path.name
            files.append(path)
    lessons = [
        read_lesson(root, path, module_id, order, problems, render)
        for order, path in enumerate(files, 1)
    ]
    return [pair for pair in lessons if pair is not None]


def _check_unique(what: str, items: list[tuple[Fields, object]], key: str = "id") -> None:
    """Report each repeat of a value that must be unique, pointing at the first one."""
    first: dict[object, Fields] = {}
    for fields, value in items:
        if value in first:
            other = first[value]
            fields.problem(key, f"duplicate {what} '{value}' (also in "
                           f"{other.report.path}:{other.line(key)})")
        else:
            first[value] = fields


def _assemble(modules: list, quizzes: list[Quiz]) -> Catalog:
    ordered: list[Module] = []
    lessons: list[Lesson] = []
    for module, _, module_lessons in sorted(modules, key=lambda entry: entry[0].order):
        ids = tuple(lesson.id for lesson, _ in module_lessons)
        ordered.append(dataclasses.replace(module, lesson_ids=ids))
        for lesson, _ in module_lessons:
            lessons.append(dataclasses.replace(lesson, number=len(lessons) + 1))
    return Catalog.build(ordered, lessons, quizzes)
