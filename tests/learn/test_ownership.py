"""Leader B can never reach leader A's reflections, attempts or experiment entries."""

import pytest
from sqlalchemy import select

from course.experiments.experiments import add_entry
from course.experiments.models import ExperimentEntry
from course.extensions import db
from course.models import Role
from course.quizzes.attempts import submit_quiz
from course.quizzes.models import QuizAttempt
from course.reflections.models import Reflection
from course.reflections.reflections import save_reflection
from course.self_assessment.models import SelfAssessment
from tests.factories import right_answers

CANARY = "CANARY-private-words-7f3a"


@pytest.fixture
def a_rows(make_leader, catalog, first_lesson):
    """Leader A's reflection, attempt and experiment entry."""
    from datetime import date

    leader_a = make_leader()
    quiz = catalog.quizzes[first_lesson.quiz_id]
    reflection = save_reflection(leader_a.id, first_lesson, first_lesson.reflections[0].id,
                                 CANARY, "a-key")
    attempt = submit_quiz(leader_a.id, quiz, first_lesson.id, right_answers(quiz), "a-quiz")
    entry = add_entry(leader_a.id, first_lesson, date.today(), CANARY, {}, "a-entry")
    db.session.commit()
    return {"reflection": reflection.id, "attempt": attempt.id, "entry": entry.id}


def stranger(auth, make_user, role):
    user = make_user(role)
    if role == Role.LEADER:
        db.session.add(SelfAssessment(user_id=user.id, stage="before", skipped=True))
        db.session.commit()
    auth.login(user)


@pytest.mark.parametrize("role", [Role.LEADER, Role.FACILITATOR, Role.ADMIN])
def test_strangers_get_404_or_403(client, auth, make_user, a_rows, first_lesson, role):
    stranger(auth, make_user, role)
    expected = 404 if role == Role.LEADER else 403
    requests = [
        ("get", f"/lessons/{first_lesson.id}?attempt={a_rows['attempt']}"),
        ("post", f"/reflections/{a_rows['reflection']}/audience"),
        ("post", f"/reflections/{a_rows['reflection']}/delete"),
        ("post", f"/experiments/{a_rows['entry']}/delete"),
    ]
    for method, path in requests:
        data = {"audience": "facilitator"} if method == "post" else None
        response = getattr(client, method)(path, data=data)
        wanted = 404 if method == "get" else expected
        assert response.status_code == wanted, path
        assert CANARY not in response.get_data(as_text=True)
    reflection = db.session.get(Reflection, a_rows["reflection"])
    assert reflection is not None and reflection.audience == "private"
    assert db.session.get(ExperimentEntry, a_rows["entry"]) is not None
    assert db.session.get(QuizAttempt, a_rows["attempt"]) is not None


def test_other_leaders_lesson_page_shows_none_of_a(client, auth, make_user, a_rows, first_lesson):
    stranger(auth, make_user, Role.LEADER)
    html = client.get(f"/lessons/{first_lesson.id}").get_data(as_text=True)
    assert CANARY not in html
    assert "attempt" not in html.lower().split("check your understanding")[1][:200]


def test_owner_can_delete(client, auth, a_rows, first_lesson):
    owner = db.session.get(Reflection, a_rows["reflection"]).user_id
    from course.models import User

    db.session.add(SelfAssessment(user_id=owner, stage="before", skipped=True))
    db.session.commit()
    auth.login(db.session.get(User, owner))
    assert client.post(f"/experiments/{a_rows['entry']}/delete",
                       data={"confirm": "yes"}).status_code == 302
    assert client.post(f"/reflections/{a_rows['reflection']}/delete",
                       data={"confirm": "yes"}).status_code == 302
    assert db.session.scalars(select(Reflection)).all() == []
    assert db.session.scalars(select(ExperimentEntry)).all() == []


def test_anonymous_is_sent_to_login(client, a_rows, first_lesson):
    for path in (f"/lessons/{first_lesson.id}", "/course", "/certificate"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    response = client.post(f"/reflections/{a_rows['reflection']}/audience")
    assert response.status_code == 302
