"""Invitation links: create (shown once), validation messages, statuses and revoking."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from course.cohorts.cohorts import create_invitation, find_invitation
from course.cohorts.models import ACTIVE, EXPIRED, REVOKED, USED_UP, Invitation
from course.extensions import db
from course.models import utcnow
from course.tokens import hash_token
from tests.facilitate.conftest import future_date, text_of


def links_url(world) -> str:
    return f"/facilitate/cohorts/{world.cohort.id}/invitations"


def test_create_shows_the_url_once(client, auth, world):
    auth.login(world.facilitator)
    response = client.post(links_url(world), data={"expires_on": future_date(12),
                                                   "max_uses": "20"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    url = re.search(r'id="invitation-url"[^>]*value="([^"]+)"', html).group(1)
    assert "readonly" in re.search(r'<input[^>]*id="invitation-url"[^>]*>', html).group(0)
    assert url.startswith("http://localhost/invite/")
    token = url.rsplit("/", 1)[1]
    invitation = find_invitation(token)
    assert invitation.cohort_id == world.cohort.id and invitation.max_uses == 20
    assert invitation.token_hash == hash_token(token)  # only the hash is stored
    valid_until = utcnow().date() + timedelta(days=12)
    assert invitation.expires_at.date() == valid_until
    assert invitation.expires_at > utcnow() + timedelta(days=12) - timedelta(days=1)
    assert "shown only this once" in html

    later = client.get(f"/facilitate/cohorts/{world.cohort.id}").get_data(as_text=True)
    assert token not in later
    assert "0 of 20 used" in text_of(client.get(f"/facilitate/cohorts/{world.cohort.id}"))


def test_form_defaults_to_thirty_days_and_fifty_uses(client, auth, world):
    auth.login(world.facilitator)
    html = client.get(f"/facilitate/cohorts/{world.cohort.id}").get_data(as_text=True)
    date_input = re.search(r'<input[^>]*id="expires_on"[^>]*>', html).group(0)
    assert 'type="date"' in date_input
    assert f'value="{future_date(30)}"' in date_input
    assert f'min="{future_date(1)}"' in date_input
    assert 'value="50"' in re.search(r'<input[^>]*id="max_uses"[^>]*>', html).group(0)
    assert '<label class="label" for="expires_on">Valid until</label>' in html


@pytest.mark.parametrize(("expires_on", "max_uses", "message"), [
    (future_date(0), "5", "Choose a date after today."),
    (future_date(-3), "5", "Choose a date after today."),
    (future_date(366), "5", "Choose a date at most a year from today."),
    ("", "5", "Choose the last day the link works."),
    ("31/12/2030", "5", "Enter the date as year-month-day, for example 2026-03-31."),
    (future_date(), "0", "Enter a whole number from 1 to 1,000."),
    (future_date(), "1001", "Enter a whole number from 1 to 1,000."),
    (future_date(), "ten", "Enter a whole number from 1 to 1,000."),
    (future_date(), "", "Enter a whole number from 1 to 1,000."),
], ids=["today", "past", "over a year", "no date", "not ISO", "0 uses", "1001 uses",
        "words", "no uses"])
def test_validation_messages(client, auth, world, expires_on, max_uses, message):
    auth.login(world.facilitator)
    before = db.session.scalar(select(db.func.count(Invitation.id)))
    response = client.post(links_url(world), data={"expires_on": expires_on,
                                                   "max_uses": max_uses})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert 'aria-invalid="true"' in html and "Please check the form" in html
    assert db.session.scalar(select(db.func.count(Invitation.id))) == before


def test_a_year_ahead_and_a_thousand_uses_are_allowed(client, auth, world):
    auth.login(world.facilitator)
    response = client.post(links_url(world), data={"expires_on": future_date(365),
                                                   "max_uses": "1000"})
    assert response.status_code == 200


def test_statuses_and_usage_on_the_page(client, auth, world):
    now = utcnow()
    expired, _ = create_invitation(world.cohort, world.facilitator, max_uses=10)
    expired.expires_at = now - timedelta(hours=1)
    used_up, _ = create_invitation(world.cohort, world.facilitator, max_uses=2)
    used_up.uses = 2
    revoked, _ = create_invitation(world.cohort, world.facilitator, max_uses=5)
    revoked.revoked_at = now
    world.invitation.uses = 3
    db.session.commit()
    assert [i.status(utcnow()) for i in (world.invitation, expired, used_up, revoked)] \
        == [ACTIVE, EXPIRED, USED_UP, REVOKED]

    auth.login(world.facilitator)
    html = client.get(f"/facilitate/cohorts/{world.cohort.id}").get_data(as_text=True)
    page = text_of(client.get(f"/facilitate/cohorts/{world.cohort.id}"))
    for words in ("Active 3 of 50 used", "Expired 0 of 10 used", "Used up 2 of 2 used",
                  "Revoked 0 of 5 used"):
        assert words in page
    # Only the link that still works has a revoke button.
    assert html.count("/revoke\"") == 1
    assert f"/invitations/{world.invitation.id}/revoke" in html


def test_revoke(client, auth, world):
    token_invitation, token = create_invitation(world.cohort, world.facilitator)
    db.session.commit()
    auth.login(world.facilitator)
    response = client.post(f"{links_url(world)}/{token_invitation.id}/revoke")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/facilitate/cohorts/{world.cohort.id}"
                                                 "#invitations")
    page = text_of(client.get(f"/facilitate/cohorts/{world.cohort.id}"))
    assert "The invitation was revoked" in page and "Revoked 0 of 50 used" in page
    assert find_invitation(token) is None
    assert client.get(f"/invite/{token}").status_code == 404
    # Revoking twice is harmless and keeps the first time.
    first = db.session.get(Invitation, token_invitation.id).revoked_at
    assert client.post(f"{links_url(world)}/{token_invitation.id}/revoke").status_code == 302
    assert db.session.get(Invitation, token_invitation.id).revoked_at == first
