"""Migrations run forward, back and forward again, and match the models exactly."""

from flask_migrate import check, downgrade, upgrade
from sqlalchemy import inspect, text

from course.extensions import db
from course.migrations_cli import init_migrations
from tests.conftest import PG_URL


def empty_database(app) -> None:
    import tests.conftest

    tests.conftest.pg_schema_ready = False  # the next test rebuilds the schema from models
    with app.app_context():
        if PG_URL:
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()


def table_names(app) -> set[str]:
    with app.app_context():
        return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_downgrade_upgrade_and_no_drift(make_app):
    app = make_app(reset=False)
    init_migrations(app)
    empty_database(app)
    with app.app_context():
        upgrade()
    tables = table_names(app)
    assert {"users", "cohorts", "memberships", "invitations", "user_sessions"} <= tables
    with app.app_context():
        downgrade(revision="-1")
        upgrade()
        check()  # raises when autogenerate finds a difference between models and migrations
        db.session.remove()
    assert table_names(app) == tables
    assert tables == set(db.metadata.tables)


def test_flask_db_upgrade_from_the_command_line(tmp_path):
    import os
    import sqlite3
    import subprocess
    import sys

    env = {**os.environ, "COURSE_INSTANCE_PATH": str(tmp_path), "COURSE_ENV": "development",
           "COURSE_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    for args in (["db", "upgrade"], ["db", "downgrade"], ["db", "upgrade"], ["db", "check"]):
        done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    with sqlite3.connect(tmp_path / "cli.db") as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert {"users", "reflections", "nudges"} <= tables


def test_web_workers_do_not_load_alembic():
    """Flask-Migrate (about 11 MB) is loaded by `flask db` and tests only."""
    import subprocess
    import sys

    code = ("import sys; from course import create_app; "
            "create_app({'TESTING': True, 'COURSE_SECRET_KEY': 'k' * 40}); "
            "print('alembic' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert done.stdout.strip() == "False", done.stderr


def test_upgrading_keeps_the_rows_that_hang_off_a_rebuilt_table(make_app):
    """On SQLite, changing a table's columns rebuilds it (a new table, the rows copied, the
    old one dropped). With foreign keys enforced, dropping the old table deletes what
    refers to it, ON DELETE CASCADE: a leader's saved versions and their replies would go
    with the upgrade. Upgrading across such a rebuild must keep every row (and the
    reflections' stored `written` is worked out for the rows already there)."""
    app = make_app(reset=False)
    init_migrations(app)
    empty_database(app)
    with app.app_context():
        upgrade(revision="b7d2e4f61a20")  # before the circle rebuilt reflections
        db.session.execute(text(
            "INSERT INTO users (id, email, name, role, password_hash, active, created_at,"
            " password_changed_at)"
            " VALUES (1, 'a@example.org', 'A', 'leader', 'x', :yes, '2026-01-01 00:00:00',"
            " '2026-01-01 00:00:00')"),
            {"yes": True})
        db.session.execute(text(
            "INSERT INTO reflections (id, user_id, lesson_id, prompt_id, text, shared,"
            " created_at, updated_at) VALUES (1, 1, 'l', 'p', 'my words', :yes,"
            " '2026-01-01 00:00:00', '2026-01-01 00:00:00')"), {"yes": True})
        db.session.execute(text(
            "INSERT INTO reflections (id, user_id, lesson_id, prompt_id, text, shared,"
            " created_at, updated_at) VALUES (2, 1, 'l', 'q', '   ', :no,"
            " '2026-01-01 00:00:00', '2026-01-01 00:00:00')"), {"no": False})
        db.session.execute(text(
            "INSERT INTO reflection_versions (id, reflection_id, text, created_at)"
            " VALUES (1, 1, 'my words', '2026-01-01 00:00:00')"))
        db.session.commit()
        db.session.remove()
        upgrade()
        counts = {table: db.session.scalar(text(f"SELECT count(*) FROM {table}"))
                  for table in ("users", "reflections", "reflection_versions")}
        written = dict(db.session.execute(text("SELECT prompt_id, written FROM reflections")).all())
        db.session.remove()
    assert counts == {"users": 1, "reflections": 2, "reflection_versions": 1}
    assert {prompt: bool(value) for prompt, value in written.items()} == {"p": True, "q": False}
