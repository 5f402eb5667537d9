"""GIFT text: escaped characters, [format] markers, and each text part as quiz Markdown.

Texts must read as Moodle shows them: each escape (\\~ \\= \\# \\{ \\} \\: \\% \\\\ \\n) is
decoded once, then the text is escaped only where the course's Markdown would change it.
"""

from __future__ import annotations

import re
import textwrap

# Escaped characters become Unicode noncharacters while the structure is parsed, so that an
# escaped control character can never be taken for syntax; they turn back into text at the end.
_CONTROL = "~=#{}:\\%"
HIDE = {char: chr(0xFDD0 + i) for i, char in enumerate(_CONTROL)}
NEWLINE = chr(0xFDD0 + len(_CONTROL))
_ESCAPE = re.compile(r"\\([~=#{}:\\%n])")
_RESTORE = str.maketrans({hidden: char for char, hidden in HIDE.items()})
_MARKER = re.compile(r"\s*\[(markdown|html|plain|moodle)\]", re.IGNORECASE)
_MD_INLINE = re.compile(r"([\\`*_\[\]])")
_MD_LINE_START = re.compile(r"^(\s*)(\d+[.)]|[#>+-])", re.MULTILINE)


class Refused(Exception):
    """Raised while reading one question; its message is the reason it was not imported."""


def hide_escapes(text: str) -> str:
    """Replace each escaped character by its placeholder (and \\n by the line-break one)."""
    return _ESCAPE.sub(lambda m: NEWLINE if m[1] == "n" else HIDE[m[1]], text)


def number(value: float) -> int | float:
    """Return a weight as GIFT wrote it: 50, not 50.0."""
    return int(value) if value == int(value) else value


def marker(raw: str, default: str) -> tuple[str, str]:
    """Split a leading [format] marker from GIFT text; parts without one inherit the default."""
    match = _MARKER.match(raw)
    return (match[1].lower(), raw[match.end():]) if match else (default, raw)


def render(raw: str, default: str) -> str:
    """Turn a GIFT text part (with optional format marker) into quiz Markdown."""
    fmt, text = marker(raw, default)
    return finish(text, fmt)


def finish(raw: str, fmt: str) -> str:
    """Unescape GIFT text and make it Markdown: html and markdown as written, others escaped."""
    lines = raw.translate(_RESTORE).split("\n")
    if fmt == "markdown":  # indentation can carry meaning in Markdown: keep it, relatively
        text = "\n".join([lines[0].strip(), textwrap.dedent("\n".join(lines[1:]))])
    else:  # Markdown reads a lone newline as a space, so plain text is joined with one
        text = ("\n" if fmt == "html" else " ").join(line.strip() for line in lines)
    # \n writes the line break a GIFT question cannot hold as a blank line: in Markdown and
    # HTML source it is a newline; in plain text it must be a visible break, a new paragraph.
    text = text.replace(NEWLINE, "\n" if fmt in ("markdown", "html") else "\n\n")
    keep = str.rstrip if fmt == "markdown" else str.strip
    text = "\n".join(keep(line) for line in text.strip().split("\n"))
    if fmt in ("plain", "moodle"):
        # Moodle's own format allows HTML but no Markdown, so only plain text escapes HTML.
        return escape_markdown(text, html=fmt == "plain")
    return text


def escape_markdown(text: str, html: bool) -> str:
    """Backslash the characters Markdown would read as markup (and, if `html`, & and <)."""
    if html:
        text = text.replace("&", "&amp;").replace("<", "&lt;")
    text = _MD_INLINE.sub(r"\\\1", text)
    # Only the last character of a line-start marker needs escaping: \#, \-, 1\.
    return _MD_LINE_START.sub(lambda m: f"{m[1]}{m[2][:-1]}\\{m[2][-1]}", text)


def literal(raw: str) -> str:
    """Unescape GIFT text to a single plain line (names, short answers, matching answers)."""
    return " ".join(raw.replace(NEWLINE, " ").translate(_RESTORE).split())
