"""Eight leaders writing at once through gunicorn's 4 workers: no errors, no lost rows.

Each client is a browser signed in as its own leader, with CSRF on: it reads the token and
each form's idempotency key from the pages it is shown, and follows redirects as a
browser does. Every write is checked, then the rows are counted exactly.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest
from sqlalchemy import func, select

from tests.production.harness import (
    Browser,
    Gunicorn,
    add_leaders,
    base_env,
    csrf_token,
    form_key,
    postgres_database,
    seeding_app,
)

CLIENTS = 8
WORKERS = 4
LESSONS = 10  # one cycle of 10 writes per lesson: 100 writes per client
# One cycle: what the client does on one lesson, in order. "resubmit" posts the previous
# reflection form again (same idempotency key): it must not make a second version.
CYCLE = ("save", "autosave", "autosave", "quiz", "save", "autosave", "resubmit", "autosave",
         "quiz", "complete")
PASSWORD = "eight leaders writing at once"
TIME_LIMIT = 120  # seconds for all clients together; a hang fails instead of blocking


@dataclass
class Plan:
    """What one lesson offers: its URL, prompts and a valid answer to its quiz."""

    lesson_id: str
    prompts: tuple[str, ...]
    answers: dict[str, list[str]]


@dataclass
class Outcome:
    """What one client did and saw."""

    failures: list[str] = field(default_factory=list)
    done: Counter = field(default_factory=Counter)
    last_text: dict[tuple[str, str], str] = field(default_factory=dict)


def _plans(catalog) -> list[Plan]:
    plans = []
    for lesson in catalog.ordered_lessons:
        quiz = catalog.quizzes.get(lesson.quiz_id) if lesson.quiz_id else None
        if quiz is None:
            continue
        answers = {f"q-{q.id}": _valid_answer(q) for q in quiz.questions}
        plans.append(Plan(lesson.id, tuple(p.id for p in lesson.reflections), answers))
    assert len(plans) >= LESSONS, "the course has too few lessons with a quiz for this test"
    return plans[:LESSONS]


def _valid_answer(question) -> list[str]:
    if question.type == "true-false":
        return ["true"]
    if question.type == "scale":
        return [str(question.values[0])]
    if question.type == "short":
        return ["an answer"]
    return ["0"]  # single and multiple: the first option


def _client(port: int, number: int, email: str, plans: list[Plan], start: threading.Barrier,
            deadline: float) -> Outcome:
    outcome = Outcome()
    browser = Browser(port, client_ip=f"203.0.113.{20 + number}")

    def check(response, what: str, expect=(200, 302, 303)) -> None:
        if response.status not in expect or response.location == "/login":
            outcome.failures.append(f"client {number} {what}: {response.status} "
                                    f"{response.location} {response.text[:200]!r}")

    check(browser.login(email, PASSWORD), "login", expect=(302,))
    start.wait(timeout=30)
    previous_save: tuple[str, dict] | None = None
    page = None
    for cycle, plan in enumerate(plans):
        path = f"/lessons/{plan.lesson_id}"
        if page is None or browser.page != path:  # completing one lesson opens the next
            page = browser.get(path)
            check(page, f"open {path}", expect=(200,))
        token = csrf_token(page.text)
        saves = 0
        for step, action in enumerate(CYCLE):
            if time.monotonic() > deadline:
                outcome.failures.append(f"client {number}: out of time")
                return outcome
            prompt = plan.prompts[(step // 2) % len(plan.prompts)]
            text = f"Leader {number}, lesson {cycle}, step {step}: what I noticed."
            target = f"{path}/reflections/{prompt}"
            if action == "save":
                saves += 1
                form = {"csrf_token": token, "form_key": f"{form_key(page.text)}-{prompt}",
                        "text": text}
                response = browser.post(target, form)
                check(response, f"save {target}", expect=(302,))
                previous_save = (target, form)
                outcome.last_text[(plan.lesson_id, prompt)] = text
            elif action == "resubmit":
                target, form = previous_save
                response = browser.post(target, form)
                check(response, f"resubmit {target}", expect=(302,))
            elif action == "autosave":
                response = browser.post(
                    target + "/draft", {"text": text},
                    headers={"X-CSRFToken": token, "Accept": "application/json"},
                )
                check(response, f"autosave {target}", expect=(200,))
                if response.status == 200 and json.loads(response.body)["status"] != "saved":
                    outcome.failures.append(f"client {number} autosave: {response.text}")
                outcome.last_text[(plan.lesson_id, prompt)] = text
            elif action == "quiz":
                form = {"csrf_token": token, "form_key": f"{form_key(page.text)}-quiz",
                        **plan.answers}
                response = browser.post(f"{path}/quiz", form)
                check(response, f"quiz {path}", expect=(302,))
                if "attempt=" not in response.headers.get("Location", ""):
                    outcome.failures.append(f"client {number} quiz not stored: {response.text}")
            elif action == "complete":
                response = browser.post(f"{path}/complete", {"csrf_token": token, "done": "1"})
                check(response, f"complete {path}", expect=(302,))
            outcome.done[action] += 1
            if response.status in (302, 303):
                page = browser.follow(response)  # as a browser does: shows the flash, new keys
                check(page, f"after {action} {path}", expect=(200,))
        assert saves == 2
    browser.close()
    return outcome


def _count_rows(instance, database_url) -> dict:
    from course.extensions import db
    from course.models import UserSession
    from course.progress.models import LessonProgress
    from course.quizzes.models import QuizAttempt
    from course.reflections.models import Reflection, ReflectionVersion

    with seeding_app(instance, database_url):
        def count(model, *where):
            return db.session.scalar(select(func.count()).select_from(model).where(*where))

        texts = {
            (row.user_id, row.lesson_id, row.prompt_id): row.text
            for row in db.session.scalars(select(Reflection))
        }
        return {
            "reflection_versions": count(ReflectionVersion),
            "reflections": count(Reflection),
            "quiz_attempts": count(QuizAttempt),
            "lesson_progress": count(LessonProgress),
            "completed": count(LessonProgress, LessonProgress.completed_at.is_not(None)),
            "user_sessions": count(UserSession),
            "texts": texts,
        }


def _user_ids(instance, database_url, emails) -> dict[str, int]:
    from course.extensions import db
    from course.models import User

    with seeding_app(instance, database_url):
        rows = db.session.execute(select(User.email, User.id).where(User.email.in_(emails)))
        return dict(rows.all())


def _run(tmp_path, database_url: str) -> None:
    instance = tmp_path / "instance"
    with seeding_app(instance, database_url) as app:
        plans = _plans(app.extensions["catalog"])
        emails = add_leaders(CLIENTS, PASSWORD, "busy")
    env = base_env(instance, database_url)
    server = Gunicorn(env, tmp_path / "gunicorn.log", workers=WORKERS)
    started = time.monotonic()
    with server:
        start = threading.Barrier(CLIENTS)
        deadline = time.monotonic() + TIME_LIMIT
        with ThreadPoolExecutor(CLIENTS) as pool:
            futures = [pool.submit(_client, server.port, n, email, plans, start, deadline)
                       for n, email in enumerate(emails)]
            outcomes = [future.result(timeout=TIME_LIMIT + 30) for future in futures]
    elapsed = time.monotonic() - started
    log = server.log()

    failures = [failure for outcome in outcomes for failure in outcome.failures]
    assert not failures, "\n".join(failures[:20])
    assert "database is locked" not in log
    assert "Traceback" not in log
    statuses = Counter(re.findall(r'" (\d{3}) ', log))
    assert set(statuses) <= {"200", "302"}, statuses
    writes = sum(sum(outcome.done.values()) for outcome in outcomes)
    assert writes == CLIENTS * LESSONS * len(CYCLE) == CLIENTS * 100

    per_client = Counter(CYCLE)
    rows = _count_rows(instance, database_url)
    ids = _user_ids(instance, database_url, emails)
    assert rows["reflection_versions"] == CLIENTS * LESSONS * per_client["save"]
    assert rows["quiz_attempts"] == CLIENTS * LESSONS * per_client["quiz"]
    assert rows["completed"] == CLIENTS * LESSONS
    # Opening a lesson starts it: completing the last planned lesson opens the next one.
    assert CLIENTS * LESSONS <= rows["lesson_progress"] <= CLIENTS * (LESSONS + 1)
    assert rows["user_sessions"] == CLIENTS
    expected_texts = {
        (ids[email], lesson_id, prompt): text
        for email, outcome in zip(emails, outcomes, strict=True)
        for (lesson_id, prompt), text in outcome.last_text.items()
    }
    assert rows["reflections"] == len(expected_texts)
    assert rows["texts"] == expected_texts  # every leader's latest words, none lost or crossed
    print(f"{writes} writes by {CLIENTS} clients on {WORKERS} workers in {elapsed:.1f} s; "
          f"{sum(statuses.values())} requests")


def test_concurrent_writers_on_sqlite(tmp_path):
    _run(tmp_path, f"sqlite:///{tmp_path / 'instance' / 'course.db'}")


@pytest.mark.postgres
def test_concurrent_writers_on_postgresql(tmp_path, postgres_server):
    with postgres_database() as database_url:
        _run(tmp_path, database_url)


def _save_racing_autosave(tmp_path, database_url: str) -> None:
    """One leader, two tabs: 'Save reflection' and an autosave of the same new prompt at
    once (the textarea's blur autosaves just as the Save button is pressed)."""
    instance = tmp_path / "instance"
    with seeding_app(instance, database_url) as app:
        lessons = app.extensions["catalog"].ordered_lessons
        (email,) = add_leaders(1, PASSWORD, "tabs")
    outcomes = []
    with Gunicorn(base_env(instance, database_url), tmp_path / "tabs.log",
                  workers=WORKERS) as server:
        form_tab, typing_tab = Browser(server.port), Browser(server.port)
        assert form_tab.login(email, PASSWORD).status == 302
        for lesson in lessons:
            prompt = lesson.reflections[0].id
            page = form_tab.get(f"/lessons/{lesson.id}")
            typing_tab.cookies = dict(form_tab.cookies)  # the same browser, another tab
            token, key = csrf_token(page.text), form_key(page.text)
            target = f"/lessons/{lesson.id}/reflections/{prompt}"
            together = threading.Barrier(2)
            seen = {}

            def save(target=target, token=token, key=key, prompt=prompt,
                     together=together, seen=seen):
                together.wait(timeout=10)
                seen["save"] = form_tab.post(target, {
                    "csrf_token": token, "form_key": f"{key}-{prompt}", "text": "My words."})

            def autosave(target=target, token=token, together=together, seen=seen):
                together.wait(timeout=10)
                seen["autosave"] = typing_tab.post(
                    target + "/draft", {"text": "My words."},
                    headers={"X-CSRFToken": token, "Accept": "application/json"})

            threads = [threading.Thread(target=save), threading.Thread(target=autosave)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=30)
            outcomes.append((lesson.id, seen["save"].status, seen["autosave"].status))
        log = server.log()

    from course.extensions import db
    from course.reflections.models import Reflection, ReflectionVersion

    with seeding_app(instance, database_url):
        versions = db.session.scalar(select(func.count()).select_from(ReflectionVersion))
        saved = db.session.scalar(select(func.count()).select_from(Reflection).where(
            Reflection.saved_at.is_not(None)))
    failed = [outcome for outcome in outcomes if outcome[1:] != (302, 200)]
    assert not failed, f"answers other than (302, 200): {failed}\n{log[-3000:]}"
    # Every save that said "Reflection saved." really made a version.
    assert versions == saved == len(lessons), (versions, saved, len(lessons))


def test_save_racing_autosave_on_sqlite(tmp_path):
    _save_racing_autosave(tmp_path, f"sqlite:///{tmp_path / 'instance' / 'course.db'}")


@pytest.mark.postgres
def test_save_racing_autosave_on_postgresql(tmp_path, postgres_server):
    with postgres_database() as database_url:
        _save_racing_autosave(tmp_path, database_url)
