"""Issue 13: the case for change is a document the leader keeps (draft, versions, Word)."""

from __future__ import annotations

import io
import json
import zipfile

import docx
from sqlalchemy import func, select

from course.extensions import db
from course.journal.models import CaseDocument, CaseVersion
from course.models import User
from tests.factories import JOURNAL_CANARY as CANARY
from tests.factories import seed_journal


def form(rows, **overrides) -> dict:
    data = {
        "title": "Listening before broadcasting",
        "situation": "We post news but never read replies.",
        "tried": "", "happened": "Two complaints answered in a day.",
        "propose": "A listening pilot.", "pick": [f"r{rows['one']}"],
        "action": "build", "form_key": "k" * 32,
    }
    data.update(overrides)
    return data


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_autosaved_draft_reopens_where_i_left_off(client, signed_in, catalog):
    rows = seed_journal(signed_in, catalog)
    data = form(rows, situation="Half a thought, autosaved.")
    data.pop("action")
    saved = client.post("/case-for-change/draft", data=data)
    assert saved.status_code == 200 and saved.json["status"] == "saved"
    assert count(CaseVersion) == 0  # a draft is not a version
    html = client.get("/case-for-change").get_data(as_text=True)
    assert "Half a thought, autosaved.</textarea>" in html
    assert f'value="r{rows["one"]}" checked' in html
    assert "Draft kept" in html


def test_oversized_draft_is_refused_not_truncated(client, signed_in, catalog):
    rows = seed_journal(signed_in, catalog)
    response = client.post("/case-for-change/draft", data=form(rows, situation="x" * 10_001))
    assert response.status_code == 400 and count(CaseDocument) == 0


def test_save_redirects_to_the_document_and_a_double_submit_is_one_version(client, signed_in,
                                                                           catalog):
    rows = seed_journal(signed_in, catalog)
    first = client.post("/case-for-change", data=form(rows))
    assert first.status_code == 303 and first.location.endswith("/case-for-change/document")
    again = client.post("/case-for-change", data=form(rows))
    assert again.status_code == 303
    assert count(CaseVersion) == 1 and count(CaseDocument) == 1
    client.post("/case-for-change", data=form(rows, form_key="m" * 32, title="Second"))
    assert count(CaseVersion) == 2
    page = client.get("/case-for-change/document").get_data(as_text=True)
    assert "<h1 id=\"case-title\">Second</h1>" in page
    assert "Earlier saved versions (2)" in page and "Download as Word" in page


def test_an_invalid_save_keeps_the_draft_and_the_words(client, signed_in, catalog):
    rows = seed_journal(signed_in, catalog)
    response = client.post("/case-for-change", data=form(rows, title=""))
    assert response.status_code == 422
    assert "We post news but never read replies." in response.get_data(as_text=True)
    stored = db.session.scalar(select(CaseDocument))
    assert stored.content["sections"]["situation"] == "We post news but never read replies."
    assert count(CaseVersion) == 0


def test_word_download_is_a_real_docx_with_the_words(client, signed_in, catalog):
    rows = seed_journal(signed_in, catalog)
    client.post("/case-for-change", data=form(rows, propose="A pilot\nwith comms."))
    response = client.get("/case-for-change.docx")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    assert 'filename="case-for-change-' in response.headers["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.data))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "Listening before broadcasting"
    assert "What I propose" in texts and "A pilot\nwith comms." in texts
    assert any("Our board fears the comments." in t for t in texts)  # the quoted reflection
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Appendix: from my journal" in headings
    markdown = client.get("/case-for-change.md")
    assert markdown.get_data(as_text=True).startswith("# Listening before broadcasting\n")


def test_nothing_kept_yet_sends_downloads_back_to_the_form(client, signed_in):
    for path in ("/case-for-change/document", "/case-for-change.docx", "/case-for-change.md"):
        response = client.get(path)
        assert response.status_code == 302 and response.location.endswith("/case-for-change")


def test_another_leader_never_sees_my_document(client, auth, signed_in, catalog, make_leader):
    rows = seed_journal(signed_in, catalog)
    client.post("/case-for-change", data=form(rows, situation=CANARY))
    auth.logout()
    auth.login(make_leader())
    for path in ("/case-for-change", "/case-for-change/document", "/case-for-change.md"):
        assert CANARY not in client.get(path).get_data(as_text=True)
    assert client.get("/case-for-change.docx").status_code == 302


def test_the_document_is_in_my_data_and_goes_with_the_account(client, signed_in, catalog):
    rows = seed_journal(signed_in, catalog)
    client.post("/case-for-change", data=form(rows))
    archive = zipfile.ZipFile(io.BytesIO(client.post("/account/data").data))
    data = json.loads(archive.read("clearing-data.json"))
    case = data["case_for_change"]
    assert case["title"] == "Listening before broadcasting" and len(case["versions"]) == 1
    assert data["profile"]["time_zone"] == "Europe/London"
    assert archive.read("clearing-case-for-change.md").decode().startswith("# Listening")
    db.session.execute(db.delete(User).where(User.id == signed_in.id))
    db.session.commit()
    assert count(CaseDocument) == 0 and count(CaseVersion) == 0
