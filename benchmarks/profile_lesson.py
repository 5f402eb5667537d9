"""Where the signed-in lesson page's time goes: cProfile over many requests, in-process.

    .venv/bin/python benchmarks/profile_lesson.py                        # this checkout
    .venv/bin/python benchmarks/profile_lesson.py --repo /tmp/clearing-before --requests 3000

Seeds the data set of benchmarks/load.py into a temporary SQLite database (or, with
--database postgresql, a PostgreSQL database it creates and drops), builds the app with
the production settings, signs in 16 mid-course leaders through the login form and sends
the lesson page through Flask's test client (the whole WSGI app: session, Flask-Login,
CSRF, limiter, SQL, templates; no network or gunicorn). After a warm-up, it times
--requests requests without the profiler (and as many of the minimal page of
benchmarks/minimal_app.py, for scale), then profiles as many again, and prints: the time
per request; own (tottime) time by area (SQL driver, SQLAlchemy, Jinja and
the compiled templates, Markdown, Flask, Werkzeug, Flask-Login, Flask-WTF, Flask-Limiter,
the app's code); the cumulative time of the steps of a request; and the top functions by
cumulative and by own time. The profiler roughly doubles the time of every Python call,
so the shares are the figures to read, not the milliseconds.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import re
import signal
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import load  # noqa: E402  (the data set and the database helpers)

# Own time by the file a function lives in: the first pattern that matches names the area.
AREAS = [
    ("SQL driver (sqlite3 / psycopg, C)", r"sqlite3|psycopg|pq\b|Cursor|Connection' objects"),
    ("SQLAlchemy", r"/sqlalchemy/"),
    ("Jinja: compiled templates", r"/templates/.*\.html"),
    ("Jinja runtime, MarkupSafe", r"/jinja2/|markupsafe"),
    ("Markdown", r"/markdown/|/pymdownx/|fastinline"),
    ("Flask-Login", r"/flask_login/"),
    ("Flask-WTF / WTForms (CSRF)", r"/flask_wtf/|/wtforms/"),
    ("Flask-Limiter / limits", r"/flask_limiter/|/limits/"),
    ("test client (not in production)", r"/werkzeug/test\.py|/flask/testing\.py|"
     r"/werkzeug/sansio/(multipart|http)|http/cookiejar|/benchmarks/"),
    ("Flask-SQLAlchemy", r"/flask_sqlalchemy/"),
    ("Flask", r"/flask/"),
    ("Werkzeug", r"/werkzeug/"),
    ("itsdangerous (session cookie)", r"/itsdangerous/"),
    ("app: course/", r"/course/"),
]
# Steps of a request, by the function that does each (file pattern, function name).
STEPS = [
    ("the whole request (Flask.wsgi_app)", r"/flask/app\.py", "wsgi_app"),
    ("opening the cookie session", r"/flask/sessions\.py", "open_session"),
    ("saving the cookie session", r"/flask/sessions\.py", "save_session"),
    ("Flask-Login: current_user, first use", r"/flask_login/login_manager\.py", "_load_user"),
    ("  the user loader, load_user (session row and user: SQL)", r"/course/",
     "load_user"),
    ("the view (the function named lesson)", r"/course/", "lesson"),
    ("  reflections_for_lesson (SQL)", r"/course/", "reflections_for_lesson"),
    ("  lesson_standing (SQL)", r"/course/", "lesson_standing"),
    ("  entries_for_lesson (SQL)", r"/course/", "entries_for_lesson"),
    ("  render_template", r"/flask/templating\.py", "render_template"),
    ("    cached_fragment (fragment look-ups)", r"/course/", "cached_fragment"),
    ("    csrf_token (Flask-WTF generate_csrf)", r"/flask_wtf/csrf\.py", "generate_csrf"),
    ("    url_for", r"/flask/app\.py", "url_for"),
    ("Flask-Limiter before-request check", r"/flask_limiter/", "_check_request_limit"),
    ("CSRF protect (before request)", r"/flask_wtf/csrf\.py", "csrf_protect"),
    ("security headers (after request)", r"/course/", "set_security_headers"),
    ("Flask-SQLAlchemy teardown (session removed)", r"/flask_sqlalchemy/extension\.py",
     "_teardown_session"),
    ("SQLAlchemy Session.execute, all", r"/sqlalchemy/orm/session\.py", "execute"),
    ("DB-API cursor.execute, all", r"", "execute' of"),
]


def area(filename: str) -> str:
    for name, pattern in AREAS:
        if re.search(pattern, filename):
            return name
    return "other (stdlib, builtins)"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", type=Path, default=BENCH.parent)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--postgres-admin", default=load.PG_ADMIN)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--path", help="profile this page instead of the lesson page")
    parser.add_argument("--dump", type=Path, help="also write the pstats file here")
    args = parser.parse_args(argv)
    args.repo = args.repo.resolve()
    signal.signal(signal.SIGTERM, load._exit_cleanly)
    load.use_repo(args.repo)
    from course import create_app
    from course.extensions import db

    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="clearing-prof-")))
        instance = folder / "instance"
        instance.mkdir()
        (instance / "config.py").write_text('LOGIN_RATE_LIMIT = "1000 per minute"\n')
        if args.database == "postgresql":
            url = stack.enter_context(load.postgres_database(args.postgres_admin, "clearing_prof"))
        else:
            url = f"sqlite:///{instance / 'course.db'}"
        env = load.server_env(args.repo, instance, url)
        load.migrate(args.repo, env)
        settings = {"COURSE_INSTANCE_PATH": str(instance), "COURSE_DATABASE_URL": url,
                    "COURSE_SECRET_KEY": load.SECRET_KEY, "COURSE_ENV": "production"}
        app = create_app(settings)
        with app.app_context():
            seeded = load.seed(app, load.LEADERS)
            db.session.remove()
            db.engine.dispose()
        app = create_app(settings)  # a fresh app, as a worker has
        base = "https://127.0.0.1"  # the session cookie is Secure in production
        clients = []
        for email in seeded.leader_emails[:16]:
            client = app.test_client()
            page = client.get("/login", base_url=base)
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
            answer = client.post("/login", base_url=base, headers={"Referer": f"{base}/login"},
                                 data={"email": email, "password": load.PASSWORD,
                                       "csrf_token": token})
            assert answer.status_code == 302, answer.status_code
            clients.append(client)
        path = args.path or f"/lessons/{seeded.lesson_id}"

        def one(n: int) -> None:
            response = clients[n % len(clients)].get(path, base_url=base)
            assert response.status_code == 200, response.status_code

        for n in range(200):
            one(n)
        times = []
        cpu_began = time.process_time()
        for n in range(args.requests):
            began = time.perf_counter()
            one(n)
            times.append((time.perf_counter() - began) * 1000)
        # CPU time moves far less than wall time when other work shares the machine.
        cpu = (time.process_time() - cpu_began) * 1000 / args.requests
        import minimal_app  # the yardstick page, through the same test client

        yardstick = minimal_app.app.test_client()
        minimal_times = []
        for _n in range(200):
            assert yardstick.get("/").status_code == 200
        cpu_began = time.process_time()
        for _n in range(args.requests):
            began = time.perf_counter()
            assert yardstick.get("/").status_code == 200
            minimal_times.append((time.perf_counter() - began) * 1000)
        minimal_cpu = (time.process_time() - cpu_began) * 1000 / args.requests
        profiler = cProfile.Profile()
        began = time.perf_counter()
        profiler.enable()
        for n in range(args.requests):
            one(n)
        profiler.disable()
        profiled = (time.perf_counter() - began) * 1000 / args.requests
        if args.dump:
            profiler.dump_stats(args.dump)
    report(profiler, args, path, times, profiled, minimal_times, (cpu, minimal_cpu))


def report(profiler, args, path: str, times: list[float], profiled: float,
           minimal_times: list[float], cpu: tuple[float, float]) -> None:
    stats = pstats.Stats(profiler)
    total = sum(tt for _cc, _nc, tt, _ct, _callers in stats.stats.values())
    n = args.requests
    print(f"{path}, {n} requests through the test client ({args.database}); code from "
          f"{args.repo}")
    print(f"unprofiled: mean {statistics.mean(times):.2f} ms, median "
          f"{statistics.median(times):.2f} ms, p99 {statistics.quantiles(times, n=100)[98]:.2f}"
          f" ms per request; profiled: {profiled:.2f} ms")
    print(f"the minimal page (benchmarks/minimal_app.py) through the same test client: median "
          f"{statistics.median(minimal_times):.2f} ms")
    print(f"CPU time per request: lesson page {cpu[0]:.2f} ms, minimal page {cpu[1]:.2f} ms "
          f"(ratio {cpu[1] / cpu[0]:.1%})\n")
    by_area: dict[str, float] = {}
    for (filename, _line, name), (_cc, _nc, tt, _ct, callers) in stats.stats.items():
        if filename != "~" or re.search(AREAS[0][1], name):
            key = area(filename if filename != "~" else name)
            by_area[key] = by_area.get(key, 0.0) + tt
            continue
        # A builtin (str.join, dict.get, isinstance...): its own time goes to the areas of
        # the functions that called it, in proportion to what each call cost.
        for caller, (_ccc, _cnc, ctt, _cct) in callers.items():
            key = area(caller[0]) if caller[0] != "~" else "other (stdlib, builtins)"
            by_area[key] = by_area.get(key, 0.0) + ctt
    print("own time by area (a builtin's time goes to its caller's area)")
    print("                                                    share  ms/request (profiled)")
    for name, tt in sorted(by_area.items(), key=lambda item: -item[1]):
        print(f"  {name:48} {tt / total:6.1%}  {tt * 1000 / n:6.3f}")
    print("\nsteps (cumulative, share of the whole request)")
    whole = None
    for label, file_pattern, name in STEPS:
        found = [(key, value) for key, value in stats.stats.items()
                 if re.search(file_pattern, key[0] if key[0] != "~" else "")
                 and (key[2] == name or (name.endswith(" of") and name in key[2]))]
        if not found:
            print(f"  {label:62}      -")
            continue
        # Recursive or nested entries: the cumulative time of the outermost is the largest.
        ct = max(value[3] for _key, value in found)
        calls = sum(value[1] for _key, value in found)
        whole = whole or ct
        print(f"  {label:62} {ct / whole:6.1%}  {ct * 1000 / n:6.3f} ms  "
              f"{calls / n:5.1f} calls")
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(args.top)
        text = out.getvalue()
        print(f"\ntop {args.top} by {order}:")
        print(text[text.index("   ncalls"):].rstrip())


if __name__ == "__main__":
    main()
