"""Leaders (deactivate, reactivate: a confirm step; sessions end) and facilitators (admins)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from course.cohorts.cohorts import CohortError
from course.cohorts.management import assign_facilitator
from course.cohorts.models import Membership
from course.extensions import db
from course.models import Role, User, UserSession
from tests.facilitate.conftest import text_of
from tests.factories import Auth


def leader_url(world, action: str) -> str:
    return f"/facilitate/cohorts/{world.cohort.id}/leaders/{world.leader.id}/{action}"


def sessions_of(user) -> int:
    return db.session.scalar(select(func.count(UserSession.id))
                             .where(UserSession.user_id == user.id))


def test_leaders_list_shows_name_email_joined_and_state(client, auth, world, make_leader):
    make_leader(name="Dee Deactivated", cohort=world.cohort).active = False
    db.session.commit()
    auth.login(world.facilitator)
    page = text_of(client.get(f"/facilitate/cohorts/{world.cohort.id}"))
    assert "Leaders (2)" in page
    assert "Dee Deactivated Deactivated" in page
    assert f"Lee Leader {world.leader.email} Joined " in page
    assert "account active Deactivate Lee Leader" in page
    assert "account deactivated Reactivate Dee Deactivated" in page


def test_deactivate_asks_first_then_ends_the_leaders_sessions(app, client, auth, world):
    leader_client = app.test_client()
    Auth(leader_client).login(world.leader)
    assert leader_client.get("/account").status_code == 200
    assert sessions_of(world.leader) == 1

    auth.login(world.facilitator)
    confirm = client.get(leader_url(world, "deactivate"))
    assert confirm.status_code == 200
    assert "Deactivate Lee Leader?" in confirm.get_data(as_text=True)
    assert db.session.get(User, world.leader.id).active  # the GET changed nothing

    response = client.post(leader_url(world, "deactivate"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("#leaders")
    assert not db.session.get(User, world.leader.id).active
    assert sessions_of(world.leader) == 0
    assert leader_client.get("/account").headers["Location"].startswith("/login")
    assert Auth(leader_client).login(world.leader).status_code == 200  # refused, form again
    assert sessions_of(world.leader) == 0
    assert "signed out everywhere" in client.get(response.headers["Location"]).get_data(
        as_text=True)


def test_reactivate(client, auth, world):
    world.leader.active = False
    db.session.commit()
    auth.login(world.facilitator)
    assert "Reactivate Lee Leader?" in client.get(leader_url(world, "reactivate")).get_data(
        as_text=True)
    assert client.post(leader_url(world, "reactivate")).status_code == 302
    assert db.session.get(User, world.leader.id).active
    leader_client = client.application.test_client()
    assert Auth(leader_client).login(world.leader).status_code == 302


def test_admin_assigns_and_removes_a_facilitator(client, auth, world, make_facilitator):
    extra = make_facilitator(name="Nia New")
    auth.login(world.admin)
    html = client.get(f"/facilitate/cohorts/{world.cohort.id}").get_data(as_text=True)
    assert '<label class="label" for="facilitator">Facilitator</label>' in html
    assert "Nia New" in html and world.leader.name not in html.split('id="facilitator"')[1]

    url = f"/facilitate/cohorts/{world.cohort.id}/facilitators"
    assert client.post(url, data={"facilitator": str(extra.id)}).status_code == 302
    runs = select(Membership).where(Membership.cohort_id == world.cohort.id,
                                    Membership.role == Role.FACILITATOR)
    assert {m.user_id for m in db.session.scalars(runs)} == {world.facilitator.id, extra.id}

    # Nia now reaches the cohort; remove her and she no longer does.
    nia = client.application.test_client()
    Auth(nia).login(extra)
    assert nia.get(f"/facilitate/cohorts/{world.cohort.id}").status_code == 200
    assert client.post(f"{url}/{extra.id}/remove").status_code == 302
    assert nia.get(f"/facilitate/cohorts/{world.cohort.id}").status_code == 404


def test_only_facilitators_and_admins_can_be_assigned(client, auth, world):
    auth.login(world.admin)
    url = f"/facilitate/cohorts/{world.cohort.id}/facilitators"
    for chosen in (world.leader.id, world.facilitator.id, 999999):
        response = client.post(url, data={"facilitator": str(chosen)})
        assert response.status_code == 422
        assert "Not a valid choice" in response.get_data(as_text=True)


def test_the_last_facilitator_stays(client, auth, world):
    auth.login(world.admin)
    url = f"/facilitate/cohorts/{world.cohort.id}/facilitators/{world.facilitator.id}/remove"
    response = client.post(url, follow_redirects=True)
    assert "A cohort needs at least one facilitator." in response.get_data(as_text=True)
    assert db.session.scalar(select(Membership).where(
        Membership.cohort_id == world.cohort.id, Membership.user_id == world.facilitator.id))


def test_assign_rules(app, world, make_facilitator):
    with pytest.raises(CohortError, match="is not a facilitator or admin"):
        assign_facilitator(world.cohort, world.leader.id)
    with pytest.raises(CohortError, match="already runs this cohort"):
        assign_facilitator(world.cohort, world.facilitator.id)
    with pytest.raises(CohortError, match="There is no such account"):
        assign_facilitator(world.cohort, 424242)
    resting = make_facilitator()
    resting.active = False
    with pytest.raises(CohortError, match="deactivated"):
        assign_facilitator(world.cohort, resting.id)
    assert assign_facilitator(world.other_cohort, world.facilitator.id) == world.facilitator
