"""A leader's action-learning set through the test client: a round through its phases,
what each phase allows, bad input, and who may see a set (everyone else: 404)."""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from course.cohorts.models import Cohort, Membership
from course.extensions import db
from course.models import User, utcnow
from course.notices.models import Notice
from course.plans.models import Plan
from course.reflections.reflections import MAX_REFLECTION_LENGTH
from course.self_assessment.models import SelfAssessment
from course.sets.models import LearningSet, Round, RoundContribution
from course.sets.rounds import open_round
from course.sets.sets import split_cohort
from course.sets.waiting import digest_items
from tests.factories import Auth

CHALLENGE = "qzxvkwsetchallenge our board avoids every risk"
QUESTION = "qzxvkwsetquestion what have you tried so far?"


def words(response) -> str:
    html = response.get_data(as_text=True)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@dataclass
class Sets:
    cohort: Cohort
    facilitator: User
    holder: User  # in set one, holds its round
    member: User  # in set one
    third: User  # in set one
    outsider: User  # same cohort, set two
    set_one: LearningSet
    round: Round
    other_leader: User  # another cohort
    other_facilitator: User


@pytest.fixture
def sets(app, make_cohort, make_facilitator, make_leader) -> Sets:
    facilitator = make_facilitator(name="Fran Facilitator")
    cohort = make_cohort(name="Harbour cohort", facilitator=facilitator)
    names = ["Amira Holder", "Ben Member", "Cai Third", "Dee Four", "Eli Five", "Fay Six",
             "Gus Seven"]
    people = [make_leader(name=name, cohort=cohort) for name in names]
    for person in people:  # past the first session's welcome, straight to the course home
        person.welcome_seen_at = utcnow()
        db.session.add(SelfAssessment(user_id=person.id, stage="before", skipped=True))
    split_cohort(facilitator, cohort)  # 7 leaders: 4 and 3, dealt in turn by name
    db.session.commit()
    first, second = db.session.scalars(select(LearningSet).order_by(LearningSet.id)).all()
    made = open_round(first, people[0].id, facilitator)
    db.session.commit()
    other_facilitator = make_facilitator(name="Olu Other")
    other_cohort = make_cohort(name="Hill cohort", facilitator=other_facilitator)
    other_leader = make_leader(name="Oki Other", cohort=other_cohort)
    other_leader.welcome_seen_at = utcnow()
    db.session.add(SelfAssessment(user_id=other_leader.id, stage="before", skipped=True))
    db.session.commit()
    return Sets(cohort, facilitator, people[0], people[2], people[4], people[1], first, made,
                other_leader, other_facilitator)


def post(client, world: Sets, kind: str, text: str = "", **extra):
    data = {"kind": kind, "text": text, **extra}
    return client.post(f"/sets/{world.set_one.id}/rounds/{world.round.id}", data=data)


def phase_ends_now(found: Round) -> None:
    """Move the round's phase end into the past (time passing, without the sessions'
    idle timeout that travelling the clock would trip)."""
    db.session.execute(Round.__table__.update().where(Round.id == found.id)
                       .values(phase_ends_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()


def as_user(app, user):
    client = app.test_client()
    Auth(client).login(user)
    return client


def test_a_round_through_every_phase(app, sets):
    holder, member = as_user(app, sets.holder), as_user(app, sets.member)
    page = f"/sets/{sets.set_one.id}"
    body = words(member.get(page))
    assert "Amira Holder holds the problem and is writing their challenge." in body
    assert 'name="kind" value="question"' not in member.get(page).get_data(as_text=True)
    # The member's notice of the new round is seen once they open the page.
    assert db.session.scalar(select(Notice.seen_at).where(Notice.user_id == sets.member.id))

    assert post(holder, sets, "challenge", CHALLENGE, form_key="k-challenge").status_code == 302
    assert post(holder, sets, "challenge", CHALLENGE, form_key="k-challenge").status_code == 302
    assert db.session.scalar(select(func.count(RoundContribution.id))) == 1  # double click
    db.session.refresh(sets.round)
    assert sets.round.phase == "questions"
    assert sets.round.phase_ends_at - utcnow() > timedelta(days=2, hours=23)

    # Questions only: a suggestion is refused, in words, and its text kept on the page.
    refused = post(member, sets, "suggestion", "Try a pilot.")
    assert refused.status_code == 422
    assert "Suggestions open after the questions" in words(refused)
    assert "Try a pilot.</textarea>" not in refused.get_data(as_text=True)  # no form for it
    assert "There is a problem" in words(refused)
    html = member.get(page).get_data(as_text=True)
    assert "Ask a question" in html and CHALLENGE in html
    assert post(member, sets, "question", QUESTION, form_key="k-q").status_code == 302
    assert post(member, sets, "question", QUESTION, form_key="k-q").status_code == 302
    question = db.session.scalar(select(RoundContribution).where(
        RoundContribution.kind == "question"))
    assert db.session.scalar(select(func.count(RoundContribution.id)).where(
        RoundContribution.kind == "question")) == 1
    # The holder does not ask; only the holder answers.
    assert post(holder, sets, "question", "Me?").status_code == 422
    assert post(member, sets, "answer", "Not mine", parent_id=str(question.id)).status_code == 422
    assert "Your answer to Cai Third" in holder.get(page).get_data(as_text=True)
    assert post(holder, sets, "answer", "Two pilots, both stopped.",
                parent_id=str(question.id)).status_code == 302
    again = post(holder, sets, "answer", "Again", parent_id=str(question.id))
    assert again.status_code == 422 and "answered this question already" in words(again)

    phase_ends_now(sets.round)  # time moves on: the questions are over
    if True:
        late = post(member, sets, "question", "One more?")
        assert late.status_code == 422
        assert "The questions phase is over, so nothing was sent." in words(late)
        assert "Offer a suggestion" in member.get(page).get_data(as_text=True)
        assert post(member, sets, "suggestion", "Ask the chair for ten minutes.").status_code \
            == 302
        early = post(holder, sets, "commitment", "Ask the chair.", due_on="2099-01-01")
        assert early.status_code == 422 and "commitment comes after" in words(early)

    db.session.refresh(sets.round)
    assert sets.round.phase == "suggestions"  # written by the first post after the date
    phase_ends_now(sets.round)  # and the suggestions are over
    if True:
        due = (utcnow() + timedelta(days=10)).date().isoformat()
        no_date = post(holder, sets, "commitment", "Ask the chair for ten minutes.")
        assert no_date.status_code == 422 and "Enter the date" in words(no_date)
        assert "Ask the chair for ten minutes.</textarea>" in no_date.get_data(as_text=True)
        report_first = post(holder, sets, "report", "It went well.")
        assert report_first.status_code == 422 and "Commit to one action first" in words(
            report_first)
        assert post(holder, sets, "commitment", "Ask the chair for ten minutes.\nAt the board.",
                    due_on=due, if_then="If the agenda is set, then I ask.",
                    form_key="k-commit").status_code == 302
        plan = db.session.scalar(select(Plan).where(Plan.user_id == sets.holder.id))
        assert plan.what == "Ask the chair for ten minutes." and plan.lesson_id is None
        assert plan.due_on.isoformat() == due and plan.if_then.startswith("If the agenda")
        assert "Report back" in holder.get(page).get_data(as_text=True)
        assert post(holder, sets, "report", "The chair said yes.").status_code == 302

    db.session.refresh(sets.round)
    assert sets.round.phase == "closed" and sets.round.closed_at is not None
    closed = post(member, sets, "suggestion", "Too late")
    assert closed.status_code == 422 and "This round is closed" in words(closed)
    record = words(member.get(page))
    assert "Earlier rounds" in record and "The chair said yes." in record
    assert "No round open" in record


def test_too_long_text_is_kept_with_a_message(app, sets):
    holder = as_user(app, sets.holder)
    text = "a" * (MAX_REFLECTION_LENGTH + 1)
    response = post(holder, sets, "challenge", text)
    assert response.status_code == 422
    assert f"the limit is {MAX_REFLECTION_LENGTH:,}" in words(response)
    assert text in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(RoundContribution.id))) == 0
    empty = post(holder, sets, "challenge", "   ")
    assert empty.status_code == 422 and "Write your challenge" in words(empty)


def test_strict_numbers_and_unknown_kinds(app, sets):
    holder = as_user(app, sets.holder)
    assert post(holder, sets, "answer", "x", parent_id="²").status_code == 400
    assert post(holder, sets, "answer", "x", parent_id="1e3").status_code == 400
    assert post(holder, sets, "shout", "x").status_code == 422
    assert holder.get("/sets/99999999999999999999").status_code == 404
    assert holder.get("/sets/%C2%B2").status_code == 404


@pytest.mark.parametrize("who", ["outsider", "other_leader"])
def test_leaders_outside_the_set_get_404(app, sets, who):
    client = as_user(app, getattr(sets, who))
    assert client.get(f"/sets/{sets.set_one.id}").status_code == 404
    assert post(client, sets, "question", "Let me in").status_code == 404
    assert db.session.scalar(select(func.count(RoundContribution.id))) == 0
    home = client.get("/course")
    assert home.status_code == 200 and "Amira" not in words(home)  # no card, no nav link
    assert "Your set" not in words(home) or who == "outsider"


def test_facilitators_read_only_their_cohorts_sets(app, sets):
    holder = as_user(app, sets.holder)
    post(holder, sets, "challenge", CHALLENGE)
    own = as_user(app, sets.facilitator)
    url = f"/facilitate/cohorts/{sets.cohort.id}/sets/{sets.set_one.id}"
    assert CHALLENGE in own.get(url).get_data(as_text=True)
    assert own.get(f"/sets/{sets.set_one.id}").status_code == 403  # the leader's page
    other = as_user(app, sets.other_facilitator)
    assert other.get(url).status_code == 404
    assert CHALLENGE not in other.get(url).get_data(as_text=True)


def test_a_member_who_leaves_the_cohort_or_is_deactivated_stops_seeing_it(app, sets):
    from course.accounts import set_active
    from course.sets.sets import get_member_set_or_404

    client = as_user(app, sets.member)
    assert client.get(f"/sets/{sets.set_one.id}").status_code == 200
    assert "Your set" in words(client.get("/journal"))
    db.session.execute(Membership.__table__.delete().where(
        Membership.user_id == sets.member.id))
    db.session.commit()
    assert client.get(f"/sets/{sets.set_one.id}").status_code == 404
    # The navigation asks with the session on every page, not only on the course home.
    assert "Your set" not in words(client.get("/journal"))
    assert "Your set" not in words(client.get("/course"))

    third = as_user(app, sets.third)
    set_active(db.session.get(User, sets.third.id), False)
    db.session.commit()
    from werkzeug.exceptions import NotFound

    with pytest.raises(NotFound), app.test_request_context():
        get_member_set_or_404(db.session.get(User, sets.third.id), sets.set_one.id)
    response = third.get(f"/sets/{sets.set_one.id}")  # signed out everywhere
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_navigation_card_and_digest_say_what_waits_never_the_words(app, sets, count_queries):
    holder, member = as_user(app, sets.holder), as_user(app, sets.member)
    home = words(member.get("/course"))
    assert "Your set" in home and "A new round has opened in Set 1: Amira Holder holds" in home
    assert "post your challenge" in words(holder.get("/course"))
    post(holder, sets, "challenge", CHALLENGE)
    post(member, sets, "question", QUESTION)
    home = words(member.get("/course"))
    assert re.search(r"Questions are open on Amira Holder’s challenge until \w{3} \d", home)
    assert "1 question on your challenge waits for your answer" in words(holder.get("/course"))
    assert CHALLENGE not in home

    ids = [user.id for user in db.session.scalars(select(User))]
    with count_queries() as few:
        items = digest_items(ids[:2], utcnow().date(), app.extensions["catalog"])
    with count_queries() as many:
        items = digest_items(ids, utcnow().date(), app.extensions["catalog"])
    assert len(few) == len(many) <= 4
    set_one = {sets.holder.id, sets.member.id, sets.third.id}
    assert set_one <= set(items) and sets.outsider.id not in items
    assert sets.other_leader.id not in items
    flat = json.dumps([[item.text, item.path] for found in items.values() for item in found])
    assert "qzxvkw" not in flat and f"/sets/{sets.set_one.id}" in flat


def test_download_holds_contributions_and_deletion_removes_them(app, sets):
    holder, member = as_user(app, sets.holder), as_user(app, sets.member)
    post(holder, sets, "challenge", CHALLENGE)
    post(member, sets, "question", QUESTION)
    question = db.session.scalar(select(RoundContribution.id).where(
        RoundContribution.kind == "question"))
    post(holder, sets, "answer", "An answer kept by the holder.", parent_id=str(question))

    archive = zipfile.ZipFile(io.BytesIO(member.post("/account/data").data))
    data = json.loads(archive.read("clearing-data.json"))
    assert [c["text"] for c in data["set_contributions"]] == [QUESTION]
    assert CHALLENGE not in json.dumps(data)  # someone else's words are not theirs
    held = json.loads(zipfile.ZipFile(io.BytesIO(holder.post("/account/data").data))
                      .read("clearing-data.json"))
    assert [c["kind"] for c in held["set_contributions"]] == ["challenge", "answer"]
    assert len(held["set_rounds_held"]) == 1

    from course.mydata.deletion import delete_account

    delete_account(db.session.get(User, sets.member.id), sets.member.email)
    db.session.commit()
    kinds = list(db.session.scalars(select(RoundContribution.kind)))
    assert sorted(kinds) == ["answer", "challenge"]  # their question went; the answer stays
    assert "Answer (to a removed question)" in holder.get(
        f"/sets/{sets.set_one.id}").get_data(as_text=True)
    delete_account(db.session.get(User, sets.holder.id), sets.holder.email)
    db.session.commit()
    assert db.session.scalar(select(func.count(Round.id))) == 0  # the holder's round went
    assert db.session.scalar(select(func.count(RoundContribution.id))) == 0


def every_get_url(app, values: dict, prefixes: tuple[str, ...]) -> list[str]:
    """Every GET route under these endpoint prefixes, with real ids where the test has them
    (any other id is 1: a route of another feature then answers 404, which is fine)."""
    from flask import url_for

    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" in rule.methods and rule.endpoint.startswith(prefixes):
                filled = {name: values.get(name, 1) for name in rule.arguments}
                urls.append(url_for(rule.endpoint, **filled))
    return urls


@pytest.mark.parametrize("who", ["outsider", "other_leader", "other_facilitator"])
def test_a_rounds_words_reach_nobody_outside_the_set(app, sets, who):
    """The challenge and a question are read by every GET route a person outside the set
    can reach (leader and facilitator routes, from the url_map) and their data download."""
    holder, member = as_user(app, sets.holder), as_user(app, sets.member)
    post(holder, sets, "challenge", CHALLENGE)
    post(member, sets, "question", QUESTION)
    catalog = app.extensions["catalog"]
    first = catalog.ordered_lessons[0]
    values = {"set_id": sets.set_one.id, "round_id": sets.round.id, "lesson_id": first.id,
              "cohort_id": sets.cohort.id, "prompt_id": first.reflections[0].id,
              "leader_id": sets.holder.id, "user_id": sets.holder.id, "stage": "before"}
    client = as_user(app, getattr(sets, who))
    urls = every_get_url(app, values, ("learn.", "facilitate.", "main.", "auth.account"))
    assert "/set" in urls and f"/sets/{sets.set_one.id}" in urls
    other_cohort = f"/facilitate/cohorts/{sets.cohort.id + 1}"
    urls += [f"{other_cohort}/sets", f"{other_cohort}/sets/{sets.set_one.id}"]
    for url in urls:
        body = client.get(url).get_data(as_text=True)
        assert "qzxvkw" not in body, f"{who} reads a round's words at {url}"
    archive = zipfile.ZipFile(io.BytesIO(client.post("/account/data").get_data()))
    assert archive.namelist() and not any(
        b"qzxvkw" in archive.read(name) for name in archive.namelist())
    # The control: the set's own members do read them.
    assert CHALLENGE in member.get(f"/sets/{sets.set_one.id}").get_data(as_text=True)
