"""My data: the zip of everything held about me, and deleting my account for real."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from sqlalchemy import delete, func, select

from course.cohorts.models import Cohort, Membership, Nudge
from course.extensions import db
from course.models import Role, User, utcnow
from course.quizzes.attempts import submit_quiz
from course.reflections.models import Reflection, ReflectionVersion
from course.reflections.reflections import save_reflection
from tests.factories import JOURNAL_CANARY as CANARY
from tests.factories import right_answers, seed_journal

DELETED = "Your account and everything in it has been deleted."


def user_tables():
    """Every table with a user_id column: new tables are covered without touching this test."""
    return [table for table in db.metadata.sorted_tables if "user_id" in table.c]


def rows_by_table(user_id: int) -> dict[str, int]:
    return {
        table.name: db.session.scalar(
            select(func.count()).select_from(table).where(table.c.user_id == user_id))
        for table in user_tables()
    }


def version_count(user_id: int) -> int:
    return db.session.scalar(
        select(func.count(ReflectionVersion.id))
        .join(Reflection, Reflection.id == ReflectionVersion.reflection_id)
        .where(Reflection.user_id == user_id))


def full_history(user, catalog) -> dict:
    """A journal, a second saved version of a reflection and a quiz attempt."""
    rows = seed_journal(user, catalog)
    first = rows["first"]
    save_reflection(user.id, first, first.reflections[0].id, "Second thoughts on the board.",
                    None)
    quiz = catalog.quizzes[first.quiz_id]
    submit_quiz(user.id, quiz, first.id, right_answers(quiz), None)
    db.session.commit()
    return rows


def download(client) -> zipfile.ZipFile:
    response = client.post("/account/data")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/zip"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="clearing-data-')
    assert response.headers["Cache-Control"] == "no-store"
    return zipfile.ZipFile(io.BytesIO(response.get_data()))


def test_data_page_explains_what_is_held(client, signed_in, catalog):
    full_history(signed_in, catalog)
    response = client.get("/account/data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "What is held" in html and "Download my data" in html
    assert "Your reflections:</strong> 2," in html
    assert 'href="/account/delete"' in html


def test_download_holds_everything_and_no_secrets(client, signed_in, catalog):
    full_history(signed_in, catalog)
    archive = download(client)
    assert sorted(archive.namelist()) == ["clearing-data.json", "clearing-journal.md"]
    for name in archive.namelist():
        raw = archive.read(name).decode("utf-8")
        assert "password_hash" not in raw and "token_hash" not in raw
        assert signed_in.password_hash not in raw
    data = json.loads(archive.read("clearing-data.json"))
    for key in ("profile", "memberships", "lesson_progress", "reflections", "quiz_attempts",
                "experiment_entries", "self_assessments", "active_sessions"):
        assert key in data, key
    assert data["profile"] == data["profile"] | {
        "name": signed_in.name, "email": signed_in.email, "role": "leader"}
    assert data["profile"]["created_at"]
    assert data["memberships"][0]["cohort"] == "Test cohort"
    assert data["active_sessions"] == 1
    board = next(r for r in data["reflections"] if r["text"] == "Second thoughts on the board.")
    assert [v["text"] for v in board["versions"]] == [
        "Our board fears the comments.", "Second thoughts on the board."]
    assert board["audience"] == "private" and board["prompt"]
    assert any(r["audience"] == "facilitator" for r in data["reflections"])
    attempt = data["quiz_attempts"][0]
    assert attempt["score"] == 1.0 and attempt["answers"]
    assert data["experiment_entries"][0]["text"] == "Sorted five items; two were fog."
    assert data["self_assessments"][0]["stage"] == "before"
    assert {row["lesson_id"] for row in data["lesson_progress"]} >= {
        catalog.ordered_lessons[0].id}
    journal = archive.read("clearing-journal.md").decode("utf-8")
    assert journal.startswith("# My journal") and "Second thoughts on the board." in journal


def test_download_never_holds_another_leaders_rows(client, signed_in, make_leader, catalog):
    seed_journal(make_leader(), catalog, CANARY)
    seed_journal(signed_in, catalog)
    archive = download(client)
    for name in archive.namelist():
        assert CANARY not in archive.read(name).decode("utf-8")


def remind(leader, sender, subject, message, form_key):
    cohort_id = db.session.scalar(
        select(Membership.cohort_id).where(Membership.user_id == leader.id))
    db.session.add(Nudge(cohort_id=cohort_id, leader_id=leader.id, sent_by_id=sender.id,
                         subject=subject, message=message, created_at=utcnow(),
                         form_key=form_key))
    db.session.commit()


def test_download_holds_the_reminders_sent_to_me_only(
    client, signed_in, make_leader, make_cohort, make_facilitator,
):
    fay, gone = make_facilitator(name="Fay Facilitator"), make_facilitator(name="Gus Gone")
    other = make_leader(name="Olu Other", cohort=make_cohort("Other cohort"))
    remind(signed_in, fay, "Lesson 3 is waiting", "Pick it up when you can.", "page-1-me")
    remind(signed_in, gone, "A nudge", "From someone since gone.", "page-2-me")
    remind(other, fay, CANARY, f"{CANARY} for Olu only", "page-1-other")
    db.session.execute(delete(User).where(User.id == gone.id))  # the sender's account goes
    db.session.commit()

    html = client.get("/account/data").get_data(as_text=True)
    assert "Reminders sent to you:</strong> 2," in html
    archive = download(client)
    data = json.loads(archive.read("clearing-data.json"))
    assert [{k: r[k] for k in ("from", "subject", "message")} for r in data["reminders"]] == [
        {"from": "Fay Facilitator", "subject": "Lesson 3 is waiting",
         "message": "Pick it up when you can."},
        {"from": "a facilitator", "subject": "A nudge", "message": "From someone since gone."},
    ]
    assert all(set(r) == {"sent_at", "from", "subject", "message"} and r["sent_at"]
               for r in data["reminders"])
    for name in archive.namelist():
        raw = archive.read(name).decode("utf-8")
        assert CANARY not in raw and "Olu Other" not in raw and "page-1-" not in raw


def test_deleting_my_account_removes_the_reminders_sent_to_me(
    client, signed_in, make_leader, make_facilitator,
):
    fay, other = make_facilitator(name="Fay Facilitator"), make_leader()
    db.session.add(Membership(user_id=other.id, role=Role.LEADER, cohort_id=db.session.scalar(
        select(Membership.cohort_id).where(Membership.user_id == signed_in.id))))
    remind(signed_in, fay, "Lesson 3 is waiting", "Pick it up when you can.", None)
    remind(other, fay, "Lesson 2 is waiting", "For the other leader.", None)
    page = client.get("/account/delete").get_data(as_text=True)
    assert "1 reminder your facilitators sent you" in page  # said before it goes
    assert client.post("/account/delete", data={"email": signed_in.email}).status_code == 302
    db.session.expire_all()
    assert db.session.scalars(select(Nudge.leader_id)).all() == [other.id]


def test_facilitators_may_download_their_data(client, auth, make_facilitator):
    auth.login(make_facilitator())
    data = json.loads(download(client).read("clearing-data.json"))
    assert data["profile"]["role"] == "facilitator" and data["reflections"] == []


@pytest.mark.parametrize("path", ["/account/data", "/account/delete"])
def test_pages_need_signing_in(client, path):
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_delete_page_explains_what_is_removed(client, signed_in, catalog):
    full_history(signed_in, catalog)
    html = client.get("/account/delete").get_data(as_text=True)
    assert "cannot be undone" in html and signed_in.email in html
    assert "2 reflections" in html and "1 quiz attempt" in html
    assert "Type your email address to confirm" in html


@pytest.mark.parametrize("typed", ["", "someone.else@example.org", "person"])
def test_wrong_confirmation_removes_nothing(client, signed_in, catalog, typed):
    full_history(signed_in, catalog)
    before, versions = rows_by_table(signed_in.id), version_count(signed_in.id)
    response = client.post("/account/delete", data={"email": typed})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Please check the form" in html
    assert rows_by_table(signed_in.id) == before and version_count(signed_in.id) == versions
    assert db.session.get(User, signed_in.id) is not None
    assert client.get("/journal").status_code == 200  # still signed in


def test_right_confirmation_removes_every_row_of_mine_only(
    client, signed_in, make_leader, make_cohort, catalog,
):
    other = make_leader(cohort=make_cohort(name="Another cohort"))
    full_history(other, catalog)
    full_history(signed_in, catalog)
    others_before = rows_by_table(other.id)
    others_versions = version_count(other.id)
    mine_before = rows_by_table(signed_in.id)
    assert all(mine_before[name] for name in (
        "reflections", "experiment_entries", "quiz_attempts", "lesson_progress",
        "self_assessments", "memberships", "user_sessions"))
    cookie = client.get_cookie("clearing_session").value
    user_id = signed_in.id

    response = client.post("/account/delete", data={"email": f"  {signed_in.email.upper()} "})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert DELETED in client.get("/login").get_data(as_text=True)

    db.session.expire_all()
    assert set(rows_by_table(user_id).values()) == {0}
    assert version_count(user_id) == 0
    assert db.session.scalar(select(func.count(User.id)).where(User.id == user_id)) == 0
    assert rows_by_table(other.id) == others_before
    assert version_count(other.id) == others_versions

    client.set_cookie("clearing_session", cookie)  # a copied cookie is dead too
    response = client.get("/journal")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_last_admin_cannot_be_deleted(client, auth, make_admin):
    admin = make_admin()
    auth.login(admin)
    response = client.post("/account/delete", data={"email": admin.email})
    assert response.status_code == 422
    assert "only active administrator" in response.get_data(as_text=True)
    assert db.session.get(User, admin.id) is not None


def test_an_admin_can_go_when_another_remains(client, auth, make_admin):
    admin, _ = make_admin(), make_admin()
    auth.login(admin)
    response = client.post("/account/delete", data={"email": admin.email})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(User.id)).where(User.role == Role.ADMIN)) == 1


def test_a_facilitator_can_delete_their_account(client, auth, make_cohort, make_facilitator):
    facilitator = make_facilitator()
    cohort = make_cohort(facilitator=facilitator)
    facilitator_id, cohort_id = facilitator.id, cohort.id
    auth.login(facilitator)
    response = client.post("/account/delete", data={"email": facilitator.email})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, facilitator_id) is None
    assert db.session.get(Cohort, cohort_id) is not None  # the cohort stays

