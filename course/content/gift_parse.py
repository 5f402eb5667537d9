"""Read one GIFT question into the quiz format, refusing what the quiz format cannot hold."""

from __future__ import annotations

import re
import textwrap
import unicodedata
from typing import NamedTuple

# Escaped characters become Unicode noncharacters while the structure is parsed, so that an
# escaped control character can never be taken for syntax; they turn back into text at the end.
_HIDE = {char: chr(0xFDD0 + i) for i, char in enumerate("~=#{}:\\")}
_NEWLINE = chr(0xFDD7)
_ESCAPE = re.compile(r"\\([~=#{}:\\n])")
_RESTORE = str.maketrans({hidden: char for char, hidden in _HIDE.items()})
_MARKER = re.compile(r"\s*\[(markdown|html|plain|moodle)\]", re.IGNORECASE)
_WEIGHT = re.compile(r"\s*%(-?\d+(?:\.\d+)?)%")
_TRUE_FALSE = re.compile(r"(TRUE|FALSE|T|F)\s*(?:#(.*))?", re.IGNORECASE | re.DOTALL)
_WILDCARD = re.compile(r"(?<!\\)\*")
_MD_INLINE = re.compile(r"([\\`*_\[\]])")
_MD_LINE_START = re.compile(r"^(\s*)(\d+[.)]|[#>+-])", re.MULTILINE)
_FEEDBACK_KEYS = ("feedback_true", "feedback_false", "feedback_correct", "feedback_incorrect")
BLANK = "_____"


class Refused(Exception):
    """Raised while reading one question; its message is the reason it was not imported."""


class _Answer(NamedTuple):
    mark: str
    weight: float | None
    text: str
    feedback: str | None


def missing_feedback(question: dict) -> int:
    """Count a question's options and feedback fields that are empty."""
    empty = sum(1 for option in question.get("options", []) if not option["feedback"])
    return empty + sum(1 for key in _FEEDBACK_KEYS if key in question and not question[key])


def slug(text: str) -> str:
    """Return lower-case ASCII letters and digits joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def read_question(block: list[tuple[int, str]]) -> tuple[str | None, dict]:
    """Turn one block of (line number, line) into (name, question without id), or refuse it."""
    joined = "\n".join(line for _, line in block)
    full = _ESCAPE.sub(lambda m: _NEWLINE if m[1] == "n" else _HIDE[m[1]], joined).strip()

    def line_of(pos: int) -> int:
        return block[full.count("\n", 0, pos)][0]

    name, start = None, 0
    if full.startswith("::"):
        end = full.find("::", 2)
        if end < 0:
            raise Refused("malformed question: the name after '::' is not closed with '::'")
        name, start = _literal(full[2:end]), end + 2
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
    fmt, head = _marker(full[start:opening], "moodle")
    inside, _, general = full[opening + 1:closing].partition("####")
    question = _answers(inside.strip(), fmt)
    question = {"type": question.pop("type"), "prompt": _prompt(head, after, fmt), **question}
    if general.strip():
        question["explanation"] = _render(general, fmt)
    return name, question


def _answers(inside: str, fmt: str) -> dict:
    """Read the answer block into the fields of one question type."""
    if not inside:
        raise Refused("essay questions are not supported: the quiz format has no essay type")
    if inside.startswith("#"):
        raise Refused("numerical questions are not supported: the quiz format has no "
                      "numerical type")
    true_false = _TRUE_FALSE.fullmatch(inside)
    if true_false:
        return _true_false(true_false[1].upper().startswith("T"), true_false[2], fmt)
    if inside[0] not in "=~":
        raise Refused("malformed question: each answer must start with '=' (right) or '~' "
                      "(wrong)")
    parts = re.split(r"([=~])", inside)
    answers = []
    for mark, chunk in zip(parts[1::2], parts[2::2], strict=True):
        weight = _WEIGHT.match(chunk)
        if weight and not -100 <= float(weight[1]) <= 100:
            raise Refused(f"malformed question: weight %{weight[1]}% is outside -100..100")
        text, hash_, feedback = chunk[weight.end() if weight else 0:].partition("#")
        answers.append(_Answer(mark, float(weight[1]) if weight else None, text,
                               feedback if hash_ else None))
    if any(a.mark == "=" and "->" in a.text for a in answers):
        raise Refused("matching questions are not supported: the quiz format has no "
                      "matching type")
    if all(a.mark == "=" for a in answers):
        return _short(answers, fmt)
    return _choice(answers, fmt)


def _true_false(answer: bool, feedbacks: str | None, fmt: str) -> dict:
    """Build a true-false question; GIFT gives the wrong-answer feedback first."""
    notes = feedbacks.split("#") if feedbacks is not None else []
    if len(notes) > 2:
        raise Refused("malformed question: a true/false answer takes at most two #feedbacks")
    wrong, right = (notes + ["", ""])[:2]
    on_true, on_false = (right, wrong) if answer else (wrong, right)
    return {"type": "true-false", "answer": answer,
            "feedback_true": _render(on_true, fmt), "feedback_false": _render(on_false, fmt)}


def _short(answers: list[_Answer], fmt: str) -> dict:
    """Build a short-answer question from answers that are all marked right."""
    accept, notes, incorrect = [], {}, ""
    for answer in answers:
        text, weight = _literal(_marker(answer.text, fmt)[1]), answer.weight
        if weight == 0 and text == "*":
            # Moodle's idiom for "anything else": a 0% wildcard whose feedback is for wrong answers.
            incorrect = _render(answer.feedback or "", fmt)
            continue
        if weight is not None and weight != 100:
            raise Refused(f"short-answer questions with partial credit are not supported: the "
                          f"quiz format accepts short answers all-or-nothing ({text!r} is worth "
                          f"{_number(weight)}%)")
        if _WILDCARD.search(text):
            raise Refused(f"short answers with the wildcard '*' are not supported: the quiz "
                          f"format matches answers literally ({text!r})")
        if not text:
            raise Refused("malformed question: an answer has no text")
        accept.append(text.replace("\\*", "*"))
        if answer.feedback and answer.feedback.strip():
            notes.setdefault(_render(answer.feedback, fmt), []).append(text)
    if len(notes) > 1:
        # Per-answer feedback has no field of its own: keep each, labelled with its answers.
        correct = "\n\n".join(f"{_escape_markdown(' / '.join(texts), html=True)}: {note}"
                              for note, texts in notes.items())
    else:
        correct = next(iter(notes), "")
    return {"type": "short", "accept": accept, "feedback_correct": correct,
            "feedback_incorrect": incorrect}


def _choice(answers: list[_Answer], fmt: str) -> dict:
    """Build a single or multiple choice question, keeping GIFT's weights."""
    weights = [a.weight if a.weight is not None else 100 * (a.mark == "=") for a in answers]
    full, credit = weights.count(100), sum(w for w in weights if w > 0)
    if len(answers) < 2:
        raise Refused("malformed question: a choice question needs at least two answers")
    if credit <= 0:
        raise Refused("malformed question: no answer is right (mark one with '=' or give it a "
                      "positive %weight%)")
    if full > 1:
        raise Refused(f"multiple-choice questions with {full} fully right answers are not "
                      "supported: a single question has exactly one right option")
    # One answer worth 100% is a single choice (radio buttons, as in Moodle), and there only
    # that answer is 'correct'; otherwise the credit is shared by answers to choose together.
    if not full and abs(credit - 100) > 0.5:  # GIFT's thirds never add up exactly
        raise Refused(f"malformed question: the positive weights add up to {_number(credit)}%, "
                      "not 100%")
    weighted = any(a.weight is not None for a in answers)
    options = []
    for answer, weight in zip(answers, weights, strict=True):
        text = _render(answer.text, fmt)
        if not text:
            raise Refused("malformed question: an answer has no text")
        option: dict = {"text": text, "correct": weight == 100 if full else weight > 0}
        if weighted:
            option["weight"] = _number(weight)
        option["feedback"] = _render(answer.feedback or "", fmt)
        options.append(option)
    return {"type": "single" if full else "multiple", "options": options}


def _prompt(head: str, after: str, fmt: str) -> str:
    """Join the text around the answer block, with a blank line where a missing word goes."""
    left = _finish(head, fmt)
    if not after.strip():
        if not left:
            raise Refused("malformed question: there is no question text")
        return left
    right = _finish(after, fmt)
    gap = "" if right[0] in ".,;:!?)'\"" else " "
    return f"{left} {BLANK}{gap}{right}" if left else f"{BLANK}{gap}{right}"


def _number(value: float) -> int | float:
    return int(value) if value == int(value) else value


def _marker(raw: str, default: str) -> tuple[str, str]:
    """Split a leading [format] marker from GIFT text; parts without one inherit the default."""
    match = _MARKER.match(raw)
    return (match[1].lower(), raw[match.end():]) if match else (default, raw)


def _render(raw: str, default: str) -> str:
    """Turn a GIFT text part (with optional format marker) into quiz Markdown."""
    fmt, text = _marker(raw, default)
    return _finish(text, fmt)


def _finish(raw: str, fmt: str) -> str:
    """Unescape GIFT text and make it Markdown: html and markdown as written, others escaped."""
    lines = raw.translate(_RESTORE).split("\n")
    if fmt == "markdown":  # indentation can carry meaning in Markdown: keep it, relatively
        text = "\n".join([lines[0].strip(), textwrap.dedent("\n".join(lines[1:]))])
    else:  # Markdown reads a lone newline as a space, so plain text is joined with one
        text = ("\n" if fmt == "html" else " ").join(line.strip() for line in lines)
    # \n writes the line break a GIFT question cannot hold as a blank line: in Markdown and
    # HTML source it is a newline; in plain text it must be a visible break, a new paragraph.
    text = text.replace(_NEWLINE, "\n" if fmt in ("markdown", "html") else "\n\n")
    keep = str.rstrip if fmt == "markdown" else str.strip
    text = "\n".join(keep(line) for line in text.strip().split("\n"))
    if fmt in ("plain", "moodle"):
        # Moodle's own format allows HTML but no Markdown, so only plain text escapes HTML.
        return _escape_markdown(text, html=fmt == "plain")
    return text


def _escape_markdown(text: str, html: bool) -> str:
    if html:
        text = text.replace("&", "&amp;").replace("<", "&lt;")
    text = _MD_INLINE.sub(r"\\\1", text)
    # Only the last character of a line-start marker needs escaping: \#, \-, 1\.
    return _MD_LINE_START.sub(lambda m: f"{m[1]}{m[2][:-1]}\\{m[2][-1]}", text)


def _literal(raw: str) -> str:
    """Unescape GIFT text to a single plain line (names and accepted short answers)."""
    return " ".join(raw.replace(_NEWLINE, " ").translate(_RESTORE).split())
