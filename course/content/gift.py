"""Import Moodle GIFT files as quizzes: `parse_gift`, `gift_to_quiz` and `import-gift`."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path

import click
import yaml

from course.config import content_dir
from course.content.gift_parse import BLANK, Refused, missing_feedback, read_question, slug

__all__ = ["BLANK", "GiftResult", "Refusal", "default_quiz_id", "gift_to_quiz", "import_gift",
           "parse_gift", "slug"]

_QUIZ_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# Moodle's category paths start with a context such as $course$; the rest names the questions.
_CONTEXTS = {"$course$", "$system$", "$module$", "$coursecategory$", "top"}


@dataclass(frozen=True)
class Refusal:
    """A GIFT question that was not imported, and why."""

    source: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.reason}"


@dataclass
class GiftResult:
    """Imported questions (with the line each started on), refusals and categories."""

    questions: list[dict] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)

    @property
    def missing_feedback(self) -> int:
        """Count the options and feedback fields imported empty, for the author to write."""
        return sum(missing_feedback(question) for question in self.questions)

    @property
    def category_title(self) -> str | None:
        """Return the last part of the first $CATEGORY path, a fallback quiz title."""
        for category in self.categories:
            parts = [p.strip() for p in category.split("/") if p.strip() not in _CONTEXTS]
            if parts and parts[-1]:
                return parts[-1]
        return None


def parse_gift(text: str, source: str) -> GiftResult:
    """Read GIFT text; every question is either imported or refused with its line."""
    result = GiftResult()
    taken: set[str] = set()
    for block in _blocks(text.removeprefix("\ufeff")):
        first = block[0][1].strip()
        if first.upper().startswith("$CATEGORY:"):
            result.categories.append(first.split(":", 1)[1].strip())
            block = block[1:]
            if not block:
                continue
        try:
            name, question = read_question(block)
        except Refused as exc:
            result.refused.append(Refusal(source, block[0][0], str(exc)))
            continue
        base = slug(name or "") or f"q{len(result.questions) + 1}"
        question_id, n = base, 1
        while question_id in taken:
            n += 1
            question_id = f"{base}-{n}"
        taken.add(question_id)
        result.questions.append({"id": question_id, **question})
        result.lines.append(block[0][0])
    return result


def _blocks(text: str):
    """Yield the (line number, line) pairs of each blank-line-separated block, sans comments."""
    block: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            if block:
                yield block
            block = []
        elif not line.lstrip().startswith("//"):
            block.append((number, line))
    if block:
        yield block


def gift_to_quiz(result: GiftResult, quiz_id: str, title: str | None = None) -> dict:
    """Return the quiz mapping {id, title, questions} for the imported questions."""
    title = title or result.category_title or quiz_id.replace("-", " ").capitalize()
    # Copies, so that YAML never sees one object twice and writes anchors and aliases.
    return {"id": quiz_id, "title": title, "questions": copy.deepcopy(result.questions)}


def default_quiz_id(path: Path) -> str:
    """Return the slug of a GIFT file's name without its .gift and .txt suffixes."""
    name = path.name
    while Path(name).suffix.lower() in (".gift", ".txt"):
        name = name[: -len(Path(name).suffix)]
    return slug(name)


def _read(path: Path) -> str:
    """Read a GIFT file as UTF-8, or fail with a message the author can act on."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise click.ClickException(f"{path}: no such file") from None
    except OSError as exc:
        raise click.ClickException(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise click.ClickException(
            f"{path}: is not UTF-8 text (bad byte at offset {exc.start}); save it as UTF-8"
        ) from None


def _shown(path: Path) -> str:
    """Return a path relative to the working folder when it is inside it, for messages."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


@click.command("import-gift")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the quiz YAML [default: quizzes/<id>.yml in the content].")
@click.option("--id", "quiz_id", help="Quiz id [default: slug of the file name].")
@click.option("--title", help="Quiz title [default: the GIFT $CATEGORY, or the id].")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
def import_gift(file: Path, out: Path | None, quiz_id: str | None, title: str | None,
                force: bool) -> None:
    """Import a Moodle GIFT FILE as a quiz; unsupported questions are refused with their line."""
    text = _read(file)
    quiz_id = quiz_id or default_quiz_id(file)
    if not _QUIZ_ID.fullmatch(quiz_id):
        raise click.ClickException(
            f"quiz id {quiz_id!r} must be lower-case letters and digits joined by hyphens: "
            "give one with --id"
        )
    if out is None:
        out = content_dir() / "quizzes" / f"{quiz_id}.yml"
    if out.exists() and not force:
        raise click.ClickException(f"{_shown(out)} already exists: use --force to replace it")
    result = parse_gift(text, str(file))
    for refusal in result.refused:
        click.echo(str(refusal), err=True)
    if not result.questions:
        raise click.ClickException(
            f"nothing imported from {file}: all {len(result.refused)} questions were refused"
            if result.refused else f"nothing imported from {file}: it holds no GIFT questions"
        )
    quiz = gift_to_quiz(result, quiz_id, title)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        yaml.safe_dump(quiz, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8"
    )
    click.echo(
        f"Imported {_plural(len(result.questions), 'question')}, refused {len(result.refused)} "
        f"({_plural(result.missing_feedback, 'option')} without feedback) -> {_shown(out)}"
    )
