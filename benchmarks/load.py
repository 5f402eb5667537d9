"""Load benchmark: Clearing under gunicorn, loaded by wrk, beside a minimal Flask page.

    .venv/bin/python benchmarks/load.py                      # SQLite, then PostgreSQL
    .venv/bin/python benchmarks/load.py --database sqlite --rounds 5
    .venv/bin/python benchmarks/load.py --repo /tmp/clearing-before   # another checkout's code

Needs wrk (Debian/Ubuntu: `apt-get update && apt-get install -y wrk`) and, for PostgreSQL,
a server at 127.0.0.1:5432 that trusts the user postgres.

For each database the script migrates a new database (a temporary SQLite file; a PostgreSQL
database it creates and drops), seeds one facilitator's cohort of 200 leaders at varied
stages, and serves, each with the checkout's own gunicorn.conf.py and 2 workers: the app
(`wsgi:app`), and the minimal page (benchmarks/minimal_app.py: one 5.8 KB template loaded
from a file and compiled once). It signs leaders and the facilitator in through the real
login form, then loads each page with `wrk -t2 -c16 -d10s --latency`, in --rounds rounds
(3) that each run the minimal page before and after every page (M P1 M P2 M ...). Reported
per page: requests/s, the ratio to the mean of the minimal page's runs either side of it,
p50 and p99 latency (medians over the rounds, with the lowest and highest), and the
workers' CPU time per request (from /proc, user + system, so Linux only) with the minimal
page's over the page's: that ratio is what the throughput ratio would be if CPU were all
that limited both, and it moves less when other work shares the machine. Then it serves
the progress matrix of 200 leaders x 50 lessons (benchmarks/matrix.py's synthetic course)
and times single requests to it over HTTP.
Method and results: benchmarks/README.md ("Load (wrk)").

Everything listens on and talks to 127.0.0.1; the servers are stopped and the databases
removed at the end, also when stopped with Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode, urlsplit

BENCH = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
PASSWORD = "benchmark leaders read lessons"
MATRIX_PASSWORD = "benchmark walk by the river"  # benchmarks/matrix.py's facilitator
SECRET_KEY = "benchmark-secret-key-" + "x" * 40
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # the facilitators' authenticator app, if any
LEADERS = 200
SEED = 2026
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
WRK_INSTALL = ("wrk is not installed. On Debian or Ubuntu: "
               "`apt-get update && apt-get install -y wrk` (as root).")
# Targets of issue 10 for the 200 x 50 progress page, page 1 (100 rows), over HTTP.
MATRIX_TARGET_MS = 20.0
MATRIX_TARGET_KB = 150.0

# Pages by short name, in the order measured. The minimal page is measured before each.
PAGES = {
    "login": "sign-in page (GET /login)",
    "lesson": "lesson page, signed in",
    "home": "course home, signed in",
    "matrix": "progress matrix, 200 leaders (page 1)",
    "csv": "progress CSV, 200 leaders",
}
DEFAULT_PAGES = ("login", "lesson", "home", "matrix")


# --- seeding -------------------------------------------------------------------------

@dataclass
class Seeded:
    cohort_id: int
    lesson_id: str
    lesson_title: str
    leader_emails: list[str]  # leaders the load signs in as, mid-course
    facilitator_email: str
    rows: dict[str, int]


def find(name: str, *modules: str):
    """`name` from the first of `modules` that has it: the app's modules moved in the
    redesign, and the benchmark measures the code from before it and after it alike."""
    for module in modules:
        try:
            return getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError):
            continue
    raise ImportError(f"{name} is in none of {', '.join(modules)}")


def seed(app, leaders: int) -> Seeded:
    """A facilitator's cohort of `leaders` leaders at varied stages, inserted in bulk."""
    from sqlalchemy import func, insert, select

    from course.extensions import db
    from course.models import Role, User, utcnow
    from course.passwords import hash_password

    create_cohort = find("create_cohort", "course.cohorts.cohorts", "course.cohorts")
    Membership = find("Membership", "course.cohorts.models", "course.models")
    ExperimentEntry = find("ExperimentEntry", "course.experiments.models", "course.learn.models")
    LessonProgress = find("LessonProgress", "course.progress.models", "course.learn.models")
    grade_quiz = find("grade_quiz", "course.quizzes.attempts", "course.learn.attempts")
    QuizAttempt = find("QuizAttempt", "course.quizzes.models", "course.learn.models")
    Reflection = find("Reflection", "course.reflections.models", "course.learn.models")
    ReflectionVersion = find("ReflectionVersion", "course.reflections.models",
                             "course.learn.models")
    scale_questions = find("scale_questions", "course.self_assessment.assessment",
                           "course.learn.growth")
    SelfAssessment = find("SelfAssessment", "course.self_assessment.models", "course.learn.models")

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
    add_totp(facilitator.id)
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
                    "text": text, "audience": "facilitator" if shared else "private",
                    "shared_at": started if shared else None,
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
    return Seeded(cohort.id, lesson.id, lesson.title, chosen, facilitator.email, counts)


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


# --- the code under test, databases and servers --------------------------------------

def use_repo(repo: Path) -> None:
    """Import `course` from this checkout (not whatever the virtual environment points at)."""
    sys.path.insert(0, str(repo))
    import course

    found = Path(course.__file__).resolve()
    if not found.is_relative_to(repo):
        raise SystemExit(f"`course` imports from {found}, not from {repo}")


def server_env(repo: Path, instance: Path, url: str, **settings: str) -> dict:
    """The environment of a server or CLI process: this one's, minus COURSE_* and GUNICORN_*,
    with the checkout first on the import path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COURSE_", "GUNICORN_"))}
    env.update(
        PYTHONPATH=str(repo), PYTHONUNBUFFERED="1", COURSE_ENV="production",
        COURSE_INSTANCE_PATH=str(instance), COURSE_DATABASE_URL=url,
        COURSE_SECRET_KEY=SECRET_KEY, COURSE_PROXY_COUNT="0",
    )
    env.update(settings)
    return env


def check_import(repo: Path, env: dict) -> str:
    """Where a server started with this environment imports `course` from."""
    done = subprocess.run(
        [sys.executable, "-c", "import course; print(course.__file__)"], cwd=repo, env=env,
        capture_output=True, text=True, timeout=60, check=True)
    found = Path(done.stdout.strip()).resolve()
    if not found.is_relative_to(repo):
        raise SystemExit(f"the servers would import `course` from {found}, not from {repo}")
    return str(found.parent)


def migrate(repo: Path, env: dict) -> None:
    """`flask --app wsgi db upgrade`, as an operator migrates."""
    done = subprocess.run([str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=repo,
                          env=env, capture_output=True, text=True, timeout=300)
    if done.returncode:
        raise SystemExit(f"migrating failed:\n{done.stdout}\n{done.stderr}")


def _admin(statement: str, admin_url: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(statement)


def postgres_answers(admin_url: str) -> bool:
    try:
        _admin("SELECT 1", admin_url)
    except Exception:
        return False
    return True


@contextmanager
def postgres_database(admin_url: str, prefix: str):
    """A new, empty PostgreSQL database; dropped afterwards (even if still connected to)."""
    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(3)}"
    _admin(f'CREATE DATABASE "{name}"', admin_url)
    try:
        yield "postgresql+psycopg://" + admin_url.split("://", 1)[1].rsplit("/", 1)[0] + "/" + name
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', admin_url)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`gunicorn -c <repo>/gunicorn.conf.py APP` on a free loopback port, output to a log."""

    def __init__(self, repo: Path, env: dict, log_path: Path, app: str, workers: int,
                 extra_args: tuple[str, ...] = ()):
        self.port = free_port()
        self.log_path = log_path
        self.command = [str(BIN / "gunicorn"), "-c", str(repo / "gunicorn.conf.py"),
                        *extra_args, app]
        self.repo = repo
        self.env = dict(env, GUNICORN_BIND=f"127.0.0.1:{self.port}",
                        GUNICORN_WORKERS=str(workers))
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        with open(self.log_path, "ab") as log:
            # A session of its own, so stop() can end the master and every worker it forked.
            self.process = subprocess.Popen(self.command, cwd=self.repo, env=self.env,
                                            stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited at start:\n{self.log()[-3000:]}")
            if get(self.port, "/healthz").status == 200:
                return self
            time.sleep(0.2)
        self.stop()
        raise SystemExit(f"gunicorn did not answer within 60 s:\n{self.log()[-3000:]}")

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        """SIGTERM (graceful), then SIGKILL to the server's own process group."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait(5)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def log_size(self) -> int:
        return self.log_path.stat().st_size

    def worker_cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by the server's workers (Linux: /proc)."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:  # gone since the listing
                continue
            if int(fields[1]) == self.process.pid:  # a worker: its parent is the master
                total += int(fields[11]) + int(fields[12])
        return total / ticks

    def statuses_since(self, offset: int) -> dict[str, int]:
        """Response statuses in the access log after `offset` bytes."""
        with open(self.log_path, "rb") as log:
            log.seek(offset)
            text = log.read().decode("utf-8", errors="replace")
        counts: dict[str, int] = {}
        for status in re.findall(r'" (\d{3}) ', text):
            counts[status] = counts.get(status, 0) + 1
        return counts


# --- HTTP from Python: signing in, checks, single timed requests -----------------------

@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes
    cookies: dict[str, str] = field(default_factory=dict)


def request(port: int, method: str, path: str, cookie: str = "", form: dict | None = None,
            timeout: float = 30) -> Reply:
    connection = HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Cookie": cookie} if cookie else {}
    body = None
    if form is not None:
        body = urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=headers)
        raw = connection.getresponse()
        data = raw.read()
    except OSError:
        return Reply(0, {}, b"")
    finally:
        connection.close()
    cookies = {}
    for line in raw.headers.get_all("Set-Cookie") or []:
        name, _, value = line.split(";", 1)[0].partition("=")
        cookies[name.strip()] = value
    return Reply(raw.status, {k.lower(): v for k, v in raw.headers.items()}, data, cookies)


def get(port: int, path: str, cookie: str = "") -> Reply:
    return request(port, "GET", path, cookie)


def csrf_token(html: bytes) -> str:
    match = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', html)
    if not match:
        raise SystemExit("no CSRF token on the sign-in page")
    return match.group(1).decode()


def sign_in(port: int, email: str, password: str) -> str:
    """Sign in through the real login form; return the session cookie ("name=value").
    Where the code asks facilitators for a second factor, give the authenticator code of
    the secret the seed set up (add_totp)."""
    def cookie() -> str:
        return "; ".join(f"{k}={v}" for k, v in jar.items())

    def landed() -> str:
        """Follow the last redirect as a browser does and keep the cookie the page it lands
        on sets: its session then holds a CSRF token, as a browser's does from its first
        page on. Without this every loaded request would mint a token and re-sign the
        cookie, work no browser causes past its first page."""
        page = get(port, step or "/", cookie())
        jar.update(page.cookies)
        if page.status != 200:
            raise SystemExit(f"{email} landed on {step} with {page.status} after signing in")
        return cookie()

    page = get(port, "/login")
    jar = dict(page.cookies)
    answer = request(port, "POST", "/login", cookie(),
                     {"email": email, "password": password, "csrf_token": csrf_token(page.body)})
    if answer.status != 302 or not answer.cookies:
        raise SystemExit(f"could not sign in as {email}: {answer.status}")
    jar.update(answer.cookies)
    step = urlsplit(answer.headers.get("location", "")).path
    for attempt in range(2):  # a code is good once per 30-second step: the next step at worst
        if "second-factor" not in step:
            return landed()
        import pyotp

        if attempt:
            time.sleep(31 - time.time() % 30)
        page = get(port, step, cookie())
        jar.update(page.cookies)
        answer = request(port, "POST", step, cookie(), {
            "code": pyotp.TOTP(TOTP_SECRET).now(), "csrf_token": csrf_token(page.body)})
        jar.update(answer.cookies)
        if answer.status == 302:
            step = urlsplit(answer.headers.get("location", "")).path
    if "second-factor" in step or answer.status != 302:
        raise SystemExit(f"could not give {email}'s second factor: {answer.status}")
    return landed()


def add_totp(user_id: int) -> None:
    """Where the code has authenticator apps (a second factor for facilitators), give this
    user a confirmed one with a known secret, so the benchmark can sign in as they do."""
    from course.extensions import db
    from course.models import utcnow

    try:
        TotpSecret = find("TotpSecret", "course.passkeys.models")
    except ImportError:
        return
    db.session.add(TotpSecret(user_id=user_id, secret=TOTP_SECRET, confirmed_at=utcnow()))
    db.session.flush()


def timed_get(port: int, path: str, cookie: str) -> tuple[float, int]:
    """One GET on a new connection, from connecting to the last byte: seconds and status.
    The body is read as it arrives and dropped (gunicorn's sync workers close after it)."""
    payload = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n"
               "Connection: close\r\n\r\n").encode()
    began = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(payload)
        first = sock.recv(65536)
        while sock.recv(262144):  # bounded: the server closes after the body
            pass
    seconds = time.perf_counter() - began
    return seconds, int(first.split(b" ", 2)[1]) if first else 0


# --- wrk -----------------------------------------------------------------------------

@dataclass
class Run:
    """One wrk run."""

    page: str
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    socket_errors: int
    non_2xx_3xx: int
    server_statuses: dict[str, int]
    cpu_ms: float = 0.0  # the workers' CPU time per request answered (user + system)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def parse_wrk(output: str) -> dict:
    """Requests/s, p50 and p99 (ms), requests and errors from wrk's --latency output."""
    found = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1)),
        "p99_ms": _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
    }
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                       output)
    found["socket_errors"] = sum(int(n) for n in errors.groups()) if errors else 0
    non = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    found["non_2xx_3xx"] = int(non.group(1)) if non else 0
    return found


def wrk(server: Server, path: str, cookies: list[str], args, seconds: float | None = None,
        page: str = "") -> Run:
    """Load one page for a while; the server's own log says which statuses it answered."""
    seconds = seconds or args.duration
    env = dict(os.environ, WRK_COOKIES="|".join(cookies))
    offset = server.log_size()
    cpu_before = server.worker_cpu_seconds()
    done = subprocess.run(
        [args.wrk, f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds:g}s", "--latency",
         "--timeout", "10s", "-s", str(BENCH / "wrk_pages.lua"),
         f"http://127.0.0.1:{server.port}{path}"],
        env=env, capture_output=True, text=True, timeout=seconds + 60)
    if done.returncode:
        raise SystemExit(f"wrk failed:\n{done.stdout}\n{done.stderr}")
    try:
        figures = parse_wrk(done.stdout)
    except AttributeError as exc:
        raise SystemExit(f"could not read wrk's output:\n{done.stdout}") from exc
    time.sleep(0.3)  # the last access-log lines
    cpu = (server.worker_cpu_seconds() - cpu_before) * 1000 / max(figures["requests"], 1)
    return Run(page, server_statuses=server.statuses_since(offset), cpu_ms=cpu, **figures)


# --- one database --------------------------------------------------------------------

@dataclass
class Prepared:
    """A migrated, seeded database and the environment of servers that use it."""

    database: str
    folder: Path
    env: dict
    seeded: Seeded
    lessons: int
    code: str


def prepare(stack: ExitStack, database: str, args) -> Prepared:
    """A new database (dropped when `stack` closes), migrated and seeded."""
    from course import create_app
    from course.extensions import db

    repo = args.repo
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="clearing-load-")))
    instance = folder / "instance"
    instance.mkdir()
    # The login limit is per address, and every benchmark client comes from 127.0.0.1.
    (instance / "config.py").write_text('LOGIN_RATE_LIMIT = "1000 per minute"\n')
    if database == "postgresql":
        url = stack.enter_context(postgres_database(args.postgres_admin, "clearing_load"))
    else:
        url = f"sqlite:///{instance / 'course.db'}"
    env = server_env(repo, instance, url)
    code = check_import(repo, env)
    print(f"[{database}] code under test: {code}", flush=True)
    began = time.perf_counter()
    migrate(repo, env)
    app = create_app({"COURSE_INSTANCE_PATH": str(instance), "COURSE_DATABASE_URL": url,
                      "COURSE_SECRET_KEY": SECRET_KEY})
    with app.app_context():
        seeded = seed(app, args.leaders)
        lessons = len(app.extensions["catalog"].ordered_lessons)
        db.session.remove()
        db.engine.dispose()
    print(f"[{database}] migrated and seeded in {time.perf_counter() - began:.1f} s: "
          f"{seeded.rows}, {lessons} lessons", flush=True)
    return Prepared(database, folder, env, seeded, lessons, code)


def app_server(stack: ExitStack, prepared: Prepared, args, name: str = "app",
               **env: str) -> Server:
    """`gunicorn -c gunicorn.conf.py wsgi:app` on the prepared database (extra environment
    variables for an experiment's variant)."""
    return stack.enter_context(Server(args.repo, dict(prepared.env, **env),
                                      prepared.folder / f"{name}.log", "wsgi:app", args.workers))


def minimal_server(stack: ExitStack, prepared: Prepared, args) -> Server:
    """The minimal page, under the same gunicorn.conf.py and worker count."""
    return stack.enter_context(Server(
        args.repo, prepared.env, prepared.folder / "minimal.log", "minimal_app:app",
        args.workers, ("--pythonpath", str(BENCH))))


def targets(port: int, seeded: Seeded, args) -> dict[str, tuple[str, list[str], bytes]]:
    """Each page: its path, the cookies its requests rotate through, and a text it shows.
    Signs the leaders and the facilitator in (sessions live in the database, so the
    cookies are good on every server of the same database)."""
    from markupsafe import escape

    leaders = [sign_in(port, email, PASSWORD) for email in seeded.leader_emails[: args.sessions]]
    facilitator = [sign_in(port, seeded.facilitator_email, PASSWORD)]
    cohort = seeded.cohort_id
    return {
        "login": ("/login", [], b"Sign in"),
        "lesson": (f"/lessons/{seeded.lesson_id}", leaders,
                   str(escape(seeded.lesson_title)).encode()),
        "home": ("/course", leaders, b"Your course"),
        "matrix": (f"/facilitate/cohorts/{cohort}/progress", facilitator, b"Leader 0"),
        "csv": (f"/facilitate/cohorts/{cohort}/progress.csv", facilitator, b"Leader 0"),
    }


def check_pages(port: int, pages: dict) -> dict[str, int]:
    """Every page answers 200 with its own content for every session; their sizes."""
    sizes = {}
    for name, (path, cookies, expected) in pages.items():
        for cookie in cookies or [""]:
            reply = get(port, path, cookie)
            if reply.status != 200 or expected not in reply.body:
                raise SystemExit(f"{PAGES[name]} ({path}) answered {reply.status} "
                                 f"without {expected!r} before the load began")
        sizes[name] = len(reply.body)
    return sizes


def run(database: str, args) -> dict:
    with ExitStack() as stack:
        prepared = prepare(stack, database, args)
        seeded, lessons, code, folder = (prepared.seeded, prepared.lessons, prepared.code,
                                         prepared.folder)
        app = app_server(stack, prepared, args)
        minimal = minimal_server(stack, prepared, args)
        pages = {name: page for name, page in targets(app.port, seeded, args).items()
                 if name in args.pages}
        sizes = {"minimal": len(get(minimal.port, "/").body), **check_pages(app.port, pages)}
        print(f"[{database}] page sizes (bytes): {sizes}", flush=True)

        # Warm-up: both workers of each server compile templates and fill their caches.
        wrk(minimal, "/", [], args, args.warmup)
        for path, cookies, _ in pages.values():
            wrk(app, path, cookies, args, args.warmup)

        # Each page's run sits between two runs of the minimal page (M P1 M P2 M ...), and
        # its ratio is to their mean: the machine is shared, and its speed drifts.
        minimals: list[Run] = []
        runs: list[tuple[Run, Run, Run]] = []
        order = list(pages)
        for number in range(args.rounds):
            shift = number % len(order)  # each round starts one page later
            before = wrk(minimal, "/", [], args, page="minimal")
            minimals.append(before)
            for name in order[shift:] + order[:shift]:
                path, cookies, _ = pages[name]
                measured = wrk(app, path, cookies, args, page=name)
                after = wrk(minimal, "/", [], args, page="minimal")
                minimals.append(after)
                runs.append((before, measured, after))
                print(f"[{database}] round {number + 1}: {_line(measured, before, after)}",
                      flush=True)
                before = after

        matrix_figures = None
        if args.matrix_runs:
            matrix_figures = measure_matrix(stack, database, folder, args)
        locked = app.log().count("database is locked")
    return {"database": database, "code": code, "rows": seeded.rows, "lessons": lessons,
            "sizes": sizes, "database_locked": locked,
            "runs": [{"minimal_before": asdict(b), "page": asdict(m), "minimal_after": asdict(a)}
                     for b, m, a in runs],
            "summary": summarise(minimals, runs), "matrix_200x50": matrix_figures}


def ratio(measured: Run, before: Run, after: Run) -> float:
    """A page's throughput over the mean of the minimal page's runs either side of it."""
    return measured.rps / ((before.rps + after.rps) / 2)


def _line(measured: Run, before: Run, after: Run) -> str:
    bad = _not_200(measured)
    return (f"{PAGES.get(measured.page, measured.page):40} {measured.rps:8.1f} req/s  "
            f"p50 {measured.p50_ms:6.1f}  p99 {measured.p99_ms:6.1f} ms  | minimal "
            f"{before.rps:7.1f} / {after.rps:7.1f} req/s  | ratio "
            f"{ratio(measured, before, after):6.1%}  | worker CPU {measured.cpu_ms:.2f} ms/request "
            f"(minimal {(before.cpu_ms + after.cpu_ms) / 2:.2f})"
            + (f"  | NOT 200: {bad} {measured.server_statuses}" if bad else ""))


def cpu_ratio(measured: Run, before: Run, after: Run) -> float:
    """The minimal page's worker CPU per request over the page's: the share of the minimal
    page's throughput the page would reach if CPU were all that limited both."""
    return ((before.cpu_ms + after.cpu_ms) / 2) / measured.cpu_ms if measured.cpu_ms else 0.0


def spread(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def summarise(minimals: list[Run], runs: list[tuple[Run, Run, Run]]) -> dict:
    """Per page: medians over the rounds, with the lowest and highest."""
    summary = {"minimal": {
        "rps": spread([b.rps for b in minimals]), "p50_ms": spread([b.p50_ms for b in minimals]),
        "p99_ms": spread([b.p99_ms for b in minimals]), "ratio": spread([1.0]),
        "cpu_ms": spread([b.cpu_ms for b in minimals]), "cpu_ratio": spread([1.0]),
        "runs": len(minimals), "not_200": sum(_not_200(b) for b in minimals)}}
    for name in dict.fromkeys(m.page for _, m, _ in runs):
        mine = [(b, m, a) for b, m, a in runs if m.page == name]
        summary[name] = {
            "rps": spread([m.rps for _, m, _ in mine]),
            "ratio": spread([ratio(m, b, a) for b, m, a in mine]),
            "p50_ms": spread([m.p50_ms for _, m, _ in mine]),
            "p99_ms": spread([m.p99_ms for _, m, _ in mine]),
            "cpu_ms": spread([m.cpu_ms for _, m, _ in mine]),
            "cpu_ratio": spread([cpu_ratio(m, b, a) for b, m, a in mine]),
            "runs": len(mine), "not_200": sum(_not_200(m) for _, m, _ in mine),
        }
    return summary


def _not_200(measured: Run) -> int:
    return (sum(n for status, n in measured.server_statuses.items() if status != "200")
            + measured.socket_errors + measured.non_2xx_3xx)


def measure_matrix(stack: ExitStack, database: str, folder: Path, args) -> dict:
    """The progress matrix of 200 leaders x 50 lessons, page 1, one request at a time."""
    import matrix

    leaders, lessons = 200, 50
    instance = folder / "matrix-instance"
    instance.mkdir()
    (instance / "config.py").write_text('LOGIN_RATE_LIMIT = "1000 per minute"\n')
    if database == "postgresql":
        url = stack.enter_context(postgres_database(args.postgres_admin, "clearing_matrix"))
    else:
        url = f"sqlite:///{instance / 'course.db'}"
    seeded = matrix.seed(instance / "course.db", leaders, lessons, url)
    env = server_env(args.repo, instance, url)
    server = stack.enter_context(Server(
        args.repo, env, folder / "matrix.log", f"bench_apps:matrix_app({lessons})",
        args.workers, ("--pythonpath", str(BENCH))))
    cookie = sign_in(server.port, "fran@example.org", MATRIX_PASSWORD)
    path = f"/facilitate/cohorts/{seeded['cohort']}/progress"
    page = get(server.port, path, cookie)
    if page.status != 200 or b"Leader 0" not in page.body:
        raise SystemExit(f"the 200 x 50 matrix answered {page.status}")
    size = len(page.body)  # as sent, without HTTP's chunk framing
    for _ in range(6):  # warm-up: both workers
        timed_get(server.port, path, cookie)
    times = []
    for _ in range(args.matrix_runs):
        seconds, status = timed_get(server.port, path, cookie)
        if status != 200:
            raise SystemExit(f"the 200 x 50 matrix answered {status}")
        times.append(seconds * 1000)
    server.stop()
    figures = {"runs": len(times), "median_ms": statistics.median(times), "best_ms": min(times),
               "p90_ms": statistics.quantiles(times, n=10)[-1], "kb": size / 1024,
               "seeded": seeded}
    print(f"[{database}] progress matrix 200 x 50, page 1, over HTTP: median "
          f"{figures['median_ms']:.1f} ms (best {figures['best_ms']:.1f}, p90 "
          f"{figures['p90_ms']:.1f}) of {len(times)}; {figures['kb']:.0f} KB "
          f"(targets {MATRIX_TARGET_MS:.0f} ms, {MATRIX_TARGET_KB:.0f} KB)", flush=True)
    return figures


# --- the report ----------------------------------------------------------------------

def table(report: list[dict], args) -> str:
    """The figures as a Markdown table (for benchmarks/README.md)."""
    lines = ["| database | page | req/s (range) | ratio to minimal (range) | p50 ms | p99 ms "
             "(range) | worker CPU ms/request (ratio) | not 200 |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    for result in report:
        for name, s in result["summary"].items():
            label = "minimal page" if name == "minimal" else PAGES[name]
            ratio = ("100%" if name == "minimal" else
                     f"**{s['ratio']['median']:.0%}** ({s['ratio']['min']:.0%}-"
                     f"{s['ratio']['max']:.0%})")
            lines.append(
                f"| {'SQLite' if result['database'] == 'sqlite' else 'PostgreSQL'} | {label} | "
                f"{s['rps']['median']:,.0f} ({s['rps']['min']:,.0f}-{s['rps']['max']:,.0f}) | "
                f"{ratio} | {s['p50_ms']['median']:.1f} | {s['p99_ms']['median']:.1f} "
                f"({s['p99_ms']['min']:.1f}-{s['p99_ms']['max']:.1f}) | "
                f"{s['cpu_ms']['median']:.2f} ({s['cpu_ratio']['median']:.0%}) | "
                f"{s['not_200']} |")
    for result in report:
        m = result.get("matrix_200x50")
        if m:
            lines.append(
                f"\nProgress matrix 200 x 50 over HTTP ({result['database']}): median "
                f"{m['median_ms']:.1f} ms, best {m['best_ms']:.1f} ms, p90 {m['p90_ms']:.1f} ms "
                f"of {m['runs']} single requests; page 1 is {m['kb']:.0f} KB "
                f"(targets: {MATRIX_TARGET_MS:.0f} ms, {MATRIX_TARGET_KB:.0f} KB)")
    return "\n".join(lines)


def _exit_cleanly(signum, _frame) -> None:
    raise SystemExit(f"stopped by signal {signum}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", type=Path, default=BENCH.parent,
                        help="the checkout whose code is measured (default: this one)")
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--postgres-admin", default=PG_ADMIN,
                        help="a PostgreSQL URL to create and drop the benchmark databases with")
    parser.add_argument("--pages", nargs="+", choices=sorted(PAGES), default=list(DEFAULT_PAGES))
    parser.add_argument("--threads", type=int, default=2, help="wrk -t")
    parser.add_argument("--connections", type=int, default=16, help="wrk -c")
    parser.add_argument("--duration", type=float, default=10, help="wrk -d, seconds per run")
    parser.add_argument("--rounds", type=int, default=3,
                        help="runs of each page, each right after a run of the minimal page")
    parser.add_argument("--warmup", type=float, default=2, help="unmeasured seconds per page")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument("--leaders", type=int, default=LEADERS)
    parser.add_argument("--sessions", type=int, default=16,
                        help="signed-in leaders the lesson and home requests rotate through")
    parser.add_argument("--matrix-runs", type=int, default=21,
                        help="single requests to the 200 x 50 matrix (0: skip it)")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    args = parser.parse_args(argv)
    args.repo = args.repo.resolve()
    args.wrk = shutil.which("wrk")
    if not args.wrk:
        raise SystemExit(WRK_INSTALL)
    # Stopped with SIGTERM (or SIGINT in a background job): still stop the servers and drop
    # the databases on the way out.
    signal.signal(signal.SIGTERM, _exit_cleanly)
    signal.signal(signal.SIGINT, _exit_cleanly)
    use_repo(args.repo)

    databases = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    if "postgresql" in databases and not postgres_answers(args.postgres_admin):
        if args.database == "postgresql":
            raise SystemExit(f"PostgreSQL is not answering at {args.postgres_admin}")
        print(f"PostgreSQL is not answering at {args.postgres_admin}: SQLite only.")
        databases.remove("postgresql")
    version = subprocess.run([args.wrk, "-v"], capture_output=True, text=True).stdout
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, Python "
          f"{sys.version.split()[0]}, {version.splitlines()[0] if version else 'wrk'}; "
          f"wrk -t{args.threads} -c{args.connections} -d{args.duration:g}s, {args.rounds} "
          f"rounds, {args.workers} gunicorn workers; code from {args.repo}", flush=True)
    report = [run(database, args) for database in databases]
    print()
    print(table(report, args))
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
