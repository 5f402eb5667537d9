"""Server time and memory of a cohort's progress matrix, for 200 x 50 and 1,000 x 40.

Run: .venv/bin/python benchmarks/matrix.py [--runs 15] [--sizes 200x50,1000x40]

For each size the script seeds a temporary SQLite database (a synthetic course made of
the real lessons and quizzes repeated under new ids; leaders at varied stages, with
reflections, shares, quiz attempts and self-assessments), then measures in a fresh child
process, as a web worker would be: after one warm-up, `--runs` requests of the matrix
through Flask's test client, interleaved with two trivial pages, each timed on the server
side (the test client calls the WSGI app in-process; the body is read chunk by chunk and
dropped, as a server writes it to a socket). Best, median and best CPU time are reported,
with the SQL statements per request and the worker's RSS before and after the requests.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

if __name__ == "__main__":  # imported (benchmarks/load.py), the importer chose the code
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from course import create_app  # noqa: E402
from course.content import Catalog, Module  # noqa: E402

# Issue 10: page 1 of 200 x 50 in <= 20 ms over HTTP (benchmarks/load.py measures that) and
# <= 150 KB; the server time here, without HTTP, must be under it.
TARGETS_MS = {(200, 50): 20.0, (1000, 40): 300.0}
TARGETS_KB = {(200, 50): 150.0}
TARGET_RSS_MB = 80.0
PASSWORD = "benchmark walk by the river"
SEED = 20261122


def config(db_path: Path, url: str | None = None) -> dict:
    return {
        "TESTING": True,
        "COURSE_INSTANCE_PATH": str(db_path.parent / "instance"),
        "COURSE_DATABASE_URL": url or f"sqlite:///{db_path}",
        "COURSE_SECRET_KEY": "benchmark-secret-key-that-is-long-enough-0123456789",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
    }


def synthetic_catalog(real: Catalog, lessons: int) -> Catalog:
    """`lessons` lessons in modules of five: the real ones repeated under new ids."""
    source = [lesson for lesson in real.ordered_lessons if lesson.quiz_id in real.quizzes]
    made_lessons, made_quizzes, modules = [], {}, []
    for number in range(1, lessons + 1):
        original = source[(number - 1) % len(source)]
        module_number = (number - 1) // 5 + 1
        quiz = real.quizzes[original.quiz_id]
        quiz_id = f"{quiz.id}-{number}"
        made_quizzes[quiz_id] = replace(quiz, id=quiz_id)
        made_lessons.append(replace(
            original, id=f"{original.id}-{number}", quiz_id=quiz_id, number=number,
            module_id=f"module-{module_number}", order=(number - 1) % 5 + 1,
        ))
    for module_number in range(1, (lessons + 4) // 5 + 1):
        ids = tuple(made.id for made in made_lessons if made.module_id == f"module-{module_number}")
        modules.append(Module(f"module-{module_number}", f"Module {module_number}",
                              module_number, "", ids))
    if real.self_assessment is not None:
        made_quizzes[real.self_assessment.id] = real.self_assessment
    return Catalog.build(modules, made_lessons, list(made_quizzes.values()))


def _find():
    """load.find: a name from the first module that has it (the app's modules moved)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from load import find

    return find


def seed(db_path: Path, leaders: int, lessons: int, url: str | None = None) -> dict:
    """Fill a new database (SQLite at db_path, or the empty database at url); return counts
    of what was written."""
    from sqlalchemy import insert

    from course.accounts import create_user
    from course.extensions import db
    from course.models import Role, User, utcnow

    find = _find()
    create_cohort = find("create_cohort", "course.cohorts.cohorts", "course.cohorts")
    Membership = find("Membership", "course.cohorts.models", "course.models")
    LessonProgress = find("LessonProgress", "course.progress.models", "course.learn.models")
    QuizAttempt = find("QuizAttempt", "course.quizzes.models", "course.learn.models")
    Reflection = find("Reflection", "course.reflections.models", "course.learn.models")
    SelfAssessment = find("SelfAssessment", "course.self_assessment.models", "course.learn.models")

    app = create_app(config(db_path, url))
    rng = random.Random(SEED)
    with app.app_context():
        db.create_all()
        catalog = synthetic_catalog(app.extensions["catalog"], lessons)
        facilitator = create_user("fran@example.org", "Fran Facilitator", Role.FACILITATOR,
                                  PASSWORD)
        from load import add_totp

        add_totp(facilitator.id)  # a second factor, where the code asks facilitators for one
        cohort_id = create_cohort("Benchmark cohort", facilitator).id
        db.session.commit()
        now = utcnow()
        hash_ = facilitator.password_hash  # leaders never sign in here
        db.session.execute(insert(User), [
            {"email": f"leader{n}@example.org", "name": f"Leader {n:04d}", "role": Role.LEADER,
             "active": n % 25 != 0, "password_hash": hash_, "created_at": now,
             "password_changed_at": now}
            for n in range(leaders)
        ])
        ids = [row.id for row in db.session.execute(
            db.select(User.id).where(User.role == Role.LEADER).order_by(User.id))]
        db.session.execute(insert(Membership), [
            {"user_id": user_id, "cohort_id": cohort_id, "role": Role.LEADER,
             "joined_at": now - timedelta(days=60)} for user_id in ids
        ])
        progress, reflections, attempts, assessments = [], [], [], []
        dimensions = [q.id for q in catalog.self_assessment.questions]
        for user_id in ids:
            # A spread of stages: a tenth not started, some finished, most in between.
            reach = 0 if rng.random() < 0.1 else rng.randint(1, lessons)
            for index, lesson in enumerate(catalog.ordered_lessons[:reach]):
                done = index < reach - 1 or rng.random() < 0.3
                started = now - timedelta(days=rng.uniform(0, 60))
                updated = started + timedelta(hours=rng.uniform(0, 48))
                progress.append({
                    "user_id": user_id, "lesson_id": lesson.id, "started_at": started,
                    "updated_at": min(updated, now), "completed_at": updated if done else None,
                })
                for prompt in lesson.reflections:
                    if rng.random() < 0.7:
                        reflections.append({
                            "user_id": user_id, "lesson_id": lesson.id, "prompt_id": prompt.id,
                            "text": "A private thought. " * rng.randint(5, 60),
                            "audience": "facilitator" if rng.random() < 0.2 else "private",
                            "created_at": started,
                            "updated_at": updated, "saved_at": updated,
                        })
                if done:
                    quiz = catalog.quizzes[lesson.quiz_id]
                    for _ in range(rng.choice((1, 1, 2))):
                        answers = {
                            q.id: {"response": _answer(q, rng), "score": None, "correct": None,
                                   "answer": "an answer"}
                            for q in quiz.questions
                        }
                        attempts.append({
                            "user_id": user_id, "quiz_id": quiz.id, "lesson_id": lesson.id,
                            "created_at": updated, "score": rng.random(), "answers": answers,
                        })
            for stage in ("before", "after") if reach == lessons else ("before",):
                if reach and rng.random() < 0.8:
                    assessments.append({
                        "user_id": user_id, "stage": stage, "skipped": False,
                        "levels": {d: rng.randint(1, 5) for d in dimensions},
                        "created_at": now, "updated_at": now,
                    })
        for model, rows in ((LessonProgress, progress), (Reflection, reflections),
                            (QuizAttempt, attempts), (SelfAssessment, assessments)):
            for start in range(0, len(rows), 5000):
                db.session.execute(insert(model), rows[start:start + 5000])
        db.session.commit()
        db.engine.dispose()
    return {"cohort": cohort_id, "progress rows": len(progress),
            "reflections": len(reflections), "quiz attempts": len(attempts)}


def _answer(question, rng: random.Random) -> list[str]:
    if question.type == "true-false":
        return [rng.choice(("true", "false"))]
    options = getattr(question, "options", ())
    if question.type == "multiple":
        return sorted({str(rng.randrange(len(options))) for _ in range(2)})
    return [str(rng.randrange(len(options)))] if options else ["an answer"]


def rss_mb() -> tuple[float, float]:
    """Current and peak resident memory of this process, in MB (from /proc)."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value
    return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)


def measure(db_path: Path, lessons: int, cohort_id: int, runs: int) -> dict:
    """In this (fresh) process: time the matrix, its CSV, insight and a trivial page."""
    from sqlalchemy import event

    from course.extensions import db

    app = create_app(config(db_path))
    app.extensions["catalog"] = synthetic_catalog(app.extensions["catalog"], lessons)
    client = app.test_client()
    client.post("/login", data={"email": "fran@example.org", "password": PASSWORD})
    statements: list[str] = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute",
                     lambda *args: statements.append(args[2]))
    matrix = f"/facilitate/cohorts/{cohort_id}/progress"
    pages = {
        "matrix": matrix,
        "matrix, sorted by progress, stuck only": f"{matrix}?sort=progress&dir=desc&show=stuck",
        "baseline: /healthz": "/healthz",
        "baseline: /account": "/account",
    }
    others = {
        "matrix CSV": f"/facilitate/cohorts/{cohort_id}/progress.csv",
        "insight": f"/facilitate/cohorts/{cohort_id}/insight",
    }
    for path in ("/healthz", "/account"):
        assert client.get(path).status_code == 200, path
    baseline_rss = rss_mb()[0]
    times: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    queries, sizes = {}, {}

    def timed(group: dict[str, str]) -> None:
        for path in group.values():  # warm-up: templates compiled, statement caches filled
            assert client.get(path).status_code == 200, path
        for _ in range(runs):
            for name, path in group.items():
                statements.clear()
                start, start_cpu = time.perf_counter(), time.process_time()
                # Read as a server writes to a socket: chunk by chunk, nothing kept.
                response = client.get(path, buffered=False)
                sizes[name] = sum(len(chunk) for chunk in response.response)
                response.close()
                times.setdefault(name, []).append((time.perf_counter() - start) * 1000)
                cpu.setdefault(name, []).append((time.process_time() - start_cpu) * 1000)
                queries[name] = len(statements)

    timed(pages)
    matrix_rss, matrix_peak = rss_mb()
    timed(others)
    return {
        "times": {name: {"best": min(t), "median": statistics.median(t),
                         "cpu": min(cpu[name])} for name, t in times.items()},
        "queries": queries, "bytes": sizes, "baseline_rss": baseline_rss,
        "rss": matrix_rss, "peak_rss": matrix_peak, "rss_after_all": rss_mb()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--sizes", default="200x50,1000x40")
    parser.add_argument("--measure", nargs=3, metavar=("DB", "LESSONS", "COHORT"),
                        help=argparse.SUPPRESS)  # the child process's entry point
    args = parser.parse_args()
    if args.measure:
        db_path, lessons, cohort = args.measure
        print(json.dumps(measure(Path(db_path), int(lessons), int(cohort), args.runs)))
        return
    print(f"Progress matrix, {args.runs} runs each (Python {sys.version.split()[0]}, SQLite)")
    for size in args.sizes.split(","):
        leaders, lessons = (int(part) for part in size.split("x"))
        with tempfile.TemporaryDirectory() as folder:
            db_path = Path(folder) / "bench.db"
            started = time.perf_counter()
            seeded = seed(db_path, leaders, lessons)
            seconds = time.perf_counter() - started
            child = subprocess.run(
                [sys.executable, __file__, "--runs", str(args.runs), "--measure", str(db_path),
                 str(lessons), str(seeded["cohort"])],
                check=True, capture_output=True, text=True,
            )
            result = json.loads(child.stdout.strip().splitlines()[-1])
        report(leaders, lessons, seeded, seconds, result)


def report(leaders: int, lessons: int, seeded: dict, seconds: float, result: dict) -> None:
    counts = ", ".join(f"{value:,} {key}" for key, value in seeded.items() if key != "cohort")
    print(f"\n{leaders:,} leaders x {lessons} lessons ({counts}; seeded in {seconds:.1f}s)")
    print(f"{'page':40} {'best':>9} {'median':>9} {'best CPU':>9} {'queries':>8} {'size':>9}")
    for name, figures in result["times"].items():
        print(f"{name:40} {figures['best']:7.1f}ms {figures['median']:7.1f}ms "
              f"{figures['cpu']:7.1f}ms {result['queries'][name]:8} "
              f"{result['bytes'][name] / 1024:7.0f}KB")
    target = TARGETS_MS.get((leaders, lessons))
    best = result["times"]["matrix"]["best"]
    if target:
        verdict = "met" if best < target else "MISSED"
        print(f"target: matrix under {target:.0f} ms ({verdict}, best {best:.1f} ms)")
    target_kb, kb = TARGETS_KB.get((leaders, lessons)), result["bytes"]["matrix"] / 1024
    if target_kb:
        verdict = "met" if kb <= target_kb else "MISSED"
        print(f"target: page 1 at most {target_kb:.0f} KB ({verdict}, {kb:.0f} KB)")
    rss_verdict = "met" if result["rss"] < TARGET_RSS_MB else "MISSED"
    print(f"worker RSS: {result['baseline_rss']:.1f} MB signed in, before the matrix; "
          f"{result['rss']:.1f} MB after the matrix requests (peak {result['peak_rss']:.1f} MB, "
          f"the sign-in's password hash); {result['rss_after_all']:.1f} MB after CSV and "
          f"insight too")
    print(f"target: under {TARGET_RSS_MB:.0f} MB after the matrix ({rss_verdict})")


if __name__ == "__main__":
    main()
