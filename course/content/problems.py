"""Problems found in course files, and the error that carries them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one file: `path:line: message`, path relative to the content root.

    A warning (`path:line: warning: message`) is worth fixing but never stops the app.
    """

    path: str
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        kind = "warning: " if self.warning else ""
        return f"{self.path}:{self.line}: {kind}{self.message}"


class ContentError(Exception):
    """The course cannot be loaded; `problems` lists every reason."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


class Report:
    """Collects the problems of one file into a list shared by the whole check."""

    __slots__ = ("path", "problems", "count")

    def __init__(self, path: str, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems
        self.count = 0

    def add(self, line: int, message: str) -> None:
        """Record a problem at a line of this file."""
        self.problems.append(Problem(self.path, line, message))
        self.count += 1
