"""A GIFT answer block as Moodle reads it, turned into the fields of one question type."""

from __future__ import annotations

import re
from typing import NamedTuple

from course.content.gift_text import Refused, escape_markdown, literal, marker, number, render

_WEIGHT = re.compile(r"\s*%(-?\d+(?:\.\d+)?)%")
# Moodle accepts exactly these spellings (after trimming), so `{true}` is a short answer.
_TRUE_FALSE = re.compile(r"(TRUE|FALSE|T|F)\s*(?:#(.*))?", re.DOTALL)
_WILDCARD = re.compile(r"(?<!\\)\*")


class _Answer(NamedTuple):
    mark: str
    weight: float | None
    text: str
    feedback: str | None


def read_answers(inside: str, fmt: str) -> dict:
    """Read the answer block into the fields of one question type, in Moodle's order."""
    if not inside:
        raise Refused("essay questions are not supported: the quiz format has no essay type")
    if inside.startswith("#"):
        raise Refused("numerical questions are not supported: the quiz format has no "
                      "numerical type")
    if "~" in inside:  # only multiple choice has wrong answers
        return _choice([_parse(mark or "~", chunk) for mark, chunk in _chunks(inside, "=~")], fmt)
    if "=" in inside and "->" in inside:
        return _matching([chunk for _, chunk in _chunks(inside, "=")], fmt)
    true_false = _TRUE_FALSE.fullmatch(inside)
    if true_false:
        return _true_false(true_false[1].startswith("T"), true_false[2], fmt)
    return _short([_parse(mark or "=", chunk) for mark, chunk in _chunks(inside, "=")], fmt)


def _chunks(inside: str, marks: str) -> list[tuple[str, str]]:
    """Split at each mark; text before the first mark is an answer too (its mark is '')."""
    parts = re.split(f"([{marks}])", inside)
    leading = [("", parts[0])] if parts[0].strip() else []
    return leading + list(zip(parts[1::2], parts[2::2], strict=True))


def _parse(mark: str, chunk: str) -> _Answer:
    weight = _WEIGHT.match(chunk)
    if weight and not -100 <= float(weight[1]) <= 100:
        raise Refused(f"malformed question: weight %{weight[1]}% is outside -100..100")
    text, hash_, feedback = chunk[weight.end() if weight else 0:].partition("#")
    return _Answer(mark, float(weight[1]) if weight else None, text, feedback if hash_ else None)


def _true_false(answer: bool, feedbacks: str | None, fmt: str) -> dict:
    """Build a true-false question; GIFT gives the wrong-answer feedback first."""
    notes = feedbacks.split("#") if feedbacks is not None else []
    if len(notes) > 2:
        raise Refused("malformed question: a true/false answer takes at most two #feedbacks")
    wrong, right = (notes + ["", ""])[:2]
    on_true, on_false = (right, wrong) if answer else (wrong, right)
    return {"type": "true-false", "answer": answer,
            "feedback_true": render(on_true, fmt), "feedback_false": render(on_false, fmt)}


def _short(answers: list[_Answer], fmt: str) -> dict:
    """Build a short-answer question; an answer without a weight is worth 100%."""
    accept: list = []
    notes: dict[str, list[str]] = {}
    incorrect = ""
    for answer in answers:
        text = literal(marker(answer.text, fmt)[1])
        weight = 100 if answer.weight is None else answer.weight
        if weight == 0 and text == "*":
            # Moodle's idiom for "anything else": a 0% wildcard whose feedback is for wrong answers.
            incorrect = render(answer.feedback or "", fmt)
            continue
        if weight < 0:
            raise Refused(f"short answers cannot take marks away: {text!r} is worth "
                          f"{number(weight)}%")
        if _WILDCARD.search(text):
            raise Refused(f"short answers with the wildcard '*' are not supported: the quiz "
                          f"format matches answers literally ({text!r})")
        if not text:
            raise Refused("malformed question: an answer has no text")
        text = text.replace("\\*", "*")
        note = render(answer.feedback or "", fmt)
        if weight == 100:
            accept.append(text)
            if note:
                notes.setdefault(note, []).append(text)
        else:  # partial credit keeps its own feedback: feedback_correct would not fit it
            accept.append({"text": text, "weight": number(weight), **({"feedback": note}
                                                                      if note else {})})
    if not any(isinstance(item, str) for item in accept):
        raise Refused("malformed question: no short answer is worth 100% (give the best one "
                      "'=' without a weight)")
    if len(notes) > 1:
        # Full-credit answers share feedback_correct: keep each note, labelled with its answers.
        correct = "\n\n".join(f"{escape_markdown(' / '.join(texts), html=True)}: {note}"
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
    # An answer worth 100% makes a single choice (radio buttons, as in Moodle), where each
    # such answer is right and scores full marks; otherwise the credit is shared by answers
    # to choose together.
    if not full and abs(credit - 100) > 0.5:  # GIFT's thirds never add up exactly
        raise Refused(f"malformed question: the positive weights add up to {number(credit)}%, "
                      "not 100%")
    weighted = any(a.weight is not None for a in answers)
    options = []
    for answer, weight in zip(answers, weights, strict=True):
        text = render(answer.text, fmt)
        if not text:
            raise Refused("malformed question: an answer has no text")
        option: dict = {"text": text, "correct": weight == 100 if full else weight > 0}
        if weighted:
            option["weight"] = number(weight)
        option["feedback"] = render(answer.feedback or "", fmt)
        options.append(option)
    return {"type": "single" if full else "multiple", "options": options}


def _matching(chunks: list[str], fmt: str) -> dict:
    """Build a matching question: `=prompt -> answer`; an empty prompt adds a distractor."""
    pairs, distractors = [], []
    for chunk in chunks:
        left, arrow, right = chunk.partition("->")
        if not arrow:
            raise Refused(f"malformed question: the matching answer {literal(chunk)!r} has no "
                          "'->' between its prompt and its answer")
        answer = literal(right)  # Moodle lists answers as plain text
        if not answer:
            raise Refused("malformed question: a matching pair has no answer after '->'")
        prompt = render(left, fmt)
        if prompt:
            pairs.append({"prompt": prompt, "answer": answer, "feedback": ""})
        else:
            distractors.append(answer)
    if len(pairs) < 2:
        raise Refused("malformed question: a matching question needs at least two pairs")
    return {"type": "matching", "pairs": pairs, **({"distractors": distractors}
                                                   if distractors else {})}
