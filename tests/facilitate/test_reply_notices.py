"""Reply notices: a facilitator's reply shows as "New reply" on the leader's course home
and beside the reflection until the leader opens the lesson; undoing the share, deleting
the reflection or the reply takes the notice back. Never the reply's words."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from course.circle.posts import set_audience
from course.extensions import db
from course.notices import mark_seen, notify, retract, unseen
from course.notices.models import Notice
from course.reflections.models import ReflectionReply
from course.self_assessment.models import SelfAssessment
from tests.facilitate.conftest import text_of
from tests.factories import write_in

REPLY_WORDS = "CANARY-reply-words-7f3a"


@pytest.fixture
def shared(app, world):
    # Under way already: past the welcome and the starting self-assessment.
    db.session.add(SelfAssessment(user_id=world.leader.id, stage="before", skipped=True))
    db.session.commit()
    return write_in(app, world.leader, "We listen first.", audience="facilitator")


def reply(client, auth, world, reflection, text=REPLY_WORDS):
    auth.login(world.facilitator)
    response = client.post(
        f"/facilitate/cohorts/{world.cohort.id}/shared/{reflection.id}/replies",
        data={"text": text})
    assert response.status_code == 302
    auth.logout()


def lesson_path(app, n=0):
    return f"/lessons/{app.extensions['catalog'].ordered_lessons[n].id}"


def test_a_reply_is_new_on_the_home_and_the_lesson_until_the_lesson_is_opened(
        app, client, auth, world, shared):
    reply(client, auth, world, shared)
    auth.login(world.leader)
    home = client.get("/course")
    words = text_of(home)
    title = app.extensions["catalog"].ordered_lessons[0].title
    assert "New for you" in words
    assert f"Fran Facilitator replied to your reflection in “{title}”" in words
    assert REPLY_WORDS not in home.get_data(as_text=True)  # the home names, never quotes
    first = client.get(lesson_path(app))
    assert "New reply" in text_of(first)
    assert text_of(first).count("New reply") == 1
    again = client.get(lesson_path(app))
    assert "New reply" not in text_of(again)  # seen once opened
    assert "New for you" not in text_of(client.get("/course"))


def test_a_second_reply_renews_the_one_notice(app, client, auth, world, shared):
    reply(client, auth, world, shared)
    auth.login(world.leader)
    client.get(lesson_path(app))
    auth.logout()
    reply(client, auth, world, shared, "And another thought.")
    rows = db.session.scalars(select(Notice)).all()
    assert len(rows) == 1 and rows[0].seen_at is None and rows[0].user_id == world.leader.id


def test_making_the_reflection_private_takes_the_notice_back(app, client, auth, world, shared):
    reply(client, auth, world, shared)
    assert len(unseen(world.leader.id, app.extensions["catalog"])) == 1
    set_audience(db.session.get(type(shared), shared.id), "private")
    db.session.commit()
    assert unseen(world.leader.id, app.extensions["catalog"]) == []


def test_deleting_the_reflection_or_the_reply_takes_the_notice_back(
        app, client, auth, world, shared):
    reply(client, auth, world, shared)
    db.session.delete(db.session.scalar(select(ReflectionReply)))
    db.session.commit()
    assert db.session.scalar(select(Notice)) is None
    reply(client, auth, world, shared)
    auth.login(world.leader)
    page = client.get(f"/reflections/{shared.id}/delete")
    assert page.status_code == 200
    assert client.post(f"/reflections/{shared.id}/delete",
                       data={"confirm": "yes"}).status_code == 302
    assert db.session.scalar(select(Notice)) is None


def test_nobody_is_told_of_their_own_doing_and_retract_is_by_subject(app, world):
    notify(world.leader.id, "reply", actor_id=world.leader.id, path="/course",
           subject="reflection:1")
    notify(world.leader.id, "circle_reply", actor_id=world.other_leader.id, path="/course",
           subject="circle:9")
    db.session.commit()
    assert [n.subject for n in unseen(world.leader.id, app.extensions["catalog"])] == ["circle:9"]
    retract("circle:9")
    db.session.commit()
    assert unseen(world.leader.id, app.extensions["catalog"]) == []


def test_the_lesson_page_reads_notices_in_its_one_statement(
        app, client, auth, world, shared, count_queries):
    """No notice: no extra query and no write on the lesson page (it is the hot page)."""
    auth.login(world.leader)
    client.get(lesson_path(app))
    with count_queries() as statements:
        client.get(lesson_path(app))
    assert not [s for s in statements if "FROM notices" in s and "EXISTS" not in s]
    assert not [s for s in statements if s.lstrip().upper().startswith("UPDATE NOTICES")]


def test_mark_seen_takes_a_path_prefix_literally(app, world):
    for subject, path in (("a", "/sets/1"), ("b", "/sets/10"), ("c", "/setsX1"),
                          ("d", "/circle/posts/5")):
        notify(world.leader.id, "set_round", path=path, subject=subject)
    db.session.commit()
    assert mark_seen(world.leader.id, "/sets/1") == {"a", "b"}
    assert mark_seen(world.leader.id, "/sets/1") == set()  # nothing new: nothing written
    assert mark_seen(world.leader.id, "/sets_") == set()  # "_" is no wildcard
    left = {n.subject for n in unseen(world.leader.id, app.extensions["catalog"])}
    assert left == {"c", "d"}


def test_an_email_link_is_built_from_the_base_url_only(app):
    from course.links import public_path

    assert public_path("/lessons/l01#log") == "http://localhost/lessons/l01#log"
    for bad in ("//evil.example/x", "https://evil.example/", "lessons"):
        with pytest.raises(ValueError):
            public_path(bad)
