"""Server time and SQL statements of the circle page for a large cohort.

Run: .venv/bin/python benchmarks/circle.py [--runs 30] [--leaders 200 --posts 2000 --replies 6000]

Seeds a temporary SQLite database through the models' tables (a cohort of `--leaders`
leaders and its facilitator; `--posts` items shared with "My cohort", three in four
reflections with a saved version and one in four experiment entries, over two weeks;
`--replies` replies by peers and the facilitator spread over them; a second, small
cohort of five leaders with a post each), then, in this process after one warm-up,
requests through Flask's test client, each timed on the server side: the circle's first
page, a page in the middle, one post's page (as a leader) and the facilitator's circle.
The statements per request are counted for the large cohort and the small one: the
count must not grow with the cohort. Target: the circle page under 50 ms.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, insert, select  # noqa: E402

from course import create_app  # noqa: E402
from course.accounts import _hash  # noqa: E402
from course.circle.models import CirclePost, CircleReply  # noqa: E402
from course.cohorts.models import Cohort, Membership  # noqa: E402
from course.experiments.models import ExperimentEntry  # noqa: E402
from course.extensions import db  # noqa: E402
from course.models import Role, User  # noqa: E402
from course.reflections.models import Reflection, ReflectionVersion  # noqa: E402
from course.self_assessment.models import SelfAssessment  # noqa: E402

TARGET_MS = 50.0
PASSWORD = "benchmark walk by the river"
SEED = 20261129
WORDS = ("board", "residents", "forum", "listen", "minutes", "complaint", "team", "named",
         "thread", "trust", "answer", "public", "week", "calm", "question", "council")


def config(db_path: Path) -> dict:
    return {
        "TESTING": True,
        "COURSE_INSTANCE_PATH": str(db_path.parent / "instance"),
        "COURSE_DATABASE_URL": f"sqlite:///{db_path}",
        "COURSE_SECRET_KEY": "benchmark-secret-key-that-is-long-enough-0123456789",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }


def words(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high))).capitalize() + "."


def seed_cohort(app, rng, name: str, leaders: int, posts: int, replies: int) -> dict:
    """One cohort, its facilitator, its leaders' posts and replies (bulk inserts)."""
    catalog = app.extensions["catalog"]
    slots = [(lesson, prompt) for lesson in catalog.ordered_lessons
             for prompt in lesson.reflections]
    now = datetime.now(UTC)
    password_hash = _hash(PASSWORD)
    cohort = Cohort(name=name)
    db.session.add(cohort)
    db.session.flush()

    def person(email: str, display: str, role: Role) -> int:
        user = User(email=email, name=display, role=role, password_hash=password_hash)
        db.session.add(user)
        db.session.flush()
        db.session.add(Membership(user_id=user.id, cohort_id=cohort.id, role=role))
        db.session.add(SelfAssessment(user_id=user.id, stage="before", skipped=True))
        return user.id

    slug = name.lower().replace(" ", "-")
    facilitator = person(f"fran-{slug}@example.org", "Fran Facilitator", Role.FACILITATOR)
    people = [person(f"leader{n}-{slug}@example.org", f"Leader {n}", Role.LEADER)
              for n in range(leaders)]
    used: set[tuple[int, int]] = set()
    post_rows = []
    for n in range(posts):
        author = people[n % leaders]
        when = now - timedelta(minutes=rng.randint(0, 20_000))
        if n % 4 == 3:
            lesson = rng.choice(catalog.ordered_lessons)
            item = db.session.execute(insert(ExperimentEntry).values(
                user_id=author, lesson_id=lesson.id, done_on=when.date(),
                text=words(rng, 20, 90), measures={}, audience="cohort", shared_at=when,
                created_at=when)).inserted_primary_key[0]
            post_rows.append({"user_id": author, "entry_id": item, "posted_at": when,
                              "created_at": when})
            continue
        slot = next(i for i in range(rng.randrange(len(slots)), len(slots) * 2)
                    if (author, i % len(slots)) not in used) % len(slots)
        used.add((author, slot))
        lesson, prompt = slots[slot]
        text = words(rng, 30, 150)
        item = db.session.execute(insert(Reflection).values(
            user_id=author, lesson_id=lesson.id, prompt_id=prompt.id, text=text,
            audience="cohort", shared_at=when, created_at=when, updated_at=when,
            saved_at=when)).inserted_primary_key[0]
        db.session.execute(insert(ReflectionVersion).values(reflection_id=item, text=text,
                                                            created_at=when))
        post_rows.append({"user_id": author, "reflection_id": item, "posted_at": when,
                          "created_at": when})
    db.session.execute(insert(CirclePost), post_rows)
    post_ids = list(db.session.scalars(
        select(CirclePost.id).where(CirclePost.user_id.in_(people))))
    db.session.execute(insert(CircleReply), [
        {"post_id": rng.choice(post_ids),
         "author_id": facilitator if n % 10 == 0 else rng.choice(people),
         "text": words(rng, 8, 60), "created_at": now - timedelta(minutes=rng.randint(0, 9000))}
        for n in range(replies)])
    db.session.commit()
    return {"cohort": cohort.id, "leader": f"leader1-{slug}@example.org",
            "facilitator": f"fran-{slug}@example.org", "post": post_ids[len(post_ids) // 2]}


def measure(app, seeded: dict, runs: int) -> dict:
    """Best and median server time and statements per request of each page."""
    statements: list[str] = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute",
                     lambda *args: statements.append(args[2]))
    leader, facilitator = app.test_client(), app.test_client()
    leader.post("/login", data={"email": seeded["leader"], "password": PASSWORD})
    facilitator.post("/login", data={"email": seeded["facilitator"], "password": PASSWORD})
    pages = {
        "circle, page 1": (leader, "/circle"),
        "circle, page 50": (leader, "/circle?page=50"),
        "one post": (leader, f"/circle/posts/{seeded['post']}"),
        "facilitator's circle": (facilitator, f"/facilitate/cohorts/{seeded['cohort']}/circle"),
        "baseline: /account": (leader, "/account"),
    }
    results = {}
    for name, (client, path) in pages.items():
        assert client.get(path).status_code == 200, path  # warm-up
        times = []
        for _ in range(runs):
            statements.clear()
            start = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, path
        results[name] = {"best": min(times), "median": statistics.median(times),
                         "queries": len(statements), "bytes": len(response.data)}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--leaders", type=int, default=200)
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--replies", type=int, default=6000)
    args = parser.parse_args()
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "circle.db"
        app = create_app(config(db_path))
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            large = seed_cohort(app, rng, "Large cohort", args.leaders, args.posts,
                                args.replies)
            small = seed_cohort(app, rng, "Small cohort", 5, 5, 10)
            seconds = time.perf_counter() - started
        print(f"Circle, {args.runs} runs each (Python {sys.version.split()[0]}, SQLite); "
              f"seeded in {seconds:.1f}s")
        for label, seeded, size in (("large", large, (args.leaders, args.posts, args.replies)),
                                    ("small", small, (5, 5, 10))):
            print(f"\n{label}: {size[0]:,} leaders, {size[1]:,} posts, {size[2]:,} replies")
            print(f"{'page':24} {'best':>9} {'median':>9} {'queries':>8} {'size':>8}")
            result = measure(app, seeded, args.runs)
            for name, figures in result.items():
                print(f"{name:24} {figures['best']:7.1f}ms {figures['median']:7.1f}ms "
                      f"{figures['queries']:8} {figures['bytes'] / 1024:6.0f}KB")
            if label == "large":
                large_result = result
        constant = all(large_result[name]["queries"] == result[name]["queries"]
                       for name in result)
        best = large_result["circle, page 1"]["best"]
        print(f"\ntarget: circle page under {TARGET_MS:.0f} ms "
              f"({'met' if best < TARGET_MS else 'MISSED'}, best {best:.1f} ms); "
              f"statements the same for 5 and {args.leaders} leaders: "
              f"{'yes' if constant else 'NO'}")


if __name__ == "__main__":
    main()
