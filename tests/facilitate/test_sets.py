"""The facilitator's action-learning sets: split, arrange by hand, open a round, move it on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from course.extensions import db
from course.models import utcnow
from course.notices.models import Notice
from course.sets.models import LearningSet, Round, RoundContribution, SetMember
from tests.facilitate.conftest import text_of
from tests.factories import Auth


@pytest.fixture
def cohort_of(make_cohort, make_facilitator, make_leader):
    """A cohort of `n` leaders (named A.., by name order) run by a facilitator."""

    def build(n: int, name="Harbour cohort"):
        facilitator = make_facilitator(name=f"Fran of {name}")
        cohort = make_cohort(name=name, facilitator=facilitator)
        leaders = [make_leader(name=f"{chr(65 + i)} Leader {name}", cohort=cohort)
                   for i in range(n)]
        return cohort, facilitator, leaders

    return build


def set_sizes(cohort) -> list[int]:
    return sorted((count for (count,) in db.session.execute(
        select(func.count(SetMember.id)).join(LearningSet, LearningSet.id == SetMember.set_id)
        .where(LearningSet.cohort_id == cohort.id).group_by(LearningSet.id))), reverse=True)


def test_split_fourteen_leaders_into_balanced_sets(client, cohort_of):
    cohort, facilitator, _ = cohort_of(14)
    Auth(client).login(facilitator)
    page = client.get(f"/facilitate/cohorts/{cohort.id}/sets")
    assert "14 active leaders make 3 sets of 5, 5, 4" in text_of(page)
    response = client.post(f"/facilitate/cohorts/{cohort.id}/sets/split")
    assert response.status_code == 302
    assert set_sizes(cohort) == [5, 5, 4]
    body = text_of(client.get(f"/facilitate/cohorts/{cohort.id}/sets"))
    assert "Set 1" in body and "Set 3" in body and "No round open." in body
    cohort_page = text_of(client.get(f"/facilitate/cohorts/{cohort.id}"))
    assert "Action-learning sets" in cohort_page and "Set 2 · 5 members" in cohort_page


def test_fewer_than_three_leaders_get_a_clear_message(client, cohort_of):
    cohort, facilitator, _ = cohort_of(2)
    Auth(client).login(facilitator)
    assert "A set needs at least 3 leaders; this cohort has 2 active leaders" in text_of(
        client.get(f"/facilitate/cohorts/{cohort.id}/sets"))
    response = client.post(f"/facilitate/cohorts/{cohort.id}/sets/split")
    assert response.status_code == 422
    assert "A set needs at least 3 leaders; this cohort has 2." in text_of(response)
    assert set_sizes(cohort) == []


def test_deactivated_leaders_are_left_out_of_a_split(client, cohort_of):
    from course.accounts import set_active

    cohort, facilitator, leaders = cohort_of(4)
    set_active(leaders[0], False)
    db.session.commit()
    Auth(client).login(facilitator)
    client.post(f"/facilitate/cohorts/{cohort.id}/sets/split")
    members = set(db.session.scalars(select(SetMember.user_id)))
    assert leaders[0].id not in members and len(members) == 3


def test_arrange_by_hand_validates_three_to_six(client, cohort_of):
    cohort, facilitator, leaders = cohort_of(7)
    Auth(client).login(facilitator)
    url = f"/facilitate/cohorts/{cohort.id}/sets/arrange"
    assert client.get(url).status_code == 200
    choice = {f"set-{leader.id}": "1" for leader in leaders[:5]}
    choice |= {f"set-{leaders[5].id}": "2", f"set-{leaders[6].id}": "2"}
    refused = client.post(url, data=choice)
    assert refused.status_code == 422
    assert "Set 2 has 2 people; a set needs 3 to 6." in text_of(refused)
    assert 'value="2" selected' in refused.get_data(as_text=True)  # the choices are kept
    assert set_sizes(cohort) == []
    choice[f"set-{leaders[4].id}"] = "2"
    assert client.post(url, data=choice).status_code == 302
    assert set_sizes(cohort) == [4, 3]
    # Strict numbers: nothing but a set number the form offers.
    for bad in ("²", "1e0", "-1", "99", "1 "):
        assert client.post(url, data={f"set-{leaders[0].id}": bad}).status_code == 400


def test_open_a_round_with_the_suggested_holder_and_move_it_on(client, cohort_of):
    cohort, facilitator, leaders = cohort_of(3)
    Auth(client).login(facilitator)
    client.post(f"/facilitate/cohorts/{cohort.id}/sets/split")
    learning_set = db.session.scalar(select(LearningSet))
    url = f"/facilitate/cohorts/{cohort.id}/sets/{learning_set.id}"
    page = client.get(url).get_data(as_text=True)
    assert f'value="{leaders[0].id}" selected>A Leader Harbour cohort (suggested)' in page
    data = {"holder": str(leaders[0].id), "questions_days": "2", "suggestions_days": "4",
            "form_key": "open-1"}
    assert client.post(f"{url}/rounds", data=data).status_code == 302
    assert client.post(f"{url}/rounds", data=data).status_code == 302  # a double click
    found = db.session.scalar(select(Round))
    assert db.session.scalar(select(func.count(Round.id))) == 1
    assert (found.holder_id, found.phase, found.questions_days) == (leaders[0].id, "challenge", 2)
    # Every member is told (the facilitator who opened it is not a member).
    told = set(db.session.scalars(select(Notice.user_id).where(Notice.kind == "set_round")))
    assert told == {leader.id for leader in leaders}
    # A second round while one is open: refused, in words.
    again = client.post(f"{url}/rounds", data=data | {"form_key": "open-2"})
    assert again.status_code == 422 and "already has a round open" in text_of(again)

    nxt = f"{url}/rounds/{found.id}/next"
    client.post(nxt, data={"phase": "challenge"})
    assert "has not posted their challenge yet" in text_of(client.get(url))
    db.session.add(RoundContribution(round_id=found.id, author_id=leaders[0].id,
                                     kind="challenge", text="Our board avoids risk."))
    db.session.commit()
    client.post(nxt, data={"phase": "challenge"})
    db.session.refresh(found)
    assert found.phase == "questions"
    assert found.phase_ends_at > utcnow() + timedelta(days=1, hours=23)
    client.post(nxt, data={"phase": "questions"})
    client.post(nxt, data={"phase": "questions"})  # a second click does not skip a phase
    db.session.refresh(found)
    assert found.phase == "suggestions"
    assert "The round had already moved on" in text_of(client.get(url))
    client.post(nxt, data={"phase": "suggestions"})
    client.post(nxt, data={"phase": "commitment"})
    db.session.refresh(found)
    assert found.phase == "closed" and found.closed_at is not None
    assert not db.session.scalar(select(Notice.id).where(Notice.kind == "set_round"))

    # Rotation: the next round suggests someone who has not held one.
    page = client.get(url).get_data(as_text=True)
    assert f'value="{leaders[1].id}" selected>B Leader Harbour cohort (suggested)' in page
    # Once rounds are on record the cohort is not split again.
    again = client.post(f"/facilitate/cohorts/{cohort.id}/sets/split")
    assert again.status_code == 422 and "Move people by hand instead" in text_of(again)


def test_rotation_falls_back_to_the_longest_since_holding(app, cohort_of, make_leader):
    from course.sets.sets import suggest_holder

    cohort, facilitator, leaders = cohort_of(3)
    learning_set = LearningSet(cohort_id=cohort.id, name="Set 1")
    db.session.add(learning_set)
    db.session.flush()
    now = utcnow()
    for days, leader in ((30, leaders[1]), (20, leaders[0]), (10, leaders[2])):
        db.session.add(Round(set_id=learning_set.id, holder_id=leader.id, phase="closed",
                             opened_at=now - timedelta(days=days), closed_at=now))
    db.session.commit()
    ids = [leader.id for leader in leaders]
    assert suggest_holder(learning_set.id, ids) == leaders[1].id
    newcomer = make_leader(name="Newcomer", cohort=cohort)
    assert suggest_holder(learning_set.id, ids + [newcomer.id]) == newcomer.id


@pytest.mark.parametrize("bad", [{"holder": "x"}, {"holder": "99999999999999999999"},
                                 {"questions_days": "0"}, {"questions_days": "15"},
                                 {"suggestions_days": "1e1"}, {"questions_days": "٣"}])
def test_open_round_refuses_bad_input_with_a_message(client, cohort_of, bad):
    cohort, facilitator, leaders = cohort_of(3)
    Auth(client).login(facilitator)
    client.post(f"/facilitate/cohorts/{cohort.id}/sets/split")
    learning_set = db.session.scalar(select(LearningSet))
    data = {"holder": str(leaders[0].id), "questions_days": "3", "suggestions_days": "3"}
    response = client.post(f"/facilitate/cohorts/{cohort.id}/sets/{learning_set.id}/rounds",
                           data=data | bad)
    assert response.status_code == 422
    assert "There is a problem" in text_of(response)
    assert db.session.scalar(select(func.count(Round.id))) == 0


def test_other_facilitators_and_leaders_get_404(client, cohort_of, make_admin):
    cohort, facilitator, leaders = cohort_of(3)
    other_cohort, other_facilitator, _ = cohort_of(3, name="Hill cohort")
    Auth(client).login(facilitator)
    client.post(f"/facilitate/cohorts/{cohort.id}/sets/split")
    learning_set = db.session.scalar(select(LearningSet))
    client.post(f"/facilitate/cohorts/{cohort.id}/sets/{learning_set.id}/rounds",
                data={"holder": str(leaders[0].id), "questions_days": "3",
                      "suggestions_days": "3"})
    found = db.session.scalar(select(Round))
    Auth(client).logout()
    Auth(client).login(other_facilitator)
    base = f"/facilitate/cohorts/{cohort.id}/sets"
    for url in (base, f"{base}/arrange", f"{base}/{learning_set.id}"):
        assert client.get(url).status_code == 404
    assert client.post(f"{base}/split").status_code == 404
    assert client.post(f"{base}/{learning_set.id}/rounds/{found.id}/next").status_code == 404
    # Through their own cohort's URL, another cohort's set is not found either.
    mine = f"/facilitate/cohorts/{other_cohort.id}/sets/{learning_set.id}"
    assert client.get(mine).status_code == 404
    assert client.post(f"{mine}/rounds/{found.id}/next").status_code == 404
    Auth(client).logout()
    Auth(client).login(leaders[0])
    assert client.get(base).status_code == 403
    Auth(client).logout()
    Auth(client).login(make_admin(name="Ada Admin"))  # an admin runs every cohort
    assert client.get(f"{base}/{learning_set.id}").status_code == 200


def test_moving_a_member_takes_back_their_notice_and_never_moves_a_holder(client, cohort_of):
    cohort, facilitator, leaders = cohort_of(7)
    Auth(client).login(facilitator)
    client.post(f"/facilitate/cohorts/{cohort.id}/sets/split")  # dealt by name: A C E G | B D F
    first = db.session.scalar(select(LearningSet).order_by(LearningSet.id))
    client.post(f"/facilitate/cohorts/{cohort.id}/sets/{first.id}/rounds",
                data={"holder": str(leaders[0].id), "questions_days": "3",
                      "suggestions_days": "3"})
    told = set(db.session.scalars(select(Notice.user_id)))
    assert told == {leaders[i].id for i in (0, 2, 4, 6)}
    url = f"/facilitate/cohorts/{cohort.id}/sets/arrange"
    layout = {f"set-{leaders[i].id}": "1" for i in (0, 2, 4)}
    layout |= {f"set-{leaders[i].id}": "2" for i in (1, 3, 5, 6)}
    assert client.post(url, data=layout).status_code == 302  # G moves to set 2
    assert set(db.session.scalars(select(Notice.user_id))) == told - {leaders[6].id}
    moved = layout | {f"set-{leaders[0].id}": "2", f"set-{leaders[6].id}": "1"}
    refused = client.post(url, data=moved)
    assert refused.status_code == 422 and "close that round before moving them" in text_of(
        refused)
