"""The shared-reflections feed: what leaders share, replies both ways, and who reaches it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from course.circle.posts import set_audience
from course.extensions import db
from course.models import User
from course.reflections import shared as feed
from course.reflections.models import ReflectionReply
from course.reflections.reflections import replies_for, save_reflection
from tests.facilitate.conftest import text_of
from tests.factories import PASSWORD, Auth, csrf_token_from, write_in

WHO = ["anonymous", "leader", "facilitator", "other_facilitator", "admin"]
OWN = {"anonymous": 302, "leader": 403, "other_facilitator": 404}


def lesson_at(app, n: int = 0):
    return app.extensions["catalog"].ordered_lessons[n]




def feed_url(world, query: str = "") -> str:
    return f"/facilitate/cohorts/{world.cohort.id}/shared{query}"


def reply_url(world, reflection, cohort=None) -> str:
    cohort = cohort or world.cohort
    return f"/facilitate/cohorts/{cohort.id}/shared/{reflection.id}/replies"


@pytest.fixture
def shared(app, world):
    return write_in(app, world.leader, "We listen to complaints on the forum first.",
                    audience="facilitator")


@pytest.mark.parametrize("who", WHO)
def test_permission_matrix(app, client, auth, world, shared, who):
    user = world.user(who)
    if user is not None:
        auth.login(user)
    expected_get = {**OWN, "facilitator": 200, "admin": 200}
    expected_post = {**OWN, "facilitator": 302, "admin": 302}
    response = client.get(feed_url(world))
    assert response.status_code == expected_get[who]
    response = client.post(reply_url(world, shared), data={"text": "Thank you."})
    assert response.status_code == expected_post[who]
    if who == "anonymous":
        assert response.headers["Location"].startswith("/login")
    replies = db.session.scalar(select(func.count(ReflectionReply.id)))
    assert replies == (1 if who in ("facilitator", "admin") else 0)


def test_feed_shows_shared_text_with_leader_prompt_and_date(app, client, auth, world, shared):
    write_in(app, world.leader, "Private: the board is afraid of this.", prompt=1)
    write_in(app, world.other_leader, "Other cohort shares this.", audience="facilitator")
    auth.login(world.facilitator)
    response = client.get(feed_url(world))
    page = text_of(response)
    assert response.headers["Cache-Control"] == "no-store"
    assert "We listen to complaints on the forum first." in page
    assert "Lee Leader" in page
    assert lesson_at(app).reflections[0].text in page
    assert f"Lesson 1. {lesson_at(app).title}" in page
    assert "1 shared reflection." in page
    assert "Private: the board" not in page
    assert "Other cohort shares this" not in page and "Oki Leader" not in page


def test_empty_feed_says_so(client, auth, world):
    auth.login(world.facilitator)
    assert "Nobody in this cohort has shared a reflection yet." in text_of(
        client.get(feed_url(world)))


def test_grouped_by_lesson_in_course_order_newest_first(app, client, auth, world, make_leader):
    second = make_leader(name="Sam Second", cohort=world.cohort)
    later_lesson = write_in(app, world.leader, "Text on lesson two.", lesson=1,
                            audience="facilitator")
    older = write_in(app, world.leader, "Older on lesson one.", audience="facilitator")
    newer = write_in(app, second, "Newer on lesson one.", audience="facilitator")
    older.shared_at = newer.shared_at - timedelta(hours=1)
    db.session.commit()
    auth.login(world.facilitator)
    page = text_of(client.get(feed_url(world)))
    positions = [page.index(text) for text in
                 ("Newer on lesson one.", "Older on lesson one.", "Text on lesson two.")]
    assert positions == sorted(positions)
    assert page.index(lesson_at(app, 0).title) < page.index(lesson_at(app, 1).title)
    assert later_lesson.id


def test_filter_by_lesson(app, client, auth, world, shared):
    write_in(app, world.leader, "Text on lesson two.", lesson=1, audience="facilitator")
    auth.login(world.facilitator)
    html = client.get(feed_url(world)).get_data(as_text=True)
    assert f'<option value="{lesson_at(app, 1).id}">' in html  # only lessons with shares
    assert f'<option value="{lesson_at(app, 2).id}">' not in html
    page = text_of(client.get(feed_url(world, f"?lesson={lesson_at(app, 1).id}")))
    assert "Text on lesson two." in page and "We listen" not in page
    assert "1 shared reflection on this lesson." in page
    empty = text_of(client.get(feed_url(world, f"?lesson={lesson_at(app, 2).id}")))
    assert "Nothing shared on this lesson yet." in empty


def test_text_is_escaped_and_keeps_its_line_breaks(app, client, auth, world):
    write_in(app, world.leader, "<b>bold</b> & <script>alert(1)</script>\nsecond line",
          audience="facilitator")
    auth.login(world.facilitator)
    html = client.get(feed_url(world)).get_data(as_text=True)
    assert "<script>alert(1)" not in html and "<b>bold" not in html
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;\nsecond line" \
        in html


def test_unsharing_removes_it_from_the_feed_at_once(app, client, auth, world, shared):
    auth.login(world.facilitator)
    assert "We listen" in text_of(client.get(feed_url(world)))
    leader_client = app.test_client()
    Auth(leader_client).login(world.leader)
    assert leader_client.post(f"/reflections/{shared.id}/audience",
                              data={"audience": "private"}).status_code == 302
    page = text_of(client.get(feed_url(world)))
    assert "We listen" not in page and "Lee Leader" not in page
    assert client.post(reply_url(world, shared), data={"text": "Late reply"}).status_code == 404
    assert db.session.scalar(select(func.count(ReflectionReply.id))) == 0


def test_reply_is_kept_with_its_author_and_shown_in_the_feed(app, client, auth, world, shared):
    auth.login(world.facilitator)
    response = client.post(reply_url(world, shared), data={"text": "Good start.\r\nKeep going."})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/shared#reflection-{shared.id}")
    reply = db.session.scalar(select(ReflectionReply))
    assert (reply.reflection_id, reply.author_id) == (shared.id, world.facilitator.id)
    assert reply.text == "Good start.\nKeep going."
    page = text_of(client.get(response.headers["Location"]))
    assert "Reply sent." in page
    assert "Reply from Fran Facilitator, " in page and "Good start. Keep going." in page


def test_reply_keeps_the_lesson_filter(app, client, auth, world, shared):
    auth.login(world.facilitator)
    lesson_id = lesson_at(app).id
    response = client.post(reply_url(world, shared) + f"?lesson={lesson_id}",
                           data={"text": "Noted."})
    assert response.headers["Location"].endswith(
        f"/shared?lesson={lesson_id}#reflection-{shared.id}")


@pytest.mark.parametrize(("text", "message"), [
    ("   ", "Write a reply before sending it."),
    ("x" * 4001, "This reply is 4,001 characters long; the limit is 4,000."),
])
def test_reply_validation_keeps_the_text(client, auth, world, shared, text, message):
    auth.login(world.facilitator)
    response = client.post(reply_url(world, shared), data={"text": text})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert 'aria-invalid="true"' in html
    if text.strip():
        assert text in html
    assert db.session.scalar(select(func.count(ReflectionReply.id))) == 0


def test_four_thousand_characters_are_allowed(client, auth, world, shared):
    auth.login(world.facilitator)
    assert client.post(reply_url(world, shared), data={"text": "y" * 4000}).status_code == 302


def test_a_reply_is_escaped_for_the_facilitator_and_the_leader(app, client, auth, world, shared):
    auth.login(world.facilitator)
    client.post(reply_url(world, shared), data={"text": "<script>alert(1)</script>"})
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    html = client.get(feed_url(world)).get_data(as_text=True)
    assert escaped in html and "<script>alert(1)" not in html

    leader_client = app.test_client()
    Auth(leader_client).login(world.leader)
    html = leader_client.get(f"/lessons/{shared.lesson_id}").get_data(as_text=True)
    assert escaped in html and "<script>alert(1)" not in html
    assert "Reply from Fran Facilitator, " in html


def test_the_leader_keeps_seeing_replies_after_unsharing(app, client, auth, world, shared):
    auth.login(world.facilitator)
    client.post(reply_url(world, shared), data={"text": "Lovely observation."})
    leader_client = app.test_client()
    Auth(leader_client).login(world.leader)
    leader_client.post(f"/reflections/{shared.id}/audience", data={"audience": "private"})
    page = text_of(leader_client.get(f"/lessons/{shared.lesson_id}"))
    assert "Private" in page and "Lovely observation." in page
    assert "Reply from Fran Facilitator" in page
    assert "Lovely observation." not in text_of(client.get(feed_url(world)))


def test_replies_are_not_shown_on_other_reflections_or_to_other_leaders(app, client, auth,
                                                                         world, shared):
    auth.login(world.facilitator)
    client.post(reply_url(world, shared), data={"text": "Only for Lee."})
    other = app.test_client()
    Auth(other).login(world.other_leader)
    assert "Only for Lee." not in other.get(f"/lessons/{shared.lesson_id}").get_data(
        as_text=True)


def test_reply_to_a_private_or_foreign_reflection_answers_404(app, client, auth, world):
    private = write_in(app, world.leader, "Not for anyone.", prompt=1)
    foreign = write_in(app, world.other_leader, "Shared in the other cohort.",
                       audience="facilitator")
    auth.login(world.facilitator)
    assert client.post(reply_url(world, private), data={"text": "x"}).status_code == 404
    # Their own cohort in the URL, another cohort's reflection id, and the other way round.
    assert client.post(reply_url(world, foreign), data={"text": "x"}).status_code == 404
    assert client.post(reply_url(world, foreign, world.other_cohort),
                       data={"text": "x"}).status_code == 404
    assert client.post(f"/facilitate/cohorts/{world.cohort.id}/shared/999999/replies",
                       data={"text": "x"}).status_code == 404
    assert db.session.scalar(select(func.count(ReflectionReply.id))) == 0


def test_reply_needs_post_and_csrf(make_app, world, shared):
    client = make_app(reset=False, WTF_CSRF_ENABLED=True).test_client()
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"email": world.facilitator.email, "password": PASSWORD,
                                "csrf_token": csrf_token_from(page)})
    assert client.get(reply_url(world, shared)).status_code == 405
    assert client.post(reply_url(world, shared), data={"text": "x"}).status_code == 400
    html = client.get(feed_url(world)).get_data(as_text=True)
    assert client.post(reply_url(world, shared), data={
        "text": "With a token.", "csrf_token": csrf_token_from(html)}).status_code == 302
    assert db.session.scalar(select(func.count(ReflectionReply.id))) == 1


def test_admin_sees_and_replies_to_any_cohort(client, auth, world, shared):
    auth.login(world.admin)
    assert "We listen" in text_of(client.get(feed_url(world)))
    client.post(reply_url(world, shared), data={"text": "From the admin."})
    assert "Reply from Ada Admin" in text_of(client.get(feed_url(world)))


def test_a_reply_outlives_its_author(app, client, auth, world, shared, make_facilitator):
    gone = make_facilitator(name="Gone Soon")
    db.session.add(ReflectionReply(reflection_id=shared.id, author_id=gone.id, text="Hi."))
    db.session.commit()
    db.session.delete(db.session.get(User, gone.id))
    db.session.commit()
    assert replies_for([shared.id])[shared.id][0][1] == "a facilitator"
    auth.login(world.facilitator)
    assert "Reply from a facilitator" in text_of(client.get(feed_url(world)))


def test_deleting_the_reflection_deletes_its_replies(app, client, auth, world, shared):
    auth.login(world.facilitator)
    client.post(reply_url(world, shared), data={"text": "Gone with it."})
    leader_client = app.test_client()
    Auth(leader_client).login(world.leader)
    leader_client.post(f"/reflections/{shared.id}/delete", data={"confirm": "yes"})
    assert db.session.scalar(select(func.count(ReflectionReply.id))) == 0


def test_cohort_page_links_to_the_feed_and_reminders(client, auth, world):
    auth.login(world.facilitator)
    html = client.get(f"/facilitate/cohorts/{world.cohort.id}").get_data(as_text=True)
    assert f'href="/facilitate/cohorts/{world.cohort.id}/shared">Shared reflections' in html
    assert f'href="/facilitate/cohorts/{world.cohort.id}/nudge">Send a reminder' in html


def test_pages_of_a_long_feed(app, client, auth, world, make_leader, monkeypatch):
    monkeypatch.setattr(feed, "PAGE_SIZE", 2)
    for n in range(3):
        write_in(app, make_leader(name=f"Leader {n}", cohort=world.cohort), f"Words {n}.",
              audience="facilitator")
    auth.login(world.facilitator)
    first = text_of(client.get(feed_url(world)))
    assert "3 shared reflections; page 1 of 2." in first and "Next page" in first
    second = text_of(client.get(feed_url(world, "?page=2")))
    assert "page 2 of 2" in second and "Previous page" in second
    shown = [f"Words {n}." in first + second for n in range(3)]
    assert all(shown)
    assert "page 2 of 2" in text_of(client.get(feed_url(world, "?page=99")))

    # A reply from page two comes back to page two, refused or sent.
    html = client.get(feed_url(world, "?page=2")).get_data(as_text=True)
    action = re.search(r'action="([^"]+/replies\?page=2)"', html).group(1)
    refused = client.post(action, data={"text": " "})
    assert refused.status_code == 422 and "Write a reply before sending it." in text_of(refused)
    sent = client.post(action, data={"text": "From page two."})
    assert "/shared?page=2#reflection-" in sent.headers["Location"]


def test_feed_runs_a_fixed_number_of_queries(app, client, auth, world, make_leader,
                                             count_queries):
    auth.login(world.facilitator)

    def add(n):
        for i in range(n):
            leader = make_leader(cohort=world.cohort)
            row = write_in(app, leader, f"Shared {i}.", lesson=i % 3, audience="facilitator")
            db.session.add(ReflectionReply(reflection_id=row.id, author_id=world.facilitator.id,
                                           text="Reply."))
        db.session.commit()

    add(2)
    with count_queries() as few:
        assert client.get(feed_url(world)).status_code == 200
    add(20)
    with count_queries() as many:
        assert client.get(feed_url(world)).status_code == 200
    assert len(many) == len(few)


def test_replies_for_groups_oldest_first(app, world, shared):
    for text in ("First.", "Second."):
        db.session.add(ReflectionReply(reflection_id=shared.id, author_id=world.facilitator.id,
                                       text=text))
        db.session.flush()
    db.session.commit()
    found = replies_for([shared.id, 424242])
    assert [(reply.text, name) for reply, name in found[shared.id]] == [
        ("First.", "Fran Facilitator"), ("Second.", "Fran Facilitator")]
    assert replies_for([]) == {}


def test_the_feed_shows_the_last_saved_text_never_a_draft(app, client, auth, world, shared):
    from course.reflections.reflections import save_draft

    lesson = lesson_at(app)
    save_draft(world.leader.id, lesson, lesson.reflections[0].id, "Half-typed second thoughts")
    db.session.commit()
    auth.login(world.facilitator)
    page = text_of(client.get(feed_url(world)))
    assert "We listen to complaints" in page and "Half-typed" not in page

    save_reflection(world.leader.id, lesson, lesson.reflections[0].id, "Saved second take.",
                    None)
    db.session.commit()
    page = text_of(client.get(feed_url(world)))
    assert "Saved second take." in page and "We listen to complaints" not in page


def test_shared_before_any_save_shows_no_words(app, client, auth, world):
    from course.reflections.reflections import save_draft

    lesson = lesson_at(app)
    row = save_draft(world.leader.id, lesson, lesson.reflections[0].id, "Only autosaved words")
    set_audience(row, "facilitator")
    db.session.commit()
    auth.login(world.facilitator)
    page = text_of(client.get(feed_url(world)))
    assert "Only autosaved" not in page
    assert "Shared, but not saved yet: you will see it once Lee Leader saves it." in page


def page_key(html: str, reflection) -> str:
    """The form_key of the reply form under this reflection."""
    match = re.search(rf'name="form_key" value="([0-9a-f]{{32}}-{reflection.id})"', html)
    assert match, "no form_key on the reply form"
    return match.group(1)


def reply_count() -> int:
    return db.session.scalar(select(func.count(ReflectionReply.id)))


def test_each_reply_form_carries_a_fresh_form_key(app, client, auth, world, shared):
    second = write_in(app, world.leader, "A second shared thought.", prompt=1,
                      audience="facilitator")
    auth.login(world.facilitator)
    html = client.get(feed_url(world)).get_data(as_text=True)
    first_key, second_key = page_key(html, shared), page_key(html, second)
    assert first_key.split("-")[0] == second_key.split("-")[0]  # one token per page
    assert page_key(client.get(feed_url(world)).get_data(as_text=True), shared) != first_key


def test_the_same_form_sent_twice_keeps_one_reply(app, client, auth, world, shared):
    auth.login(world.facilitator)
    key = page_key(client.get(feed_url(world)).get_data(as_text=True), shared)
    first = client.post(reply_url(world, shared), data={"text": "Thank you.", "form_key": key})
    assert "Reply sent." in text_of(client.get(first.headers["Location"]))
    again = client.post(reply_url(world, shared), data={"text": "Thank you.", "form_key": key})
    assert again.status_code == 302
    assert again.headers["Location"] == first.headers["Location"]
    assert "Reply sent." in text_of(client.get(again.headers["Location"]))
    assert reply_count() == 1
    assert db.session.scalar(select(ReflectionReply.form_key)) == key


@pytest.mark.parametrize("keys", [("key-a", "key-b"), (None, None), ("", "")])
def test_different_or_missing_keys_keep_every_reply(client, auth, world, shared, keys):
    auth.login(world.facilitator)
    for key in keys:
        data = {"text": "Thank you."} | ({} if key is None else {"form_key": key})
        assert client.post(reply_url(world, shared), data=data).status_code == 302
    assert reply_count() == 2


def test_a_racing_twin_is_the_reply_already_sent(app, client, auth, world, shared, monkeypatch):
    """The twin commits between this request's look-up and its insert: the unique key wins."""
    db.session.add(ReflectionReply(reflection_id=shared.id, author_id=world.facilitator.id,
                                   text="Thank you.", form_key="twin-1"))
    db.session.commit()
    real, lookups = feed.reply_sent_with, []

    def not_yet(*args):
        lookups.append(args)
        return None if len(lookups) == 1 else real(*args)

    monkeypatch.setattr(feed, "reply_sent_with", not_yet)
    auth.login(world.facilitator)
    response = client.post(reply_url(world, shared),
                           data={"text": "Thank you.", "form_key": "twin-1"})
    assert response.status_code == 302
    assert len(lookups) == 2  # looked again after the unique key refused the insert
    assert "Reply sent." in text_of(client.get(response.headers["Location"]))
    assert reply_count() == 1


def test_a_key_already_kept_is_a_sent_reply(client, auth, world, shared):
    db.session.add(ReflectionReply(reflection_id=shared.id, author_id=world.facilitator.id,
                                   text="Thank you.", form_key="kept-1"))
    db.session.commit()
    auth.login(world.facilitator)
    response = client.post(reply_url(world, shared),
                           data={"text": "Thank you.", "form_key": "kept-1"})
    assert response.status_code == 302 and reply_count() == 1


def test_a_key_from_another_reply_or_an_overlong_key_is_refused(app, client, auth, world,
                                                                shared):
    other = write_in(app, world.leader, "Another shared thought.", prompt=1, audience="facilitator")
    db.session.add(ReflectionReply(reflection_id=other.id, author_id=world.admin.id,
                                   text="Admin's words.", form_key="used-1"))
    db.session.commit()
    auth.login(world.facilitator)
    for key, message in (("used-1", "That form was already used; reload the page."),
                         ("k" * 65, "This form is out of date; reload the page")):
        response = client.post(reply_url(world, shared),
                               data={"text": "Kept on screen.", "form_key": key})
        assert response.status_code == 422
        assert message in text_of(response) and "Kept on screen." in text_of(response)
    assert reply_count() == 1
