"""The job queue for real (SQLite; also Redis + PostgreSQL on the PostgreSQL pass): mail
waits for the commit, survives failures and restarts, and goes exactly once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from course.accounts import create_user
from course.extensions import db, queue
from course.jobs.models import OutgoingEmail
from course.jobs.outbox import deliver
from course.jobs.queue import make_consumer
from course.mail import send_mail
from tests.conftest import PG_URL
from tests.factories import read_outbox
from tests.integration.smtp_fake import FakeSMTPServer
from tests.production.harness import REDIS_URL, redis_answers

ROOT = Path(__file__).resolve().parents[2]
# Redis + PostgreSQL on the PostgreSQL pass (Makefile test-postgres), SQLite always.
BACKENDS = ["sqlite", "redis"] if PG_URL else ["sqlite"]
SETTINGS = {"JOBS_IMMEDIATE": False, "MAIL_RETRIES": 5, "MAIL_RETRY_DELAY": 1,
            "COURSE_SMTP_TIMEOUT": 1, "MAIL_SWEEP_AFTER": 0, "MAIL_CLAIM_TIMEOUT": 3}


def wait_for(predicate, timeout: float = 20.0, what: str = "the queue") -> None:
    """Poll until predicate() is true, failing after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


@pytest.fixture(params=BACKENDS)
def settings(request) -> dict:
    """A real queue of its own: SQLite in the test's instance folder, or a Redis queue
    with a name (key prefix) used by this test only, emptied afterwards."""
    values = dict(SETTINGS, JOBS_QUEUE_NAME=f"clearing-test-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    if request.param == "redis":
        if not redis_answers():
            pytest.skip(f"Redis is not answering at {REDIS_URL}")
        values["COURSE_REDIS_URL"] = REDIS_URL
    yield values
    queue.storage.flush_all()


@pytest.fixture
def qapp(make_app, settings):
    """An app on a real queue, its context pushed."""
    config = dict(settings, MAIL_SWEEP_AFTER=timedelta(0),
                  MAIL_CLAIM_TIMEOUT=timedelta(seconds=settings["MAIL_CLAIM_TIMEOUT"]))
    app = make_app(**config)
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def smtp(qapp):
    server = FakeSMTPServer()
    qapp.config["COURSE_SMTP_URL"] = server.url
    yield server
    server.close()


@contextmanager
def consumer(workers: int = 2):
    """A consumer in this process, in threads; stopped gracefully afterwards."""
    running = make_consumer(workers, handle_signals=False)
    running.start()
    try:
        yield running
    finally:
        running.stop(graceful=True)


def consumer_process(qapp, settings: dict, workers: int = 2) -> subprocess.Popen:
    """A consumer in its own process, on the same database, queue and mail server."""
    config = dict(settings, TESTING=True, workers=workers,
                  COURSE_INSTANCE_PATH=qapp.instance_path,
                  COURSE_DATABASE_URL=qapp.config["COURSE_DATABASE_URL"],
                  COURSE_SECRET_KEY=qapp.config["COURSE_SECRET_KEY"],
                  COURSE_SMTP_URL=qapp.config.get("COURSE_SMTP_URL"))
    return subprocess.Popen([sys.executable, "tests/integration/jobs_consumer.py",
                             json.dumps(config)], cwd=ROOT, env=dict(os.environ,
                            PYTHONPATH=str(ROOT)), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def read(statement):
    """One value, read without holding the SQLite write lock afterwards (outside a request
    every transaction here begins IMMEDIATE, and the consumers need that lock)."""
    value = db.session.scalar(statement)
    db.session.rollback()
    return value


def statuses() -> dict[str, int]:
    db.session.rollback()  # a fresh snapshot: consumers write from other connections
    rows = db.session.execute(select(OutgoingEmail.status, func.count())
                              .group_by(OutgoingEmail.status)).all()
    db.session.rollback()
    return dict(rows)


def jobs_status(app) -> str:
    """`flask jobs status`, run in this test's app context (then its read is ended)."""
    output = app.test_cli_runner().invoke(args=["jobs", "status"]).output
    db.session.rollback()
    return output


def queue_emails(count: int, prefix: str = "e") -> list[int]:
    ids = [send_mail(f"{prefix}{n}@example.org", f"Hello {n}", f"Body {n}",
                     key=f"test:{prefix}{n}").id for n in range(count)]
    db.session.commit()
    return ids


def test_a_request_returns_before_the_consumer_sends(qapp):
    create_user("lee@example.org", "Lee Leader", "leader", "a calm walk by the river")
    db.session.commit()
    client = qapp.test_client()
    response = client.post("/forgot", data={"email": "lee@example.org"})
    assert response.status_code == 200
    assert read_outbox(qapp) == [] and statuses() == {"queued": 1}
    assert jobs_status(qapp) == "queued: 1\nscheduled: 0\nfailed: 0\n"
    with consumer():
        wait_for(lambda: len(read_outbox(qapp)) == 1)
    [message] = read_outbox(qapp)
    assert message["To"] == "lee@example.org" and "/reset/" in message.get_content()
    wait_for(lambda: statuses() == {"sent": 1})
    assert read(select(OutgoingEmail.body)) == ""  # the reset link is not kept
    assert read(select(OutgoingEmail.sent_at)) is not None
    assert jobs_status(qapp) == "queued: 0\nscheduled: 0\nfailed: 0\n"


def test_a_rolled_back_transaction_sends_nothing(qapp):
    send_mail("gone@example.org", "Never", "This change was rolled back", key="test:gone")
    db.session.rollback()
    deliver([12345])  # a job naming a row that never committed finds nothing to send
    queue_emails(1, prefix="kept")
    with consumer():
        wait_for(lambda: statuses() == {"sent": 1})
        time.sleep(0.3)
    assert [m["To"] for m in read_outbox(qapp)] == ["kept0@example.org"]


@pytest.mark.parametrize("failure", ["refuse", "hang", "drop"])
def test_a_failing_mail_server_is_retried_and_the_email_sent_once(qapp, smtp, failure, caplog):
    smtp.mode = failure
    create_user("lee@example.org", "Lee Leader", "leader", "a calm walk by the river")
    db.session.commit()
    with consumer():
        started = time.monotonic()
        response = qapp.test_client().post("/forgot", data={"email": "lee@example.org"})
        assert response.status_code == 200
        assert time.monotonic() - started < 0.9  # the web never waits on the mail server
        wait_for(lambda: read(select(OutgoingEmail.attempts)) >= 2, what="two failed attempts")
        assert smtp.messages == [] and statuses() in ({"retry": 1}, {"sending": 1})
        smtp.mode = "ok"
        wait_for(lambda: statuses() == {"sent": 1}, timeout=30)
    assert [m["To"] for m in smtp.messages] == ["lee@example.org"]
    assert "will retry" in caplog.text and "/reset/" not in caplog.text


def test_after_the_last_retry_it_is_failed_and_counted(make_app, settings, caplog):
    app = make_app(**dict(settings, MAIL_RETRIES=1, MAIL_SWEEP_AFTER=timedelta(0),
                          MAIL_CLAIM_TIMEOUT=timedelta(seconds=3)))
    server = FakeSMTPServer()
    server.mode = "refuse"
    app.config["COURSE_SMTP_URL"] = server.url
    try:
        with app.app_context():
            send_mail("lee@example.org", "Reset", "secret-token-link", key="test:reset")
            db.session.commit()
            with consumer():
                wait_for(lambda: statuses() == {"failed": 1}, timeout=30)
            assert jobs_status(app).splitlines()[2] == "failed: 1"
            assert read(select(OutgoingEmail.last_error)) == "SMTPConnectError"
            db.session.remove()
    finally:
        server.close()
    assert "failed for good" in caplog.text and "secret-token-link" not in caplog.text


def test_two_consumers_and_each_email_enqueued_twice_send_once(qapp, smtp, settings):
    ids = queue_emails(12)
    deliver(ids)  # the same emails enqueued again, twice over
    deliver(list(reversed(ids)))
    first, second = consumer_process(qapp, settings), consumer_process(qapp, settings)
    try:
        wait_for(lambda: statuses() == {"sent": 12}, timeout=40)
        time.sleep(0.5)  # any duplicate would have arrived by now
    finally:
        stop(first)
        stop(second)
    ids_seen = smtp.message_ids()
    assert len(ids_seen) == 12 and len(set(ids_seen)) == 12


def test_a_consumer_killed_mid_batch_then_restarted_sends_each_once(qapp, smtp, settings):
    queue_emails(10)  # one commit: one job for all ten
    smtp.hold_after = 3  # the fourth message waits for its reply
    first = consumer_process(qapp, settings, workers=1)
    try:
        wait_for(lambda: len(smtp.messages) == 3 and smtp.holding.is_set(), timeout=30)
        first.kill()  # SIGKILL: no clean-up at all, mid-send
        first.wait(10)
    finally:
        stop(first)
    smtp.hold_after = None
    smtp.release.set()
    assert statuses() == {"sent": 3, "sending": 1, "queued": 6}
    time.sleep(settings["MAIL_CLAIM_TIMEOUT"])  # the dead consumer's claim times out
    again = consumer_process(qapp, settings)
    try:
        wait_for(lambda: statuses() == {"sent": 10}, timeout=40)
        time.sleep(0.5)
    finally:
        stop(again)
    assert sorted(m["To"] for m in smtp.messages) == sorted(
        f"e{n}@example.org" for n in range(10))
    assert len(set(smtp.message_ids())) == 10
