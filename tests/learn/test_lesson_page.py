"""The lesson page: reflections, sharing, autosave, quiz, experiments and completion."""

import re
from datetime import date, timedelta

import pytest
from markupsafe import escape
from sqlalchemy import func, select, update

from course.experiments.models import ExperimentEntry
from course.extensions import db
from course.progress.models import LessonProgress
from course.quizzes.models import QuizAttempt
from course.reflections.models import Reflection, ReflectionReply, ReflectionVersion
from course.self_assessment.models import SelfAssessment
from tests.factories import PASSWORD, Auth, csrf_token_from, right_answers, wrong_answers


def url(lesson, suffix=""):
    return f"/lessons/{lesson.id}{suffix}"


def count(model):
    return db.session.scalar(select(func.count(model.id)))


def test_lesson_page_shows_everything(client, signed_in, first_lesson, catalog):
    response = client.get(url(first_lesson))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert first_lesson.title in html and first_lesson.reflections[0].text[:40] in html
    assert first_lesson.try_this.title in html and "Check your understanding" in html
    for question in catalog.quizzes[first_lesson.quiz_id].questions:
        assert f'name="q-{question.id}"' in html


def test_unknown_lesson_is_404(client, signed_in):
    assert client.get("/lessons/no-such-lesson").status_code == 404


def save(client, lesson, text, form_key="key-1", prompt=None):
    prompt = prompt or lesson.reflections[0].id
    return client.post(url(lesson, f"/reflections/{prompt}"),
                       data={"text": text, "form_key": form_key})


def test_save_reflection_keeps_versions(client, signed_in, first_lesson):
    assert save(client, first_lesson, "First thoughts", "a").status_code == 302
    assert save(client, first_lesson, "Second thoughts", "b").status_code == 302
    reflection = db.session.scalar(select(Reflection))
    assert reflection.text == "Second thoughts" and reflection.audience == "private"
    assert [v.text for v in reflection.versions] == ["Second thoughts", "First thoughts"]
    html = client.get(url(first_lesson)).get_data(as_text=True)
    assert "Second thoughts" in html and "Earlier saved versions (1)" in html


def test_double_submit_saves_once(client, signed_in, first_lesson):
    save(client, first_lesson, "Once only", "same-key")
    save(client, first_lesson, "Once only", "same-key")
    assert count(Reflection) == 1 and count(ReflectionVersion) == 1


def test_reflection_text_is_escaped(client, signed_in, first_lesson):
    save(client, first_lesson, "<script>alert(1)</script>")
    html = client.get(url(first_lesson)).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_too_long_reflection_is_refused_and_kept(client, signed_in, first_lesson):
    text = "word " * 4001
    response = save(client, first_lesson, text)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "the limit is 20,000" in html
    assert text.strip() in html
    assert count(Reflection) == 0


def test_unknown_prompt_is_404(client, signed_in, first_lesson):
    assert save(client, first_lesson, "x", prompt="nope").status_code == 404


def test_autosave_drafts_and_reload_shows_them(client, signed_in, first_lesson):
    prompt = first_lesson.reflections[0].id
    response = client.post(url(first_lesson, f"/reflections/{prompt}/draft"),
                           data={"text": "typing in progress"})
    assert response.status_code == 200 and response.get_json()["status"] == "saved"
    client.post(url(first_lesson, f"/reflections/{prompt}/draft"), data={"text": "typing more"})
    reflection = db.session.scalar(select(Reflection))
    assert reflection.text == "typing more" and reflection.saved_at is None
    assert count(ReflectionVersion) == 0  # drafts are not versions
    html = client.get(url(first_lesson)).get_data(as_text=True)
    assert "typing more" in html and "press Save to keep this version" in html


def test_share_and_unshare(client, signed_in, first_lesson):
    save(client, first_lesson, "Worth sharing")
    reflection = db.session.scalar(select(Reflection))
    client.post(f"/reflections/{reflection.id}/audience", data={"audience": "facilitator"})
    db.session.refresh(reflection)
    assert reflection.audience == "facilitator" and reflection.shared_at is not None
    client.post(f"/reflections/{reflection.id}/audience", data={"audience": "private"})
    db.session.refresh(reflection)
    assert reflection.audience == "private" and reflection.shared_at is None


def test_quiz_feedback_retries_and_scores(client, signed_in, catalog, first_lesson):
    quiz = catalog.quizzes[first_lesson.quiz_id]

    def as_form(answers, key):
        data = {f"q-{qid}": values for qid, values in answers.items()}
        data["form_key"] = key
        return data

    response = client.post(url(first_lesson, "/quiz"), data=as_form(wrong_answers(quiz), "w"))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Not quite" in page and "Your answer" in page and "Right answer" in page
    first = quiz.questions[0]
    assert first.options[0].feedback_html[:30] in page  # feedback on every option
    client.post(url(first_lesson, "/quiz"), data=as_form(right_answers(quiz), "r"))
    assert count(QuizAttempt) == 2
    html = client.get(url(first_lesson)).get_data(as_text=True)
    assert "2 attempts" in html and "Best score 100%" in html


def test_quiz_missing_answers_keep_choices(client, signed_in, catalog, first_lesson):
    quiz = catalog.quizzes[first_lesson.quiz_id]
    first = quiz.questions[0]
    response = client.post(url(first_lesson, "/quiz"), data={f"q-{first.id}": "0"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Please answer every question" in html
    assert f'id="q-{first.id}-0" name="q-{first.id}" value="0" checked' in html
    assert count(QuizAttempt) == 0


def test_experiment_log(client, signed_in, first_lesson):
    label = first_lesson.try_this.measures[0]
    data = {"done_on": date.today().isoformat(), "text": "Searched our name",
            f"m:{label}": "12", "form_key": "e1"}
    assert client.post(url(first_lesson, "/experiments"), data=data).status_code == 302
    client.post(url(first_lesson, "/experiments"), data=data)  # double submit
    client.post(url(first_lesson, "/experiments"),
                data={"text": "Tried again", "form_key": "e2"})
    entries = db.session.scalars(select(ExperimentEntry).order_by(ExperimentEntry.id)).all()
    assert len(entries) == 2 and entries[0].measures == {label: 12}
    assert entries[1].done_on == date.today()
    html = client.get(url(first_lesson)).get_data(as_text=True)
    assert "Searched our name" in html and "Tried again" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": ""}, "Write what you did"),
        ({"text": "x", "m:__measure__": "twelve"}, "must be a number"),
        ({"text": "x", "done_on": "31/02/2026"}, "day, month and year"),
        ({"text": "x", "done_on": (date.today() + timedelta(days=2)).isoformat()}, "future"),
    ],
)
def test_experiment_errors_keep_text(client, signed_in, first_lesson, data, message):
    data = {k.replace("__measure__", first_lesson.try_this.measures[0]): v
            for k, v in data.items()}
    data["text"] = data["text"] or ""
    response = client.post(url(first_lesson, "/experiments"), data=data)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert count(ExperimentEntry) == 0


def test_mark_done_needs_a_reflection(client, signed_in, first_lesson, catalog):
    response = client.post(url(first_lesson, "/complete"), data={"done": "1"})
    assert response.status_code == 400  # said beside the button (tests/learn/test_lesson_flow)
    assert "Write at least one reflection" in response.get_data(as_text=True)
    save(client, first_lesson, "A reflection")
    response = client.post(url(first_lesson, "/complete"), data={"done": "1"})
    # An explicit anchor: the form posts to #complete, which a bare redirect would inherit.
    assert response.headers["Location"] == url(catalog.ordered_lessons[1], "#main")
    row = db.session.scalar(select(LessonProgress))
    assert row.completed_at is not None
    home = client.get("/course").get_data(as_text=True)
    assert "1 of 18" in home or f"1 of {len(catalog.lessons)}" in home
    client.post(url(first_lesson, "/complete"), data={"done": "0"})
    db.session.refresh(row)
    assert row.completed_at is None


def test_expired_session_keeps_text_and_draft_survives_sign_in(make_app, leader_factory):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        leader = leader_factory()
        lesson = app.extensions["catalog"].ordered_lessons[0]
        email = leader.email
    prompt = lesson.reflections[0].id
    text = "Honest words about our board that must not be lost"
    # Signed out (the session expired) when the form arrives:
    response = client.post(f"/lessons/{lesson.id}/reflections/{prompt}",
                           data={"text": text, "csrf_token": "stale"})
    html = response.get_data(as_text=True)
    assert response.status_code == 401 and text in html and "Sign in and keep my text" in html
    token = csrf_token_from(html)
    response = client.post("/reflections/rescue", data={
        "csrf_token": token, "lesson_id": lesson.id, "prompt_id": prompt, "text": text,
        "email": email, "password": PASSWORD,
    })
    assert response.status_code == 302
    page = client.get(f"/lessons/{lesson.id}").get_data(as_text=True)
    assert text in page and "kept as a draft" in page


def test_stale_form_token_while_signed_in_reshows_text(make_app, leader_factory):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        leader = leader_factory()
        lesson = app.extensions["catalog"].ordered_lessons[0]
        email = leader.email
    login_token = csrf_token_from(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": login_token})
    prompt = lesson.reflections[0].id
    response = client.post(f"/lessons/{lesson.id}/reflections/{prompt}",
                           data={"text": "kept words", "csrf_token": "stale"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "kept words" in html and "press Save" in html
    token = csrf_token_from(html)
    saved = client.post(f"/lessons/{lesson.id}/reflections/{prompt}",
                        data={"text": "kept words", "csrf_token": token})
    assert saved.status_code == 302


@pytest.fixture
def leader_factory(make_leader):
    """Leaders for apps built inside a test (who skip the starting self-assessment)."""
    from course.self_assessment.models import SelfAssessment

    def factory():
        person = make_leader()
        db.session.add(SelfAssessment(user_id=person.id, stage="before", skipped=True))
        db.session.commit()
        return person

    return factory


# --- what the page costs, and what it may share between people ------------------------


def test_lesson_page_statements_do_not_grow_with_the_leaders_work(
    client, signed_in, first_lesson, catalog, count_queries, make_facilitator
):
    client.get(url(first_lesson))  # the first visit records the open (tested below)
    with count_queries() as empty:
        assert client.get(url(first_lesson)).status_code == 200
    for number, prompt in enumerate(first_lesson.reflections):
        for version in range(3):
            save(client, first_lesson, f"Version {version} of {prompt.id}",
                 form_key=f"k-{number}-{version}", prompt=prompt.id)
    client.post(url(first_lesson, "/experiments"), data={"text": "Tried it", "form_key": "e1"})
    client.post(url(first_lesson, "/experiments"), data={"text": "And again", "form_key": "e2"})
    quiz = catalog.quizzes[first_lesson.quiz_id]
    answers = {f"q-{qid}": values for qid, values in right_answers(quiz).items()}
    client.post(url(first_lesson, "/quiz"), data={**answers, "form_key": "q1"})
    with count_queries() as full:
        html = client.get(url(first_lesson)).get_data(as_text=True)
    assert "Earlier saved versions (2)" in html and "And again" in html
    assert "1 attempt." in html
    # Session, reflections with their versions joined in, and state with the quiz summary
    # and whether there are log entries in one; on SQLite also the BEGIN. The entries
    # themselves are read once there are some. However much the leader has written.
    assert len(empty) + 1 == len(full) <= 5
    def reads_entries(statements):
        return any(s.startswith("SELECT experiment_entries.") for s in statements)

    assert not reads_entries(empty) and reads_entries(full)

    reflection = db.session.scalar(select(Reflection).where(Reflection.user_id == signed_in.id))
    db.session.add(ReflectionReply(reflection_id=reflection.id, text="Thank you for this.",
                                   author_id=make_facilitator(name="Fay Facilitator").id))
    db.session.commit()
    with count_queries() as replied:
        html = client.get(url(first_lesson)).get_data(as_text=True)
    assert "Reply from Fay Facilitator" in html and "Thank you for this." in html
    assert len(replied) == len(full) + 1  # replies are read only when there are some


def test_shared_parts_of_the_page_carry_nothing_personal(
    app, client, signed_in, first_lesson, catalog, make_leader, make_cohort
):
    quiz = catalog.quizzes[first_lesson.quiz_id]
    first = quiz.questions[0]
    assert client.get(url(first_lesson)).status_code == 200  # the shared parts are now kept
    # A form sent back with errors shows that leader's choices ...
    html = client.post(url(first_lesson, "/quiz"), data={f"q-{first.id}": "0"}).get_data(
        as_text=True)
    assert 'value="0" checked' in html
    # ... and the next blank form, for them or anyone else, has nothing chosen.
    assert " checked" not in client.get(url(first_lesson)).get_data(as_text=True)
    other = make_leader(name="Olu Other", cohort=make_cohort("Other cohort"))
    db.session.add(SelfAssessment(user_id=other.id, stage="before", skipped=True))
    db.session.commit()
    second = app.test_client()
    Auth(second).login(other)
    html = second.get(url(first_lesson)).get_data(as_text=True)
    assert " checked" not in html and "Olu Other" in html
    assert signed_in.name not in html


def test_lesson_state_is_live_although_the_reading_is_kept(client, signed_in, first_lesson):
    def state():
        html = client.get(url(first_lesson)).get_data(as_text=True)
        return html.split('<span class="state">', 1)[1].split("<", 1)[0]

    assert state() == "In progress"  # opening a lesson starts it
    save(client, first_lesson, "Started")
    assert state() == "In progress"
    client.post(url(first_lesson, "/complete"), data={"done": "1"})
    assert state() == "Done"


def test_navigation_follows_the_role_of_whoever_asks(app, client, signed_in, first_lesson,
                                                      make_facilitator):
    facilitator = make_facilitator(name="Fola Facilitator")
    other = app.test_client()
    Auth(other).login(facilitator)
    as_facilitator = other.get(url(first_lesson)).get_data(as_text=True)
    as_leader = client.get(url(first_lesson)).get_data(as_text=True)
    assert ">Cohorts</a>" in as_facilitator and ">Journal</a>" not in as_facilitator
    assert ">Cohorts</a>" not in as_leader and ">Journal</a>" in as_leader
    assert "Fola Facilitator" not in as_leader


def test_navigation_marks_the_section_each_page_belongs_to(app, client, signed_in, first_lesson,
                                                          make_facilitator):
    def marked(browser, path):
        html = browser.get(path).get_data(as_text=True)
        nav = html.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]
        return re.findall(r'aria-current="page">([^<]+)</a>', nav)

    assert marked(client, url(first_lesson)) == ["Course"]  # a lesson is part of the course
    assert marked(client, "/course") == ["Course"]
    assert marked(client, "/journal") == ["Journal"]
    assert marked(client, "/account") == ["Account"]
    facilitator = make_facilitator(name="Fola Facilitator")
    other = app.test_client()
    Auth(other).login(facilitator)
    assert marked(other, "/facilitate/") == ["Cohorts"]  # as is every facilitator page
    assert marked(other, "/account") == ["Account"]


def test_reading_a_page_does_not_re_sign_the_session_cookie(client, signed_in, first_lesson):
    client.get(url(first_lesson))  # the first page after sign-in stores the form token
    response = client.get(url(first_lesson))
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert client.get("/course").status_code == 200  # still signed in


def test_autosave_is_one_write_transaction(client, signed_in, first_lesson, count_queries):
    draft = url(first_lesson, f"/reflections/{first_lesson.reflections[0].id}/draft")
    client.post(draft, data={"text": "first words"})
    with count_queries() as statements:
        response = client.post(draft, data={"text": "first words, and more"})
    answer = response.get_json()
    row = db.session.scalar(select(Reflection))
    assert answer["reflection_id"] == row.id and answer["saved_at"].startswith(
        row.updated_at.isoformat()[:16])
    # The answer is read before the commit: nothing reloads the row afterwards.
    assert sum(s.startswith("SELECT reflections.") for s in statements) == 1, statements
    assert sum(s.startswith("BEGIN") for s in statements) <= 1, statements


# --- a form sent twice, racing in, reused or with a key that does not fit -------------

LONG_KEY = "k" * 65  # one more than the form_key columns hold
STALE = "This form is out of date; reload the page and send it again."
USED = "That form was already used; reload the page."


def quiz_form(quiz, answers, key):
    return {**{f"q-{qid}": values for qid, values in answers.items()}, "form_key": key}


def choices_shown(html, quiz, answers) -> bool:
    """Every answer given is on the form again, chosen or typed."""
    for question in quiz.questions:
        for value in answers[question.id]:
            shown = (f'value="{value}">' if question.type == "short"
                     else f'name="q-{question.id}" value="{value}" checked')
            if shown not in html:
                return False
    return True


def entry_form(lesson, key):
    return {"done_on": date.today().isoformat(), "text": "Asked the board one question",
            f"m:{lesson.try_this.measures[0]}": "7", "form_key": key}


def missing_once(monkeypatch, module, name):
    """Make the form-key look-up miss the first time, as when a twin request commits
    between this request's look-up and its insert."""
    real, lookups = getattr(module, name), []

    def not_yet(*args):
        lookups.append(args)
        return None if len(lookups) == 1 else real(*args)

    monkeypatch.setattr(module, name, not_yet)
    return lookups


def test_a_racing_quiz_twin_is_the_attempt_already_stored(client, signed_in, catalog,
                                                          first_lesson, monkeypatch):
    from course.quizzes import attempts

    quiz = catalog.quizzes[first_lesson.quiz_id]
    data = quiz_form(quiz, right_answers(quiz), "twin-quiz")
    repeat = client.post(url(first_lesson, "/quiz"), data=data)  # kept; a repeat's redirect
    again = client.post(url(first_lesson, "/quiz"), data=data)
    assert again.headers["Location"] == repeat.headers["Location"]
    lookups = missing_once(monkeypatch, attempts, "attempt_sent_with")
    twin = client.post(url(first_lesson, "/quiz"), data=data)
    assert twin.status_code == 302 and twin.headers["Location"] == repeat.headers["Location"]
    assert len(lookups) == 2  # looked again after the unique key refused the insert
    assert count(QuizAttempt) == 1
    page = client.get(twin.headers["Location"]).get_data(as_text=True)
    assert "You scored 100% on this attempt." in page and "1 attempt." in page


def test_a_racing_entry_twin_is_the_entry_already_logged(client, signed_in, first_lesson,
                                                         monkeypatch):
    from course.experiments import experiments

    data = entry_form(first_lesson, "twin-entry")
    repeat = client.post(url(first_lesson, "/experiments"), data=data)
    client.get(repeat.headers["Location"])  # reads the flash
    lookups = missing_once(monkeypatch, experiments, "entry_sent_with")
    twin = client.post(url(first_lesson, "/experiments"), data=data)
    assert twin.status_code == 302 and twin.headers["Location"] == repeat.headers["Location"]
    assert len(lookups) == 2
    assert count(ExperimentEntry) == 1
    assert "Experiment logged." in client.get(twin.headers["Location"]).get_data(as_text=True)


def test_a_racing_reflection_twin_is_the_version_already_saved(client, signed_in,
                                                               first_lesson, monkeypatch):
    from course.reflections import reflections as reflecting

    repeat = save(client, first_lesson, "Said once", "twin-save")
    client.get(repeat.headers["Location"])
    lookups = missing_once(monkeypatch, reflecting, "reflection_saved_with")
    twin = save(client, first_lesson, "Said once", "twin-save")
    assert twin.status_code == 302 and twin.headers["Location"] == repeat.headers["Location"]
    assert len(lookups) == 2
    assert count(Reflection) == 1 and count(ReflectionVersion) == 1
    assert "Reflection saved." in client.get(twin.headers["Location"]).get_data(as_text=True)


def test_an_overlong_form_key_is_refused_and_the_reflection_kept(client, signed_in,
                                                                 first_lesson):
    text = "Words about our board I must not lose"
    response = save(client, first_lesson, text, LONG_KEY)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and STALE in html and text in html
    assert count(Reflection) == 0 and count(ReflectionVersion) == 0
    assert save(client, first_lesson, text, "k" * 64).status_code == 302  # the longest kept


def test_an_overlong_form_key_is_refused_and_the_quiz_choices_kept(client, signed_in,
                                                                   catalog, first_lesson):
    quiz = catalog.quizzes[first_lesson.quiz_id]
    answers = wrong_answers(quiz)
    response = client.post(url(first_lesson, "/quiz"), data=quiz_form(quiz, answers, LONG_KEY))
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and STALE in html
    assert html.index(STALE) > html.index('id="quiz-heading"')  # said beside the quiz
    assert choices_shown(html, quiz, answers)
    assert count(QuizAttempt) == 0
    assert " checked" not in client.get(url(first_lesson)).get_data(as_text=True)  # said once
    kept = client.post(url(first_lesson, "/quiz"), data=quiz_form(quiz, answers, "k" * 64))
    assert kept.status_code == 302 and count(QuizAttempt) == 1


def test_an_overlong_form_key_is_refused_and_the_entry_kept(client, signed_in, first_lesson):
    data = entry_form(first_lesson, LONG_KEY)
    response = client.post(url(first_lesson, "/experiments"), data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and STALE in html
    assert "Asked the board one question</textarea>" in html and 'value="7"' in html
    assert f'value="{data["done_on"]}"' in html
    assert count(ExperimentEntry) == 0
    data["form_key"] = "k" * 64
    assert client.post(url(first_lesson, "/experiments"), data=data).status_code == 302


CANARY = "CANARY-another-leaders-words-91c"


@pytest.fixture
def others_rows(make_leader, catalog, first_lesson):
    """Another leader's save, attempt and entry, each under a form key."""
    from course.experiments.experiments import add_entry
    from course.quizzes.attempts import submit_quiz
    from course.reflections.reflections import save_reflection

    other = make_leader()
    quiz = catalog.quizzes[first_lesson.quiz_id]
    save_reflection(other.id, first_lesson, first_lesson.reflections[0].id, CANARY, "theirs-r")
    submit_quiz(other.id, quiz, first_lesson.id, right_answers(quiz), "theirs-q")
    add_entry(other.id, first_lesson, date.today(), CANARY, {}, "theirs-e")
    db.session.commit()
    return other


@pytest.mark.parametrize("racing", [False, True])
def test_another_leaders_form_key_is_refused_and_the_work_kept(
    client, signed_in, catalog, first_lesson, others_rows, monkeypatch, racing
):
    from course.experiments import experiments
    from course.quizzes import attempts
    from course.reflections import reflections as reflecting

    if racing:  # the first look-up misses; the unique key refuses the insert
        missing_once(monkeypatch, reflecting, "reflection_saved_with")
        missing_once(monkeypatch, attempts, "attempt_sent_with")
        missing_once(monkeypatch, experiments, "entry_sent_with")
    quiz = catalog.quizzes[first_lesson.quiz_id]
    answers = wrong_answers(quiz)
    before = count(Reflection), count(QuizAttempt), count(ExperimentEntry)
    responses = {
        "reflection": save(client, first_lesson, "My own words", "theirs-r"),
        "quiz": client.post(url(first_lesson, "/quiz"),
                            data=quiz_form(quiz, answers, "theirs-q")),
        "entry": client.post(url(first_lesson, "/experiments"),
                             data={**entry_form(first_lesson, "theirs-e")}),
    }
    for name, response in responses.items():
        html = response.get_data(as_text=True)
        assert response.status_code == 400 and USED in html, name
        assert CANARY not in html, name
    assert "My own words" in responses["reflection"].get_data(as_text=True)
    assert choices_shown(responses["quiz"].get_data(as_text=True), quiz, answers)
    assert "Asked the board one question" in responses["entry"].get_data(as_text=True)
    assert (count(Reflection), count(QuizAttempt), count(ExperimentEntry)) == before


def test_a_key_from_another_lessons_form_is_refused(client, signed_in, catalog, first_lesson):
    second = catalog.ordered_lessons[1]
    first_quiz, second_quiz = (catalog.quizzes[lesson.quiz_id] for lesson in (first_lesson, second))
    assert client.post(url(first_lesson, "/experiments"),
                       data=entry_form(first_lesson, "e-key")).status_code == 302
    assert client.post(url(first_lesson, "/quiz"), data=quiz_form(
        first_quiz, right_answers(first_quiz), "q-key")).status_code == 302
    assert save(client, first_lesson, "On the first prompt", "r-key").status_code == 302
    answers = wrong_answers(second_quiz)
    refused = {
        "entry": client.post(url(second, "/experiments"), data=entry_form(second, "e-key")),
        "quiz": client.post(url(second, "/quiz"), data=quiz_form(second_quiz, answers, "q-key")),
        "reflection": save(client, first_lesson, "On the second prompt", "r-key",
                           prompt=first_lesson.reflections[1].id),
    }
    for name, response in refused.items():
        assert response.status_code == 400 and USED in response.get_data(as_text=True), name
    assert "On the second prompt" in refused["reflection"].get_data(as_text=True)
    assert choices_shown(refused["quiz"].get_data(as_text=True), second_quiz, answers)
    assert count(ExperimentEntry) == 1 and count(QuizAttempt) == 1
    assert count(ReflectionVersion) == 1


# --- opening a lesson is activity (recorded through the page, throttled) ---------------


def test_opening_a_lesson_starts_it_and_counts_as_activity(
    client, signed_in, first_lesson, count_queries
):
    from course.progress.models import LessonProgress

    assert db.session.scalar(select(LessonProgress)) is None
    with count_queries() as first:
        html = client.get(url(first_lesson)).get_data(as_text=True)
    row = db.session.scalar(select(LessonProgress))
    assert row is not None and row.user_id == signed_in.id and row.lesson_id == first_lesson.id
    assert row.completed_at is None and row.started_at == row.updated_at
    assert "In progress" in html or "in progress" in html
    assert any(s.startswith("INSERT INTO lesson_progress") for s in first)
    home = client.get("/course").get_data(as_text=True)
    assert "Continue" in home and first_lesson.title in home
    # A second visit moments later reads only: the open was recorded a moment ago.
    with count_queries() as second:
        client.get(url(first_lesson))
    assert not any(s.startswith(("INSERT", "UPDATE lesson_progress")) for s in second)


def test_a_later_visit_moves_last_active_on(client, signed_in, first_lesson):
    from datetime import timedelta

    from course.models import utcnow
    from course.progress.models import LessonProgress
    from course.progress.standing import OPEN_TOUCH_INTERVAL

    client.get(url(first_lesson))
    earlier = utcnow() - OPEN_TOUCH_INTERVAL - timedelta(minutes=1)
    db.session.execute(update(LessonProgress).values(updated_at=earlier, started_at=earlier))
    db.session.commit()
    client.get(url(first_lesson))
    db.session.expire_all()
    row = db.session.scalar(select(LessonProgress))
    assert row.updated_at > earlier and row.started_at == earlier


def test_a_facilitator_reading_a_lesson_records_nothing(client, auth, make_facilitator,
                                                        first_lesson):
    from course.progress.models import LessonProgress

    auth.login(make_facilitator())
    assert client.get(url(first_lesson)).status_code == 200
    assert db.session.scalar(select(LessonProgress)) is None


def test_each_leader_gets_their_own_values_from_one_worker(make_app, leader_factory):
    """Two leaders reading the same lesson in turn from one worker (whose fragment cache
    and remembered links they share) each get their own name, words, audience, CSRF token
    and form keys, and each token works only in its own session."""
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        lesson = app.extensions["catalog"].ordered_lessons[0]
        people = [leader_factory(), leader_factory()]
        names = [person.name for person in people]
        emails = [person.email for person in people]
    prompt = lesson.reflections[0].id
    words = ["Ada's own <private> words", "Ben's quite different words"]
    audiences = ["cohort", "private"]
    clients, pages = [], []
    for email, text, audience in zip(emails, words, audiences, strict=True):
        client = app.test_client()
        token = csrf_token_from(client.get("/login").get_data(as_text=True))
        client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
        token = csrf_token_from(client.get(url(lesson)).get_data(as_text=True))
        assert client.post(url(lesson, f"/reflections/{prompt}"), data={
            "text": text, "form_key": f"k-{email}", "csrf_token": token}).status_code == 302
        row_id = None
        with app.app_context():
            row_id = db.session.scalar(select(Reflection.id).where(Reflection.text == text))
        assert client.post(f"/reflections/{row_id}/audience", data={
            "audience": audience, "csrf_token": token}).status_code == 302
        clients.append(client)
    for client in clients:  # both pages from the same worker's cached fragments
        pages.append(client.get(url(lesson)).get_data(as_text=True))
    for mine, theirs in ((0, 1), (1, 0)):
        page = pages[mine]
        assert f"Signed in as <strong>{names[mine]}</strong>" in page
        assert names[theirs] not in page
        assert escape(words[mine]) in page and escape(words[theirs]) not in page
        checked = re.search(r'id="audience-[^"]+-(\w+)" name="audience" value="\w+" checked', page)
        assert checked.group(1) == audiences[mine]
    tokens = [set(re.findall(r'name="csrf_token" value="([^"]+)"', page)) for page in pages]
    keys = [re.findall(r'name="form_key" value="([0-9a-f]{32})-', page) for page in pages]
    assert len(tokens[0]) == len(tokens[1]) == 1 and tokens[0] != tokens[1]
    assert keys[0] and keys[1] and set(keys[0]).isdisjoint(keys[1])
    # Ben's token does not work in Ada's session.
    stolen = clients[0].post(url(lesson, f"/reflections/{prompt}"), data={
        "text": "x", "csrf_token": tokens[1].pop()})
    assert stolen.status_code == 400
