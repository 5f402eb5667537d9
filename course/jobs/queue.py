"""The job queue's storage and consumer: SQLite in the instance folder by default, Redis
when COURSE_REDIS_URL is set, so every web worker and every consumer share one queue."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, current_app, has_app_context
from huey.consumer import Consumer
from huey.storage import RedisStorage, SqliteStorage

from course.extensions import queue

_bound: dict[str, Flask] = {}  # the app whose context jobs run in, in this process


def init_app(app: Flask) -> None:
    """Give the shared queue its storage from the app's settings; jobs run in this app."""
    redis_url = app.config.get("COURSE_REDIS_URL")
    if redis_url:
        storage_class, options = RedisStorage, {"url": redis_url}
    else:
        folder = Path(app.instance_path)
        folder.mkdir(parents=True, exist_ok=True)
        storage_class, options = SqliteStorage, {"filename": str(folder / "jobs.db")}
    queue.storage.close()
    queue.name = app.config["JOBS_QUEUE_NAME"]
    queue.storage_class, queue.storage_kwargs = storage_class, options
    # Immediate mode (Huey's testing mode) runs each job as it is enqueued, on storage in
    # memory; set before the storage is made, which create_storage() then chooses.
    queue._immediate = bool(app.config["JOBS_IMMEDIATE"])
    queue.storage = queue.create_storage()
    _bound["app"] = app


@contextmanager
def job_context():
    """A fresh app context for one job: its own database session, never a request's."""
    app = current_app._get_current_object() if has_app_context() else _bound["app"]
    with app.app_context():
        yield app


class _Consumer(Consumer):
    """Huey's consumer; it installs signal handlers only when asked (tests run it in
    threads beside pytest, which keeps its own)."""

    handle_signals = True

    def _set_signal_handlers(self):
        if self.handle_signals and threading.current_thread() is threading.main_thread():
            super()._set_signal_handlers()


def make_consumer(workers: int = 2, handle_signals: bool = True) -> Consumer:
    """A consumer of the bound app's queue with `workers` threads.

    As Huey does, SIGINT (Ctrl-C, `make run`, systemd's KillSignal=SIGINT) stops it
    gracefully: running jobs finish, each bounded by COURSE_SMTP_TIMEOUT, within 30 s at
    most; SIGTERM stops it at once. A job cut short is not lost: its emails stay in the
    ledger and the sweep queues them again once their claim times out.
    """
    consumer = _Consumer(queue, workers=workers, worker_type="thread", periodic=True,
                         shutdown_timeout=30,
                         initial_delay=0.05, max_delay=1.0)
    consumer.handle_signals = handle_signals
    return consumer


def counts() -> dict[str, int]:
    """Jobs waiting to run now, and jobs waiting for a later time (retries)."""
    return {"queued": queue.pending_count(), "scheduled": queue.scheduled_count()}
