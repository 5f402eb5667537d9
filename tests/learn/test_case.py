"""Case for change: choose journal items, write the case, get HTML and Markdown; only mine.

Issue 13 made it a kept document (tests/learn/test_case_document.py): building it now saves
it and redirects to the document page (POST-redirect-GET), so these tests follow redirects."""

from __future__ import annotations

from datetime import date

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from course.experiments.models import ExperimentEntry
from course.extensions import db
from course.models import Role
from course.reflections.models import Reflection
from tests.factories import JOURNAL_CANARY as CANARY
from tests.factories import csrf_token_from, seed_journal


def esc(text: str) -> str:
    return str(escape(text))


@pytest.fixture
def written(signed_in, catalog):
    return seed_journal(signed_in, catalog)


@pytest.fixture
def other_rows(make_leader, catalog):
    """Another leader's journal, with a canary in every text."""
    return seed_journal(make_leader(), catalog, CANARY)


def textarea(text: str) -> str:
    """How a filled textarea looks in the page (WTForms opens it with a newline)."""
    return f">\r\n{esc(text)}</textarea>"


def case_data(written, **overrides) -> dict:
    data = {
        "title": "Listening before broadcasting",
        "situation": "We post news but never read replies.",
        "tried": "",
        "happened": "Two complaints were answered in a day.",
        "propose": "A three-month listening pilot\nwith the comms team.",
        "pick": [f"r{written['one']}", f"e{written['entry']}"],
        "action": "build",
    }
    data.update(overrides)
    return data


def test_form_offers_my_items_by_lesson_and_says_it_is_kept(client, written):
    response = client.get("/case-for-change")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Your case for change is kept for you." in html
    assert f'name="pick" value="r{written["one"]}"' in html
    assert f'name="pick" value="r{written["two"]}"' in html
    assert f'name="pick" value="e{written["entry"]}"' in html
    assert f"<legend>{esc(written['first'].title)}</legend>" in html
    assert 'value="A case for change"' in html  # a title to start from
    for label in ("Situation", "What I tried", "What happened", "What I propose"):
        assert f">{label}</label>" in html


def test_document_has_the_sections_and_quotes_the_chosen_items(client, written):
    response = client.post("/case-for-change", data=case_data(written), follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.request.path == "/case-for-change/document"
    assert response.headers["Cache-Control"] == "no-store"
    assert '<h1 id="case-title">Listening before broadcasting</h1>' in html
    for heading in ("Situation", "What happened", "What I propose", "Appendix: from my journal"):
        assert f"<h2>{heading}</h2>" in html
    assert "<h2>What I tried</h2>" not in html  # left empty, so left out
    assert "A three-month listening pilot\nwith the comms team." in html
    assert "Our board fears the comments." in html and "Sorted five items" in html
    assert "Listening before posting" not in html  # not chosen
    assert esc(written["first"].reflections[0].text) in html
    assert f"{written['measure']}: 5" in html
    # the document is kept: its downloads and "Change it" are plain links now
    assert 'href="/case-for-change.docx"' in html and 'href="/case-for-change"' in html


def test_document_escapes_leader_text(client, written):
    data = case_data(written, title="<script>x()</script>", situation="<img src=x onerror=y>")
    html = client.post("/case-for-change", data=data, follow_redirects=True).get_data(
        as_text=True)
    assert "<script>x()</script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;x()&lt;/script&gt;" in html


def test_markdown_download(client, written):
    response = client.post("/case-for-change.md", data=case_data(written))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/markdown; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="case-for-change-{date.today().isoformat()}.md"')
    text = response.get_data(as_text=True)
    assert text.startswith("# Listening before broadcasting\n")
    assert "## Situation\n\nWe post news but never read replies.\n" in text
    assert "## What I tried" not in text
    assert "## What I propose\n\nA three-month listening pilot\nwith the comms team.\n" in text
    assert "## Appendix: from my journal" in text
    assert f"### {written['first'].title}" in text
    assert "> Our board fears the comments." in text
    assert f"> - {written['measure']}: 5" in text
    assert "Listening before posting" not in text


def test_markdown_keeps_leader_text_verbatim(client, written):
    data = case_data(written, situation='Costs <£5k> & "quick"')
    text = client.post("/case-for-change.md", data=data).get_data(as_text=True)
    assert 'Costs <£5k> & "quick"' in text


def test_prefill_fills_empty_sections_and_keeps_written_ones(client, written):
    data = case_data(written, action="prefill", situation="", happened="Mine, kept.",
                     **{f"use-e{written['entry']}": "happened"})
    html = client.post("/case-for-change", data=data).get_data(as_text=True)
    assert textarea("Our board fears the comments.") in html  # reflection -> situation
    assert textarea("Mine, kept.") in html  # the entry aimed here, but the leader wrote it
    assert "What happened already had your words" in html
    assert f'value="r{written["one"]}" checked' in html
    assert '<option value="happened" selected>' in html


def test_prefill_puts_an_entry_with_its_date_and_numbers(client, written):
    data = case_data(written, action="prefill", tried="", pick=[f"e{written['entry']}"])
    html = client.post("/case-for-change", data=data).get_data(as_text=True)
    assert f"({esc(written['first'].try_this.title)}): Sorted five items" in html
    assert f"{written['measure']}: 5</textarea>" in html


def test_errors_reshow_everything_typed_and_checked(client, written):
    data = case_data(written, title="", situation="", happened="", propose="",
                     tried="Kept words " * 3)
    data["propose"] = "x" * 10_001
    response = client.post("/case-for-change", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Please check the form" in html and "Give the document a title." in html
    assert "Kept words Kept words Kept words" in html and "x" * 10_001 in html
    assert f'value="r{written["one"]}" checked' in html
    assert f'value="e{written["entry"]}" checked' in html
    assert f'value="r{written["two"]}" checked' not in html


def test_nothing_written_is_an_error_not_an_empty_document(client, written):
    data = case_data(written, situation="", happened="", propose="")
    response = client.post("/case-for-change.md", data=data)
    assert response.status_code == 422
    assert "Write at least one section" in response.get_data(as_text=True)


def test_change_it_brings_the_form_back_as_sent(client, written):
    html = client.post("/case-for-change", data=case_data(written, action="edit")).get_data(
        as_text=True)
    assert textarea("A three-month listening pilot\nwith the comms team.") in html
    assert f'value="e{written["entry"]}" checked' in html and "Please check" not in html


def test_the_journal_is_not_changed(client, written):
    before = (db.session.scalar(select(func.count(Reflection.id))),
              db.session.scalar(select(func.count(ExperimentEntry.id))))
    client.post("/case-for-change", data=case_data(written))
    client.post("/case-for-change.md", data=case_data(written))
    assert before == (db.session.scalar(select(func.count(Reflection.id))),
                      db.session.scalar(select(func.count(ExperimentEntry.id))))


@pytest.mark.parametrize("kind", ["one", "two", "entry"])
@pytest.mark.parametrize("path,action", [
    ("/case-for-change", "build"), ("/case-for-change", "prefill"),
    ("/case-for-change", "edit"), ("/case-for-change.md", "build"),
])
def test_another_leaders_ids_are_404(client, written, other_rows, kind, path, action):
    key = ("e" if kind == "entry" else "r") + str(other_rows[kind])
    data = case_data(written, action=action)
    data["pick"] = [*data["pick"], key]
    response = client.post(path, data=data)
    assert response.status_code == 404
    assert CANARY not in response.get_data(as_text=True)


@pytest.mark.parametrize("key", ["x1", "r", "rabc", "e-1", "r" + "9" * 30])
def test_malformed_ids_are_404(client, written, key):
    response = client.post("/case-for-change", data=case_data(written, pick=[key]))
    assert response.status_code == 404


def test_another_leaders_words_never_appear(client, written, other_rows):
    for response in (client.get("/case-for-change"),
                     client.post("/case-for-change", data=case_data(written),
                                 follow_redirects=True),
                     client.post("/case-for-change.md", data=case_data(written))):
        assert response.status_code == 200
        assert CANARY not in response.get_data(as_text=True)


def test_expired_csrf_token_reshows_the_form(make_app, make_leader, catalog):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        leader = make_leader()
        rows = seed_journal(leader, app.extensions["catalog"])
        email = leader.email
    login = client.get("/login").get_data(as_text=True)
    from tests.factories import PASSWORD

    client.post("/login", data={"email": email, "password": PASSWORD,
                                "csrf_token": csrf_token_from(login)})
    data = case_data(rows, situation="Words typed before the token expired.",
                     csrf_token="stale-token")
    response = client.post("/case-for-change", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "This form had expired, so nothing was saved" in html
    assert textarea("Words typed before the token expired.") in html
    assert f'value="r{rows["one"]}" checked' in html
    data["csrf_token"] = csrf_token_from(html)
    assert "<h2>Situation</h2>" in client.post(
        "/case-for-change", data=data, follow_redirects=True).get_data(as_text=True)


def test_signed_out_post_keeps_the_words(client, written, auth):
    auth.logout()
    response = client.post("/case-for-change", data=case_data(written))
    html = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "You were signed out" in html
    assert textarea("A three-month listening pilot\nwith the comms team.") in html
    assert f'name="pick" value="r{written["one"]}"' in html
    assert "Our board fears" not in html  # nothing is read from the database signed out
    response = client.get("/case-for-change")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", [Role.FACILITATOR, Role.ADMIN])
def test_case_is_for_leaders(client, auth, make_user, role):
    auth.login(make_user(role))
    assert client.get("/case-for-change").status_code == 403
    assert client.post("/case-for-change.md", data={"title": "x"}).status_code == 403


def test_section_choices_of_unticked_items_are_kept(client, written):
    data = case_data(written, title="", **{f"use-r{written['two']}": "propose"})
    html = client.post("/case-for-change", data=data).get_data(as_text=True)
    select = html[html.index(f'name="use-r{written["two"]}"'):]
    assert select.index('<option value="propose" selected>') < select.index("</select>")
