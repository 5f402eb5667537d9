"""My journal: every reflection and experiment entry by module and lesson, search, Markdown."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from markupsafe import escape

from course.extensions import db
from course.models import utcnow
from course.reflections.models import Reflection
from course.reflections.reflections import save_reflection
from tests.factories import JOURNAL_CANARY as CANARY
from tests.factories import seed_journal


def esc(text: str) -> str:
    return str(escape(text))




@pytest.fixture
def written(signed_in, catalog):
    return seed_journal(signed_in, catalog)


def test_journal_shows_every_item_by_module_and_lesson(client, written, catalog):
    response = client.get("/journal")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    first, later = written["first"], written["later"]
    for text in ("Our board fears the comments.", "Listening before posting changed the meeting.",
                 "Sorted five items; two were fog."):
        assert esc(text) in html
    assert esc(first.reflections[0].text) in html and esc(first.try_this.title) in html
    assert esc(first.reflections[1].text) not in html  # the blank draft is left out
    assert f'href="/lessons/{first.id}"' in html and f'href="/lessons/{later.id}"' in html
    assert esc(catalog.modules[0].title) in html and esc(catalog.modules[1].title) in html
    # course order: module 1 before module 2, reflections before entries inside a lesson
    assert html.index("Our board fears") < html.index("Sorted five items") < html.index(
        "Listening before posting")
    assert "Shared with your facilitator" in html and "Private" in html
    assert f"{written['measure']}</dt><dd>5</dd>" in html
    yesterday = date.today() - timedelta(days=1)
    assert f"Done on {yesterday.day} {yesterday:%b %Y}" in html


def test_empty_journal_says_so(client, signed_in):
    html = client.get("/journal").get_data(as_text=True)
    assert "Nothing here yet" in html and 'name="q"' not in html


def test_search_finds_text_case_insensitively_and_counts(client, written):
    html = client.get("/journal?q=BOARD fears").get_data(as_text=True)
    assert "1 match</strong>" in html and "among 3 entries" in html
    assert "<mark>board fears</mark>" in html
    assert "Listening before posting" not in html and "Sorted five items" not in html
    assert 'value="BOARD fears"' in html


def test_search_finds_prompt_text(client, written):
    prompt = written["later"].reflections[0].text
    word = max(re.findall(r"[A-Za-z]{6,}", prompt), key=len)
    html = client.get(f"/journal?q={word.upper()}").get_data(as_text=True)
    assert "Listening before posting" in html
    assert "match" in html and "No matches" not in html


def test_search_with_no_matches_says_so(client, written):
    html = client.get("/journal?q=zebra crossing").get_data(as_text=True)
    assert "No matches</strong>" in html and "zebra crossing" in html
    assert "Our board fears" not in html and 'href="/journal"' in html


def test_search_text_is_escaped(client, written):
    html = client.get("/journal?q=<script>alert(1)</script>").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_leader_text_is_escaped(client, signed_in, catalog):
    first = catalog.ordered_lessons[0]
    save_reflection(signed_in.id, first, first.reflections[0].id, "<b>bold</b> & more", None)
    db.session.commit()
    html = client.get("/journal?q=bold").get_data(as_text=True)
    assert "<b>bold</b>" not in html and "&lt;b&gt;<mark>bold</mark>&lt;/b&gt; &amp; more" in html


def test_words_of_a_lesson_no_longer_in_the_course_are_kept(client, signed_in):
    now = utcnow()
    db.session.add(Reflection(user_id=signed_in.id, lesson_id="retired-lesson", prompt_id="old",
                              text="Words from a retired lesson", created_at=now, updated_at=now))
    db.session.commit()
    html = client.get("/journal").get_data(as_text=True)
    assert "No longer in the course" in html and "Words from a retired lesson" in html


def test_journal_markdown_download(client, signed_in, written, catalog):
    first = written["first"]
    save_reflection(signed_in.id, first, first.reflections[0].id,
                    "Plain *stars* and <angle> & \"quotes\"", None)
    db.session.commit()
    response = client.get("/journal.md")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/markdown; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="clearing-journal-{date.today().isoformat()}.md"')
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)
    assert text.startswith("# My journal\n")
    assert f"## Module 1: {catalog.modules[0].title}" in text
    assert f"### {first.title}" in text
    assert "Plain *stars* and <angle> & \"quotes\"" in text  # verbatim, never HTML-escaped
    assert f"**Reflection:** {first.reflections[0].text}" in text
    assert f"**Experiment: {first.try_this.title}**" in text
    assert f"- {written['measure']}: 5" in text
    assert "shared with my facilitator" in text and "private" in text
    assert text.index(first.title) < text.index(written["later"].title)


def test_journal_and_markdown_never_show_another_leaders_words(
    client, auth, make_leader, catalog, signed_in,
):
    other = make_leader()
    seed_journal(other, catalog, CANARY)
    seed_journal(signed_in, catalog)
    for path in ("/journal", "/journal.md", "/journal?q=board", "/journal?q=fog"):
        response = client.get(path)
        assert response.status_code == 200
        assert CANARY not in response.get_data(as_text=True), path
    html = client.get(f"/journal?q={CANARY}").get_data(as_text=True)  # the query is echoed
    assert "No matches" in html and f"comments. {CANARY}" not in html


@pytest.mark.parametrize("path", ["/journal", "/journal.md"])
def test_journal_is_for_signed_in_leaders(client, auth, make_facilitator, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    auth.login(make_facilitator())
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("query", ["(fog", "five items;", ".*", "two were fog. [", "\\d"])
def test_search_treats_symbols_as_plain_text(client, written, query):
    response = client.get("/journal", query_string={"q": query})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    found = query in "Sorted five items; two were fog."
    assert (f"<mark>{esc(query)}</mark>" in html) == found
    assert ("No matches" in html) == (not found)
