"""A cohort's page: what it shows, renaming, and archiving with a confirm step."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from course.cohorts.cohorts import create_invitation
from course.cohorts.models import Cohort, Invitation
from course.extensions import db
from course.models import utcnow
from tests.facilitate.conftest import future_date, text_of
from tests.factories import PASSWORD, csrf_token_from, read_outbox


def cohort_url(world, suffix: str = "") -> str:
    return f"/facilitate/cohorts/{world.cohort.id}{suffix}"


def test_page_shows_numbers_invitations_leaders_and_facilitators(client, auth, world):
    auth.login(world.facilitator)
    page = text_of(client.get(cohort_url(world)))
    assert "Harbour cohort" in page
    assert "Leaders 1" in page
    assert "0 of 50 used" in page and "Active" in page
    assert world.leader.name in page and world.leader.email in page
    assert "account active" in page
    assert f"{world.facilitator.name} (you)" in page
    assert world.other_leader.email not in page and world.other_facilitator.name not in page
    assert "Add facilitator" not in page  # only admins assign


def test_rename(client, auth, world):
    auth.login(world.facilitator)
    response = client.post(cohort_url(world, "/name"), data={"name": "Harbour, spring"})
    assert response.status_code == 302
    assert db.session.get(Cohort, world.cohort.id).name == "Harbour, spring"
    response = client.post(cohort_url(world, "/name"), data={"name": ""})
    assert response.status_code == 422
    assert "Enter a cohort name." in response.get_data(as_text=True)
    assert db.session.get(Cohort, world.cohort.id).name == "Harbour, spring"


def test_archive_asks_first_then_revokes_live_links(client, auth, world):
    spent, _ = create_invitation(world.cohort, world.facilitator, max_uses=1)
    spent.uses = 1
    db.session.commit()
    auth.login(world.facilitator)
    confirm = client.get(cohort_url(world, "/archive"))
    assert confirm.status_code == 200
    assert "Archive “Harbour cohort”?" in confirm.get_data(as_text=True)
    assert db.session.get(Cohort, world.cohort.id).archived_at is None  # GET changes nothing

    response = client.post(cohort_url(world, "/archive"))
    assert response.status_code == 302
    assert db.session.get(Cohort, world.cohort.id).archived_at is not None
    assert db.session.get(Invitation, world.invitation.id).revoked_at is not None
    assert db.session.get(Invitation, spent.id).revoked_at is None  # used up: left as it was
    assert db.session.get(Invitation, world.other_invitation.id).revoked_at is None
    page = text_of(client.get(response.headers["Location"]))
    assert "is archived; 1 invitation that still worked revoked." in page
    assert "Nobody can be invited to it until it is restored." in page
    assert "Send invitations" not in page and "Create link" not in page

    for suffix, data in [("/invitations/email", {"emails": "a@x.org"}),
                         ("/invitations", {"expires_on": future_date(), "max_uses": "5"})]:
        refused = client.post(cohort_url(world, suffix), data=data, follow_redirects=True)
        assert "This cohort is archived. Restore it" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Invitation.id))) == 3
    assert read_outbox(client.application) == []


def test_restore(client, auth, world):
    world.cohort.archived_at = utcnow() - timedelta(days=3)
    db.session.commit()
    auth.login(world.facilitator)
    assert "Restore “Harbour cohort”?" in client.get(cohort_url(world, "/restore")).get_data(
        as_text=True)
    assert db.session.get(Cohort, world.cohort.id).archived_at is not None
    assert client.post(cohort_url(world, "/restore")).status_code == 302
    assert db.session.get(Cohort, world.cohort.id).archived_at is None
    assert "Harbour cohort" in client.get("/facilitate/").get_data(as_text=True).split(
        "Create a cohort")[0]


def test_state_changes_need_post(client, auth, world):
    auth.login(world.facilitator)
    for suffix in ("/name", "/invitations", f"/invitations/{world.invitation.id}/revoke",
                   "/invitations/email"):
        assert client.get(cohort_url(world, suffix)).status_code == 405


def test_forms_carry_csrf_tokens_and_refuse_without(make_app, world):
    client = make_app(reset=False, WTF_CSRF_ENABLED=True).test_client()
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"email": world.facilitator.email,
                                "password": PASSWORD,
                                "csrf_token": csrf_token_from(page)})
    html = client.get(f"/facilitate/cohorts/{world.cohort.id}").get_data(as_text=True)
    assert html.count('name="csrf_token"') >= 5
    response = client.post(f"/facilitate/cohorts/{world.cohort.id}/name", data={"name": "X"})
    assert response.status_code == 400
    token = csrf_token_from(html)
    response = client.post(f"/facilitate/cohorts/{world.cohort.id}/name",
                           data={"name": "With token", "csrf_token": token})
    assert response.status_code == 302


def test_page_runs_a_fixed_number_of_queries(client, auth, world, make_leader, count_queries):
    auth.login(world.facilitator)
    client.get(cohort_url(world))
    with count_queries() as few:
        client.get(cohort_url(world))
    for _ in range(6):
        make_leader(cohort=world.cohort)
        create_invitation(world.cohort, world.facilitator)
    db.session.commit()
    with count_queries() as many:
        client.get(cohort_url(world))
    assert len(many) == len(few)
