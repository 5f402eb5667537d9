"""Building the weekly digests for 1,000 leaders: time, and SQL statements per batch.

Run: .venv/bin/python benchmarks/digests.py [--leaders 1000] [--cohorts 10] [--runs 3]

Seeds a temporary SQLite database with `--leaders` leaders in `--cohorts` cohorts (one
facilitator each), every one of them due a digest on Monday morning and holding what a
digest shows: lessons done and in progress (where to continue), a facilitator's reply
(a notice), a check-in due, two review questions. Then, in this process:

- build: `send_due(--dry-run)` over every leader at Monday 08:00 London, the whole email
  rendered (text and HTML) but nothing queued, best of `--runs`; the SQL statements are
  counted with an SQLAlchemy `before_cursor_execute` listener, in total and for batch
  sizes 100 and 200 (the same count per batch whatever the batch size: constant);
- send: the same run for real, queuing the emails in the outgoing_emails ledger (one
  INSERT each, in a savepoint) and letting each section acknowledge, timed once.

Target (issue 11): building < 10 s for 1,000 leaders, a constant number of queries per batch.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, insert  # noqa: E402

from course import create_app  # noqa: E402
from course.cohorts.models import Cohort, Membership  # noqa: E402
from course.extensions import db  # noqa: E402
from course.models import Role, User  # noqa: E402
from course.notices.models import Notice  # noqa: E402
from course.plans.models import Plan  # noqa: E402
from course.progress.models import LessonProgress  # noqa: E402
from course.review.models import ReviewItem  # noqa: E402

MONDAY = datetime(2026, 3, 23, 8, 0, tzinfo=UTC)  # 08:00 GMT in London
TARGET_S = 10.0


def config(folder: Path) -> dict:
    return {
        "TESTING": True,
        "COURSE_INSTANCE_PATH": str(folder / "instance"),
        "COURSE_DATABASE_URL": f"sqlite:///{folder / 'digests.db'}",
        "COURSE_SECRET_KEY": "benchmark-secret-key-that-is-long-enough-0123456789",
        "COURSE_BASE_URL": "https://clearing.example.org",
        "JOBS_IMMEDIATE": False,  # queued for a consumer, as in production
    }


def seed(app, leaders: int, cohorts: int) -> None:
    """Bulk rows (Core inserts): the benchmark times the digests, not the seeding."""
    catalog = app.extensions["catalog"]
    lessons = catalog.ordered_lessons
    joined = MONDAY - timedelta(days=30)
    db.session.execute(insert(User), [
        {"id": n, "email": f"facilitator{n}@example.org", "name": f"Facilitator {n}",
         "role": Role.FACILITATOR, "password_hash": "x", "active": True}
        for n in range(1, cohorts + 1)])
    db.session.execute(insert(Cohort), [{"id": n, "name": f"Cohort {n}"}
                                        for n in range(1, cohorts + 1)])
    first = cohorts + 1
    ids = range(first, first + leaders)
    db.session.execute(insert(User), [
        {"id": n, "email": f"leader{n}@example.org", "name": f"Leader {n}",
         "role": Role.LEADER, "password_hash": "x", "active": True} for n in ids])
    db.session.execute(insert(Membership), [
        {"user_id": n, "cohort_id": n % cohorts + 1, "role": Role.FACILITATOR,
         "joined_at": joined} for n in range(1, cohorts + 1)] + [
        {"user_id": n, "cohort_id": n % cohorts + 1, "role": Role.LEADER, "joined_at": joined}
        for n in ids])
    progress, plans, notices, reviews = [], [], [], []
    for n in ids:
        done = n % len(lessons)
        for position, lesson in enumerate(lessons[:done + 1]):
            progress.append({"user_id": n, "lesson_id": lesson.id, "started_at": joined,
                             "updated_at": joined + timedelta(days=position),
                             "completed_at": joined if position < done else None})
        lesson = lessons[done]
        plans.append({"user_id": n, "lesson_id": lesson.id, "what": lesson.title,
                      "due_on": MONDAY.date(), "status": "active",
                      "if_then": "If the meeting ends early then I will try it"})
        notices.append({"user_id": n, "kind": "reply", "actor_id": n % cohorts + 1,
                        "lesson_id": lesson.id, "path": f"/lessons/{lesson.id}#reflection-a",
                        "subject": f"reflection:{n}", "created_at": joined})
        quiz = catalog.quizzes.get(lesson.quiz_id) if lesson.quiz_id else None
        for slot, question in enumerate((quiz.questions if quiz else ())[:2], 1):
            reviews.append({"user_id": n, "lesson_id": lesson.id, "question_id": question.id,
                            "slot": slot, "version": question.version, "first_correct": False,
                            "started_on": MONDAY.date() - timedelta(days=3),
                            "due_on": MONDAY.date(), "review_number": 1, "finished": False})
    for model, rows in ((LessonProgress, progress), (Plan, plans), (Notice, notices),
                        (ReviewItem, reviews)):
        db.session.execute(insert(model), rows)
    db.session.commit()


class Counter:
    """SQL statements run while active (an SQLAlchemy event listener on the engine)."""

    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def _record(self, *args):
        self.count += 1

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._record)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--leaders", type=int, default=1000)
    parser.add_argument("--cohorts", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from course.digests.engine import send_due

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(config(Path(folder)))
        with app.app_context():
            db.create_all()
            start = time.perf_counter()
            seed(app, args.leaders, args.cohorts)
            print(f"seeded {args.leaders} leaders in {args.cohorts} cohorts "
                  f"in {time.perf_counter() - start:.1f} s")
            per_batch = {}
            for size in (100, 200):
                with Counter(db.engine) as counted:
                    report = send_due(MONDAY, dry_run=True, batch_size=size)
                batches = -(-args.leaders // size)
                per_batch[size] = counted.count
                print(f"batch size {size}: {counted.count} statements for {batches} batches "
                      f"(+1 empty read ending the loop; facilitators' digests included); "
                      f"{report.sent['leader digest']} digests would go")
            batch_cost = (per_batch[100] - per_batch[200]) / (-(-args.leaders // 100)
                                                              - -(-args.leaders // 200))
            fixed = per_batch[100] - batch_cost * -(-args.leaders // 100)
            print(f"=> {batch_cost:.0f} statements per batch of leaders, whatever its size, "
                  f"+ {fixed:.0f} for the run (the facilitators' digests, the loop's end)")
            timings = []
            for _ in range(args.runs):
                start = time.perf_counter()
                report = send_due(MONDAY, dry_run=True)
                timings.append(time.perf_counter() - start)
            best = min(timings)
            print(f"build (dry run, rendered, nothing queued): best {best:.2f} s of "
                  f"{args.runs}, {best / args.leaders * 1000:.2f} ms a leader "
                  f"(target < {TARGET_S:.0f} s: {'met' if best < TARGET_S else 'MISSED'})")
            with Counter(db.engine) as counted:
                start = time.perf_counter()
                report = send_due(MONDAY)
                spent = time.perf_counter() - start
            print(f"send (queued in the ledger, sections acknowledged): {spent:.2f} s, "
                  f"{counted.count} statements; sent {dict(report.sent)}")
            with Counter(db.engine) as counted:
                start = time.perf_counter()
                again = send_due(MONDAY)
            print(f"run again: {time.perf_counter() - start:.2f} s, {counted.count} "
                  f"statements; sent {dict(again.sent)}, already {dict(again.already)}")


if __name__ == "__main__":
    main()
