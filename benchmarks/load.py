"""Load benchmark: Clearing under gunicorn beside a minimal Flask page, same settings.

    .venv/bin/python benchmarks/load.py                   # SQLite, and PostgreSQL if it answers
    .venv/bin/python benchmarks/load.py --database sqlite --duration 5

Seeds a cohort of 1,000 leaders with varied progress into a new database (a temporary
SQLite file; a new PostgreSQL database, dropped afterwards), serves the app with
gunicorn.conf.py (2 workers) and, under the same settings, a minimal Flask app that
renders a 5 KB template. Then, for each page, it loads the minimal page and the page in
turn at 16 connections and reports requests/s, p50 and p99 latency, and the ratio of the
two throughputs. Method and results: benchmarks/README.md ("Load").

Everything runs on 127.0.0.1; the servers are stopped and the databases removed at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import ExitStack, nullcontext
from dataclasses import asdict, dataclass
from datetime import timedelta
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent
PASSWORD = "benchmark leaders read lessons"
LEADERS = 1000
SEED = 2026

# The minimal page: about 5 KB of HTML from a Jinja template with a loop and escaping.
MINIMAL_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title>
<link rel="stylesheet" href="/static/site.css"></head>
<body><header><h1>{{ title }}</h1><p>{{ intro }}</p></header>
<main><ul class="items">
{% for item in items %}<li id="item-{{ item.id }}">
<a href="/items/{{ item.id }}">{{ item.name }}</a> <span class="state">{{ item.state }}</span>
<p>{{ item.note }}</p></li>
{% endfor %}</ul></main><footer><p>{{ footer }}</p></footer></body></html>
"""


def make_minimal_app():
    """gunicorn 'load:make_minimal_app()': one page, one template, nothing else."""
    from flask import Flask, render_template_string

    app = Flask("minimal")
    items = [
        {"id": n, "name": f"Lesson {n}: what the front line hears",
         "state": ("done", "in progress", "not started")[n % 3],
         "note": "A short note about the lesson & its <quiz>, escaped like any text."}
        for n in range(24)
    ]

    @app.get("/")
    def page():
        return render_template_string(
            MINIMAL_TEMPLATE, title="A minimal page", items=items,
            intro="The framework's ceiling: routing, a template and a response.",
            footer="Nothing here touches a database or a session.",
        )

    @app.get("/healthz")
    def healthz():  # how the benchmark knows the server is up
        return {"status": "ok"}

    return app


# --pages picks pages by these short names (the start of each page's name in the report).
PAGE_NAMES = {"lesson": "lesson page", "home": "course home", "autosave": "reflection autosave",
              "matrix": "facilitator progress matrix"}


# --- seeding -------------------------------------------------------------------------

@dataclass
class Seeded:
    cohort_id: int
    lesson_id: str
    prompt_id: str
    leader_emails: list[str]  # leaders the load signs in as, mid-course
    facilitator_email: str
    rows: dict[str, int]


def seed(app, leaders: int) -> Seeded:
    """A facilitator's cohort of `leaders` leaders at varied stages, inserted in bulk."""
    from sqlalchemy import func, insert, select

    from course.cohorts import create_cohort
    from course.extensions import db
    from course.learn.attempts import grade_quiz
    from course.learn.growth import scale_questions
    from course.learn.models import (
        ExperimentEntry,
        LessonProgress,
        QuizAttempt,
        Reflection,
        ReflectionVersion,
        SelfAssessment,
    )
    from course.models import Membership, Role, User, utcnow
    from course.passwords import hash_password

    rng = random.Random(SEED)
    catalog = app.extensions["catalog"]
    lessons = catalog.ordered_lessons
    dimensions = [q.id for q in scale_questions(catalog)]
    now = utcnow()
    password_hash = hash_password(PASSWORD)  # scrypt, as production; one hash shared

    facilitator = User(email="facilitator@bench.example.org", name="Fran Bench",
                       role=Role.FACILITATOR, password_hash=password_hash)
    db.session.add(facilitator)
    db.session.flush()
    cohort = create_cohort("Benchmark cohort: a national programme", facilitator)
    db.session.execute(insert(User), [
        {"email": f"leader{n:04d}@bench.example.org", "name": f"Leader {n:04d}",
         "role": Role.LEADER, "password_hash": password_hash, "active": True,
         "created_at": now - timedelta(days=90), "password_changed_at": now - timedelta(days=90)}
        for n in range(leaders)
    ])
    ids = dict(db.session.execute(
        select(User.email, User.id).where(User.role == Role.LEADER)).all())
    db.session.execute(insert(Membership), [
        {"user_id": uid, "cohort_id": cohort.id, "role": Role.LEADER,
         "joined_at": now - timedelta(days=90)} for uid in ids.values()
    ])

    progress, reflections, attempts, entries, assessments = [], [], [], [], []
    done_by_email = {}
    for email, uid in sorted(ids.items()):
        # Many leaders early on, fewer far along, a few finished.
        done = min(len(lessons), int(len(lessons) * rng.random() ** 1.4 + 0.3))
        done_by_email[email] = done
        if done or rng.random() < 0.8:
            assessments.append({"user_id": uid, "stage": "before", "skipped": False,
                                "levels": {d: rng.randint(1, 4) for d in dimensions}})
        if done == len(lessons):
            assessments.append({"user_id": uid, "stage": "after", "skipped": False,
                                "levels": {d: rng.randint(2, 5) for d in dimensions}})
        open_lesson = 1 if done < len(lessons) and rng.random() < 0.7 else 0
        for index, lesson in enumerate(lessons[: done + open_lesson]):
            started = now - timedelta(days=rng.uniform(1, 80), minutes=rng.randint(0, 600))
            finished = started + timedelta(hours=rng.uniform(0.2, 48)) if index < done else None
            progress.append({"user_id": uid, "lesson_id": lesson.id, "started_at": started,
                             "updated_at": finished or started, "completed_at": finished})
            for number, prompt in enumerate(lesson.reflections):
                if number and rng.random() < 0.5:
                    continue
                text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 220)))
                shared = rng.random() < 0.2
                reflections.append({
                    "user_id": uid, "lesson_id": lesson.id, "prompt_id": prompt.id,
                    "text": text, "shared": shared, "shared_at": started if shared else None,
                    "created_at": started,
                    "updated_at": started, "saved_at": started,
                    "versions": rng.randint(1, 3),
                })
            quiz = catalog.quizzes.get(lesson.quiz_id) if lesson.quiz_id else None
            if quiz is not None and index < done:
                for _ in range(rng.choice((1, 1, 2))):
                    results, score = grade_quiz(quiz, _random_answers(quiz, rng))
                    attempts.append({"user_id": uid, "quiz_id": quiz.id, "lesson_id": lesson.id,
                                     "score": score, "answers": results, "created_at": started})
            if lesson.try_this and index < done and rng.random() < 0.3:
                entries.append({"user_id": uid, "lesson_id": lesson.id,
                                "done_on": started.date(), "created_at": started,
                                "text": "Tried it on the train; three replies by lunchtime.",
                                "measures": {label: rng.randint(0, 20)
                                             for label in lesson.try_this.measures}})

    db.session.execute(insert(SelfAssessment), assessments)
    db.session.execute(insert(LessonProgress), progress)
    db.session.execute(insert(Reflection), [
        {k: v for k, v in row.items() if k != "versions"} for row in reflections])
    reflection_ids = {
        (uid, lesson_id, prompt_id): rid
        for rid, uid, lesson_id, prompt_id in db.session.execute(
            select(Reflection.id, Reflection.user_id, Reflection.lesson_id, Reflection.prompt_id))
    }
    db.session.execute(insert(ReflectionVersion), [
        {"reflection_id": reflection_ids[(row["user_id"], row["lesson_id"], row["prompt_id"])],
         "text": row["text"], "created_at": row["created_at"]}
        for row in reflections for _ in range(row["versions"])
    ])
    db.session.execute(insert(QuizAttempt), attempts)
    if entries:
        db.session.execute(insert(ExperimentEntry), entries)
    db.session.commit()

    lesson = lessons[2]
    mid_course = [email for email, done in sorted(done_by_email.items()) if 3 <= done <= 12]
    with_before = set(db.session.scalars(
        select(User.email).join(SelfAssessment, SelfAssessment.user_id == User.id)))
    chosen = [email for email in mid_course if email in with_before]
    counts = {
        name: db.session.scalar(select(func.count()).select_from(model))
        for name, model in (("users", User), ("lesson_progress", LessonProgress),
                            ("reflections", Reflection), ("reflection_versions", ReflectionVersion),
                            ("quiz_attempts", QuizAttempt), ("experiment_entries", ExperimentEntry))
    }
    return Seeded(cohort.id, lesson.id, lesson.reflections[0].id, chosen,
                  facilitator.email, counts)


def _random_answers(quiz, rng) -> dict[str, list[str]]:
    answers = {}
    for question in quiz.questions:
        if question.type == "true-false":
            answers[question.id] = [rng.choice(("true", "false"))]
        elif question.type == "scale":
            answers[question.id] = [str(rng.choice(list(question.values)))]
        elif question.type == "short":
            answers[question.id] = ["an answer"]
        else:
            answers[question.id] = [str(rng.randrange(len(question.options)))]
    return answers


WORDS = ("we", "listened", "to", "residents", "and", "staff", "about", "what", "they", "hear",
         "first", "the", "board", "asked", "for", "evidence", "so", "I", "tried", "a", "small",
         "experiment", "online", "replies", "came", "quickly", "trust", "grows", "slowly",
         "fear", "of", "getting", "it", "wrong", "held", "me", "back", "until", "now")


# --- the load generator --------------------------------------------------------------

@dataclass
class Result:
    name: str
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    statuses: dict[int, int]
    client_cpu: float  # the load generator's own CPU time / wall time (cores)


def _exchange(port: int, payload: bytes) -> int:
    """One request on a new connection (gunicorn's sync workers close after each)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(payload)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed before the headers")
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        match = re.search(rb"\r\ncontent-length: *(\d+)", head, re.IGNORECASE)
        remaining = int(match.group(1)) - len(body) if match else None
        while remaining is None or remaining > 0:
            chunk = sock.recv(65536)
            if not chunk:
                break
            if remaining is not None:
                remaining -= len(chunk)
    return status


@dataclass
class Sample:
    """What the clients saw during one slice of time."""

    seconds: float
    latencies: list[float]
    statuses: Counter
    cpu: float  # the load generator's CPU seconds


def measure(port: int, payloads, seconds: float, connections: int) -> Sample:
    """`connections` threads, each sending payloads(thread, n) back to back for `seconds`."""
    latencies: list[list[float]] = [[] for _ in range(connections)]
    statuses: list[Counter] = [Counter() for _ in range(connections)]
    stop = time.perf_counter() + seconds

    def worker(thread: int) -> None:
        n = 0
        while (began := time.perf_counter()) < stop:
            try:
                status = _exchange(port, payloads(thread, n))
            except OSError:
                status = 0
            latencies[thread].append(time.perf_counter() - began)
            statuses[thread][status] += 1
            n += 1

    cpu = time.process_time()
    threads = [threading.Thread(target=worker, args=(t,), daemon=True)
               for t in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Sample(seconds, [x for per in latencies for x in per], sum(statuses, Counter()),
                  time.process_time() - cpu)


def summarise(name: str, samples: list[Sample]) -> Result:
    """Throughput and latency over several slices."""
    every = sorted(x for sample in samples for x in sample.latencies)
    seconds = sum(sample.seconds for sample in samples)
    cuts = statistics.quantiles(every, n=100, method="inclusive")
    seen = sum((sample.statuses for sample in samples), Counter())
    errors = sum(count for status, count in seen.items() if not 200 <= status < 400)
    cpu = sum(sample.cpu for sample in samples) / seconds
    return Result(name, len(every), seconds, len(every) / seconds, cuts[49] * 1000,
                  cuts[98] * 1000, errors, dict(seen), cpu)


def compare(name: str, port: int, payloads, minimal_port: int, minimal_payloads,
            args) -> tuple[Result, Result, list[float]]:
    """The minimal page and a page in alternating slices, so both meet the same machine."""
    measure(minimal_port, minimal_payloads, args.warmup, args.connections)
    measure(port, payloads, args.warmup, args.connections)
    bases, pages = [], []
    for _ in range(args.rounds):
        bases.append(measure(minimal_port, minimal_payloads, args.duration / args.rounds,
                             args.connections))
        pages.append(measure(port, payloads, args.duration / args.rounds, args.connections))
    ratios = [len(p.latencies) / len(b.latencies) for b, p in zip(bases, pages, strict=True)]
    return summarise("minimal page", bases), summarise(name, pages), ratios


def _get(path: str, cookie: str = "") -> bytes:
    headers = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    if cookie:
        headers += f"Cookie: {cookie}\r\n"
    return (headers + "\r\n").encode()


def _post(path: str, form: dict, cookie: str, extra: dict) -> bytes:
    body = urlencode(form).encode()
    headers = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
               f"Cookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
               f"Content-Length: {len(body)}\r\n")
    headers += "".join(f"{k}: {v}\r\n" for k, v in extra.items())
    return (headers + "\r\n").encode() + body


def sign_in(port: int, email: str) -> tuple[str, str]:
    """Sign in through the login form; return the session cookie and the CSRF token."""
    connection = HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/login")
    response = connection.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    connection = HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("POST", "/login", body=urlencode(
        {"email": email, "password": PASSWORD, "csrf_token": token}),
        headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    response = connection.getresponse()
    response.read()
    if response.status != 302:
        raise SystemExit(f"could not sign in as {email}: {response.status}")
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    # Signing in starts a new session, and with it a new CSRF token: read it from a page.
    connection = HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/account", headers={"Cookie": cookie})
    response = connection.getresponse()
    page = response.read().decode()
    if response.getheader("Set-Cookie"):
        cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    return cookie, token


def check_page(port: int, payload: bytes, name: str) -> None:
    status = _exchange(port, payload)
    if status != 200:
        raise SystemExit(f"{name} answered {status} before the load began")


# --- one run -------------------------------------------------------------------------

def run(database: str, args) -> dict:
    sys.path.insert(0, str(REPO))
    from tests.production.harness import (
        Gunicorn,
        base_env,
        postgres_database,
        seeding_app,
        write_instance_config,
    )

    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="clearing-load-")))
        instance = folder / "instance"
        if database == "postgresql":
            url = stack.enter_context(postgres_database("clearing_bench"))
        else:
            url = f"sqlite:///{instance / 'course.db'}"
        print(f"[{database}] seeding {args.leaders} leaders ...", flush=True)
        began = time.perf_counter()
        with seeding_app(instance, url) as app:
            seeded = seed(app, args.leaders)
            has_matrix = "facilitate.progress" in app.view_functions
        print(f"[{database}] seeded in {time.perf_counter() - began:.1f} s: {seeded.rows}")
        # The login limit is per address, and every benchmark client comes from 127.0.0.1.
        write_instance_config(instance, LOGIN_RATE_LIMIT="1000 per minute")
        env = base_env(instance, url, COURSE_PROXY_COUNT="0")
        app_server = stack.enter_context(
            Gunicorn(env, folder / "app.log", workers=args.workers))
        minimal = stack.enter_context(Gunicorn(
            env, folder / "minimal.log", workers=args.workers, app="load:make_minimal_app()",
            extra_args=("--pythonpath", str(REPO / "benchmarks"))))

        leaders = [sign_in(app_server.port, email)
                   for email in seeded.leader_emails[: args.connections]]
        if len(leaders) < args.connections:
            raise SystemExit("too few mid-course leaders in the seed for one per connection")
        facilitator_cookie, _ = sign_in(app_server.port, seeded.facilitator_email)
        lesson = f"/lessons/{seeded.lesson_id}"
        draft = f"{lesson}/reflections/{seeded.prompt_id}/draft"
        facilitator_page = (f"/facilitate/cohorts/{seeded.cohort_id}/progress" if has_matrix
                            else f"/facilitate/cohorts/{seeded.cohort_id}")
        pages = {
            "lesson page (signed in)": (
                lambda t, n: _get(lesson, leaders[t][0])),
            "course home": (
                lambda t, n: _get("/course", leaders[t][0])),
            "reflection autosave (POST)": (
                lambda t, n: _post(draft, {"text": f"Draft {n} of a reflection. " * 12},
                                   leaders[t][0], {"X-CSRFToken": leaders[t][1],
                                                   "Accept": "application/json"})),
            ("facilitator progress matrix" if has_matrix else "facilitator cohort page"): (
                lambda t, n: _get(facilitator_page, facilitator_cookie)),
        }
        if args.pages:
            pages = {name: payloads for name, payloads in pages.items()
                     if any(name.startswith(PAGE_NAMES[key]) for key in args.pages)}
        if args.breakdown:  # what every request costs before the page's own work
            pages.update({
                "health check (one SELECT 1)": lambda t, n: _get("/healthz"),
                "sign-in page (anonymous)": lambda t, n: _get("/login"),
                "account page (signed in)": lambda t, n: _get("/account", leaders[t][0]),
            })
        minimal_payload = _get("/")
        check_page(minimal.port, minimal_payload, "the minimal page")
        for name, payloads in pages.items():
            if "POST" not in name:
                check_page(app_server.port, payloads(0, 0), name)
        results = []
        for name, payloads in pages.items():
            base, measured, ratios = compare(name, app_server.port, payloads, minimal.port,
                                             lambda t, n: minimal_payload, args)
            results.append((base, measured, ratios))
            print(f"[{database}] {_line(measured, base)}  (rounds {min(ratios):.0%}-"
                  f"{max(ratios):.0%})", flush=True)
            if measured.errors or base.errors:
                print(f"    statuses: {measured.statuses}, minimal {base.statuses}")
        server_errors = len(re.findall(r'" 5\d\d ', app_server.log()))
        locked = app_server.log().count("database is locked")
    return {"database": database, "rows": seeded.rows, "server_5xx": server_errors,
            "database_locked": locked,
            "results": [{"page": asdict(m), "minimal": asdict(b), "ratio": m.rps / b.rps,
                         "round_ratios": ratios} for b, m, ratios in results]}


def _line(measured: Result, base: Result) -> str:
    return (f"{measured.name:32} {measured.rps:7.1f} req/s  p50 {measured.p50_ms:6.1f} ms  "
            f"p99 {measured.p99_ms:6.1f} ms  errors {measured.errors or '-'}  | minimal "
            f"{base.rps:7.1f} req/s  p50 {base.p50_ms:5.1f}  p99 {base.p99_ms:5.1f}  | ratio "
            f"{measured.rps / base.rps:5.1%}  client CPU {measured.client_cpu:.2f}")


def _exit_cleanly(signum, _frame) -> None:
    raise SystemExit(f"stopped by signal {signum}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--leaders", type=int, default=LEADERS)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", type=float, default=10,
                        help="seconds measured per page, and as long for the minimal page")
    parser.add_argument("--rounds", type=int, default=5,
                        help="slices the duration is cut into, alternating with the minimal page")
    parser.add_argument("--warmup", type=float, default=2, help="unmeasured seconds first")
    parser.add_argument("--breakdown", action="store_true",
                        help="also measure the health check, sign-in and account pages")
    parser.add_argument("--pages", nargs="+", choices=sorted(PAGE_NAMES),
                        help="measure only these pages (default: all four)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    # Stopped with SIGTERM (or SIGINT in a background job): still stop the servers and drop
    # the databases on the way out.
    signal.signal(signal.SIGTERM, _exit_cleanly)
    signal.signal(signal.SIGINT, _exit_cleanly)

    sys.path.insert(0, str(REPO))
    from tests.production.harness import postgres_admin_url, postgres_answers

    databases = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    if "postgresql" in databases and not postgres_answers():
        if args.database == "postgresql":
            raise SystemExit(f"PostgreSQL is not answering at {postgres_admin_url()}")
        print(f"PostgreSQL is not answering at {postgres_admin_url()}: SQLite only.")
        databases.remove("postgresql")
    print(f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, {args.connections} "
          f"connections, {args.workers} gunicorn workers, {args.duration:g} s per page")
    report = [run(database, args) for database in databases]
    with open(args.json, "w", encoding="utf-8") if args.json else nullcontext() as out:
        if out:
            json.dump(report, out, indent=2, default=str)


if __name__ == "__main__":
    main()
