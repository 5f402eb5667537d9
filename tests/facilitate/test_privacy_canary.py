"""No private word of a leader reaches a facilitator: every facilitator URL, every email, every log.

A leader writes unique canary strings into everything they keep private. Then the cohort's
facilitator, and an admin, request every GET route the app registers under /facilitate
(read from the url_map, so routes added later are covered without editing this file),
every same-site link those pages offer (sorts, filters, pages, CSV downloads), and send
a reminder. The canaries must appear in no response, email or log record. Sharing then
shows the words (proving the test can see text when it is allowed) and unsharing hides
them again.
"""

from __future__ import annotations

import html
import logging
import re
from datetime import date
from urllib.parse import urlsplit

import pytest
from flask import url_for
from sqlalchemy import select

from course.circle.models import CirclePost, CircleReply
from course.circle.posts import set_audience
from course.circle.replies import add_reply as add_circle_reply
from course.experiments.experiments import add_entry
from course.extensions import db
from course.reflections.models import Reflection
from course.reflections.reflections import save_draft, save_reflection
from course.sets.models import LearningSet, Round, SetMember
from tests.factories import Auth, read_outbox

# Lower-case letters only: they survive HTML, CSV and JSON escaping unchanged.
CANARIES = {
    "private reflection": "qzxvkwcanaryreflection",
    "earlier saved version": "qzxvkwcanaryversion",
    "unsaved draft": "qzxvkwcanarydraft",
    "experiment entry": "qzxvkwcanaryexperiment",
    "shared reflection in another cohort": "qzxvkwcanaryforeign",
}
MAX_PAGES = 600  # a guard against a crawl that never ends
PER_PATH = 30  # query-string variants of one path (sorts, filters, pages) worth fetching
SKIP_PREFIXES = ("/static/", "/logout")


@pytest.fixture
def private_world(app, world):
    """The leader's private writing (and a harmless shared reflection) on lesson one."""
    catalog = app.extensions["catalog"]
    lesson = catalog.ordered_lessons[0]
    first, second = lesson.reflections[0].id, lesson.reflections[1].id
    leader = world.leader.id
    save_reflection(leader, lesson, first,
                    f"{CANARIES['earlier saved version']} what I first thought", None)
    private = save_reflection(leader, lesson, first,
                              f"{CANARIES['private reflection']} the board is afraid", None)
    save_draft(leader, lesson, second, f"{CANARIES['unsaved draft']} half a thought")
    add_entry(leader, lesson, date.today(), f"{CANARIES['experiment entry']} I searched",
              {}, None)
    # Something shared, so the feed and its reply forms are on the page too.
    other_lesson = catalog.ordered_lessons[1]
    set_audience(save_reflection(leader, other_lesson, other_lesson.reflections[0].id,
                                 "Words Lee chose to share.", None), "facilitator")
    # And something in the cohort's circle with a reply, so its pages have rows to show.
    post = save_reflection(leader, other_lesson, other_lesson.reflections[1].id,
                           "Words Lee shared with the cohort.", None)
    set_audience(post, "cohort")
    add_circle_reply(db.session.scalar(select(CirclePost)), world.facilitator, "Thank you.")
    # Another cohort's shared words are not for this cohort's facilitator either.
    set_audience(save_reflection(world.other_leader.id, lesson, first,
                                 f"{CANARIES['shared reflection in another cohort']} hi", None),
                 "facilitator")
    # An action-learning set with an open round, so the sets pages have rows to show.
    learning_set = LearningSet(cohort_id=world.cohort.id, name="Set 1")
    db.session.add(learning_set)
    db.session.flush()
    db.session.add(SetMember(set_id=learning_set.id, cohort_id=world.cohort.id, user_id=leader))
    db.session.add(Round(set_id=learning_set.id, holder_id=leader))
    db.session.commit()
    return private


def fill_values(app, world, private: Reflection) -> dict:
    """A real value for every URL variable a facilitator route may name."""
    catalog = app.extensions["catalog"]
    lesson = catalog.ordered_lessons[0]
    quiz = catalog.quizzes.get(lesson.quiz_id) if lesson.quiz_id else next(
        iter(catalog.quizzes.values()))
    return {
        "cohort_id": world.cohort.id,
        "leader_id": world.leader.id,
        "user_id": world.leader.id,
        "invitation_id": world.invitation.id,
        "facilitator_id": world.facilitator.id,
        "reflection_id": private.id,  # a route naming the private one must not show it
        "lesson_id": lesson.id,
        "prompt_id": lesson.reflections[0].id,
        "quiz_id": quiz.id,
        "question_id": quiz.questions[0].id,
        "module_id": lesson.module_id,
        "stage": "before",
        "set_id": db.session.scalar(select(LearningSet.id)),
        "round_id": db.session.scalar(select(Round.id)),
        "post_id": db.session.scalar(select(CirclePost.id)),
        "reply_id": db.session.scalar(select(CircleReply.id)),
    }


def facilitator_get_urls(app, values: dict) -> list[str]:
    """Every GET route under the facilitate blueprint, its variables filled in."""
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith("facilitate.") or "GET" not in rule.methods:
                continue
            unknown = set(rule.arguments) - set(values)
            assert not unknown, (
                f"{rule.rule} names {sorted(unknown)}: add a real value for it to "
                "fill_values() so the canary test covers this route")
            urls.append(url_for(rule.endpoint, **{k: values[k] for k in rule.arguments}))
    return urls


def links_in(body: str) -> list[str]:
    """Same-site links (href) in a page, without fragments."""
    found = []
    for raw in re.findall(r'href="([^"]+)"', body):
        parts = urlsplit(html.unescape(raw))
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        if parts.path.startswith(SKIP_PREFIXES):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def leaks(text: str, *, foreign_allowed: bool = False) -> list[str]:
    return [what for what, canary in CANARIES.items() if canary in text
            and not (foreign_allowed and what == "shared reflection in another cohort")]


def crawl(client, seeds: list[str], *, foreign_allowed: bool) -> dict[str, str]:
    """GET every seed and every same-site link reached from a facilitator page.

    Returns {url: content type}; fails on any leak, and on a seed that is not a 200.
    """
    seen: dict[str, str] = {}
    per_path: dict[str, int] = {}
    queue = list(seeds)
    while queue:
        url = queue.pop(0)
        path = urlsplit(url).path
        if url in seen or (url not in seeds and per_path.get(path, 0) >= PER_PATH):
            continue
        per_path[path] = per_path.get(path, 0) + 1
        assert len(seen) < MAX_PAGES, "the crawl went on too long"
        response = client.get(url)
        body = response.get_data(as_text=True)
        if url in seeds:
            assert response.status_code == 200, f"{url} answered {response.status_code}"
        else:
            assert response.status_code in (200, 302), f"{url} answered {response.status_code}"
        seen[url] = response.mimetype
        found = leaks(body + str(response.headers), foreign_allowed=foreign_allowed)
        assert not found, f"{url} shows the {found}"
        if response.status_code == 302:
            queue.append(response.headers["Location"])
        elif response.mimetype == "text/html" and urlsplit(url).path.startswith("/facilitate"):
            queue.extend(links_in(body))
    return seen


@pytest.mark.parametrize("who", ["facilitator", "admin"])
def test_no_private_word_reaches_a_facilitator(app, client, world, private_world, caplog, who):
    values = fill_values(app, world, private_world)
    seeds = facilitator_get_urls(app, values)
    # Each view's own filters and pages, where the crawl might not find them by a link.
    cohort = f"/facilitate/cohorts/{world.cohort.id}"
    lesson_id = values["lesson_id"]
    seeds += [f"{cohort}/shared?lesson={lesson_id}", f"{cohort}/shared?page=2",
              f"{cohort}/nudge?select=all", f"{cohort}/nudge?select=not-started",
              f"{cohort}/nudge?select=inactive"]
    Auth(client).login(getattr(world, who))
    private_id, leader_id, leader_email = private_world.id, world.leader.id, world.leader.email

    # An admin runs every cohort, so may read what leaders share in the other one.
    foreign = who == "admin"
    caplog.clear()
    caplog.set_level(logging.DEBUG)
    # SQLAlchemy's rows too (off by default): private text must not even be fetched.
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")
    seen = crawl(client, seeds, foreign_allowed=foreign)
    reply = client.post(f"{cohort}/shared/{private_id}/replies",
                        data={"text": "Replying to a private reflection"})
    assert reply.status_code == 404 and not leaks(reply.get_data(as_text=True))
    sent = client.post(f"{cohort}/nudge", data={
        "leaders": [str(leader_id)], "subject": "A reminder",
        "message": "Carry on with lesson one."})
    assert sent.status_code == 302
    crawl(client, [sent.headers["Location"]], foreign_allowed=foreign)

    records = "\n".join(record.getMessage() for record in caplog.records)
    leaked = leaks(records, foreign_allowed=foreign)
    assert not leaked, f"the log holds the {leaked}"
    assert any("FROM reflections" in message for message in records.splitlines()), \
        "the SQL log was not captured"

    mails = read_outbox(app)
    assert [mail["To"] for mail in mails] == [leader_email]
    assert not leaks(mails[0].as_string())  # not even the foreign words, to anyone

    # The crawl reached what it should: every GET route, and at least the CSV ones there are.
    assert {urlsplit(url).path for url in seen} >= {urlsplit(url).path for url in seeds}
    csv_routes = [url for url, kind in seen.items() if kind == "text/csv"]
    assert all(url.split("?")[0].endswith(".csv") for url in csv_routes)


def test_sharing_shows_the_words_and_unsharing_hides_them(app, client, world, private_world):
    feed = f"/facilitate/cohorts/{world.cohort.id}/shared"
    Auth(client).login(world.facilitator)
    canary = CANARIES["private reflection"]
    assert canary not in client.get(feed).get_data(as_text=True)

    leader = app.test_client()
    Auth(leader).login(world.leader)
    share = f"/reflections/{private_world.id}/audience"
    assert leader.post(share, data={"audience": "facilitator"}).status_code == 302
    body = client.get(feed).get_data(as_text=True)
    assert canary in body  # the test can see words when they are allowed
    # Only the latest save is shared; earlier versions and the other prompt's draft are not.
    assert CANARIES["earlier saved version"] not in body
    assert CANARIES["unsaved draft"] not in body

    assert leader.post(share, data={"audience": "private"}).status_code == 302
    assert canary not in client.get(feed).get_data(as_text=True)


def test_the_crawl_sees_another_cohorts_words_only_where_it_should(app, client, world,
                                                                   private_world):
    """A control: the other cohort's facilitator does see that cohort's shared words."""
    Auth(client).login(world.other_facilitator)
    body = client.get(f"/facilitate/cohorts/{world.other_cohort.id}/shared").get_data(
        as_text=True)
    assert CANARIES["shared reflection in another cohort"] in body
    assert not leaks(body, foreign_allowed=True)
