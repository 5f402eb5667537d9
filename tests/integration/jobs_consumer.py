"""A consumer process for tests/integration/test_jobs.py: `python jobs_consumer.py JSON`,
the JSON holding the app's settings (durations in seconds) and "workers"."""

import json
import sys
from datetime import timedelta

from course import create_app
from course.jobs.outbox import sweep
from course.jobs.queue import make_consumer

DURATIONS = ("MAIL_CLAIM_TIMEOUT", "MAIL_SWEEP_AFTER")

if __name__ == "__main__":
    settings = json.loads(sys.argv[1])
    workers = settings.pop("workers", 2)
    for name in DURATIONS:
        if name in settings:
            settings[name] = timedelta(seconds=settings[name])
    create_app(settings)
    sweep.call_local()  # as `flask jobs worker` does on start
    make_consumer(workers).run()
