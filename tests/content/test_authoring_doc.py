"""docs/authoring.md: its complete example passes the check, and its sample output is real."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from course.content import check_content, load_catalog
from course.content.commands import content

DOC = Path(__file__).resolve().parents[2] / "docs" / "authoring.md"
TITLED_BLOCK = re.compile(r'^(`{3,})\w+ title="([^"]+)"\n(.*?)\n\1$', re.M | re.S)
SAMPLE_OUTPUT = re.compile(r"problem, not just the first.*?\n```\n(.*?)\n```", re.S)


def write_example(root: Path) -> dict[str, str]:
    files = {path: text + "\n" for _, path, text in TITLED_BLOCK.findall(DOC.read_text())}
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    return files


def test_the_complete_example_passes(tmp_path):
    files = write_example(tmp_path)
    assert sorted(files) == [
        "lessons/01-out-of-the-fog/01-where-am-i.md",
        "lessons/01-out-of-the-fog/module.yml",
        "quizzes/where-am-i.yml",
    ]
    assert check_content(tmp_path) == []
    catalog = load_catalog(tmp_path)
    assert len(catalog.quiz("where-am-i").questions) == 5


def test_the_sample_output_is_what_check_prints(tmp_path):
    write_example(tmp_path)
    lesson = tmp_path / "lessons/01-out-of-the-fog/01-where-am-i.md"
    quiz = tmp_path / "quizzes/where-am-i.yml"
    lesson.write_text(lesson.read_text().replace("kind: fog", "kind: smog")
                      .replace("minutes: 20", "minutes: ten"))
    quiz.write_text(quiz.read_text().replace("type: true-false", "type: essay").replace(
        "        feedback: A policy before you know the situation fixes the wrong thing.\n", ""))
    result = CliRunner().invoke(content, ["check", "--content-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.strip() == SAMPLE_OUTPUT.search(DOC.read_text())[1]
