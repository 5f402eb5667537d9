"""The lesson flow: the step strip, honest minutes, folded quiz feedback, numbered questions."""

import re

import pytest
from sqlalchemy import select

from course.content.lessons import lesson_time
from course.extensions import db
from course.quizzes.models import QuizAttempt
from tests.factories import right_answers, wrong_answers

STEP_WORDS = ["Read", "Reflect", "Try", "Check", "Finish"]


def url(lesson, suffix=""):
    return f"/lessons/{lesson.id}{suffix}"


def strip(html):
    """The step strip: [(anchor, word, current?)] in order."""
    nav = html.split('<nav class="step-strip"', 1)[1].split("</nav>", 1)[0]
    return [(anchor, word, bool(current)) for anchor, current, word in re.findall(
        r'<a href="#([\w-]+)"( aria-current="step")?>(\w+)</a>', nav)]


def current(client, lesson):
    html = client.get(url(lesson)).get_data(as_text=True)
    return [word for _, word, is_current in strip(html) if is_current]


def test_the_strip_links_to_each_section(client, signed_in, first_lesson):
    html = client.get(url(first_lesson)).get_data(as_text=True)
    steps = strip(html)
    assert [word for _, word, _ in steps] == STEP_WORDS
    for anchor, _, _ in steps:
        assert f'id="{anchor}"' in html, anchor
    text = re.sub(r"<[^>]+>|\s+", "", html.split('<nav class="step-strip"', 1)[1]
                  .split("</nav>", 1)[0].split(">", 1)[1])
    assert text == "Read·Reflect·Try·Check·Finish"


def test_the_current_step_follows_what_the_leader_stored(client, signed_in, first_lesson,
                                                         catalog):
    prompt = first_lesson.reflections[0].id
    assert current(client, first_lesson) == ["Read"]
    client.post(url(first_lesson, f"/reflections/{prompt}/draft"), data={"text": "half"})
    assert current(client, first_lesson) == ["Reflect"]
    client.post(url(first_lesson, f"/reflections/{prompt}"), data={"text": "done", "form_key": "r"})
    assert current(client, first_lesson) == ["Try"]
    client.post(url(first_lesson, "/experiments"), data={"text": "Tried", "form_key": "e"})
    assert current(client, first_lesson) == ["Check"]
    quiz = catalog.quizzes[first_lesson.quiz_id]
    data = {f"q-{qid}": v for qid, v in right_answers(quiz).items()}
    client.post(url(first_lesson, "/quiz"), data={**data, "form_key": "q"})
    assert current(client, first_lesson) == ["Finish"]
    client.post(url(first_lesson, "/complete"), data={"done": "1"})
    assert current(client, first_lesson) == ["Finish"]


def test_a_facilitator_sees_the_strip_without_a_current_step(client, auth, make_facilitator,
                                                             first_lesson):
    auth.login(make_facilitator())
    steps = strip(client.get(url(first_lesson)).get_data(as_text=True))
    assert [word for _, word, _ in steps] == STEP_WORDS[:4]
    assert not any(is_current for _, _, is_current in steps)


def test_minutes_are_computed_from_the_files(client, signed_in, first_lesson, catalog):
    quiz = catalog.quizzes[first_lesson.quiz_id]
    time = lesson_time(first_lesson, quiz)
    assert time.reading == -(-first_lesson.word_count // 200)
    assert time.trying == first_lesson.try_this.minutes
    assert time.checking == len(quiz.questions)
    assert time.needed == time.reading + time.trying + time.checking
    html = client.get(url(first_lesson)).get_data(as_text=True)
    assert (f"About {time.needed} minutes: <span>{time.reading} reading</span> · "
            f"<span>{time.trying} trying</span> · <span>{time.checking} checking</span>") in html


def test_content_check_uses_the_same_formula(catalog):
    from course.content import tells

    assert tells.lesson_time is lesson_time
    for lesson in catalog.ordered_lessons:  # the real course keeps its promise
        assert lesson.minutes >= lesson_time(lesson, catalog.quizzes[lesson.quiz_id]).needed


def test_questions_are_numbered(client, signed_in, first_lesson, catalog):
    total = len(catalog.quizzes[first_lesson.quiz_id].questions)
    html = client.get(url(first_lesson)).get_data(as_text=True)
    legends = re.findall(r'<legend class="prose"><span class="question-number">([^<]+)</span>',
                         html)
    assert legends == [f"Question {n} of {total}" for n in range(1, total + 1)]


@pytest.mark.parametrize("answers", [right_answers, wrong_answers])
def test_feedback_is_folded_one_line_per_question(client, signed_in, first_lesson, catalog,
                                                  answers):
    quiz = catalog.quizzes[first_lesson.quiz_id]
    data = {f"q-{qid}": v for qid, v in answers(quiz).items()}
    response = client.post(url(first_lesson, "/quiz"), data={**data, "form_key": "fold"})
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    summaries = re.findall(
        r'<details class="question answered feedback-item" id="question-[\w-]+">\s*<summary>'
        r'<span class="feedback-number">([^<]+)</span> <span class="verdict[^"]*">([^<]+)</span>',
        html)
    total = len(quiz.questions)
    assert [number for number, _ in summaries] == [
        f"Question {n} of {total}" for n in range(1, total + 1)]
    attempt = db.session.scalar(select(QuizAttempt))
    assert attempt is not None
    verdicts = {verdict for _, verdict in summaries}
    assert verdicts <= {"Right", "Not quite", "Recorded"}
    assert ("Not quite" in verdicts) == (answers is wrong_answers)
    assert "<details class=\"question answered feedback-item\" id=\"question-" in html
    assert " open" not in html.split('id="quiz-heading"', 1)[1].split("</section>", 1)[0]
    # The per-option feedback is inside each folded question, not lost.
    first = quiz.questions[0]
    folded = html.split(f'id="question-{first.id}"', 1)[1].split("</details>", 1)[0]
    assert first.options[0].feedback_html[:30] in folded


def test_one_primary_button_per_section(client, signed_in, first_lesson):
    html = client.get(url(first_lesson)).get_data(as_text=True)
    for section in html.split("<section")[1:]:
        section = section.split("</section>", 1)[0]
        primary = re.findall(r'class="button"[^>]*>', section)
        assert len(primary) <= 1, section[:200]
