"""The course emails' schedule, with the clock moved (time-machine): a leader's digest on
their weekday morning in their own zone (across the clocks changing), at most one course
email a day (check-ins and new replies fold into it), a leader who joins mid-week, a plan
moved after its check-in went, a leader deactivated or deleted with mail queued, and
`flask digests send` run twice sending once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select, update

from course.cohorts.models import Cohort, Membership
from course.digests.engine import send_due
from course.digests.settings import change
from course.extensions import db
from course.jobs.models import OutgoingEmail
from course.models import User
from course.notices.reflections import reflection_replied
from course.plans.models import Plan
from course.plans.plans import create_plan, move_plan
from tests.factories import read_outbox, write_in

# Monday 23 March 2026 is in GMT; the clocks go forward on Sunday 29 March, so Monday
# 30 March is in BST; they go back on Sunday 25 October (Monday 26 October: GMT again).
MON = datetime(2026, 3, 23, tzinfo=UTC)


def at(day: datetime, hour: int, minute: int = 5) -> datetime:
    return day.replace(hour=hour, minute=minute)


@pytest.fixture
def leader(make_leader, make_cohort, make_facilitator):
    facilitator = make_facilitator()
    change(facilitator.id, facilitator_digest=False)  # these tests are about the leader
    person = make_leader(name="Lee Leader", cohort=make_cohort(name="Harbour",
                                                                facilitator=facilitator))
    joined(person, MON - timedelta(days=20))
    return person


def joined(person, moment: datetime) -> None:
    db.session.execute(update(Membership).where(Membership.user_id == person.id)
                       .values(joined_at=moment))
    db.session.commit()


def run(now: datetime, **options):
    with time_machine.travel(now, tick=False):
        report = send_due(now, **options)
    return report


def mail_to(app, person) -> list:
    """The messages sent to one person (a cohort's facilitator gets their own digest)."""
    return [message for message in read_outbox(app) if message["To"] == person.email]


def test_the_weekly_digest_comes_on_monday_morning_multipart_with_one_click(app, leader):
    assert run(at(MON, 6, 55)).sent == {}  # 06:55 in London: not yet
    report = run(at(MON, 7))
    assert report.sent["leader digest"] == 1
    [message] = mail_to(app, leader)
    assert message["Subject"] == "Your week on Clearing"
    assert message["To"] == leader.email
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Unsubscribe"].startswith("<http://localhost/email/unsubscribe/")
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    first = app.extensions["catalog"].ordered_lessons[0]
    assert first.title in plain and f"http://localhost/lessons/{first.id}" in plain
    assert 'name="viewport"' in html and first.title in html
    assert "every Monday morning" in plain
    assert run(at(MON, 9)).sent == {}  # the same day again: nothing more
    assert run(at(MON + timedelta(days=1), 8)).sent == {}  # Tuesday: nothing waiting


def test_run_twice_send_once_and_the_cli_says_so(app, leader, runner):
    now = at(MON, 7, 30).isoformat()
    first = runner.invoke(args=["digests", "send", "--now", now])
    assert "leader digest: sent 1" in first.output, first.output
    again = runner.invoke(args=["digests", "send", "--now", now])
    assert "leader digest: sent 0 (1 already sent today)" in again.output
    assert len(mail_to(app, leader)) == 1


def test_a_dry_run_lists_and_sends_nothing(app, leader, runner):
    result = runner.invoke(args=["digests", "send", "--dry-run", "--now", at(MON, 8).isoformat()])
    assert f"leader digest: user {leader.id} <{leader.email}>" in result.output
    assert "leader digest: would send 1" in result.output
    assert "facilitator digest: would send 0" in result.output
    assert read_outbox(app) == [] and db.session.scalar(select(OutgoingEmail)) is None
    bad = runner.invoke(args=["digests", "send", "--now", "next monday"])
    assert bad.exit_code == 2 and "--now" in bad.output


@pytest.mark.parametrize(("day", "early", "on_time"), [
    (MON, at(MON, 6, 55), at(MON, 7, 0)),  # GMT: 07:00 is 07:00 UTC
    (MON + timedelta(days=7), at(MON + timedelta(days=7), 5, 55),
     at(MON + timedelta(days=7), 6, 0)),  # the week the clocks went forward: 06:00 UTC
    (datetime(2026, 10, 19, tzinfo=UTC), datetime(2026, 10, 19, 5, 55, tzinfo=UTC),
     datetime(2026, 10, 19, 6, 0, tzinfo=UTC)),  # still BST
    (datetime(2026, 10, 26, tzinfo=UTC), datetime(2026, 10, 26, 6, 55, tzinfo=UTC),
     datetime(2026, 10, 26, 7, 0, tzinfo=UTC)),  # the clocks went back: 07:00 UTC again
])
def test_the_morning_hour_stays_local_across_the_clocks_changing(app, leader, day, early,
                                                                 on_time):
    assert run(early).sent == {}
    assert run(on_time).sent["leader digest"] == 1


def test_another_zone_is_its_own_morning(app, leader):
    db.session.get(User, leader.id).time_zone = "America/New_York"
    db.session.commit()
    assert run(at(MON, 7)).sent == {}  # 03:00 in New York
    assert run(at(MON, 11)).sent["leader digest"] == 1  # 07:05 EDT


def test_cadence_day_and_off(app, leader):
    change(leader.id, digest="weekly", digest_weekday=2)
    db.session.commit()
    assert run(at(MON, 8)).sent == {}
    assert run(at(MON + timedelta(days=2), 8)).sent["leader digest"] == 1
    change(leader.id, digest="fortnightly", digest_weekday=0)
    db.session.commit()
    sent = [bool(run(at(MON + timedelta(days=7 * n), 8)).sent) for n in range(1, 5)]
    assert sent in ([True, False, True, False], [False, True, False, True])
    change(leader.id, digest="off")
    db.session.commit()
    assert run(at(MON + timedelta(days=35), 8)).sent == {}


def test_a_leader_who_joins_mid_week_gets_the_next_digest_not_a_hasty_one(
        app, make_leader, make_cohort):
    wednesday = make_leader(cohort=make_cohort())
    joined(wednesday, MON - timedelta(days=5))
    sunday = make_leader(cohort=make_cohort())
    joined(sunday, MON - timedelta(hours=10))  # Sunday evening
    assert run(at(MON, 8)).sent["leader digest"] == 1
    assert (len(mail_to(app, wednesday)), len(mail_to(app, sunday))) == (1, 0)
    assert run(at(MON + timedelta(days=7), 8)).sent["leader digest"] == 2
    assert (len(mail_to(app, wednesday)), len(mail_to(app, sunday))) == (2, 1)


def test_a_new_reply_comes_the_next_morning_folded_with_a_check_in_once_a_day(
        app, leader, make_facilitator):
    tuesday = MON + timedelta(days=1)
    first = app.extensions["catalog"].ordered_lessons[0]
    with time_machine.travel(at(MON, 12), tick=False):
        create_plan(leader.id, lesson_id=first.id, what="Sort the inbox",
                    due_on=tuesday.date(), if_then="If it is Tuesday then I sort")
        reflection = write_in(app, leader, "We listen first.", audience="facilitator")
        db.session.commit()
    run(at(MON, 13))  # Monday's digest: the plan is not due yet
    facilitator = make_facilitator(name="Fran Facilitator")
    with time_machine.travel(at(MON, 21), tick=False):
        reflection_replied(reflection.id, facilitator.id)
        db.session.commit()
    assert run(at(MON, 21, 30)).sent == {}  # the evening: it waits for the morning
    report = run(at(tuesday, 7))
    assert report.sent["check-ins and replies"] == 1
    message = mail_to(app, leader)[-1]
    plain = message.get_body(("plain",)).get_content()
    assert "How did it go?" in plain and "Fran Facilitator replied to your reflection" in plain
    assert "If it is Tuesday" not in message.as_string()
    # A second reply the same day waits for the next day's email (one course email a day).
    with time_machine.travel(at(tuesday, 9), tick=False):
        reflection_replied(reflection.id, facilitator.id)
        db.session.commit()
    assert run(at(tuesday, 10)).sent == {}
    wednesday = run(at(tuesday + timedelta(days=1), 7))
    assert wednesday.sent["check-ins and replies"] == 1
    assert mail_to(app, leader)[-1]["Subject"] == "Something new for you on Clearing"
    assert run(at(tuesday + timedelta(days=2), 7)).sent == {}  # told once


def test_a_plan_moved_after_its_check_in_went_is_asked_again_on_its_new_day(app, leader):
    tuesday = MON + timedelta(days=1)
    first = app.extensions["catalog"].ordered_lessons[0]
    with time_machine.travel(at(MON, 12), tick=False):
        plan = create_plan(leader.id, lesson_id=first.id, what="Sort", due_on=tuesday.date())
        db.session.commit()
    assert run(at(tuesday, 7)).sent["check-ins and replies"] == 1
    with time_machine.travel(at(tuesday, 9), tick=False):
        move_plan(db.session.get(Plan, plan.id), (tuesday + timedelta(days=2)).date(), None,
                  tuesday.date())
        db.session.commit()
    assert run(at(tuesday, 10)).sent == {}  # moved: re-armed, but today's email went
    assert run(at(tuesday + timedelta(days=1), 8)).sent == {}  # not due on Wednesday
    assert run(at(tuesday + timedelta(days=2), 8)).sent["check-ins and replies"] == 1
    assert len(mail_to(app, leader)) == 2


def test_check_ins_off_and_digest_off_send_nothing_urgent(app, leader):
    first = app.extensions["catalog"].ordered_lessons[0]
    tuesday = MON + timedelta(days=1)
    with time_machine.travel(at(MON, 12), tick=False):
        create_plan(leader.id, lesson_id=first.id, what="Sort", due_on=tuesday.date())
        change(leader.id, checkins=False, digest="off")
        db.session.commit()
    assert run(at(tuesday, 8)).sent == {}


def test_archived_cohorts_and_inactive_leaders_get_nothing(app, leader, make_leader,
                                                          make_cohort):
    quiet = make_leader(cohort=make_cohort())
    joined(quiet, MON - timedelta(days=20))
    db.session.get(User, quiet.id).active = False
    db.session.execute(update(Cohort).where(Cohort.id.in_(
        select(Membership.cohort_id).where(Membership.user_id == leader.id)))
        .values(archived_at=MON - timedelta(days=1)))
    db.session.commit()
    assert run(at(MON, 8)).sent == {}


@pytest.mark.parametrize("gone", ["deactivated", "deleted"])
def test_a_leader_gone_with_a_digest_queued_gets_nothing_and_nothing_breaks(
        make_app, make_leader, make_cohort, gone):
    app = make_app(JOBS_IMMEDIATE=False)
    with app.app_context():
        from course.accounts import create_user
        from course.cohorts.cohorts import create_cohort
        from course.jobs.outbox import deliver
        from tests.factories import PASSWORD

        facilitator = create_user("fran@example.org", "Fran", "facilitator", PASSWORD)
        cohort = create_cohort("Harbour", facilitator)
        person = create_user("lee@example.org", "Lee", "leader", PASSWORD)
        db.session.add(Membership(user_id=person.id, cohort_id=cohort.id, role="leader",
                                  joined_at=MON - timedelta(days=20)))
        db.session.commit()
        assert run(at(MON, 8)).sent["leader digest"] == 1
        ids = list(db.session.scalars(select(OutgoingEmail.id)
                                      .where(OutgoingEmail.recipient == person.email)))
        if gone == "deactivated":
            db.session.get(User, person.id).active = False
        else:
            db.session.delete(db.session.get(User, person.id))
        db.session.commit()
        assert deliver.call_local(ids) == 0
        assert read_outbox(app) == []
        assert run(at(MON + timedelta(days=7), 8)).sent == {}


def test_building_costs_the_same_queries_for_ten_leaders_as_for_forty(
        app, make_leader, make_cohort, count_queries):
    cohort = make_cohort()

    def statements(n):
        for _ in range(n):
            joined(make_leader(cohort=cohort), MON - timedelta(days=20))
        db.session.execute(update(Membership).values(joined_at=MON - timedelta(days=20)))
        db.session.commit()
        with count_queries() as counted:
            run(at(MON, 8) + timedelta(days=7 * statements.week), dry_run=True,
                batch_size=1000)
        statements.week += 2  # a dry run sends nothing: any later Monday does
        return len(counted)

    statements.week = 0
    assert statements(10) == statements(30)


def test_the_facilitator_digest_names_who_needs_attention_and_links_the_filters(
        app, make_facilitator, make_cohort, make_leader):
    facilitator = make_facilitator(name="Fran Facilitator")
    cohort = make_cohort(name="Harbour cohort", facilitator=facilitator)
    idle = make_leader(name="Ida Idle", cohort=cohort)
    joined(idle, MON - timedelta(days=30))
    busy = make_leader(name="Bea Busy", cohort=cohort)
    with time_machine.travel(at(MON, 6), tick=False):
        write_in(app, busy, "CANARY-facilitator-digest", audience="facilitator")
    report = run(at(MON, 8))
    assert report.sent["facilitator digest"] == 1
    message = next(m for m in read_outbox(app) if m["To"] == facilitator.email)
    plain = message.get_body(("plain",)).get_content()
    assert "HARBOUR COHORT" in plain and "Ida Idle" in plain and "Bea Busy" not in plain
    assert "Shared reflections awaiting your reply: 1" in plain
    assert f"http://localhost/facilitate/cohorts/{cohort.id}/progress?show=inactive" in plain
    assert f"/facilitate/cohorts/{cohort.id}/shared?awaiting=1" in plain
    assert "CANARY" not in message.as_string()
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    change(facilitator.id, facilitator_digest=False)
    db.session.commit()
    assert run(at(MON + timedelta(days=7), 8)).sent["facilitator digest"] == 0


def test_the_facilitator_digest_counts_reports_waiting_in_the_circle(
        app, make_facilitator, make_cohort, make_leader):
    from course.circle.models import CirclePost
    from course.circle.moderation import report as report_item

    facilitator = make_facilitator(name="Fran Facilitator")
    cohort = make_cohort(name="Harbour cohort", facilitator=facilitator)
    ann = make_leader(name="Ann Active", cohort=cohort)
    ben = make_leader(name="Ben Active", cohort=cohort)
    joined(ann, MON - timedelta(days=2))  # new: not inactive, nothing else needs Fran
    joined(ben, MON - timedelta(days=2))
    with time_machine.travel(at(MON, 6), tick=False):
        write_in(app, ann, "CANARY-reported-post", audience="cohort")
        post = db.session.scalar(select(CirclePost))
        assert report_item(post, ben, "CANARY-report-reason")
        db.session.commit()
    run(at(MON, 8))
    message = next(m for m in read_outbox(app) if m["To"] == facilitator.email)
    plain = message.get_body(("plain",)).get_content()
    assert "Reported in the circle, waiting for you: 1" in plain
    assert f"/facilitate/cohorts/{cohort.id}/circle#reports" in plain
    assert "Ann Active" not in plain and "Ben Active" not in plain  # no one else needs Fran
    assert "CANARY" not in message.as_string()


def test_the_queue_runs_the_same_code_every_quarter_hour(app):
    from course.digests.tasks import send_due_emails

    task = send_due_emails.s()
    assert task.validate_datetime(datetime(2026, 3, 23, 7, 15))
    assert not task.validate_datetime(datetime(2026, 3, 23, 7, 20))
    assert send_due_emails.call_local() == {}


def test_two_runs_at_once_send_each_email_once(app, make_leader, make_cohort):
    """Two consumers' periodic jobs (or a job and the CLI) racing: the key lets one in."""
    import threading

    cohort = make_cohort()
    people = [make_leader(cohort=cohort) for _ in range(6)]
    db.session.execute(update(Membership).values(joined_at=MON - timedelta(days=20)))
    db.session.commit()
    real = app
    results, errors = [], []

    def one_run():
        try:
            with real.app_context():
                results.append(send_due(at(MON, 8)).sent["leader digest"])
                db.session.remove()
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=one_run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    assert sum(results) == len(people)
    assert sorted(m["To"] for m in read_outbox(app)
                  if m["Subject"] == "Your week on Clearing") == sorted(p.email for p in people)
