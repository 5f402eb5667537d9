"""Reading course files: naming rules, UTF-8 text, hashes and YAML with its problems."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from course.content.problems import Problem, Report
from course.content.yamlsrc import LineDict, YamlProblem, parse_yaml

NUMBERED_NAME = re.compile(r"(\d\d)-[a-z0-9]+(?:-[a-z0-9]+)*\Z")
NAME_RULE = "two digits, a hyphen, then lower-case words joined by hyphens"


@dataclass(frozen=True)
class Source:
    """One file's text, its sha256 and the report its problems go to."""

    path: Path
    report: Report
    text: str
    content_hash: str


def relative(root: Path, path: Path) -> str:
    """Return `path` relative to the content root, with forward slashes."""
    return path.relative_to(root).as_posix()


def read_source(root: Path, path: Path, problems: list[Problem]) -> Source | None:
    """Read a UTF-8 file, or record why it cannot be read."""
    report = Report(relative(root, path), problems)
    try:
        data = path.read_bytes()
    except OSError as exc:
        report.add(1, f"cannot be read: {exc.strerror}")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        report.add(data.count(b"\n", 0, exc.start) + 1, "not UTF-8 text: save the file as UTF-8")
        return None
    return Source(path, report, text, hashlib.sha256(data).hexdigest())


def read_mapping(
    report: Report, text: str, what: str, needs: tuple[str, ...], line_offset: int = 0
) -> LineDict | None:
    """Parse YAML that must be a mapping of fields, recording malformed YAML at its line."""
    duplicates: list[tuple[int, str]] = []
    try:
        data = parse_yaml(text, line_offset, duplicates)
    except YamlProblem as problem:
        report.add(problem.line, problem.message)
        return None
    for line, message in duplicates:
        report.add(line, message)
    if data is None:
        report.add(1 + line_offset, f"{what} is empty: it needs {prose(needs, 'and')}")
        return None
    if not isinstance(data, dict):
        found = "a list" if isinstance(data, list) else f"'{data}'"
        line = getattr(data, "line", 1 + line_offset)
        report.add(line, f"{what} must be fields (key: value lines), not {found}")
        return None
    return data


def prose(words: tuple[str, ...] | list[str], last: str = "or") -> str:
    """Return 'a, b or c'."""
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + f" {last} " + words[-1]
