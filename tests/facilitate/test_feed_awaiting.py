"""The feed's "awaiting a reply" filter: its one definition, its counts and its paging."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import update

from course.extensions import db
from course.models import utcnow
from course.reflections import shared as feed
from course.reflections.models import ReflectionReply, ReflectionVersion
from course.reflections.reflections import save_reflection
from course.reflections.shared import add_reply
from tests.facilitate.conftest import text_of
from tests.factories import write_in


def feed_url(world, query: str = "") -> str:
    return f"/facilitate/cohorts/{world.cohort.id}/shared{query}"


def at(model, row_id: int, minutes_ago: int) -> None:
    """Move a version or a reply `minutes_ago` into the past."""
    db.session.execute(update(model).where(model.id == row_id)
                       .values(created_at=utcnow() - timedelta(minutes=minutes_ago)))
    db.session.commit()


def versions_of(reflection) -> list[int]:
    return list(db.session.scalars(db.select(ReflectionVersion.id).where(
        ReflectionVersion.reflection_id == reflection.id).order_by(ReflectionVersion.id)))


def reply(world, reflection, minutes_ago: int) -> None:
    row = add_reply(reflection.id, world.facilitator, "Thank you: tell me more.")
    db.session.commit()
    at(ReflectionReply, row.id, minutes_ago)


def test_awaiting_reply_follows_the_latest_saved_version(app, client, auth, world,
                                                         make_leader):
    lesson = app.extensions["catalog"].ordered_lessons[0]
    unanswered = write_in(app, world.leader, "Nobody has answered this.", audience="facilitator")
    answered = write_in(app, make_leader(name="Ann Answered", cohort=world.cohort),
                        "You replied to this.", audience="facilitator")
    at(ReflectionVersion, versions_of(answered)[0], 30)
    reply(world, answered, 20)
    newer = write_in(app, make_leader(name="Nat Newer", cohort=world.cohort),
                     "First words.", audience="facilitator")
    at(ReflectionVersion, versions_of(newer)[0], 30)
    reply(world, newer, 20)  # a reply to the first version...
    save_reflection(newer.user_id, lesson, newer.prompt_id, "Newer words, unanswered.", None)
    db.session.commit()  # ...then a newer version, saved after it
    write_in(app, make_leader(name="Pia Private", cohort=world.cohort), "Not shared.")

    ids = set(db.session.scalars(
        feed.shared_query(world.facilitator, world.cohort).where(feed.awaiting_reply())))
    assert ids == {unanswered.id, newer.id}

    auth.login(world.facilitator)
    everything = text_of(client.get(feed_url(world)))
    assert "3 shared reflections. 2 awaiting a reply." in everything
    waiting = text_of(client.get(feed_url(world, "?awaiting=1")))
    assert "2 awaiting a reply." in waiting
    assert "Nobody has answered this." in waiting and "Newer words, unanswered." in waiting
    assert "You replied to this." not in waiting and "Not shared." not in waiting


def test_awaiting_keeps_the_lesson_filter_and_paging(app, client, auth, world, make_leader,
                                                     monkeypatch):
    monkeypatch.setattr(feed, "PAGE_SIZE", 2)
    for n in range(3):
        write_in(app, make_leader(name=f"Leader {n}", cohort=world.cohort), f"Waiting {n}.",
                 audience="facilitator")
    done = write_in(app, make_leader(name="Rae Replied", cohort=world.cohort), "Answered.",
                    audience="facilitator")
    at(ReflectionVersion, versions_of(done)[0], 30)
    reply(world, done, 10)
    other = write_in(app, make_leader(name="Lou Lesson2", cohort=world.cohort),
                     "Second lesson words.", audience="facilitator", lesson=1)
    lesson_id = app.extensions["catalog"].ordered_lessons[0].id
    auth.login(world.facilitator)

    html = client.get(feed_url(world, f"?lesson={lesson_id}&awaiting=1")).get_data(as_text=True)
    page = text_of(client.get(feed_url(world, f"?lesson={lesson_id}&awaiting=1")))
    assert "3 awaiting a reply on this lesson; page 1 of 2." in page
    nxt = re.search(r'class="pager-next" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert f"lesson={lesson_id}" in nxt and "awaiting=1" in nxt and "page=2" in nxt
    second = text_of(client.get(nxt))
    assert "page 2 of 2" in second and "Answered." not in second
    assert "Second lesson words." not in page + second
    shown = [f"Waiting {n}." in page + second for n in range(3)]
    assert all(shown)
    assert 'id="awaiting-filter" name="awaiting" value="1" checked' in html

    # A reply sent from the filtered page comes back to it, filters kept.
    action = re.search(r'action="([^"]+/replies\?[^"]+)"', html).group(1).replace("&amp;", "&")
    sent = client.post(action, data={"text": "Thanks."})
    location = sent.headers["Location"]
    assert "awaiting=1" in location and f"lesson={lesson_id}" in location
    assert "2 awaiting a reply on this lesson." in text_of(client.get(location))
    assert other.id not in set(db.session.scalars(
        feed.shared_query(world.facilitator, world.cohort).where(feed.awaiting_reply())
        .where(feed.Reflection.lesson_id == lesson_id)))


def test_nothing_awaiting(app, client, auth, world):
    auth.login(world.facilitator)
    page = text_of(client.get(feed_url(world, "?awaiting=1")))
    assert "Nothing is awaiting a reply" in page
