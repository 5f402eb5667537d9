"""Finishing the course: the completion page's figures and the certificate's facts."""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import delete, update

from course.content.lessons import lesson_time
from course.experiments.experiments import add_entry
from course.extensions import db
from course.progress.completion import course_hours, hours_text
from course.progress.models import LessonProgress
from course.self_assessment.models import SelfAssessment
from tests.factories import finish, write


def text_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


@pytest.fixture
def harbour(make_cohort, make_facilitator, make_leader):
    """A leader of 'Harbour cohort', run by two facilitators, in New York time."""
    fran = make_facilitator(name="Fran Facilitator")
    cohort = make_cohort(name="Harbour cohort", facilitator=fran)
    make_facilitator(name="Bo Second", cohort=cohort)
    leader = make_leader(name="Lee Finisher", cohort=cohort)
    leader.time_zone = "America/New_York"
    db.session.add(SelfAssessment(user_id=leader.id, stage="before", skipped=True))
    db.session.commit()
    return leader


def finish_all_but_last(catalog, leader) -> None:
    for number in range(1, len(catalog.ordered_lessons)):
        finish(leader, number)


def test_last_mark_done_opens_the_completion_page(app, client, auth, catalog, harbour):
    finish_all_but_last(catalog, harbour)
    last = catalog.ordered_lessons[-1]
    write(harbour, len(catalog.ordered_lessons))
    add_entry(harbour.id, catalog.ordered_lessons[0], date(2025, 3, 1), "Asked the team.", {},
              None)
    add_entry(harbour.id, last, date(2025, 3, 2), "Posted once.", {}, None)
    db.session.commit()
    auth.login(harbour)
    response = client.post(f"/lessons/{last.id}/complete", data={"done": "1"})
    assert response.headers["Location"].endswith("/course/finished#main")
    page = text_of(client.get("/course/finished"))
    total = len(catalog.ordered_lessons)
    assert "You have finished the course" in page
    assert f"{total} reflections written" in page
    assert "2 experiments logged" in page
    assert f"{total} lessons done" in page
    kinds = {lesson.kind for lesson in catalog.ordered_lessons}
    for kind in kinds:
        count = sum(lesson.kind == kind for lesson in catalog.ordered_lessons)
        assert f"{app.jinja_env.globals['kinds'][kind].label} {count} lesson" in page
    assert "Take the closing self-assessment" in page
    html = client.get("/course/finished").get_data(as_text=True)
    assert 'href="/certificate"' in html
    # The course home links here once everything is done.
    assert 'href="/course/finished"' in client.get("/course").get_data(as_text=True)


def test_completion_page_waits_for_every_lesson(client, auth, catalog, harbour):
    finish_all_but_last(catalog, harbour)
    auth.login(harbour)
    assert client.get("/course/finished").status_code == 403
    last = catalog.ordered_lessons[-2]
    response = client.post(f"/lessons/{last.id}/complete", data={"done": "1"})
    assert "/course/finished" not in response.headers["Location"]


def test_completion_shows_the_growth_chart(app, client, auth, catalog, harbour):
    from course.self_assessment.assessment import save_assessment, scale_questions

    questions = scale_questions(catalog)
    if not questions:
        pytest.skip("the course has no self-assessment")
    db.session.execute(delete(SelfAssessment).where(SelfAssessment.user_id == harbour.id))
    save_assessment(harbour.id, "before", {q.id: q.minimum for q in questions})
    save_assessment(harbour.id, "after", {q.id: q.maximum for q in questions})
    db.session.commit()
    finish_all_but_last(catalog, harbour)
    finish(harbour, len(catalog.ordered_lessons))
    auth.login(harbour)
    html = client.get("/course/finished").get_data(as_text=True)
    assert "<svg" in html and "Hatched bars show where you started" in html
    assert "Take the closing self-assessment" not in html


def test_certificate_names_issuer_cohort_facilitators_hours_and_date(app, client, auth,
                                                                     catalog, harbour):
    app.config["COURSE_ORGANISATION_NAME"] = "Northwind Leadership Academy"
    finish_all_but_last(catalog, harbour)
    finish(harbour, len(catalog.ordered_lessons))
    # Finished at 02:30 UTC on 5 March: still 4 March in New York.
    db.session.execute(update(LessonProgress).where(LessonProgress.user_id == harbour.id)
                       .values(completed_at=datetime(2025, 3, 5, 2, 30, tzinfo=UTC)))
    db.session.commit()
    auth.login(harbour)
    page = text_of(client.get("/certificate"))
    assert "Northwind Leadership Academy" in page and "Issued by Northwind Leadership" in page
    assert "Harbour cohort" in page
    assert "Facilitators Bo Second, Fran Facilitator" in page
    minutes = sum(lesson_time(lesson, catalog.quizzes.get(lesson.quiz_id)).needed
                  for lesson in catalog.ordered_lessons)
    assert course_hours(catalog) == max(round(minutes / 30), 1) / 2
    assert f"About {hours_text(course_hours(catalog))}" in page
    assert "4 March 2025" in page and "5 March 2025" not in page
    html = client.get("/certificate").get_data(as_text=True)
    assert "data-print hidden" in html and "js/print.js" in html
    assert "Print command" in page


def test_hours_round_to_the_half_hour():
    assert hours_text(0.5) == "half an hour"
    assert hours_text(1.0) == "1 hour"
    assert hours_text(4.5) == "4½ hours"
    assert hours_text(6.0) == "6 hours"
    assert math.isclose(round(95 / 30) / 2, 1.5)


def test_organisation_setting_defaults_to_clearing(app):
    from course.config import read_environment

    assert app.config["COURSE_ORGANISATION_NAME"] == "Clearing"
    found = read_environment({"COURSE_ORGANISATION_NAME": "Northwind"})
    assert found["COURSE_ORGANISATION_NAME"] == "Northwind"
