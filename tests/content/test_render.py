"""Markdown rendering: the allow-list, typographic punctuation, and the two speed-ups."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
import yaml

from course.content import fastinline
from course.content.render import (
    _UNUSED_PATTERNS,
    EXTENSION_CONFIGS,
    EXTENSIONS,
    Renderer,
    plain_text,
    smarten,
)
from tests.content.conftest import FIXTURE_COURSE, LESSON, QUIZ

REPO = Path(__file__).resolve().parents[2]

HOSTILE = """\
<script>alert("script")</script>

<img src="x" onerror="alert('img')">

[js link](javascript:alert('link')) and <a href="JaVaScRiPt:alert('caps')">caps</a>

[data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)

<p style="position:fixed" onclick="alert('click')">styled</p>

<iframe src="https://evil.example"></iframe><form action="/x"><input name="y"></form>

<a href="https://ok.example" target="_blank">fine</a>, [relative](/lessons/where-am-i)
and [mail](mailto:team@example.org).
"""
FORBIDDEN = ("<script", "alert", "onerror", "onclick", "javascript", "data:", "style=",
             "<iframe", "<img", "<form", "<input", "target=")


ALLOWED = {
    "a": {"href", "title", "rel"}, "div": {"class"}, "p": {"class"},
    "details": {"class", "open"}, "pre": {"class"}, "code": {"class"}, "ol": {"start"},
    "th": {"align"}, "td": {"align"},
    **{tag: set() for tag in ("h1", "h2", "h3", "h4", "h5", "h6", "br", "hr", "ul", "li", "em",
                               "strong", "blockquote", "summary", "table", "thead", "tbody",
                               "tr")},
}


class TagCollector(HTMLParser):
    """Every tag and attribute a browser would see in a fragment."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        self.seen.append((tag, "", None))
        self.seen.extend((tag, name, value) for name, value in attrs)


def assert_clean(html: str) -> None:
    lowered = html.lower()
    for forbidden in FORBIDDEN:
        assert forbidden not in lowered, f"{forbidden!r} survived in {html!r}"
    assert_allowed_only(html)


def assert_allowed_only(html: str) -> None:
    collector = TagCollector()
    collector.feed(html)
    for tag, name, value in collector.seen:
        assert tag in ALLOWED, f"<{tag}> in {html!r}"
        assert not name or name in ALLOWED[tag], f"<{tag} {name}> in {html!r}"
        if name == "href":
            assert value.split(":")[0] in ("http", "https", "mailto") or value.startswith("/")


def test_hostile_lesson_body_comes_out_clean(course):
    course.write(LESSON, course.read(LESSON) + "\n" + HOSTILE)
    html = course.load().lesson("where-am-i").html
    assert_clean(html)
    assert '<a href="https://ok.example" rel="noopener noreferrer">fine</a>' in html
    assert '<a href="/lessons/where-am-i" rel="noopener noreferrer">relative</a>' in html
    assert '<a href="mailto:team@example.org" rel="noopener noreferrer">mail</a>' in html
    assert "<p>styled</p>" in html


def test_hostile_quiz_texts_come_out_clean(course):
    block = yaml.safe_dump(HOSTILE, default_style="|").strip()
    indented = block.replace("\n", "\n          ")
    text = course.read(QUIZ)
    text = text.replace(
        "        feedback: Right. Listening is a small, safe probe.",
        f"        feedback: {indented}",
    )
    text = text.replace("      - text: Hire an agency.",
                        "      - text: <img src=x onerror=alert(1)>[x](javascript:alert(1))")
    text = text.replace("    explanation: Probes are cheap, quick and reversible.",
                        f"    explanation: {block.replace(chr(10), chr(10) + '      ')}")
    course.write(QUIZ, text)
    quiz = course.load().quiz("where-am-i")
    first = quiz.question("first-move")
    assert_clean(first.options[1].feedback_html)
    assert_clean(first.options[2].text_html)
    assert_clean(quiz.question("probes").explanation_html)
    assert "fine</a>" in first.options[1].feedback_html


def test_quotes_inside_raw_attributes_cannot_open_a_way_out():
    # Typographic quotes are made before sanitising, so even mangled raw HTML is re-checked.
    html = Renderer().block(
        """<a href="https://ok.example" title='x > "y'>link</a> and " onmouseover=alert(1) x="\n"""
        """\n<p title="a > b" onclick="x()">"quoted"</p>"""
    )
    assert_allowed_only(html)


def test_allowed_structure_is_kept():
    html = Renderer().block("""\
## A heading

Text with *em*, **strong**, `code` and a line{BREAK}
break.

!!! tip "A tip"
    Inside the tip.

??? note "More"
    Hidden detail.

> A quotation.

1. one
2. two

---

| a | b |
|:--|--:|
| 1 | 2 |

```python
print("hi")
```
""".format(BREAK="  "))
    for expected in (
        "<h2>A heading</h2>", "<em>em</em>", "<strong>strong</strong>", "<code>code</code>",
        "<br>", '<div class="admonition tip">', '<p class="admonition-title">A tip</p>',
        '<details class="note">', "<summary>More</summary>", "<blockquote>", "<ol>",
        "<li>one</li>", "<hr>", '<th align="left">a</th>', '<td align="right">2</td>',
        '<pre class="highlight"><code class="language-python">print("hi")</code></pre>',
    ):
        assert expected in html


def test_images_are_not_allowed_and_read_as_links():
    html = Renderer().block("![a chart](https://example.org/chart.png)")
    assert "<img" not in html
    assert "a chart" in html


@pytest.mark.parametrize(("text", "expected"), [
    ('He said "no".', "He said “no”."),
    ("It's the leaders' call.", "It’s the leaders’ call."),
    ("'Single' quotes", "‘Single’ quotes"),
    ("Ten -- twenty --- thirty...", "Ten – twenty — thirty…"),
    ('"*Really*," she said.', "“<em>Really</em>,” she said."),
    ('A `"literal"` -- kept', "A <code>\"literal\"</code> – kept"),
    ("[a--b](https://example.org/a--b)", '<a href="https://example.org/a--b" '
     'rel="noopener noreferrer">a–b</a>'),
])
def test_smart_punctuation(text, expected):
    assert Renderer().inline(text) == expected


def test_smart_punctuation_leaves_code_blocks_alone():
    html = Renderer().block('```\nprint("a" -- b...)\n```\n\nAfter "code".')
    assert 'print("a" -- b...)' in html
    assert "After “code”." in html
    assert smarten("<pre>it's</pre> it's") == "<pre>it's</pre> it’s"


def test_plain_text():
    assert plain_text("<p>Spend a <em>week</em>.</p>\n<p>Then &amp; now<br>later</p>") == (
        "Spend a week. Then & now later"
    )


SAMPLES = [
    "Plain sentence.",
    "Two lines\nin one paragraph.",
    "Two paragraphs.\n\nThe second, with 'quotes' and \"more\" -- and dashes...",
    "(A parenthesis) first; then a colon: done?",
    "Ends with a question?",
    "Spend £10 or $5 or 50% – your call/choice!",
    "Trailing spaces  \nmake a break.",
    "1. A list",
    "- A bullet",
    "# A heading",
    "Heading\n===",
    "Text\n---",
    "    indented code",
    "> quote",
    "!!! note\n    admonition",
    "A *star*",
    "Under_score_words",
    "An & ampersand",
    "Three\n\n\nnewlines",
    "Café naïve résumé",
]


def _texts_of(path: Path) -> list[str]:
    found: list[str] = []

    def walk(value, key=None):
        if isinstance(value, dict):
            for name, item in value.items():
                walk(item, name)
        elif isinstance(value, list):
            for item in value:
                walk(item, key)
        elif isinstance(value, str) and key not in ("id", "type"):
            found.append(value)

    for quiz in sorted(path.glob("quizzes/*.yml")):
        walk(yaml.safe_load(quiz.read_text(encoding="utf-8")))
    return found


@pytest.mark.parametrize("text", SAMPLES)
def test_shortcut_for_plain_text_matches_markdown(text):
    renderer = Renderer()
    assert renderer.block(text) == renderer.markdown(text.strip())


def test_shortcut_matches_markdown_on_every_quiz_text_in_the_courses():
    renderer = Renderer()
    texts = _texts_of(FIXTURE_COURSE) + _texts_of(REPO)
    assert texts
    assert [t for t in texts if renderer.block(t) != renderer.markdown(t.strip())] == []


def _lesson_bodies() -> list[str]:
    paths = sorted(FIXTURE_COURSE.glob("lessons/*/*.md")) + sorted(REPO.glob("lessons/*/*.md"))
    return [path.read_text(encoding="utf-8").split("---\n", 2)[-1] for path in paths]


TORTURE = (
    "A `code` span, an \\*escape\\*, [a link](https://x.org \"t\"), [ref][r], [r],\n"
    "<https://auto.example>, &amp; &copy; entities, <b>raw</b> html, *em* **strong**\n"
    "***both*** _under_ __double__ and a break  \nhere.\n\n[r]: https://ref.example\n"
)


def _markdown(skipping: bool) -> markdown.Markdown:
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
    for name in _UNUSED_PATTERNS:
        md.inlinePatterns.deregister(name)
    if skipping:
        assert fastinline.install(md)
    return md


@pytest.mark.parametrize("text", [TORTURE, *SAMPLES])
def test_skipping_inline_processor_matches_python_markdown(text):
    assert _markdown(True).convert(text) == _markdown(False).convert(text)


def test_skipping_inline_processor_matches_on_every_lesson():
    stock, fast = _markdown(False), _markdown(True)
    bodies = _lesson_bodies()
    assert bodies
    differ = [b[:60] for b in bodies if fast.reset().convert(b) != stock.reset().convert(b)]
    assert differ == []


def test_the_renderer_uses_the_skipping_processor():
    # If a Markdown release renames the private methods, install() declines and this fails:
    # the output stays right, but loading gets slower; look at fastinline.py then.
    processor = Renderer()._markdown.treeprocessors["inline"]
    assert isinstance(processor, fastinline.SkippingInlineProcessor)


def test_a_reading_is_rendered_on_first_use_and_kept(course):
    lesson = course.load().lesson("where-am-i")
    assert "html" not in vars(lesson)  # loading checked it; nothing rendered yet
    first = lesson.html
    assert vars(lesson)["html"] is first and lesson.html is first
    assert first == Renderer().block(lesson.body)


def test_readings_rendered_in_several_threads_at_once_come_out_whole():
    renderer = Renderer()
    texts = [f"## Part {n}\n\nSome *emphasis* and a [link](https://example.org/{n}).\n\n"
             + "\n".join(f"- item {n}.{i} with `code`" for i in range(30)) for n in range(24)]
    alone = [Renderer().block(text) for text in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        together = list(pool.map(renderer.block, texts * 4))
    assert together == alone * 4
