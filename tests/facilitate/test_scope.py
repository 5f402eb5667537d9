"""Who reaches which facilitator URL: one matrix, and ids smuggled in from another cohort."""

from __future__ import annotations

import pytest

from course.cohorts.models import Invitation
from course.extensions import db
from course.models import User
from tests.facilitate.conftest import future_date

WHO = ["anonymous", "leader", "facilitator", "other_facilitator", "admin"]

# Facilitator pages: a stranger's cohort answers 404; leaders 403; anonymous to /login.
OWN = {"anonymous": 302, "leader": 403, "other_facilitator": 404}
ADMIN_ONLY = {"anonymous": 302, "leader": 403, "facilitator": 403, "other_facilitator": 403}

ROUTES = [
    ("GET", "/facilitate/", None,
     {"anonymous": 302, "leader": 403, "facilitator": 200, "other_facilitator": 200,
      "admin": 200}),
    ("POST", "/facilitate/cohorts", {"name": "New cohort"},
     {"anonymous": 302, "leader": 403, "facilitator": 302, "other_facilitator": 302,
      "admin": 302}),
    ("GET", "/facilitate/cohorts/{cohort}", None, {**OWN, "facilitator": 200, "admin": 200}),
    ("POST", "/facilitate/cohorts/{cohort}/name", {"name": "Renamed"},
     {**OWN, "facilitator": 302, "admin": 302}),
    ("GET", "/facilitate/cohorts/{cohort}/archive", None,
     {**OWN, "facilitator": 200, "admin": 200}),
    ("POST", "/facilitate/cohorts/{cohort}/archive", {}, {**OWN, "facilitator": 302, "admin": 302}),
    ("GET", "/facilitate/cohorts/{cohort}/restore", None,
     {**OWN, "facilitator": 200, "admin": 200}),
    ("POST", "/facilitate/cohorts/{cohort}/restore", {}, {**OWN, "facilitator": 302, "admin": 302}),
    ("POST", "/facilitate/cohorts/{cohort}/invitations",
     {"expires_on": future_date(), "max_uses": "5"}, {**OWN, "facilitator": 200, "admin": 200}),
    ("POST", "/facilitate/cohorts/{cohort}/invitations/{invitation}/revoke", {},
     {**OWN, "facilitator": 302, "admin": 302}),
    ("POST", "/facilitate/cohorts/{cohort}/invitations/email", {"emails": "new@example.org"},
     {**OWN, "facilitator": 302, "admin": 302}),
    ("GET", "/facilitate/cohorts/{cohort}/leaders/{leader}/deactivate", None,
     {**OWN, "facilitator": 200, "admin": 200}),
    ("POST", "/facilitate/cohorts/{cohort}/leaders/{leader}/deactivate", {},
     {**OWN, "facilitator": 302, "admin": 302}),
    ("GET", "/facilitate/cohorts/{cohort}/leaders/{leader}/reactivate", None,
     {**OWN, "facilitator": 200, "admin": 200}),
    ("POST", "/facilitate/cohorts/{cohort}/leaders/{leader}/reactivate", {},
     {**OWN, "facilitator": 302, "admin": 302}),
    ("POST", "/facilitate/cohorts/{cohort}/facilitators", {"facilitator": "{other_facilitator}"},
     {**ADMIN_ONLY, "admin": 302}),
    ("POST", "/facilitate/cohorts/{cohort}/facilitators/{facilitator}/remove", {},
     {**ADMIN_ONLY, "admin": 302}),
]


def fill(template: str, world) -> str:
    return template.format(
        cohort=world.cohort.id, invitation=world.invitation.id, leader=world.leader.id,
        facilitator=world.facilitator.id, other_facilitator=world.other_facilitator.id,
    )


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize(("method", "path", "data", "expected"), ROUTES,
                         ids=[f"{r[0]} {r[1]}" for r in ROUTES])
def test_permission_matrix(client, auth, world, who, method, path, data, expected):
    user = world.user(who)
    if user is not None:
        auth.login(user)
    form = {key: fill(value, world) for key, value in (data or {}).items()}
    response = client.open(fill(path, world), method=method, data=form)
    assert response.status_code == expected[who]
    if who == "anonymous":
        assert response.headers["Location"].startswith("/login")


def test_ids_from_another_cohort_answer_404_and_change_nothing(client, auth, world):
    """A facilitator naming their own cohort with another cohort's invitation or leader."""
    auth.login(world.facilitator)
    own = world.cohort.id
    attempts = [
        f"/facilitate/cohorts/{own}/invitations/{world.other_invitation.id}/revoke",
        f"/facilitate/cohorts/{own}/leaders/{world.other_leader.id}/deactivate",
        f"/facilitate/cohorts/{own}/leaders/{world.other_leader.id}/reactivate",
        # Their own cohort's facilitator is not a leader of it.
        f"/facilitate/cohorts/{own}/leaders/{world.facilitator.id}/deactivate",
    ]
    for path in attempts:
        assert client.get(path).status_code in (404, 405), path
        assert client.post(path).status_code == 404, path
    assert db.session.get(Invitation, world.other_invitation.id).revoked_at is None
    assert db.session.get(User, world.other_leader.id).active


def test_other_cohort_page_does_not_leak_its_name(client, auth, world):
    auth.login(world.facilitator)
    response = client.get(f"/facilitate/cohorts/{world.other_cohort.id}")
    assert response.status_code == 404
    assert world.other_cohort.name not in response.get_data(as_text=True)
    home = client.get("/facilitate/").get_data(as_text=True)
    assert world.cohort.name in home and world.other_cohort.name not in home


def test_admin_cannot_remove_a_leader_as_a_facilitator(client, auth, world):
    auth.login(world.admin)
    path = f"/facilitate/cohorts/{world.cohort.id}/facilitators/{world.leader.id}/remove"
    assert client.post(path).status_code == 404
