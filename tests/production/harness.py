"""Real servers for production tests: gunicorn processes, databases and a small browser.

Everything listens on and talks to 127.0.0.1 only, and everything started here is
stopped and dropped again by the context managers, even when a test fails.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from http.client import HTTPConnection, HTTPMessage
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SECRET_KEY = "production-test-key-" + "x" * 40
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
REDIS_URL = "redis://127.0.0.1:6379/13"  # a db index of its own; keys carry a run prefix
FAST_HASH = "pbkdf2:sha256:1000"  # seeding only; sign-in checks whatever the hash says
_names = itertools.count(1)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def base_env(instance: Path, database_url: str, **settings: str) -> dict:
    """The environment of a server or CLI process: this machine's, minus any COURSE_*."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COURSE_", "GUNICORN_"))}
    env.update(
        COURSE_INSTANCE_PATH=str(instance),
        COURSE_DATABASE_URL=database_url,
        COURSE_SECRET_KEY=SECRET_KEY,
        COURSE_PROXY_COUNT="1",  # the browser below speaks as a TLS-terminating proxy
        COURSE_BASE_URL="https://learn.example.org",
        PYTHONUNBUFFERED="1",
    )
    env.update(settings)
    return env


def write_instance_config(instance: Path, **values) -> None:
    """An instance/config.py holding these settings (read after the code defaults)."""
    instance.mkdir(parents=True, exist_ok=True)
    lines = [f"{name} = {value!r}" for name, value in values.items()]
    (instance / "config.py").write_text("\n".join(lines) + "\n", encoding="utf-8")


def flask_cli(env: dict, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run `flask --app wsgi ...` as an operator would; raise with its output on failure."""
    done = subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", *args], cwd=REPO, env=env,
        capture_output=True, text=True, timeout=timeout,
    )
    if done.returncode != 0:
        raise AssertionError(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done


class Gunicorn:
    """gunicorn -c gunicorn.conf.py wsgi:app on a free port, its output in a log file."""

    def __init__(self, env: dict, log_path: Path, workers: int = 1, app: str = "wsgi:app",
                 extra_args: tuple[str, ...] = ()):
        self.port = free_port()
        self.log_path = log_path
        self.env = dict(env, GUNICORN_BIND=f"127.0.0.1:{self.port}", GUNICORN_WORKERS=str(workers))
        self.app = app
        self.extra_args = extra_args
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self, wait: float = 30) -> None:
        command = [str(BIN / "gunicorn"), "-c", str(REPO / "gunicorn.conf.py"),
                   *self.extra_args, self.app]
        with open(self.log_path, "ab") as log:
            # A session of its own, so stop() can end the master and every worker it forked.
            self.process = subprocess.Popen(
                command, cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited at start:\n{self.log()}")
            if self._answers():
                return
            time.sleep(0.1)
        self.stop()
        raise AssertionError(f"gunicorn did not answer within {wait} s:\n{self.log()}")

    def _answers(self) -> bool:
        connection = HTTPConnection("127.0.0.1", self.port, timeout=2)
        try:
            connection.request("GET", "/healthz")
            return connection.getresponse().status == 200
        except OSError:
            return False
        finally:
            connection.close()

    def stop(self, wait: float = 20) -> None:
        """SIGTERM (graceful), then SIGKILL to the server's own process group."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(wait)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@dataclass
class Response:
    status: int
    headers: HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def location(self) -> str:
        return urlsplit(self.headers.get("Location", "")).path


class Browser:
    """A browser as the app sees it through one TLS-terminating proxy (COURSE_PROXY_COUNT=1).

    Keeps cookies (Secure ones too: the proxy speaks HTTPS to the browser), sends the
    X-Forwarded-* headers nginx would, and a same-origin Referer, as CSRF's strict
    HTTPS check expects.
    """

    HOST = "learn.example.org"

    def __init__(self, port: int, client_ip: str = "203.0.113.10", timeout: float = 30):
        self.port = port
        self.client_ip = client_ip
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.page = "/"
        self._connection: HTTPConnection | None = None

    def _connect(self) -> HTTPConnection:
        if self._connection is None or self._connection.port != self.port:
            self.close()
            self._connection = HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def request(self, method: str, path: str, form: dict | None = None,
                headers: dict | None = None) -> Response:
        sent = {
            "Host": self.HOST,
            "X-Forwarded-For": self.client_ip,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": self.HOST,
            "Referer": f"https://{self.HOST}{self.page}",
            "Accept-Encoding": "identity",
        }
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        sent.update(headers or {})
        # No retries: a POST sent twice would hide or fake the very counts under test.
        connection = self._connect()
        connection.request(method, path, body=body, headers=sent)
        raw = connection.getresponse()
        response = Response(raw.status, raw.headers, raw.read())
        if raw.will_close:  # gunicorn's sync workers close after each response
            self.close()
        self._keep_cookies(response.headers)
        if method == "GET" and response.status == 200:
            self.page = path
        return response

    def _keep_cookies(self, headers: HTTPMessage) -> None:
        for line in headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(line)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or (morsel["expires"] and "1970" in morsel["expires"]):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, form: dict, **kwargs) -> Response:
        return self.request("POST", path, form=form, **kwargs)

    def follow(self, response: Response, limit: int = 5) -> Response:
        """Follow redirects as a browser does after a POST."""
        while response.status in (301, 302, 303) and limit:
            target = urlsplit(response.headers["Location"])
            response = self.get(target.path + (f"?{target.query}" if target.query else ""))
            limit -= 1
        return response

    def login(self, email: str, password: str) -> Response:
        """Sign in through the real form: GET for the CSRF token, then POST."""
        token = csrf_token(self.get("/login").text)
        return self.post("/login", {"email": email, "password": password, "csrf_token": token})


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def form_key(html: str) -> str:
    """The idempotency key rendered into a lesson page's forms (without the form suffix)."""
    match = re.search(r'name="form_key" value="([0-9a-f]{32})-', html)
    assert match, "no form_key on the page"
    return match.group(1)


# --- PostgreSQL and Redis --------------------------------------------------------------

def postgres_admin_url() -> str:
    """The server the suite uses (COURSE_TEST_DATABASE_URL or PG_TEST_URL), as plain psycopg."""
    url = (os.environ.get("COURSE_TEST_DATABASE_URL") or os.environ.get("PG_TEST_URL")
           or DEFAULT_PG_URL)
    scheme, rest = url.split("://", 1)
    return "postgresql://" + rest


def postgres_answers() -> bool:
    try:
        import psycopg

        psycopg.connect(postgres_admin_url(), connect_timeout=2).close()
    except Exception:
        return False
    return True


def redis_answers(url: str = REDIS_URL) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_timeout=2).ping())
    except Exception:
        return False


def _admin(statement: str) -> None:
    import psycopg

    with psycopg.connect(postgres_admin_url(), autocommit=True, connect_timeout=5) as conn:
        conn.execute(statement)


@contextlib.contextmanager
def postgres_database(prefix: str = "clearing_prod"):
    """A new, empty PostgreSQL database for one test; dropped afterwards (even if busy)."""
    name = f"{prefix}_{os.getpid()}_{next(_names)}_{secrets.token_hex(3)}"
    _admin(f'CREATE DATABASE "{name}"')
    try:
        yield postgres_admin_url().rsplit("/", 1)[0] + f"/{name}"
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def seeding_app(instance: Path, database_url: str):
    """The app in this process, on the servers' database: migrate it, then add people."""
    from flask_migrate import upgrade

    from course import create_app
    from course.extensions import db
    from course.migrations_cli import init_migrations

    instance.mkdir(parents=True, exist_ok=True)
    app = create_app({
        "COURSE_INSTANCE_PATH": str(instance), "COURSE_DATABASE_URL": database_url,
        "COURSE_SECRET_KEY": SECRET_KEY, "PASSWORD_HASH_METHOD": FAST_HASH,
    })
    init_migrations(app)
    with app.app_context():
        upgrade()
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def add_leaders(count: int, password: str, prefix: str) -> list[str]:
    """Leaders in one cohort, past the starting self-assessment; returns their emails."""
    from course.accounts import create_user
    from course.cohorts.cohorts import create_cohort
    from course.cohorts.models import Membership
    from course.extensions import db
    from course.models import Role
    from course.self_assessment.models import SelfAssessment

    facilitator = create_user(f"{prefix}-fac@example.org", "Fac Ilitator", Role.FACILITATOR,
                              password)
    cohort = create_cohort(f"{prefix} cohort", facilitator)
    emails = []
    for n in range(count):
        leader = create_user(f"{prefix}-{n}@example.org", f"Leader {n}", Role.LEADER, password)
        db.session.add(Membership(user_id=leader.id, cohort_id=cohort.id, role=Role.LEADER))
        db.session.add(SelfAssessment(user_id=leader.id, stage="before", skipped=True))
        emails.append(leader.email)
    db.session.commit()
    return emails
