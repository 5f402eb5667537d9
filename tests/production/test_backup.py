"""`flask --app wsgi backup PATH` while the app keeps writing: a consistent, complete copy."""

from __future__ import annotations

import sqlite3
import threading
import time

from tests.production.harness import (
    add_leaders,
    base_env,
    flask_cli,
    seeding_app,
)

PASSWORD = "backups taken while people write"
# Larger than one step of a stepwise backup (256 pages, 1 MB) several times over:
# about 6 MB of reflections.
FILLER_VERSIONS = 3000
FILLER_TEXT = "A longer reflection about what the front line hears first. " * 30


def _fill(app, leader_email: str) -> None:
    from sqlalchemy import insert, select

    from course.extensions import db
    from course.models import User
    from course.reflections.models import Reflection, ReflectionVersion

    lesson = app.extensions["catalog"].ordered_lessons[0]
    user_id = db.session.scalar(select(User.id).where(User.email == leader_email))
    reflection = Reflection(user_id=user_id, lesson_id=lesson.id,
                            prompt_id=lesson.reflections[0].id, text=FILLER_TEXT)
    db.session.add(reflection)
    db.session.flush()
    db.session.execute(insert(ReflectionVersion), [
        {"reflection_id": reflection.id, "text": FILLER_TEXT, "form_key": f"filler-{n}"}
        for n in range(FILLER_VERSIONS)
    ])
    db.session.commit()


def _writer(app, leader_email: str, stop: threading.Event, committed: list[int],
            errors: list[BaseException]) -> None:
    """Save reflections through the app's own service, one commit each, as fast as it can."""
    from course.accounts import find_user_by_email
    from course.extensions import db
    from course.reflections.reflections import save_reflection

    try:
        with app.app_context():
            lessons = app.extensions["catalog"].ordered_lessons
            user_id = find_user_by_email(leader_email).id
            n = 0
            while not stop.is_set():
                lesson = lessons[n % len(lessons)]
                save_reflection(user_id, lesson, lesson.reflections[0].id,
                                f"Write {n}: {FILLER_TEXT[:200]}", f"during-backup-{n}")
                db.session.commit()
                n += 1
                committed.append(n)
                time.sleep(0.002)  # a busy site, not a benchmark
            db.session.remove()
    except BaseException as error:  # noqa: B036 - reported by the test, not lost in a thread
        errors.append(error)


def test_backup_while_writing(tmp_path):
    instance = tmp_path / "instance"
    database_url = f"sqlite:///{instance / 'course.db'}"
    copy = tmp_path / "backups" / "course-copy.db"
    with seeding_app(instance, database_url) as app:
        (email,) = add_leaders(1, PASSWORD, "backup")
        _fill(app, email)
        stop, committed, errors = threading.Event(), [], []
        writer = threading.Thread(target=_writer, args=(app, email, stop, committed, errors))
        writer.start()
        try:
            while len(committed) < 20:  # the writer is in full flow
                time.sleep(0.01)
            before = len(committed)
            started = time.monotonic()
            done = flask_cli(base_env(instance, database_url), "backup", str(copy), timeout=60)
            took = time.monotonic() - started
            after = len(committed)
        finally:
            stop.set()
            writer.join(30)
        assert not errors, errors
        assert not writer.is_alive()
    assert "Backed up" in done.stdout
    assert after > before + 5, "the writer did not keep writing during the backup"

    target = sqlite3.connect(copy)
    try:
        assert target.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert target.execute("PRAGMA foreign_key_check").fetchall() == []
        (during,) = target.execute(
            "SELECT count(*) FROM reflection_versions WHERE form_key LIKE 'during-backup-%'"
        ).fetchone()
        (filler,) = target.execute(
            "SELECT count(*) FROM reflection_versions WHERE form_key LIKE 'filler-%'"
        ).fetchone()
        (users,) = target.execute("SELECT count(*) FROM users").fetchone()
    finally:
        target.close()
    assert filler == FILLER_VERSIONS and users == 2  # the leader and the cohort's facilitator
    # Everything committed before the backup began is in the copy, and nothing that was not
    # committed by the time it ended.
    assert before <= during <= after, (before, during, after)
    print(f"backup of {FILLER_VERSIONS + during} versions took {took:.1f} s "
          f"while {after - before} writes were committed")


class _WritesBetweenSteps:
    """Stands in for the sqlite3 module in course.cli: another connection commits a row
    after every step of the backup, as a busy site would while a large database is copied.
    A backup that restarts when the source changes then never finishes; it is stopped
    after MAX_STEPS steps instead of hanging the suite."""

    MAX_STEPS = 200

    def __init__(self, database: str):
        self.database = database
        self.steps = 0
        self.writes = 0

    def connect(self, path, *args, **kwargs):
        connection = sqlite3.connect(path, *args, **kwargs)
        if str(path) != self.database:
            return connection  # the copy being written
        return _Source(connection, self)


class _Source:
    def __init__(self, connection, spy: _WritesBetweenSteps):
        self._connection = connection
        self._spy = spy

    def __getattr__(self, name):
        return getattr(self._connection, name)

    def backup(self, target, **kwargs):
        spy = self._spy
        writer = sqlite3.connect(spy.database, timeout=15, isolation_level=None)

        def after_step(status, remaining, total):
            spy.steps += 1
            if spy.steps > spy.MAX_STEPS:
                raise RuntimeError(f"the backup restarted {spy.steps} times and never finished")
            writer.execute("INSERT INTO reflection_versions (reflection_id, text, created_at, "
                           "form_key) SELECT id, 'between steps', created_at, "
                           f"'between-{spy.steps}' FROM reflections LIMIT 1")
            spy.writes += 1

        try:
            return self._connection.backup(target, progress=after_step, **kwargs)
        finally:
            writer.close()


def test_backup_finishes_when_writes_land_between_its_steps(tmp_path, monkeypatch):
    import course.cli

    instance = tmp_path / "instance"
    database = instance / "course.db"
    copy = tmp_path / "copy.db"
    with seeding_app(instance, f"sqlite:///{database}") as app:
        (email,) = add_leaders(1, PASSWORD, "steps")
        _fill(app, email)
        spy = _WritesBetweenSteps(str(database))
        monkeypatch.setattr(course.cli, "sqlite3", spy)
        result = app.test_cli_runner().invoke(args=["backup", str(copy)])
    assert result.exit_code == 0 and spy.steps <= 10, (
        f"{spy.steps} steps: {result.output}{result.exception!r}"
    )
    target = sqlite3.connect(copy)
    try:
        assert target.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        (filler,) = target.execute(
            "SELECT count(*) FROM reflection_versions WHERE form_key LIKE 'filler-%'"
        ).fetchone()
    finally:
        target.close()
    assert filler == FILLER_VERSIONS
