"""Read one GIFT question into the quiz format, refusing what the quiz format cannot hold."""

from __future__ import annotations

import re
import unicodedata

from course.content.gift_answers import read_answers
from course.content.gift_text import Refused, finish, hide_escapes, literal, marker, render

__all__ = ["BLANK", "Refused", "missing_feedback", "read_question", "slug"]

_FEEDBACK_KEYS = ("feedback_true", "feedback_false", "feedback_correct", "feedback_incorrect")
BLANK = "_____"


def missing_feedback(question: dict) -> int:
    """Count a question's options, pairs and feedback fields that are empty."""
    items = question.get("options", []) + question.get("pairs", [])
    empty = sum(1 for item in items if not item["feedback"])
    return empty + sum(1 for key in _FEEDBACK_KEYS if key in question and not question[key])


def slug(text: str) -> str:
    """Return lower-case ASCII letters and digits joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def read_question(block: list[tuple[int, str]]) -> tuple[str | None, dict]:
    """Turn one block of (line number, line) into (name, question without id), or refuse it."""
    joined = "\n".join(line for _, line in block)
    full = hide_escapes(joined).strip()

    def line_of(pos: int) -> int:
        return block[full.count("\n", 0, pos)][0]

    name, start = None, 0
    if full.startswith("::"):
        end = full.find("::", 2)
        if end < 0:
            raise Refused("malformed question: the name after '::' is not closed with '::'")
        name, start = literal(full[2:end]), end + 2
    opening, closing = full.find("{", start), full.find("}", start)
    if 0 <= closing < opening or (opening < 0 <= closing):
        raise Refused(f"malformed question: '}}' on line {line_of(closing)} has no '{{' before it")
    if opening < 0:
        raise Refused("description questions are not supported: the quiz format has no "
                      "description type (this text has no answer block {...})")
    if closing < 0:
        raise Refused(f"malformed question: '{{' on line {line_of(opening)} is never closed "
                      "with '}' (a blank line ends a question)")
    nested = full.find("{", opening + 1, closing)
    if nested >= 0:
        raise Refused(f"malformed question: '{{' on line {line_of(opening)} is not closed "
                      f"before the next '{{' on line {line_of(nested)}")
    after = full[closing + 1:]
    if "{" in after or "}" in after:
        raise Refused("malformed question: more than one answer block (escape a literal brace "
                      "as \\{ or \\})")
    fmt, head = marker(full[start:opening], "moodle")
    inside, _, general = full[opening + 1:closing].partition("####")
    question = read_answers(inside.strip(), fmt)
    question = {"type": question.pop("type"), "prompt": _prompt(head, after, fmt), **question}
    if general.strip():
        question["explanation"] = render(general, fmt)
    return name, question


def _prompt(head: str, after: str, fmt: str) -> str:
    """Join the text around the answer block, with a blank line where a missing word goes."""
    left = finish(head, fmt)
    if not after.strip():
        if not left:
            raise Refused("malformed question: there is no question text")
        return left
    right = finish(after, fmt)
    gap = "" if right[0] in ".,;:!?)'\"" else " "
    return f"{left} {BLANK}{gap}{right}" if left else f"{BLANK}{gap}{right}"
