"""Shared fixtures: an app on a fresh database, a client, the CLI runner and factories."""

from __future__ import annotations

import itertools
import os
from contextlib import contextmanager

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, text

from course import create_app
from course.extensions import db
from course.models import Role
from tests.factories import PASSWORD, Auth  # noqa: F401 (re-exported for old imports)

TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"
BASE_PG_URL = os.environ.get("COURSE_TEST_DATABASE_URL")
# Each test run gets its own PostgreSQL database, so parallel runs never meet.
PG_URL = None
if BASE_PG_URL:
    from sqlalchemy.engine import make_url

    PG_URL = make_url(BASE_PG_URL).set(database=f"clearing_test_{os.getpid()}").render_as_string(
        hide_password=False
    )


def _admin_sql(statement: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(BASE_PG_URL).set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(statement)


def pytest_sessionstart(session):
    if PG_URL:
        name = PG_URL.rsplit("/", 1)[1]
        _admin_sql(f'DROP DATABASE IF EXISTS "{name}"')
        _admin_sql(f'CREATE DATABASE "{name}"')


def pytest_report_header(config):
    return f"database: {'PostgreSQL ' + PG_URL if PG_URL else 'SQLite (temporary files)'}"


def pytest_sessionfinish(session, exitstatus):
    """Drop the run's database; under CI=true a skipped test fails the run."""
    if PG_URL:
        _admin_sql(f'DROP DATABASE IF EXISTS "{PG_URL.rsplit("/", 1)[1]}" WITH (FORCE)')
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if os.environ.get("CI") == "true" and skipped and exitstatus == 0:
        reporter.write_line(f"CI: {len(skipped)} test(s) skipped; under CI a skip is a failure.")
        session.exitstatus = 1


def base_config(tmp_path, **overrides) -> dict:
    """Test settings on a throwaway instance folder and database."""
    config = {
        "TESTING": True,
        "COURSE_INSTANCE_PATH": str(tmp_path / "instance"),
        "COURSE_DATABASE_URL": PG_URL or f"sqlite:///{tmp_path / 'test.db'}",
        "COURSE_SECRET_KEY": TEST_SECRET,
        "COURSE_BASE_URL": "http://localhost",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        # Fast hashing in tests; production uses scrypt.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        # Huey's testing mode: queued mail is sent as the request commits, so a test reads
        # the outbox right after the request. tests/integration/test_jobs.py runs a real queue.
        "JOBS_IMMEDIATE": True,
    }
    config.update(overrides)
    return config


class FreshContextClient(FlaskClient):
    """Each request runs in its own app context, as in production: no shared `g` or session."""

    def open(self, *args, **kwargs):
        from flask import has_app_context

        if has_app_context():
            db.session.commit()  # the test's own transaction must not hold SQLite's lock
        with self.application.app_context():
            return super().open(*args, **kwargs)


# PostgreSQL: the schema is built once per run, then emptied between tests (much faster
# than dropping it). A test that rebuilds the schema itself sets this back to False.
pg_schema_ready = False


def reset_database(app) -> None:
    """Give the test an empty database: a new SQLite file, or emptied PostgreSQL tables."""
    global pg_schema_ready
    with app.app_context():
        if not PG_URL:
            db.create_all()
            return
        if pg_schema_ready:
            tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
            db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        else:
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
            db.create_all()
            pg_schema_ready = True
        db.session.commit()


@pytest.fixture
def make_app(tmp_path):
    """Build an app with extra settings on the test database."""
    made = []

    def factory(reset=True, **overrides):
        app = create_app(base_config(tmp_path, **overrides))
        app.test_client_class = FreshContextClient
        if reset:
            reset_database(app)
        made.append(app)
        return app

    yield factory
    for app in made:  # close pooled connections so files and PostgreSQL sessions go away
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    app = make_app()
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


_counter = itertools.count(1)


@pytest.fixture
def make_user(app):
    """Factory: make_user(role=..., email=..., name=..., cohort=...) -> User (committed)."""
    from course.accounts import create_user
    from course.cohorts.models import Membership

    def factory(role=Role.LEADER, *, email=None, name=None, password=PASSWORD, cohort=None):
        n = next(_counter)
        user = create_user(email or f"person{n}@example.org", name or f"Person {n}", role, password)
        if cohort is not None:
            member_role = Role.FACILITATOR if user.is_facilitator else Role.LEADER
            db.session.add(Membership(user_id=user.id, cohort_id=cohort.id, role=member_role))
        db.session.commit()
        return user

    return factory


@pytest.fixture
def make_leader(make_user):
    return lambda **kw: make_user(Role.LEADER, **kw)


@pytest.fixture
def make_facilitator(make_user):
    return lambda **kw: make_user(Role.FACILITATOR, **kw)


@pytest.fixture
def make_admin(make_user):
    return lambda **kw: make_user(Role.ADMIN, **kw)


@pytest.fixture
def make_cohort(app, make_facilitator):
    """Factory: make_cohort(name=..., facilitator=...) -> Cohort run by that facilitator."""
    from course.cohorts.cohorts import create_cohort

    def factory(name="Test cohort", facilitator=None):
        cohort = create_cohort(name, facilitator or make_facilitator())
        db.session.commit()
        return cohort

    return factory


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def count_queries(app):
    """Count the SQL statements run inside a `with count_queries() as counted:` block."""

    @contextmanager
    def counter():
        statements: list[str] = []

        def record(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", record)

    return counter
