"""Plans through the app: make one on a lesson's Try section, the refusals that keep what
was typed, one plan per form, move and drop, the check-in link's log form, the course
home's card, the data download, and nobody else's plan."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from course.experiments.models import ExperimentEntry
from course.extensions import db
from course.plans.models import ACTIVE, DONE, DROPPED, Plan
from course.plans.plans import create_plan
from tests.factories import PASSWORD, csrf_token_from

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)  # a Tuesday, GMT in London
TODAY = NOW.date()
IF_THEN = "If it is Monday's senior team meeting, then I will ask one person what they read"


@pytest.fixture(autouse=True)
def clock():
    """Every test here runs on Tuesday 1 December 2026 at 10:00 UTC (the clock stands)."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def try_lesson(catalog):
    return next(found for found in catalog.ordered_lessons if found.try_this)


def plan_url(lesson):
    return f"/lessons/{lesson.id}/plans"


def plans_of(user) -> list[Plan]:
    db.session.expire_all()
    return list(db.session.scalars(select(Plan).where(Plan.user_id == user.id).order_by(Plan.id)))


def make_plan(user, lesson, due_on=TODAY, **values) -> Plan:
    plan = create_plan(user.id, lesson_id=lesson.id, what=lesson.try_this.title, due_on=due_on,
                       today=min(due_on, TODAY), **values)
    db.session.commit()
    return plan


def test_the_try_section_offers_a_plan_form(client, signed_in, try_lesson):
    html = client.get(f"/lessons/{try_lesson.id}").get_data(as_text=True)
    assert "Plan when you will try it" in html
    assert f'action="{plan_url(try_lesson)}#plan-heading"' in html
    assert 'min="2026-12-01"' in html and 'max="2027-12-02"' in html
    assert "If … then I will …" in html and 'maxlength="500"' in html


def test_a_plan_is_made_and_shown_with_move_and_drop(client, signed_in, try_lesson):
    response = client.post(plan_url(try_lesson), data={
        "date": "2026-12-02", "time": "14:30", "if_then": IF_THEN, "form_key": "p1"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/lessons/{try_lesson.id}#plan-heading")
    [plan] = plans_of(signed_in)
    assert (plan.due_on, plan.due_time, plan.if_then, plan.status) == (
        date(2026, 12, 2), time(14, 30), IF_THEN, ACTIVE)
    assert (plan.lesson_id, plan.what) == (try_lesson.id, try_lesson.try_this.title)
    html = client.get(f"/lessons/{try_lesson.id}").get_data(as_text=True)
    assert "Plan saved for tomorrow at 14:30." in html
    assert "Your plan</h3>" in html and "Tomorrow at 14:30" in html
    assert IF_THEN.replace("'", "&#39;") in html
    assert f'href="/plans/{plan.id}"' in html and f'href="/plans/{plan.id}/drop"' in html
    assert "Plan another time" in html


@pytest.mark.parametrize("sent, messages", [
    ({"date": "", "time": ""}, ["Enter the date you will try it."]),
    ({"date": "2026-11-30", "time": "9am"},
     ["The date must be today or later.", "Enter the time as hours and minutes"]),
    ({"date": "31/02/2026"}, ["Enter a real date, for example 3/12/2026."]),
    ({"date": "2028-01-01"}, ["Choose a date within the next year."]),
    ({"date": "2026-12-03", "if_then": "x" * 501},
     ["Keep your if-then plan under 500 characters (it has 501)."]),
])
def test_a_refusal_says_what_is_wrong_and_keeps_what_was_typed(client, signed_in, try_lesson,
                                                               sent, messages):
    data = {"if_then": "If the board meets, then I will ask", "form_key": "p1", **sent}
    response = client.post(plan_url(try_lesson), data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in html
    for message in messages:
        assert message in html
    assert f">{data['if_then']}</textarea>" in html
    if data.get("date"):
        assert f'value="{data["date"]}"' in html
    assert 'href="#plan-date"' in html or 'href="#plan-if-then"' in html
    assert 'aria-invalid="true"' in html
    assert plans_of(signed_in) == []


def test_a_double_click_makes_one_plan(client, signed_in, try_lesson):
    data = {"date": "2026-12-04", "form_key": "same-form"}
    assert client.post(plan_url(try_lesson), data=data).status_code == 302
    assert client.post(plan_url(try_lesson), data=data).status_code == 302
    assert len(plans_of(signed_in)) == 1


def test_an_expired_form_keeps_the_if_then_line(make_app, make_leader):
    email = make_leader().email
    db.session.commit()  # the test's own transaction must not hold SQLite's lock
    app = make_app(reset=False, WTF_CSRF_ENABLED=True)
    with app.app_context():
        lesson = next(found for found in app.extensions["catalog"].ordered_lessons
                      if found.try_this)
        client = app.test_client()
        login = client.get("/login").get_data(as_text=True)
        client.post("/login", data={"email": email, "password": PASSWORD,
                                    "csrf_token": csrf_token_from(login)})
        response = client.post(plan_url(lesson), data={"date": "2026-12-03", "if_then": IF_THEN,
                                                       "csrf_token": "stale"})
        html = response.get_data(as_text=True)
        assert response.status_code == 400
        assert "This form had expired, so your plan was not saved." in html
        assert IF_THEN.replace("'", "&#39;") in html
        assert db.session.scalar(select(func.count(Plan.id))) == 0


def test_another_leaders_plan_is_404_everywhere(client, signed_in, try_lesson, make_leader,
                                               catalog):
    theirs = make_plan(make_leader(), try_lesson, TODAY)
    mine = make_plan(signed_in, try_lesson, TODAY)
    for method, path, data in (
        ("get", f"/plans/{theirs.id}", None),
        ("post", f"/plans/{theirs.id}/move", {"date": "2026-12-09"}),
        ("get", f"/plans/{theirs.id}/drop", None),
        ("post", f"/plans/{theirs.id}/drop", {"confirm": "yes"}),
        ("post", f"/plans/{theirs.id}/done", {}),
        ("get", f"/lessons/{try_lesson.id}?plan={theirs.id}", None),
        ("get", f"/lessons/{try_lesson.id}?plan=%C2%B2", None),
        ("get", f"/lessons/{try_lesson.id}?plan=99999999999999999999", None),
        ("post", f"/lessons/{try_lesson.id}/experiments",
         {"text": "Tried it", "plan_id": str(theirs.id)}),
        ("get", "/plans/99999999999999999999", None),
    ):
        response = getattr(client, method)(path, data=data)
        assert response.status_code == 404, (method, path)
    other_lesson = next(found for found in catalog.ordered_lessons
                        if found.try_this and found.id != try_lesson.id)
    assert client.get(f"/lessons/{other_lesson.id}?plan={mine.id}").status_code == 404
    db.session.expire_all()
    assert (theirs.status, theirs.due_on) == (ACTIVE, TODAY)
    assert db.session.scalar(select(func.count(ExperimentEntry.id))) == 0


def test_only_leaders_make_plans(client, auth, make_facilitator, try_lesson):
    auth.login(make_facilitator())
    assert client.post(plan_url(try_lesson), data={"date": "2026-12-03"}).status_code == 403


def test_the_check_in_link_opens_the_log_form_and_logging_marks_the_plan_done(
        client, signed_in, try_lesson):
    plan = make_plan(signed_in, try_lesson, TODAY - timedelta(days=2), if_then=IF_THEN)
    page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "Sun 29 Nov" in page and "Check-in due" in page
    assert 'id="move-date" name="date" value="2026-12-01"' in page  # a past day cannot stay
    html = client.get(f"/lessons/{try_lesson.id}?plan={plan.id}").get_data(as_text=True)
    assert '<h3 id="log">How did it go?</h3>' in html
    assert f'name="plan_id" value="{plan.id}" checked' in html
    assert "This entry says how my plan for Sun 29 Nov went" in html
    assert 'name="done_on" value="2026-11-29"' in html  # the day planned
    response = client.post(f"/lessons/{try_lesson.id}/experiments", data={
        "done_on": "2026-11-29", "text": "Asked two people; one reads a lot.",
        "plan_offered": str(plan.id), "plan_id": str(plan.id), "form_key": "e1"})
    assert response.status_code == 302
    db.session.expire_all()
    entry = db.session.scalar(select(ExperimentEntry))
    assert entry.plan_id == plan.id
    assert db.session.get(Plan, plan.id).status == DONE
    html = client.get(f"/lessons/{try_lesson.id}").get_data(as_text=True)
    assert "Your plan is marked done." in html
    assert "How your plan went" in html  # the entry says what it was for
    assert "Plan when you will try it" in html  # no active plan left on the lesson
    html = client.get(f"/lessons/{try_lesson.id}?plan={plan.id}").get_data(as_text=True)
    assert "You have already logged how this plan went." in html
    assert 'name="plan_id"' not in html


def test_a_due_plan_is_offered_on_the_log_form_and_can_be_left_out(client, signed_in,
                                                                  try_lesson):
    plan = make_plan(signed_in, try_lesson, TODAY)
    make_plan(signed_in, try_lesson, TODAY + timedelta(days=3))  # not due: not offered
    html = client.get(f"/lessons/{try_lesson.id}").get_data(as_text=True)
    assert f'name="plan_id" value="{plan.id}" checked' in html
    # A refused entry keeps the leader's choice: unticked stays unticked.
    response = client.post(f"/lessons/{try_lesson.id}/experiments", data={
        "text": "", "plan_offered": str(plan.id)})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'name="plan_id" value="{plan.id}">' in html
    client.post(f"/lessons/{try_lesson.id}/experiments", data={
        "text": "Something else I tried", "plan_offered": str(plan.id)})
    db.session.expire_all()
    assert db.session.scalar(select(ExperimentEntry.plan_id)) is None
    assert db.session.get(Plan, plan.id).status == ACTIVE


def test_moving_a_plan_re_arms_its_check_in_and_refuses_the_past(client, signed_in,
                                                                 try_lesson):
    plan = make_plan(signed_in, try_lesson, TODAY)
    plan.checkin_sent_on = TODAY  # its check-in was sent this morning
    db.session.commit()
    page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "Your plan" in page and 'value="2026-12-01"' in page
    response = client.post(f"/plans/{plan.id}/move", data={"date": "2026-11-20", "time": "8"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The date must be today or later." in html and 'href="#move-date"' in html
    assert 'value="2026-11-20"' in html and 'value="8"' in html
    response = client.post(f"/plans/{plan.id}/move", data={"date": "2026-12-08", "time": "09:00"})
    assert response.headers["Location"].endswith(f"/lessons/{try_lesson.id}#plan-heading")
    db.session.expire_all()
    moved = db.session.get(Plan, plan.id)
    assert (moved.due_on, moved.due_time, moved.checkin_sent_on) == (
        date(2026, 12, 8), time(9), None)
    assert "Plan moved to Tue 8 Dec at 09:00." in client.get(
        f"/lessons/{try_lesson.id}").get_data(as_text=True)


def test_dropping_asks_first(client, signed_in, try_lesson):
    plan = make_plan(signed_in, try_lesson, TODAY + timedelta(days=1), if_then=IF_THEN)
    page = client.get(f"/plans/{plan.id}/drop").get_data(as_text=True)
    assert "Drop this plan?" in page and "No check-in will be sent for it." in page
    assert client.post(f"/plans/{plan.id}/drop").status_code == 200  # no confirm: asks again
    assert plans_of(signed_in)[0].status == ACTIVE
    response = client.post(f"/plans/{plan.id}/drop", data={"confirm": "yes"})
    assert response.headers["Location"].endswith(f"/lessons/{try_lesson.id}#plan-heading")
    assert plans_of(signed_in)[0].status == DROPPED
    html = client.get(f"/lessons/{try_lesson.id}").get_data(as_text=True)
    assert "Plan dropped." in html and IF_THEN.replace("'", "&#39;") not in html


def test_the_course_home_shows_due_and_upcoming_check_ins(client, auth, signed_in, try_lesson,
                                                         clock):
    due = make_plan(signed_in, try_lesson, TODAY - timedelta(days=1))
    later = make_plan(signed_in, try_lesson, TODAY + timedelta(days=2), due_time=time(16))
    html = client.get("/course").get_data(as_text=True)
    assert "Check-ins" in html
    assert f'href="/lessons/{try_lesson.id}?plan={due.id}#log"' in html
    assert "How did it go?" in html and "Overdue" in html
    assert "Coming up" in html and "Thu 3 Dec at 16:00" in html
    assert f'href="/lessons/{try_lesson.id}?plan={later.id}#log"' not in html
    clock.move_to(datetime(2026, 12, 3, 9, 0, tzinfo=UTC), tick=False)
    auth.login(signed_in)  # two days on, the session has long timed out
    html = client.get("/course").get_data(as_text=True)
    assert f'href="/lessons/{try_lesson.id}?plan={later.id}#log"' in html
    assert "Coming up" not in html


def test_the_card_follows_the_leaders_zone(client, auth, signed_in, try_lesson, clock):
    plan = make_plan(signed_in, try_lesson, date(2026, 12, 2))
    clock.move_to(datetime(2026, 12, 1, 20, 0, tzinfo=UTC), tick=False)
    auth.login(signed_in)
    link = f'href="/lessons/{try_lesson.id}?plan={plan.id}#log"'
    assert link not in client.get("/course").get_data(as_text=True)  # London: 1 December
    signed_in.time_zone = "Pacific/Auckland"  # there it is already 2 December
    db.session.commit()
    assert link in client.get("/course").get_data(as_text=True)


def test_the_data_download_holds_the_leaders_plans(client, signed_in, try_lesson):
    make_plan(signed_in, try_lesson, TODAY + timedelta(days=1), due_time=time(7, 45),
              if_then=IF_THEN)
    assert "Your plans:</strong> 1," in client.get("/account/data").get_data(as_text=True)
    response = client.post("/account/data")
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        data = json.loads(archive.read("clearing-data.json"))
    [plan] = data["plans"]
    assert plan["what"] == try_lesson.try_this.title and plan["lesson"] == try_lesson.title
    assert (plan["date"], plan["time"], plan["if_then"], plan["status"]) == (
        "2026-12-02", "07:45", IF_THEN, "active")


def test_a_plan_without_a_lesson_has_its_own_page_and_can_be_marked_done(client, signed_in):
    plan = create_plan(signed_in.id, lesson_id=None, what="Call the chair about the pilot",
                       due_on=TODAY, today=TODAY)
    db.session.commit()
    html = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "Call the chair about the pilot" in html and "Check-in due" in html
    assert client.post(f"/plans/{plan.id}/done").headers["Location"].endswith("/course")
    assert plans_of(signed_in)[0].status == DONE
    assert "Mark as done" not in client.get(f"/plans/{plan.id}").get_data(as_text=True)


def test_signed_out_people_are_sent_to_sign_in(app, try_lesson):
    client = app.test_client()
    response = client.post(plan_url(try_lesson), data={"date": "2026-12-03"})
    assert response.status_code in (302, 401)
    assert db.session.scalar(select(func.count(Plan.id))) == 0


def test_deleting_the_entry_that_told_how_a_plan_went_opens_the_plan_again(
        client, signed_in, try_lesson):
    plan = make_plan(signed_in, try_lesson, TODAY)
    for key in ("e1", "e2"):
        client.post(f"/lessons/{try_lesson.id}/experiments", data={
            "text": f"Entry {key}", "plan_id": str(plan.id), "form_key": key})
    first, second = db.session.scalars(select(ExperimentEntry.id).order_by(ExperimentEntry.id))
    client.post(f"/experiments/{first}/delete", data={"confirm": "yes"})
    assert plans_of(signed_in)[0].status == DONE  # the other entry still tells it
    client.post(f"/experiments/{second}/delete", data={"confirm": "yes"})
    [reopened] = plans_of(signed_in)
    assert (reopened.status, reopened.done_at) == (ACTIVE, None)
    done_by_hand = make_plan(signed_in, try_lesson, TODAY)
    client.post(f"/plans/{done_by_hand.id}/done")
    client.post(f"/lessons/{try_lesson.id}/experiments", data={"text": "Unrelated"})
    client.post(f"/experiments/{db.session.scalar(select(func.max(ExperimentEntry.id)))}"
                "/delete", data={"confirm": "yes"})
    assert plans_of(signed_in)[1].status == DONE


def test_a_corrected_form_shows_a_typed_date_as_the_picker_writes_it(client, signed_in,
                                                                     try_lesson):
    html = client.post(plan_url(try_lesson), data={"date": "3/12/2026", "time": "half two"}
                       ).get_data(as_text=True)
    assert 'type="date" id="plan-date" name="date" min="2026-12-01" max="2027-12-02" ' \
           'value="2026-12-03"' in html
    assert 'type="text" id="plan-time" name="time" value="half two"' in html  # as typed
