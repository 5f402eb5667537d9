"""The GIFT importer on Moodle's own sample files, and the `import-gift` command."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from course.content import Matching, ShortAnswer, SingleChoice, check_content, load_catalog
from course.content.gift import default_quiz_id, gift_to_quiz, import_gift, parse_gift
from tests.content.conftest import write_feedback

# Moodle's own GIFT files, unchanged (see the README beside them).
SAMPLES = Path(__file__).parent / "fixtures" / "gift"
EXAMPLES = SAMPLES / "moodle-examples.gift.txt"
FIXTURE = SAMPLES / "moodle-fixture-questions.gift.txt"

NUMERICAL = "numerical questions are not supported: the quiz format has no numerical type"
ESSAY = "essay questions are not supported: the quiz format has no essay type"


def count_questions(text: str) -> tuple[int, int]:
    """Count questions two ways that share nothing with the parser, for it to be checked by.

    One counts unescaped opening braces outside comment lines (every question in the samples
    has exactly one answer block); the other counts blank-line-separated chunks that have
    something besides comments.
    """
    body = "\n".join(line for line in text.splitlines() if not re.match(r"\s*//", line))
    braces = len(re.findall(r"(?<!\\)\{", body))
    chunks = [chunk for chunk in re.split(r"\n\s*\n", body) if chunk.strip()]
    return braces, len(chunks)


def reasons(refused) -> Counter:
    return Counter(r.reason for r in refused)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.mark.parametrize(("path", "total", "imported", "refused"), [
    (EXAMPLES, 43, 35, {NUMERICAL: 8}),
    (FIXTURE, 9, 7, {ESSAY: 1, NUMERICAL: 1}),
])
def test_every_sample_question_is_imported_or_refused(path, total, imported, refused):
    text = path.read_text(encoding="utf-8")
    assert count_questions(text) == (total, total)
    result = parse_gift(text, path.name)
    assert len(result.questions) + len(result.refused) == total
    assert len(result.questions) == imported
    assert reasons(result.refused) == refused
    # Each question is reported at its own first line, and that line is question text.
    lines = text.splitlines()
    starts = result.lines + [r.line for r in result.refused]
    assert len(set(starts)) == total
    assert all(lines[n - 1].strip() and not lines[n - 1].lstrip().startswith("//")
               for n in starts)


def test_examples_file_imports_each_kind_of_question():
    result = parse_gift(EXAMPLES.read_text(encoding="utf-8"), "examples")
    by_id = {q["id"]: q for q in result.questions}
    assert Counter(q["type"] for q in result.questions) == {
        "single": 16, "short": 9, "true-false": 5, "matching": 3, "multiple": 2}
    assert by_id["jesus-hometown"]["prompt"] == "Jesus Christ was from _____."
    jesus = by_id["jesus-hometown"]["options"]
    assert [(o["weight"], o["correct"]) for o in jesus] == [
        (0, False), (25, False), (50, False), (100, True)]  # single: only the 100% is correct
    control = by_id["gift-control-characters"]["options"]
    assert [o["text"] for o in control] == ["~", "=", "\\#", "{", "}", "\\\\"]
    assert control[5]["correct"] is True
    assert control[5]["feedback"].startswith("Correct! \\\\ (backslash) is not a control")


def test_fixture_file_keeps_markers_and_true_false_feedback():
    result = parse_gift(FIXTURE.read_text(encoding="utf-8"), "fixture")
    by_id = {q["id"]: q for q in result.questions}
    assert by_id["q2"]["options"][1]["feedback"] == "wrong, it's yellow"  # [html] feedback
    assert [o["weight"] for o in by_id["colours"]["options"]] == [50, -100, 50, -100]
    assert by_id["q1"]["answer"] is False
    assert by_id["q1"]["feedback_true"] == "42 is the Ultimate Answer."
    assert by_id["q1"]["feedback_false"] == "You gave the right answer."
    assert by_id["q1"]["explanation"].startswith("This is, of course, a Hitchiker's Guide")
    assert [by_id[i]["answer"] for i in ("2-08-tsl", "2-08-tsl-2")] == [True, True]


def test_fixture_file_imports_matching_and_weighted_short_answers():
    result = parse_gift(FIXTURE.read_text(encoding="utf-8"), "fixture")
    by_id = {q["id"]: q for q in result.questions}
    activities = by_id["moodle-activities"]
    assert [(p["prompt"], p["answer"]) for p in activities["pairs"]][:2] == [
        ("An activity supporting asynchronous discussions.", "Forum"),
        ("A teacher asks a question and specifies a choice of multiple responses.", "Choice")]
    assert activities["distractors"] == ["Chat"]  # "= -> Chat" matches no prompt
    assert by_id["shortanswer"]["accept"] == [
        "Frog", {"text": "Cat", "weight": 50, "feedback": "What is it with Moodlers and cats?"}]
    assert by_id["shortanswer"]["feedback_incorrect"] == "Completely wrong"


@pytest.mark.parametrize("path", [EXAMPLES, FIXTURE])
def test_imported_samples_pass_the_check_once_feedback_is_written(tmp_path, path):
    quiz = gift_to_quiz(parse_gift(path.read_text(encoding="utf-8"), path.name), "samples")
    for question in quiz["questions"]:
        write_feedback(question)
    (tmp_path / "quizzes").mkdir()
    (tmp_path / "quizzes" / "samples.yml").write_text(
        yaml.safe_dump(quiz, sort_keys=False, allow_unicode=True), encoding="utf-8")
    assert [str(problem) for problem in check_content(tmp_path)] == []
    loaded = load_catalog(tmp_path).quiz("samples")
    assert len(loaded.questions) == len(quiz["questions"])
    kinds = {type(question) for question in loaded.questions}
    assert {Matching, ShortAnswer, SingleChoice} <= kinds


@pytest.mark.parametrize(("path", "summary", "refusals"), [
    (EXAMPLES, "Imported 35 questions, refused 8 (75 options without feedback)", 8),
    (FIXTURE, "Imported 7 questions, refused 2 (8 options without feedback)", 2),
])
def test_import_writes_yaml_and_ends_with_the_summary(runner, tmp_path, path, summary,
                                                      refusals):
    out = tmp_path / "quiz.yml"
    result = runner.invoke(import_gift, [str(path), "--out", str(out), "--id", "samples"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == f"{summary} -> {out}"
    errors = result.stderr.splitlines()
    assert len(errors) == refusals
    assert all(re.fullmatch(rf"{re.escape(str(path))}:\d+: .+", line) for line in errors)
    quiz = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert quiz["id"] == "samples" and quiz["title"] == "Samples"
    assert len(quiz["questions"]) == int(summary.split()[1])


def test_default_output_is_quizzes_id_yml_in_the_content_folder(runner, tmp_path,
                                                                monkeypatch):
    monkeypatch.setenv("COURSE_CONTENT_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    gift = tmp_path / "Week 1.gift.txt"
    gift.write_text("$CATEGORY: $course$/Listening first\n\nQ {T}\n", encoding="utf-8")
    result = runner.invoke(import_gift, [str(gift)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == (
        "Imported 1 question, refused 0 (2 options without feedback) -> quizzes/week-1.yml")
    quiz = yaml.safe_load((tmp_path / "quizzes" / "week-1.yml").read_text(encoding="utf-8"))
    assert quiz["id"] == "week-1" and quiz["title"] == "Listening first"


def test_an_existing_output_is_replaced_only_with_force(runner, tmp_path):
    gift, out = tmp_path / "q.gift", tmp_path / "q.yml"
    gift.write_text("::One::Q {=a#yes ~b#no}\n", encoding="utf-8")
    out.write_text("keep me\n", encoding="utf-8")
    refused = runner.invoke(import_gift, [str(gift), "--out", str(out), "--title", "Mine"])
    assert refused.exit_code == 1
    assert "already exists: use --force" in refused.stderr
    assert out.read_text(encoding="utf-8") == "keep me\n"
    forced = runner.invoke(import_gift, [str(gift), "--out", str(out), "--force"])
    assert forced.exit_code == 0, forced.output
    assert "(0 options without feedback)" in forced.stdout
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["questions"][0]["id"] == "one"


def test_a_missing_file_fails_clearly(runner, tmp_path):
    result = runner.invoke(import_gift, [str(tmp_path / "nope.gift")])
    assert result.exit_code == 1
    assert "nope.gift: no such file" in result.stderr


def test_a_file_that_is_not_utf8_fails_clearly(runner, tmp_path):
    gift = tmp_path / "latin.gift"
    gift.write_bytes("Café? {T}".encode("latin-1"))
    result = runner.invoke(import_gift, [str(gift), "--out", str(tmp_path / "x.yml")])
    assert result.exit_code == 1
    assert "is not UTF-8 text" in result.stderr
    assert not (tmp_path / "x.yml").exists()


def test_a_directory_fails_clearly(runner, tmp_path):
    result = runner.invoke(import_gift, [str(tmp_path), "--out", str(tmp_path / "x.yml")])
    assert result.exit_code == 1
    assert "cannot be read" in result.stderr


def test_nothing_importable_fails_and_writes_nothing(runner, tmp_path):
    gift, out = tmp_path / "essays.gift", tmp_path / "essays.yml"
    gift.write_text("// only essays\nHow are you? {}\n\nAnd now? {}\n", encoding="utf-8")
    result = runner.invoke(import_gift, [str(gift), "--out", str(out)])
    assert result.exit_code == 1
    assert f"{gift}:2: essay questions are not supported" in result.stderr
    assert "nothing imported" in result.stderr and "all 2 questions were refused" in result.stderr
    assert not out.exists()
    empty = tmp_path / "empty.gift"
    empty.write_text("// nothing here\n", encoding="utf-8")
    result = runner.invoke(import_gift, [str(empty), "--out", str(out)])
    assert result.exit_code == 1 and "holds no GIFT questions" in result.stderr


def test_a_bad_quiz_id_is_refused(runner, tmp_path):
    gift = tmp_path / "q.gift"
    gift.write_text("Q {T}\n", encoding="utf-8")
    result = runner.invoke(import_gift, [str(gift), "--id", "Not OK", "--out", "x.yml"])
    assert result.exit_code == 1 and "--id" in result.stderr


@pytest.mark.parametrize(("name", "expected"), [
    ("moodle-examples.gift.txt", "moodle-examples"),
    ("Week 1.GIFT", "week-1"),
    ("notes.txt", "notes"),
    ("quiz.v2.gift", "quiz-v2"),
])
def test_default_quiz_id_is_the_slug_of_the_stem(name, expected):
    assert default_quiz_id(Path(name)) == expected


def test_the_command_is_named_import_gift_and_needs_no_app():
    assert import_gift.name == "import-gift"
    assert {p.name for p in import_gift.params} >= {"file", "out", "quiz_id", "title", "force"}
