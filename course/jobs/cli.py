"""The `jobs` commands: run a consumer, and count what waits and what failed."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import AppGroup

from course.extensions import queue
from course.jobs.outbox import failed_count, sweep
from course.jobs.queue import counts, make_consumer

jobs = AppGroup("jobs", help="The job queue: outgoing mail and other background work.")


@jobs.command("worker")
@click.option("--workers", "-w", default=2, show_default=True, type=click.IntRange(1, 32),
              help="Threads running jobs at once (sending mail mostly waits on the network).")
def worker(workers: int) -> None:
    """Run a consumer until SIGINT (graceful) or SIGTERM (at once)."""
    if queue.immediate:
        raise click.ClickException("JOBS_IMMEDIATE is set: jobs run in the web process and "
                                   "there is no queue to consume.")
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    storage = "Redis" if current_app.config.get("COURSE_REDIS_URL") else "SQLite"
    click.echo(f"Consuming the {queue.name!r} queue ({storage}) with {workers} worker(s).")
    # Emails left behind by a consumer that was killed are queued again before starting
    # (the sweep runs every minute as well).
    sweep.call_local()
    make_consumer(workers).run()


@jobs.command("status")
def status() -> None:
    """Print queued, scheduled and failed counts, one line each."""
    waiting = counts()
    click.echo(f"queued: {waiting['queued']}")
    click.echo(f"scheduled: {waiting['scheduled']}")
    click.echo(f"failed: {failed_count()}")
