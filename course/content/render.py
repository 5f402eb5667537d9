"""Markdown to sanitised HTML: Python-Markdown, typographic quotes, then the nh3 allow-list."""

from __future__ import annotations

import html
import re
import threading

import markdown
import nh3

from course.content import fastinline

EXTENSIONS = [
    "admonition",
    "pymdownx.details",
    "pymdownx.superfences",
    "pymdownx.highlight",
    "tables",
]
EXTENSION_CONFIGS = {
    # Plain <pre><code class="language-x"> blocks: no inline styles for the sanitiser to strip.
    "pymdownx.highlight": {"use_pygments": False},
    # align="..." instead of style="text-align: ...", which the allow-list refuses.
    "tables": {"use_align_attribute": True},
}

_CLEANER = nh3.Cleaner(
    tags={
        "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "ul", "ol", "li", "a",
        "em", "strong", "code", "pre", "blockquote", "details", "summary", "div",
        "table", "thead", "tbody", "tr", "th", "td",
    },
    clean_content_tags={"script", "style"},
    attributes={
        "a": {"href", "title"},
        "div": {"class"},
        "p": {"class"},
        "details": {"class", "open"},
        "pre": {"class"},
        "code": {"class"},
        "ol": {"start"},
    },
    tag_attribute_values={
        "th": {"align": {"left", "right", "center"}},
        "td": {"align": {"left", "right", "center"}},
    },
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer",
    strip_comments=True,
)

# A line that Markdown would pass through unchanged: no markup characters, no first
# character that could open a list, heading, quote or admonition, no trailing space (a break).
_PLAIN_LINE = r"(?:[^\W\d_]|[\"'(“‘])(?:[^\W_]|[ ,.;:?!'\"()/%£$€’‘“”–—-])*(?<! )"
# Paragraphs of such lines: most quiz feedback. They skip Markdown, which is the slow part
# of loading a course; tests check that both ways give the same HTML.
_PLAIN = re.compile(rf"{_PLAIN_LINE}(?:\n\n?{_PLAIN_LINE})*\Z")
_PARAGRAPH_BREAK = re.compile(r"\n\n")
# Images are not in the allow-list, so their syntax is left to read as a link instead.
_UNUSED_PATTERNS = ("image_link", "image_reference", "short_image_ref", "automail")
_BREAKS = re.compile(r"<br\s*/?>|</(?:p|li|h[1-6]|div|pre|blockquote|summary|td|th)>")
_TAG_TEXT = re.compile(r"<[^>]+>")

# Smart punctuation is done here rather than with the `smarty` extension: that extension
# alone doubles the time to render a lesson, and the course loads a thousand at start-up.
_TAGS = re.compile(r"(<[^>]*>)")
_CODE_TAG = re.compile(r"</?(?:code|pre)[\s>]")
_MARKS = re.compile(r"['\"]|--|\.\.\.")
_OPEN_DOUBLE = re.compile(r"(?<=[\s(\[{“‘—–/-])\"")
_OPEN_SINGLE = re.compile(r"(?<=[\s(\[{“‘—–/-])'")


def _smarten_text(text: str, before: str) -> str:
    text = text.replace("---", "—").replace("--", "–").replace("...", "…")
    if "'" in text or '"' in text:
        # `before` is the character preceding this text, which decides opening or closing.
        text = before + text
        text = _OPEN_DOUBLE.sub("“", text).replace('"', "”")
        text = _OPEN_SINGLE.sub("‘", text).replace("'", "’")
        text = text[1:]
    return text


def smarten(fragment: str) -> str:
    """Turn straight quotes, `--`, `---` and `...` into typographic ones outside tags and code."""
    if _MARKS.search(fragment) is None:
        return fragment
    parts = _TAGS.split(fragment)
    in_code = 0
    before = " "
    for index, part in enumerate(parts):
        if index % 2:
            closing = part[1] == "/"
            if _CODE_TAG.match(part):
                in_code += -1 if closing else 1
            # A quote right after </em> closes; after <p> or <em> it opens.
            before = "a" if closing else " "
        elif part:
            if not in_code and _MARKS.search(part) is not None:
                parts[index] = part = _smarten_text(part, before)
            before = part[-1]
    return "".join(parts)


def sanitise(fragment: str) -> str:
    """Apply the course's HTML allow-list."""
    return _CLEANER.clean(fragment)


def plain_text(fragment: str) -> str:
    """Return the text of an HTML fragment, for storage and export."""
    return " ".join(html.unescape(_TAG_TEXT.sub("", _BREAKS.sub(" ", fragment))).split())


class Renderer:
    """Renders course Markdown; one Markdown instance is reset between documents.

    Lessons render their readings on first use, possibly in several threads of one server
    at once: the instance is used by one document at a time.
    """

    def __init__(self) -> None:
        self._markdown = markdown.Markdown(
            extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS
        )
        for name in _UNUSED_PATTERNS:
            self._markdown.inlinePatterns.deregister(name)
        fastinline.install(self._markdown)
        self._lock = threading.Lock()

    def block(self, text: str) -> str:
        """Render Markdown to sanitised block HTML."""
        text = text.strip()
        if not text:
            return ""
        if _PLAIN.match(text):
            return smarten("<p>" + _PARAGRAPH_BREAK.sub("</p>\n<p>", text) + "</p>")
        return self.markdown(text)

    def markdown(self, text: str) -> str:
        """Render through Python-Markdown and the sanitiser, with no shortcut."""
        # The sanitiser runs last, so nothing done before it can get past the allow-list.
        with self._lock:
            converted = self._markdown.reset().convert(text)
        return sanitise(smarten(converted))

    def inline(self, text: str) -> str:
        """Render a one-paragraph Markdown text without its wrapping <p>."""
        rendered = self.block(text)
        if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
            return rendered[3:-4]
        return rendered
