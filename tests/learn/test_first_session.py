"""Issue 13: the first session (welcome once, then the self-assessment, then lesson 1), the
compact header, times in the leader's zone, dark mode and the accessibility statement."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from course.extensions import db
from course.models import User
from course.timezones import html_datetime, local_time

CSS = Path(__file__).resolve().parents[2] / "course" / "static" / "css" / "site.css"


@pytest.fixture
def newcomer(auth, make_leader, make_cohort, make_facilitator):
    facilitator = make_facilitator(name="Fay Facilitator")
    person = make_leader(cohort=make_cohort("Spring leaders", facilitator), name="Nia New")
    auth.login(person)
    return person


def test_first_visit_shows_the_welcome_with_cohort_facilitator_minutes(client, newcomer,
                                                                     catalog):
    response = client.get("/course")
    assert response.status_code == 302 and response.location.endswith("/welcome")
    html = client.get("/welcome").get_data(as_text=True)
    assert "Spring leaders" in html and "Fay Facilitator" in html
    minutes = [lesson.minutes for lesson in catalog.ordered_lessons]
    assert f"{min(minutes)} to {max(minutes)} minutes" in html
    assert "Only you." in html and "unless you choose to share" in html
    for kind in ("Fog", "Quest", "Movie", "Painting by numbers"):
        assert kind in html


def test_welcome_once_then_assessment_then_lesson_one(client, newcomer, catalog):
    done = client.post("/welcome")
    assert done.status_code == 302 and done.location.endswith("/assessment/before")
    assert db.session.get(User, newcomer.id).welcome_seen_at is not None
    assert client.get("/course").location.endswith("/assessment/before")  # never /welcome
    skipped = client.post("/assessment/before/skip")
    assert skipped.location.endswith(f"/lessons/{catalog.ordered_lessons[0].id}")
    assert client.get("/course").status_code == 200


def test_leaders_under_way_and_facilitators_never_see_the_welcome(client, auth, signed_in,
                                                                  make_facilitator):
    assert client.get("/course").status_code == 200  # skipped the assessment already
    auth.logout()
    auth.login(make_facilitator())
    assert client.get("/welcome").status_code in (403, 404)


def test_skipping_from_the_assessment_link_marks_the_welcome_seen(client, newcomer):
    client.post("/assessment/before/skip")
    assert db.session.get(User, newcomer.id).welcome_seen_at is not None


def test_course_home_key_is_a_disclosure_and_css_marks_every_summary(client, signed_in):
    html = client.get("/course").get_data(as_text=True)
    assert '<details class="kinds-key">' in html and "The four kinds of work" in html
    css = CSS.read_text()
    assert "details:not(.site-menu, .matrix-details) > summary::before" in css


def test_header_has_a_menu_disclosure_and_the_footer_links_the_statement(client, signed_in):
    html = client.get("/course").get_data(as_text=True)
    assert '<details class="site-menu">' in html and ">Menu</summary>" in html
    assert 'href="/accessibility"' in html


def test_accessibility_statement_is_public_and_complete(client):
    response = client.get("/accessibility")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for heading in ("Known issues", "Feedback and contact information", "Enforcement procedure",
                    "How we tested this website", "WCAG"):
        assert heading in html


def test_dark_mode_and_print_rules_exist():
    css = CSS.read_text()
    assert "@media (prefers-color-scheme: dark)" in css
    assert "@page { size: A4" in css


def test_local_time_uses_the_persons_zone_across_daylight_saving(app):
    winter = datetime(2026, 1, 15, 17, 44, 12, 123456, tzinfo=UTC)
    summer = datetime(2026, 7, 15, 16, 44, 12, 123456, tzinfo=UTC)
    london = User(time_zone="Europe/London")
    assert local_time(winter, user=london) == "15 Jan 2026, 17:44 GMT"
    assert local_time(summer, user=london) == "15 Jul 2026, 17:44 BST"
    assert local_time(winter, "date", user=london) == "15 Jan 2026"
    assert local_time(winter, user=User(time_zone="America/New_York")).endswith("12:44 EST")
    assert local_time(winter, user=User(time_zone="Not/AZone")).endswith("17:44 GMT")
    stamp = html_datetime(summer, user=london)
    assert stamp == "2026-07-15T17:44:12+01:00"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", stamp)


def test_account_sets_the_time_zone_and_shows_times_in_it(client, signed_in):
    html = client.get("/account").get_data(as_text=True)
    assert '<option value="Europe/London" selected>' in html
    assert " UTC" not in html  # no bare UTC next to a time
    assert re.search(r"\d\d:\d\d (GMT|BST)</time>", html)
    saved = client.post("/account/time-zone", data={"time_zone": "Asia/Tokyo"})
    assert saved.status_code == 303
    assert db.session.get(User, signed_in.id).time_zone == "Asia/Tokyo"
    html = client.get("/account").get_data(as_text=True)
    assert '<option value="Asia/Tokyo" selected>' in html and "JST</time>" in html
    refused = client.post("/account/time-zone", data={"time_zone": "Mars/Olympus"})
    assert refused.status_code == 303
    assert db.session.get(User, signed_in.id).time_zone == "Asia/Tokyo"


def test_time_zone_change_needs_a_signed_in_person(client):
    response = client.post("/account/time-zone", data={"time_zone": "Asia/Tokyo"})
    assert response.status_code == 302 and "/login" in response.location
