"""Errors where the eye is (GOV.UK's error summary) and deleting in two steps."""

import re
from datetime import date

from sqlalchemy import func, select

from course.experiments.models import ExperimentEntry
from course.extensions import db
from course.reflections.models import Reflection, ReflectionVersion


def url(lesson, suffix=""):
    return f"/lessons/{lesson.id}{suffix}"


def section(html, heading_id):
    """The lesson-page section whose heading has this id."""
    return html.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]


def summary_links(part):
    block = part.split("data-error-summary>", 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<a href="#([\w-]+)">([^<]+)</a>', block)


def test_forms_post_to_their_section(client, signed_in, first_lesson):
    html = client.get(url(first_lesson)).get_data(as_text=True)
    prompt = first_lesson.reflections[0].id
    for action in (f"/reflections/{prompt}#reflect-heading", "/experiments#try-heading",
                   "/quiz#quiz-heading", "/complete#complete"):
        assert f'action="{url(first_lesson, action)}"' in html, action


def test_too_long_reflection_summary_links_to_the_field(client, signed_in, first_lesson):
    prompt = first_lesson.reflections[0].id
    text = "word " * 4001
    response = client.post(url(first_lesson, f"/reflections/{prompt}"),
                           data={"text": text, "form_key": "long"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    part = section(html, "reflect-heading")
    assert part.index("data-error-summary") < part.index("<form")  # first in the section
    [(target, message)] = summary_links(part)
    assert target == f"text-{prompt}" and "the limit is 20,000" in message
    field = part.split(f'id="text-{prompt}-error"', 1)[1]
    assert field.index("the limit is 20,000") < field.index(f'<textarea id="text-{prompt}"')
    assert text.strip() in html  # nothing typed is lost


def test_incomplete_quiz_summary_links_each_missing_question(client, signed_in, first_lesson,
                                                            catalog):
    quiz = catalog.quizzes[first_lesson.quiz_id]
    first = quiz.questions[0]
    response = client.post(url(first_lesson, "/quiz"), data={f"q-{first.id}": "0"})
    part = section(response.get_data(as_text=True), "quiz-heading")
    total = len(quiz.questions)
    links = summary_links(part)
    assert [target for target, _ in links] == [f"question-{q.id}" for q in quiz.questions[1:]]
    assert links[0][1].startswith(f"Question 2 of {total}: ")
    assert part.index("data-error-summary") < part.index("<form")
    assert f'id="q-{quiz.questions[1].id}-error"' in part  # and beside the question
    assert f'id="q-{first.id}-0" name="q-{first.id}" value="0" checked' in part


def test_invalid_entry_summary_links_to_the_field_it_is_about(client, signed_in, first_lesson):
    label = first_lesson.try_this.measures[0]
    cases = [
        ({"text": ""}, "entry-text", "Write what you did"),
        ({"text": "kept words", f"m:{label}": "twelve"}, "measure-1", "must be a number"),
        ({"text": "kept words", "done_on": "31/02/2026"}, "done_on", "day, month and year"),
        ({"text": "kept words", "done_on": date(2999, 1, 1).isoformat()}, "done_on", "future"),
    ]
    for data, field, words in cases:
        response = client.post(url(first_lesson, "/experiments"), data=data)
        part = section(response.get_data(as_text=True), "try-heading")
        assert response.status_code == 400
        [(target, message)] = summary_links(part)
        assert target == field and words in message, data
        beside = part.split(f'id="{field}-error"', 1)[1]
        assert words in beside.split("</p>", 1)[0]
        assert f'id="{field}"' in beside.split("</div>", 1)[0]
        assert data["text"] in part or data["text"] == ""
    assert db.session.scalar(select(func.count(ExperimentEntry.id))) == 0


def test_mark_done_without_a_reflection_is_said_at_the_button(client, signed_in, first_lesson):
    response = client.post(url(first_lesson, "/complete"), data={"done": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    part = section(html, "complete")
    [(target, message)] = summary_links(part)
    assert target == "done-button" and "Write at least one reflection" in message
    beside = part.split('id="done-error"', 1)[1]
    assert beside.index("Write at least one reflection") < beside.index('id="done-button"')
    assert 'aria-describedby="done-error done-help"' in beside
    # Only there: nothing at the top of the page that the eye has scrolled away from.
    assert html.count("Write at least one reflection") == 2
    assert "flash-error" not in html


def make_reflection(client, lesson, versions=2):
    prompt = lesson.reflections[0].id
    for number in range(versions):
        client.post(url(lesson, f"/reflections/{prompt}"),
                    data={"text": f"Board words {number}", "form_key": f"d{number}"})
    return db.session.scalar(select(Reflection))


def test_deleting_a_reflection_asks_first_and_keep_it_keeps_it(client, signed_in,
                                                               first_lesson):
    reflection = make_reflection(client, first_lesson)
    lesson_html = client.get(url(first_lesson)).get_data(as_text=True)
    # The delete control is a link to a confirmation, kept apart from the audience choice
    # under "More".
    item = lesson_html.split(f'id="reflection-{first_lesson.reflections[0].id}"', 1)[1]
    assert item.index('name="audience"') < item.index('class="more-actions"')
    assert f'href="/reflections/{reflection.id}/delete"' in item.split('class="more-actions"')[1]
    for response in (client.get(f"/reflections/{reflection.id}/delete"),
                     client.post(f"/reflections/{reflection.id}/delete")):  # one tap: asks
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "Delete this reflection?" in html
        assert "Board words 1" in html and "Its 2 saved versions go too." in html
        assert 'name="confirm" value="yes"' in html and ">Keep it</a>" in html
    keep = html.split(">Keep it</a>", 1)[0].rsplit('href="', 1)[1].split('"', 1)[0]
    assert keep == url(first_lesson, f"#reflection-{first_lesson.reflections[0].id}")
    assert client.get(keep).status_code == 200
    assert db.session.scalar(select(func.count(ReflectionVersion.id))) == 2
    response = client.post(f"/reflections/{reflection.id}/delete", data={"confirm": "yes"})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Reflection.id))) == 0
    assert db.session.scalar(select(func.count(ReflectionVersion.id))) == 0


def test_deleting_an_entry_asks_first(client, signed_in, first_lesson):
    client.post(url(first_lesson, "/experiments"), data={"text": "Logged words", "form_key": "x"})
    entry = db.session.scalar(select(ExperimentEntry))
    html = client.get(url(first_lesson)).get_data(as_text=True)
    assert f'href="/experiments/{entry.id}/delete"' in html
    response = client.post(f"/experiments/{entry.id}/delete")
    assert response.status_code == 200 and "Delete this entry from" in response.get_data(
        as_text=True)
    assert db.session.get(ExperimentEntry, entry.id) is not None
    client.post(f"/experiments/{entry.id}/delete", data={"confirm": "yes"})
    assert db.session.scalar(select(func.count(ExperimentEntry.id))) == 0


def test_a_stranger_cannot_see_the_confirmation(client, auth, signed_in, first_lesson,
                                                make_leader):
    reflection = make_reflection(client, first_lesson, versions=1)
    client.post("/logout")
    auth.login(make_leader())
    assert client.get(f"/reflections/{reflection.id}/delete").status_code == 404
    assert db.session.get(Reflection, reflection.id) is not None
