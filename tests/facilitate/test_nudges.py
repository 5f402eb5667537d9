"""Reminders: whom they reach, what they say (never a leader's words), and their log."""

from __future__ import annotations

import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from sqlalchemy import func, select

from course.cohorts import nudges
from course.cohorts.models import Membership, Nudge
from course.cohorts.nudges import DEFAULT_SUBJECT, nudge_candidates, nudges_by_leader
from course.extensions import db
from course.models import utcnow
from course.progress.models import LessonProgress
from tests.facilitate.conftest import text_of
from tests.factories import PASSWORD, csrf_token_from, read_outbox
from tests.factories import write_in as write

WHO = ["anonymous", "leader", "facilitator", "other_facilitator", "admin"]
OWN = {"anonymous": 302, "leader": 403, "other_facilitator": 404}


def nudge_url(world, query: str = "") -> str:
    return f"/facilitate/cohorts/{world.cohort.id}/nudge{query}"


def send(client, world, leaders, **fields):
    data = {"leaders": [str(leader.id) for leader in leaders],
            "subject": fields.get("subject", "Time for lesson two"),
            "message": fields.get("message", "Ten minutes today would do it.")}
    if "form_key" in fields:
        data["form_key"] = fields["form_key"]
    return client.post(nudge_url(world), data=data)


def nudge_count() -> int:
    return db.session.scalar(select(func.count(Nudge.id)))


def ticked(html: str) -> set[str]:
    """The ids of the leaders whose checkbox is ticked."""
    import re

    return set(re.findall(r'name="leaders" value="(\d+)" id="nudge-\d+" checked', html))


def set_joined(world, leader, days_ago: int) -> None:
    membership = db.session.scalar(select(Membership).where(
        Membership.user_id == leader.id, Membership.cohort_id == world.cohort.id))
    membership.joined_at = utcnow() - timedelta(days=days_ago)
    db.session.commit()


def set_active(app, leader, days_ago: int, lesson: int = 0) -> None:
    lesson_id = app.extensions["catalog"].ordered_lessons[lesson].id
    moment = utcnow() - timedelta(days=days_ago)
    db.session.add(LessonProgress(user_id=leader.id, lesson_id=lesson_id, started_at=moment,
                                  updated_at=moment))
    db.session.commit()


@pytest.mark.parametrize("who", WHO)
def test_permission_matrix(app, client, auth, world, who):
    user = world.user(who)
    if user is not None:
        auth.login(user)
    assert client.get(nudge_url(world)).status_code == {**OWN, "facilitator": 200,
                                                        "admin": 200}[who]
    response = send(client, world, [world.leader])
    assert response.status_code == {**OWN, "facilitator": 302, "admin": 302}[who]
    if who == "anonymous":
        assert response.headers["Location"].startswith("/login")
    sent = who in ("facilitator", "admin")
    assert nudge_count() == (1 if sent else 0)
    assert len(read_outbox(app)) == (1 if sent else 0)


def test_page_lists_active_leaders_with_defaults(client, auth, world, make_leader):
    make_leader(name="Dee Deactivated", cohort=world.cohort).active = False
    db.session.commit()
    auth.login(world.facilitator)
    response = client.get(nudge_url(world))
    page = text_of(response)
    assert "Leaders to remind (1 active)" in page
    assert "Lee Leader" in page and "Not started" in page and "Not reminded yet" in page
    assert "Dee Deactivated" not in page and "Oki Leader" not in page
    html = response.get_data(as_text=True)
    assert f'value="{DEFAULT_SUBJECT}"' in html
    assert "carry on where you left off" in html
    assert ticked(html) == set()


def test_pre_tick_links(app, client, auth, world, make_leader):
    fresh = world.leader  # joined today, nothing done: not started but not inactive
    busy = make_leader(name="Bea Busy", cohort=world.cohort)
    set_active(app, busy, days_ago=1)
    idle = make_leader(name="Ida Idle", cohort=world.cohort)
    set_active(app, idle, days_ago=20)
    absent = make_leader(name="Abe Absent", cohort=world.cohort)
    set_joined(world, absent, days_ago=30)
    auth.login(world.facilitator)

    def ids(query):
        return ticked(client.get(nudge_url(world, query)).get_data(as_text=True))

    everyone = {str(p.id) for p in (fresh, busy, idle, absent)}
    assert ids("?select=all") == everyone
    assert ids("?select=not-started") == {str(fresh.id), str(absent.id)}
    assert ids("?select=inactive") == {str(idle.id), str(absent.id)}
    assert ids("?select=nonsense") == set()
    page = text_of(client.get(nudge_url(world)))
    assert "Ida Idle Last active " in page and "inactive 20 days" in page
    assert "Abe Absent Not started, joined " in page and "inactive 30 days" in page


def test_send_emails_each_chosen_leader_and_logs_it(app, client, auth, world, make_leader):
    second = make_leader(name="Sam Second", cohort=world.cohort)
    make_leader(name="Not Chosen", cohort=world.cohort)
    auth.login(world.facilitator)
    response = send(client, world, [world.leader, second],
                    message="Ten minutes today would do it.\r\nSee you Thursday.")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(nudge_url(world))

    mails = read_outbox(app)
    assert sorted(m["To"] for m in mails) == sorted([world.leader.email, second.email])
    mail = next(m for m in mails if m["To"] == world.leader.email)
    body = mail.get_content()
    assert mail["Subject"] == "Time for lesson two"
    assert body.startswith("Hello Lee Leader,\n\nTen minutes today would do it.\n"
                           "See you Thursday.\n")
    assert "http://localhost/course" in body
    assert "Fran Facilitator" in body and "Harbour cohort" in body
    assert "Sam Second" not in body

    rows = db.session.scalars(select(Nudge).order_by(Nudge.leader_id)).all()
    assert [(r.leader_id, r.cohort_id, r.sent_by_id) for r in rows] == [
        (world.leader.id, world.cohort.id, world.facilitator.id),
        (second.id, world.cohort.id, world.facilitator.id)]
    assert rows[0].subject == "Time for lesson two"
    assert rows[0].message == "Ten minutes today would do it.\nSee you Thursday."

    page = text_of(client.get(response.headers["Location"]))
    assert "Reminder sent to 2 leaders: Lee Leader, Sam Second." in page
    assert "Lee Leader Not started Last nudged " in page and "(1 in all)" in page
    assert "Not Chosen Not started Not reminded yet" in page


def test_the_email_carries_no_reflection_text(app, client, auth, world):
    write(app, world.leader, "Shared: our intranet is a ghost town.", audience="facilitator")
    write(app, world.leader, "Private: I dread the board meeting.", prompt=1)
    auth.login(world.facilitator)
    send(client, world, [world.leader])
    [mail] = read_outbox(app)
    raw = mail.as_string()
    assert "ghost town" not in raw and "dread the board" not in raw
    assert world.leader.name in raw


def test_counts_and_last_date_build_up(app, client, auth, world):
    auth.login(world.facilitator)
    for _ in range(3):
        send(client, world, [world.leader])
    count, last = nudges_by_leader(world.cohort.id)[world.leader.id]
    assert count == 3 and last.tzinfo is not None
    assert utcnow() - last < timedelta(minutes=5)
    assert "(3 in all)" in text_of(client.get(nudge_url(world)))


def test_nudges_by_leader_is_one_grouped_query_per_cohort(app, world, make_leader,
                                                          count_queries):
    other = make_leader(cohort=world.cohort)
    earlier = utcnow() - timedelta(days=3)
    for leader_id, when in ((world.leader.id, earlier), (world.leader.id, utcnow()),
                            (other.id, earlier)):
        db.session.add(Nudge(cohort_id=world.cohort.id, leader_id=leader_id,
                             sent_by_id=world.facilitator.id, subject="s", message="m",
                             created_at=when))
    db.session.add(Nudge(cohort_id=world.other_cohort.id, leader_id=world.other_leader.id,
                         sent_by_id=world.other_facilitator.id, subject="s", message="m"))
    db.session.commit()
    cohort_id = world.cohort.id
    with count_queries() as counted:
        found = nudges_by_leader(cohort_id)
    assert len([s for s in counted if s.startswith("SELECT")]) == 1
    assert set(found) == {world.leader.id, other.id}
    assert found[world.leader.id][0] == 2 and found[other.id] == (1, earlier)


@pytest.mark.parametrize(("leaders", "fields", "message"), [
    ([], {}, "Choose at least one leader to remind."),
    (["leader"], {"message": "  "}, "Write the message to send."),
    (["leader"], {"message": "m" * 4001}, "Keep the message under 4,000 characters"),
    (["leader"], {"subject": "s" * 201}, "Keep the subject under 200 characters."),
    (["other_leader"], {}, "no longer an active leader of this cohort"),
])
def test_refused_sends_say_why_and_send_nothing(app, client, auth, world, leaders, fields,
                                                message):
    auth.login(world.facilitator)
    response = send(client, world, [getattr(world, name) for name in leaders], **fields)
    assert response.status_code == 422
    assert message in text_of(response)
    assert nudge_count() == 0 and read_outbox(app) == []


def test_a_refused_send_keeps_the_ticks_and_the_words(client, auth, world):
    auth.login(world.facilitator)
    response = send(client, world, [world.leader], message="m" * 4001)
    html = response.get_data(as_text=True)
    assert ticked(html) == {str(world.leader.id)}
    assert "Time for lesson two" in html


def test_a_deactivated_leader_cannot_be_reminded(client, auth, world):
    world.leader.active = False
    db.session.commit()
    auth.login(world.facilitator)
    assert send(client, world, [world.leader]).status_code == 422
    assert nudge_count() == 0


def test_the_subject_is_one_line_and_defaults_when_empty(app, client, auth, world):
    auth.login(world.facilitator)
    send(client, world, [world.leader], subject="Line one\r\nBcc: someone@example.org")
    send(client, world, [world.leader], subject="   ")
    subjects = [m["Subject"] for m in read_outbox(app)]
    assert sorted(subjects) == sorted(["Line one Bcc: someone@example.org", DEFAULT_SUBJECT])
    assert all(m["Bcc"] is None for m in read_outbox(app))


def refuse_mail_to(monkeypatch, refused: str) -> None:
    """Queueing the email to this one address fails; every other email goes as usual."""
    real = nudges.send_mail

    def refusing(to, subject, body, **options):
        if to == refused:
            raise smtplib.SMTPRecipientsRefused({to: (550, b"no")})
        real(to, subject, body, **options)

    monkeypatch.setattr(nudges, "send_mail", refusing)


def test_a_failed_email_is_reported_and_not_logged(app, client, auth, world, make_leader,
                                                   monkeypatch):
    second = make_leader(name="Sam Second", cohort=world.cohort)
    refuse_mail_to(monkeypatch, second.email)
    auth.login(world.facilitator)
    response = send(client, world, [world.leader, second])
    page = text_of(client.get(response.headers["Location"]))
    assert "Reminder sent to 1 leader: Lee Leader." in page
    assert "The email could not be sent to Sam Second. Try them again later." in page
    assert [row.leader_id for row in db.session.scalars(select(Nudge))] == [world.leader.id]


def test_admin_can_remind_in_any_cohort(app, client, auth, world):
    auth.login(world.admin)
    assert send(client, world, [world.leader]).status_code == 302
    assert db.session.scalar(select(Nudge)).sent_by_id == world.admin.id


def test_nudge_needs_csrf(make_app, world):
    client = make_app(reset=False, WTF_CSRF_ENABLED=True).test_client()
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"email": world.facilitator.email, "password": PASSWORD,
                                "csrf_token": csrf_token_from(page)})
    assert send(client, world, [world.leader]).status_code == 400
    html = client.get(nudge_url(world)).get_data(as_text=True)
    response = client.post(nudge_url(world), data={
        "leaders": [str(world.leader.id)], "subject": "S", "message": "M",
        "csrf_token": csrf_token_from(html)})
    assert response.status_code == 302
    assert nudge_count() == 1


def test_page_runs_a_fixed_number_of_queries(app, client, auth, world, make_leader,
                                             count_queries):
    auth.login(world.facilitator)
    with count_queries() as few:
        client.get(nudge_url(world))
    for n in range(8):
        leader = make_leader(cohort=world.cohort)
        set_active(app, leader, days_ago=n)
        db.session.add(Nudge(cohort_id=world.cohort.id, leader_id=leader.id,
                             sent_by_id=world.facilitator.id, subject="s", message="m"))
    db.session.commit()
    with count_queries() as many:
        client.get(nudge_url(world))
    assert len(many) == len(few)


def test_candidates_are_scoped_to_the_viewer(app, world):
    lessons = app.extensions["catalog"].lessons
    assert [c.leader.id for c in nudge_candidates(world.facilitator, world.cohort, lessons)] \
        == [world.leader.id]
    assert nudge_candidates(world.other_facilitator, world.cohort, lessons) == []
    assert nudge_candidates(world.leader, world.cohort, lessons) == []


def page_key(html: str) -> str:
    """The form_key the reminder form carries."""
    import re

    match = re.search(r'name="form_key" value="([0-9a-f]{32})"', html)
    assert match, "no form_key on the reminder form"
    return match.group(1)


def mails_to(app) -> list[str]:
    return sorted(mail["To"] for mail in read_outbox(app))


def test_the_form_carries_a_fresh_form_key(client, auth, world):
    auth.login(world.facilitator)
    first = page_key(client.get(nudge_url(world)).get_data(as_text=True))
    assert page_key(client.get(nudge_url(world)).get_data(as_text=True)) != first
    refused = send(client, world, [], form_key=first)  # shown again: a new key
    assert refused.status_code == 422 and page_key(refused.get_data(as_text=True)) != first


def test_the_same_form_sent_twice_emails_each_leader_once(app, client, auth, world,
                                                          make_leader):
    second = make_leader(name="Sam Second", cohort=world.cohort)
    auth.login(world.facilitator)
    key = page_key(client.get(nudge_url(world)).get_data(as_text=True))
    for _ in range(2):
        response = send(client, world, [world.leader, second], form_key=key)
        assert response.status_code == 302
        assert response.headers["Location"].endswith(nudge_url(world))
        assert "Reminder sent to 2 leaders: Lee Leader, Sam Second." in text_of(
            client.get(response.headers["Location"]))
    assert mails_to(app) == sorted([world.leader.email, second.email])
    rows = db.session.scalars(select(Nudge).order_by(Nudge.leader_id)).all()
    assert [(row.leader_id, row.form_key) for row in rows] == [
        (world.leader.id, f"{key}-{world.leader.id}"), (second.id, f"{key}-{second.id}")]


@pytest.mark.parametrize("keys", [("key-a", "key-b"), (None, None), ("", "")])
def test_different_or_missing_keys_send_every_time(app, client, auth, world, keys):
    auth.login(world.facilitator)
    for key in keys:
        fields = {} if key is None else {"form_key": key}
        assert send(client, world, [world.leader], **fields).status_code == 302
    assert nudge_count() == 2 and mails_to(app) == [world.leader.email] * 2


def test_a_repeat_adds_only_leaders_not_yet_reminded(app, client, auth, world, make_leader):
    """The same page sent again with one more leader ticked reminds just that one."""
    second = make_leader(name="Sam Second", cohort=world.cohort)
    auth.login(world.facilitator)
    send(client, world, [world.leader], form_key="page-1")
    send(client, world, [world.leader, second], form_key="page-1")
    assert mails_to(app) == sorted([world.leader.email, second.email])
    assert nudge_count() == 2


def test_a_repeat_retries_only_the_emails_that_failed(app, client, auth, world, make_leader,
                                                      monkeypatch):
    second = make_leader(name="Sam Second", cohort=world.cohort)
    refuse_mail_to(monkeypatch, second.email)
    auth.login(world.facilitator)
    send(client, world, [world.leader, second], form_key="page-1")
    assert mails_to(app) == [world.leader.email] and nudge_count() == 1
    monkeypatch.undo()  # the mail server takes Sam's address again
    response = send(client, world, [world.leader, second], form_key="page-1")
    assert "Reminder sent to 2 leaders" in text_of(client.get(response.headers["Location"]))
    assert mails_to(app) == sorted([world.leader.email, second.email])
    assert nudge_count() == 2


def test_a_racing_twin_does_not_email_again(app, client, auth, world, make_leader,
                                            monkeypatch):
    """The twin logs a leader between this request's look-up and its insert."""
    second = make_leader(name="Sam Second", cohort=world.cohort)
    db.session.add(Nudge(cohort_id=world.cohort.id, leader_id=world.leader.id,
                         sent_by_id=world.facilitator.id, subject="s", message="m",
                         form_key=f"twin-1-{world.leader.id}"))
    db.session.commit()
    monkeypatch.setattr(nudges, "nudged_with", lambda keys: set())  # it has not looked yet
    auth.login(world.facilitator)
    response = send(client, world, [world.leader, second], form_key="twin-1")
    assert response.status_code == 302
    assert "Reminder sent to 2 leaders: Lee Leader, Sam Second." in text_of(
        client.get(response.headers["Location"]))
    assert mails_to(app) == [second.email]  # the twin emails Lee, not this request
    assert nudge_count() == 2


def test_an_overlong_key_is_refused_and_sends_nothing(app, client, auth, world):
    auth.login(world.facilitator)
    response = send(client, world, [world.leader], form_key="k" * 41)
    assert response.status_code == 422
    assert "This form is out of date; reload the page and send it again." in text_of(response)
    assert nudge_count() == 0 and read_outbox(app) == []


def test_reminders_to_several_leaders_share_one_mail_connection(app, client, auth, world,
                                                                make_leader):
    others = [make_leader(name=f"Leader {n}", cohort=world.cohort) for n in range(3)]
    refused = others[1].email
    app.config["COURSE_SMTP_URL"] = "smtp://mail.example.org"

    def deliver(message):
        if message["To"] == refused:
            raise smtplib.SMTPRecipientsRefused({refused: (550, b"no such mailbox")})

    auth.login(world.facilitator)
    with mock.patch("course.mail.smtplib.SMTP") as smtp:
        smtp.return_value.send_message.side_effect = deliver
        send(client, world, [world.leader, *others])
    assert smtp.call_count == 1  # one connection, not one per leader
    assert smtp.return_value.send_message.call_count == 4
    # Queued (and logged) before the mail server was asked; the job gives the refused
    # address up as failed (a 5xx is for good) and sends the rest, each with Reply-To.
    assert nudge_count() == 4
    from course.jobs.models import OutgoingEmail

    status = {e.recipient: e.status for e in db.session.scalars(select(OutgoingEmail))}
    assert status == {email: "failed" if email == refused else "sent"
                      for email in [world.leader.email, *(o.email for o in others)]}
    sent = smtp.return_value.send_message.call_args.args[0]
    assert sent["Reply-To"] == world.facilitator.email
