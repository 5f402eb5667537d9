"""The rules of plans: reading the form, due check-ins, moving re-arms, dropping, missed
check-ins, the email section (never the leader's words) and the leader's own 'today'."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from sqlalchemy import delete, select

from course.experiments.experiments import add_entry
from course.experiments.models import ExperimentEntry
from course.extensions import db
from course.idempotency import USED_FORM
from course.models import User
from course.plans.checkins import (
    ack_checkins,
    checkins_section,
    day_label,
    home_card,
)
from course.plans.models import DONE, DROPPED, Plan
from course.plans.plans import (
    MAX_IF_THEN_LENGTH,
    PlanError,
    PlanInvalid,
    checkin_path,
    create_plan,
    drop_plan,
    due_for_checkin,
    is_due,
    log_against,
    mark_done,
    missed_checkins,
    move_plan,
    parse_date,
    parse_time,
    read_plan_form,
    today_for,
)

TODAY = date(2026, 12, 1)  # a Tuesday
SECRET = "CANARY-if-then-7f3a"


@pytest.fixture
def catalog(app):
    return app.extensions["catalog"]


@pytest.fixture
def try_lesson(catalog):
    return next(found for found in catalog.ordered_lessons if found.try_this)


@pytest.fixture
def plan_for(try_lesson):
    """make(user, due_on, **columns): a plan on the lesson, made as the view makes it."""

    def make(user, due_on=TODAY, **columns):
        plan = create_plan(user.id, lesson_id=try_lesson.id, what=try_lesson.try_this.title,
                           due_on=due_on, if_then=SECRET, today=min(due_on, TODAY))
        for name, value in columns.items():
            setattr(plan, name, value)
        db.session.commit()
        return plan

    return make


# Reading the form


@pytest.mark.parametrize("raw, expected", [
    ("2026-12-03", date(2026, 12, 3)), ("3/12/2026", date(2026, 12, 3)),
    ("03-12-2026", date(2026, 12, 3)), (" 3 12 2026 ", date(2026, 12, 3)),
    ("3.12.2026", date(2026, 12, 3)),
])
def test_a_date_is_read_from_the_picker_or_typed_by_hand(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw, message", [
    ("", "Enter the date you will try it."), ("  ", "Enter the date you will try it."),
    ("31/2/2026", "Enter a real date"), ("tomorrow", "Enter a real date"),
    ("2026-13-01", "Enter a real date"), ("²/12/2026", "Enter a real date"),
])
def test_a_missing_or_impossible_date_is_refused_with_a_clear_message(raw, message):
    with pytest.raises(PlanError, match=message) as caught:
        parse_date(raw)
    assert caught.value.field == "date"


def test_a_time_is_optional_and_read_as_hours_and_minutes():
    assert parse_time("") is None
    assert parse_time("14:30") == time(14, 30)
    assert parse_time("9.05") == time(9, 5)
    for bad in ("25:00", "noon", "14:3", "1430"):
        with pytest.raises(PlanError, match="hours and minutes"):
            parse_time(bad)


def test_the_form_says_every_wrong_field_at_once_and_refuses_the_past_and_far_future():
    with pytest.raises(PlanInvalid) as caught:
        read_plan_form("2026-11-30", "9am", "x" * (MAX_IF_THEN_LENGTH + 1), TODAY)
    assert caught.value.errors == {
        "date": "The date must be today or later.",
        "time": "Enter the time as hours and minutes, for example 14:30, or leave it empty.",
        "if_then": f"Keep your if-then plan under {MAX_IF_THEN_LENGTH} characters (it has 501).",
    }
    with pytest.raises(PlanInvalid, match="within the next year"):
        read_plan_form("2028-01-01", "", "", TODAY)
    assert read_plan_form("2026-12-01", "", "  \r\n ", TODAY) == (TODAY, None, None)
    assert read_plan_form("1/12/2026", "07:00", " If X,\r\nthen Y ", TODAY) == (
        TODAY, time(7), "If X,\nthen Y")


# Making a plan


def test_the_same_form_twice_makes_one_plan_and_another_leaders_key_is_refused(
        app, make_leader, try_lesson):
    leader, other = make_leader(), make_leader()
    made = [create_plan(leader.id, lesson_id=try_lesson.id, what="Ask", due_on=TODAY,
                        form_key="k" * 32, today=TODAY) for _ in range(2)]
    db.session.commit()
    assert made[0].id == made[1].id
    assert db.session.scalar(select(Plan.id).where(Plan.user_id == leader.id)) == made[0].id
    with pytest.raises(PlanError, match=USED_FORM):
        create_plan(other.id, lesson_id=try_lesson.id, what="Ask", due_on=TODAY,
                    form_key="k" * 32, today=TODAY)


def test_create_plan_checks_its_values_itself(app, make_leader):
    leader = make_leader()
    with pytest.raises(PlanError, match="today or later"):
        create_plan(leader.id, lesson_id=None, what="Ask", due_on=TODAY - timedelta(days=1),
                    today=TODAY)
    with pytest.raises(PlanError, match="Say what you plan"):
        create_plan(leader.id, lesson_id=None, what="  ", due_on=TODAY, today=TODAY)
    with pytest.raises(PlanError, match="if-then plan under"):
        create_plan(leader.id, lesson_id=None, what="Ask", due_on=TODAY, today=TODAY,
                    if_then="x" * (MAX_IF_THEN_LENGTH + 1))


def test_without_a_today_create_plan_uses_the_leaders_own_date(app, make_leader):
    leader = make_leader()
    leader.time_zone = "Pacific/Auckland"
    db.session.commit()
    # 20:00 UTC on 30 November is already 1 December in Auckland.
    with time_machine.travel(datetime(2026, 11, 30, 20, 0, tzinfo=UTC), tick=False):
        plan = create_plan(leader.id, lesson_id=None, what="Ask", due_on=TODAY)
        with pytest.raises(PlanError, match="today or later"):
            create_plan(leader.id, lesson_id=None, what="Ask", due_on=date(2026, 11, 30))
    assert plan.due_on == TODAY


@pytest.mark.parametrize("zone, moment, expected", [
    ("Europe/London", datetime(2026, 7, 1, 23, 30, tzinfo=UTC), date(2026, 7, 2)),  # BST
    ("Europe/London", datetime(2026, 12, 1, 23, 30, tzinfo=UTC), date(2026, 12, 1)),  # GMT
    ("America/Los_Angeles", datetime(2026, 12, 2, 3, 0, tzinfo=UTC), date(2026, 12, 1)),
])
def test_today_is_the_leaders_date_in_their_zone(zone, moment, expected):
    with time_machine.travel(moment, tick=False):
        assert today_for(User(time_zone=zone)) == expected


# Due check-ins


def test_a_plan_is_due_when_active_unsent_and_its_day_has_come(app, make_leader, plan_for):
    leader, other = make_leader(), make_leader()
    due_today = plan_for(leader, TODAY)
    overdue = plan_for(leader, TODAY - timedelta(days=3))
    plan_for(leader, TODAY + timedelta(days=1))  # not yet
    plan_for(leader, TODAY, checkin_sent_on=TODAY)  # asked already
    plan_for(leader, TODAY, status=DROPPED)
    plan_for(leader, TODAY, status=DONE)
    theirs = plan_for(other, TODAY)
    assert [p.id for p in due_for_checkin([leader.id], TODAY)] == [overdue.id, due_today.id]
    assert {p.id for p in due_for_checkin([leader.id, other.id], TODAY)} == {
        overdue.id, due_today.id, theirs.id}
    assert due_for_checkin([], TODAY) == []
    assert is_due(due_today, TODAY) and not is_due(due_today, TODAY - timedelta(days=1))


def test_the_batch_runs_one_query_for_any_number_of_leaders(
        app, make_leader, plan_for, catalog, count_queries):
    leaders = [make_leader() for _ in range(12)]
    for leader in leaders:
        plan_for(leader, TODAY)
    ids = [leader.id for leader in leaders]
    db.session.commit()
    with count_queries() as few:
        small = checkins_section(ids[:1], TODAY, catalog)
    with count_queries() as many:
        large = checkins_section(ids, TODAY, catalog)
    selects = [[s for s in run if s.startswith("SELECT")] for run in (few, many)]
    assert [len(run) for run in selects] == [1, 1]
    assert len(small) == 1 and len(large) == 12


def test_the_email_line_names_the_lesson_and_day_never_the_leaders_words(
        app, make_leader, plan_for, try_lesson, catalog):
    leader = make_leader()
    plan = plan_for(leader, date(2026, 12, 3), due_time=time(14, 30))
    own = create_plan(leader.id, lesson_id=None, what=f"My set commitment {SECRET}",
                      due_on=date(2026, 12, 3), today=TODAY)
    db.session.commit()
    items = checkins_section([leader.id], date(2026, 12, 4), catalog)[leader.id]
    assert [item.text for item in items] == [
        f"How did it go? Your plan for ‘{try_lesson.title}’ was for Thu 3 Dec, 14:30",
        "How did it go? Your plan was for Thu 3 Dec",
    ]
    assert [item.path for item in items] == [
        f"/lessons/{try_lesson.id}?plan={plan.id}#log", f"/plans/{own.id}"]
    assert all(SECRET not in repr(item) for item in items)


def test_ack_sends_each_check_in_once(app, make_leader, plan_for, catalog):
    leader = make_leader()
    plan = plan_for(leader, TODAY)
    items = checkins_section([leader.id], TODAY, catalog)[leader.id]
    ack_checkins(items, TODAY)
    db.session.commit()
    db.session.refresh(plan)
    assert plan.checkin_sent_on == TODAY
    assert checkins_section([leader.id], TODAY + timedelta(days=1), catalog) == {}


# Move, drop, done


def test_moving_a_plan_after_its_check_in_was_sent_re_arms_it(app, make_leader, plan_for,
                                                               catalog):
    leader = make_leader()
    plan = plan_for(leader, TODAY, checkin_sent_on=TODAY)
    assert due_for_checkin([leader.id], TODAY) == []
    later = TODAY + timedelta(days=6)
    move_plan(plan, later, time(8, 15), TODAY)
    db.session.commit()
    assert (plan.due_on, plan.due_time, plan.checkin_sent_on) == (later, time(8, 15), None)
    assert due_for_checkin([leader.id], later - timedelta(days=1)) == []
    assert [p.id for p in due_for_checkin([leader.id], later)] == [plan.id]
    with pytest.raises(PlanError, match="today or later"):
        move_plan(plan, TODAY - timedelta(days=1), None, TODAY)


def test_a_dropped_or_done_plan_is_never_checked_in_and_cannot_be_moved(
        app, make_leader, plan_for):
    leader = make_leader()
    dropped, done = plan_for(leader, TODAY), plan_for(leader, TODAY)
    drop_plan(dropped)
    drop_plan(dropped)  # twice is harmless
    mark_done(done)
    db.session.commit()
    assert (dropped.status, done.status) == (DROPPED, DONE) and done.done_at is not None
    assert due_for_checkin([leader.id], TODAY + timedelta(days=30)) == []
    for plan in (dropped, done):
        with pytest.raises(PlanError, match="no longer active"):
            move_plan(plan, TODAY, None, TODAY)
    with pytest.raises(PlanError, match="already logged"):
        drop_plan(done)


def test_an_entry_logged_against_a_plan_points_to_it_and_makes_it_done(
        app, make_leader, plan_for, try_lesson):
    leader = make_leader()
    plan = plan_for(leader, TODAY)
    entry = add_entry(leader.id, try_lesson, date.today(), "Asked two people.", {}, None)
    log_against(plan, entry)
    db.session.commit()
    assert entry.plan_id == plan.id and plan.status == DONE
    # The plan going (as it does with the account) leaves the entry, unlinked.
    db.session.execute(delete(Plan).where(Plan.id == plan.id))
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(ExperimentEntry, entry.id).plan_id is None


def test_deleting_the_account_deletes_its_plans(app, make_leader, plan_for):
    leader, other = make_leader(), make_leader()
    plan_for(leader, TODAY)
    kept = plan_for(other, TODAY)
    db.session.execute(delete(User).where(User.id == leader.id))
    db.session.commit()
    assert list(db.session.scalars(select(Plan.id))) == [kept.id]


# Missed check-ins (the facilitator's digest)


def test_a_check_in_unanswered_for_a_week_counts_as_missed(app, make_leader, plan_for):
    a, b, c = make_leader(), make_leader(), make_leader()
    week = timedelta(days=7)
    plan_for(a, TODAY - week - timedelta(days=5), checkin_sent_on=TODAY - week)  # sent 7 ago
    plan_for(a, TODAY - week - timedelta(days=2))  # never sent, its day 9 days ago
    plan_for(a, TODAY - week, checkin_sent_on=TODAY - timedelta(days=6))  # sent 6 ago: not yet
    plan_for(b, TODAY - timedelta(days=6))  # its day 6 ago: not yet
    plan_for(b, TODAY - week - week, status=DONE)  # answered
    plan_for(b, TODAY - week - week, status=DROPPED)
    plan_for(c, TODAY - week)  # exactly a week
    assert missed_checkins([a.id, b.id, c.id], TODAY) == {a.id: 2, c.id: 1}
    assert missed_checkins([b.id], TODAY) == {}
    assert missed_checkins([], TODAY) == {}


# The course home's card


def test_the_card_splits_due_from_upcoming_in_the_leaders_zone(
        app, make_leader, plan_for, catalog, try_lesson):
    leader = make_leader()
    overdue = plan_for(leader, TODAY - timedelta(days=2))
    today = plan_for(leader, TODAY, checkin_sent_on=TODAY)  # emailed, still unanswered
    tomorrow = plan_for(leader, TODAY + timedelta(days=1), due_time=time(9))
    plan_for(leader, TODAY, status=DROPPED)
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=UTC), tick=False):
        card = home_card(leader, catalog)
    assert [row["plan"].id for row in card["due"]] == [overdue.id, today.id]
    assert [row["overdue"] for row in card["due"]] == [True, False]
    assert [row["when"] for row in card["due"]] == ["Sun 29 Nov", "today"]
    assert card["due"][0]["path"] == checkin_path(overdue)
    assert [(row["plan"].id, row["when"]) for row in card["upcoming"]] == [
        (tomorrow.id, "tomorrow at 09:00")]
    assert card["due"][0]["title"] == try_lesson.title
    assert home_card(make_leader(), catalog) is None


def test_day_labels():
    assert [day_label(TODAY + timedelta(days=n), TODAY) for n in (-1, 0, 1, 2)] == [
        "yesterday", "today", "tomorrow", "Thu 3 Dec"]
    assert day_label(date(2027, 1, 5), TODAY) == "Tue 5 Jan 2027"

