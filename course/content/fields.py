"""Typed reading of one YAML mapping; each wrong or missing field becomes a problem."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from course.content.problems import Report
from course.content.yamlsrc import LineDict, LineList

ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")


def describe(value: object, raw: str | None = None) -> str:
    """Name a wrong value the way an author wrote it."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return f"'{raw if raw is not None else value}'"


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """Return '1 lesson' or '3 lessons' (`nouns` when the plural is not noun + s)."""
    return f"{count} {noun}" if count == 1 else f"{count} {nouns or noun + 's'}"


class Fields:
    """One mapping from a course file, read field by field with problems for `report`."""

    def __init__(self, report: Report, data: LineDict, where: str = "") -> None:
        self.report = report
        self.data = data
        self.where = where

    def line(self, key: object = None) -> int:
        """Return the line of `key`, or of the mapping itself when the key is absent."""
        return self.data.key_lines.get(key, self.data.line)

    def problem(self, key: object, message: str) -> None:
        """Record a problem on the line of `key` (or of the mapping)."""
        self.report.add(self.line(key), f"{self.where}: {message}" if self.where else message)

    def only(self, allowed: Iterable[str]) -> None:
        """Report keys outside `allowed`: they are nearly always typos that would be ignored."""
        allowed = list(allowed)
        for key in self.data:
            if key in allowed:
                continue
            close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else "expected " + ", ".join(allowed)
            self.problem(key, f"unknown field '{key}' ({hint})")

    def _present(self, key: str, required: bool) -> bool:
        if key in self.data and self.data[key] is not None:
            return True
        if key in self.data:
            self.problem(key, f"'{key}' is empty")
        elif required:
            self.problem(key, f"missing required field '{key}'")
        return False

    def text(self, key: str, required: bool = True) -> str | None:
        """Return a non-empty string; numbers and yes/no are kept as the author typed them."""
        if not self._present(key, required):
            return None
        value = self.data[key]
        if isinstance(value, dict | list):
            self.problem(key, f"'{key}' must be text, not {describe(value)}")
            return None
        text = value if isinstance(value, str) else self.data.raw.get(key, str(value))
        if not text.strip():
            self.problem(key, f"'{key}' is empty")
            return None
        return text.strip()

    def ident(self, key: str = "id", required: bool = True) -> str | None:
        """Return an id made of lower-case letters, digits and hyphens."""
        value = self.text(key, required)
        if value is not None and not ID_PATTERN.match(value):
            self.problem(
                key, f"'{key}' must be lower-case letters, digits and hyphens, not '{value}'"
            )
            return None
        return value

    def integer(self, key: str, low: int, high: int, required: bool = True) -> int | None:
        """Return a whole number from `low` to `high`."""
        if not self._present(key, required):
            return None
        value = self.data[key]
        if type(value) is not int:
            raw = self.data.raw.get(key)
            self.problem(key, f"'{key}' must be a whole number, not {describe(value, raw)}")
            return None
        if not low <= value <= high:
            self.problem(key, f"'{key}' must be from {low} to {high}, not {value}")
            return None
        return value

    def number(self, key: str, low: float, high: float) -> float | None:
        """Return an optional number (whole or decimal) from `low` to `high`."""
        if not self._present(key, required=False):
            return None
        value = self.data[key]
        if type(value) not in (int, float):
            raw = self.data.raw.get(key)
            self.problem(key, f"'{key}' must be a number, not {describe(value, raw)}")
            return None
        if not low <= value <= high:
            self.problem(key, f"'{key}' must be from {low} to {high}, not {value}")
            return None
        return float(value)

    def boolean(self, key: str, required: bool = True) -> bool | None:
        """Return true or false (quoted "true"/"false" are accepted too)."""
        if not self._present(key, required):
            return None
        value = self.data[key]
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        if not isinstance(value, bool):
            raw = self.data.raw.get(key)
            self.problem(key, f"'{key}' must be true or false, not {describe(value, raw)}")
            return None
        return value

    def items(
        self, key: str, low: int = 1, high: int | None = None, required: bool = True
    ) -> LineList | None:
        """Return a list holding `low` to `high` items."""
        if not self._present(key, required):
            return None
        value = self.data[key]
        if not isinstance(value, list):
            raw = self.data.raw.get(key)
            self.problem(key, f"'{key}' must be a list, not {describe(value, raw)}")
            return None
        if len(value) < low or (high is not None and len(value) > high):
            wanted = f"at least {plural(low, 'item')}"
            if high is not None:
                wanted = plural(low, "item") if low == high else f"{low} to {high} items"
            self.problem(key, f"'{key}' needs {wanted}, not {len(value)}")
            return None
        return value

    def texts(
        self, key: str, low: int = 1, high: int | None = None, required: bool = True
    ) -> tuple[str, ...] | None:
        """Return a list of non-empty strings."""
        values = self.items(key, low, high, required)
        if values is None:
            return None
        result = []
        for index, value in enumerate(values):
            if isinstance(value, dict | list) or value is None or not str(value).strip():
                line = values.lines[index]
                what = "empty" if value is None or isinstance(value, str) else describe(value)
                item = f"{self.where}: " if self.where else ""
                self.report.add(line, f"{item}item {index + 1} of '{key}' must be text, not {what}")
                return None
            raw = values.raw[index]
            result.append((value if isinstance(value, str) else raw or str(value)).strip())
        return tuple(result)

    def mapping(self, key: str, where: str | None = None) -> Fields | None:
        """Return a required nested mapping as Fields."""
        if not self._present(key, required=True):
            return None
        value = self.data[key]
        if not isinstance(value, dict):
            raw = self.data.raw.get(key)
            self.problem(key, f"'{key}' must be a mapping of fields, not {describe(value, raw)}")
            return None
        return Fields(self.report, value, where if where is not None else key)

    def mappings(self, key: str, low: int = 1, high: int | None = None) -> list[Fields] | None:
        """Return a list of mappings, each as Fields labelled by its position."""
        values = self.items(key, low, high)
        if values is None:
            return None
        result = []
        for index, value in enumerate(values):
            if not isinstance(value, dict):
                item = f"{self.where}: " if self.where else ""
                self.report.add(
                    values.lines[index],
                    f"{item}item {index + 1} of '{key}' must be a mapping of fields, "
                    f"not {describe(value, values.raw[index])}",
                )
                return None
            result.append(Fields(self.report, value))
        return result
