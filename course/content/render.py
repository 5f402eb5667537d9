"""Markdown to sanitised HTML: Python-Markdown, then the nh3 allow-list, then typographic quotes."""

from __future__ import annotations

import html
import re

import markdown
import nh3

EXTENSIONS = [
    "admonition",
    "pymdownx.details",
    "pymdownx.superfences",
    "pymdownx.highlight",
    "tables",
    "sane_lists",
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

# Text that Markdown would return unchanged inside one <p>: no markup characters, no line
# breaks, and no first character that could open a list, heading, quote or admonition.
_PLAIN = re.compile(r"(?:[^\W\d_]|[\"'(“‘])(?:[^\W_]|[ ,.;:?!'\"()/%£$€’‘“”–—-])*\Z")
_TAG_TEXT = re.compile(r"<[^>]+>")

# Smart punctuation is done here rather than with the `smarty` extension: that extension
# alone doubles the time to render a lesson, and the course loads a thousand at start-up.
_CODE = re.compile(r"(<pre\b.*?</pre>|<code\b.*?</code>)", re.S)
_OUTSIDE_TAG = r"(?![^<]*>)"
_DASHES = [
    (re.compile("---" + _OUTSIDE_TAG), "—"),
    (re.compile("--" + _OUTSIDE_TAG), "–"),
    (re.compile(r"\.\.\." + _OUTSIDE_TAG), "…"),
]
_QUOTES = [
    (re.compile(r"(</[a-z0-9]+>)\""), "\\1”"),
    (re.compile(r"(</[a-z0-9]+>)'"), "\\1’"),
    (re.compile(r"(<[a-z0-9]+(?:\s[^>]*)?>)\""), "\\1“"),
    (re.compile(r"(<[a-z0-9]+(?:\s[^>]*)?>)'"), "\\1‘"),
    (re.compile(r"(?:\A|(?<=[\s(\[{“‘—–/-]))\"" + _OUTSIDE_TAG), "“"),
    (re.compile(r"\"" + _OUTSIDE_TAG), "”"),
    (re.compile(r"(?:\A|(?<=[\s(\[{“‘—–/-]))'" + _OUTSIDE_TAG), "‘"),
    (re.compile(r"'" + _OUTSIDE_TAG), "’"),
]


def smarten(fragment: str) -> str:
    """Turn straight quotes, `--`, `---` and `...` into typographic ones outside tags and code."""
    if not any(mark in fragment for mark in ("'", '"', "--", "...")):
        return fragment
    pieces = _CODE.split(fragment)
    for index in range(0, len(pieces), 2):
        piece = pieces[index]
        # After a code span a quote closes; the "</x>" prefix makes the rules see that.
        prefix = "</x>" if index else ""
        piece = prefix + piece
        for pattern, replacement in _DASHES + _QUOTES:
            piece = pattern.sub(replacement, piece)
        pieces[index] = piece[len(prefix) :]
    return "".join(pieces)


def sanitise(fragment: str) -> str:
    """Apply the course's HTML allow-list."""
    return _CLEANER.clean(fragment)


def plain_text(fragment: str) -> str:
    """Return the text of an HTML fragment, for storage and export."""
    return " ".join(html.unescape(_TAG_TEXT.sub(" ", fragment)).split())


class Renderer:
    """Renders course Markdown; one Markdown instance is reset between documents."""

    def __init__(self) -> None:
        self._markdown = markdown.Markdown(
            extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS
        )

    def block(self, text: str) -> str:
        """Render Markdown to sanitised block HTML."""
        text = text.strip()
        if not text:
            return ""
        if _PLAIN.match(text):
            return smarten(f"<p>{text}</p>")
        return smarten(sanitise(self._markdown.reset().convert(text)))

    def inline(self, text: str) -> str:
        """Render a one-paragraph Markdown text without its wrapping <p>."""
        rendered = self.block(text)
        if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
            return rendered[3:-4]
        return rendered
