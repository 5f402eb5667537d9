"""The yardstick of benchmarks/load.py: a minimal Flask page under the app's gunicorn settings.

    gunicorn -c gunicorn.conf.py --pythonpath benchmarks minimal_app:app

One page (`/`) renders benchmarks/templates/minimal.html, about 5.8 KB of HTML laid out like
the app's pages (header, navigation, a sign-out form, a list of 10 lessons with escaping).
The template is loaded from its file and compiled once per worker, as the app's own
templates are (never `render_template_string`, which compiles on every request). The page
touches no database, session, extension or request hook: it is what Flask, Jinja and
gunicorn cost on this machine, and every load figure is a ratio to it.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, render_template

HERE = Path(__file__).resolve().parent

app = Flask("minimal", template_folder=str(HERE / "templates"))

NAV = [{"href": href, "label": label} for href, label in (
    ("/course", "Course"), ("/journal", "Journal"), ("/growth", "Growth"), ("/account", "Account"))]
ITEMS = [
    {"id": f"lesson-{n}", "name": f"Lesson {n}: what the front line hears & says",
     "state": ("done", "in progress", "not started")[n % 3], "minutes": 10 + n % 4 * 5,
     "note": "A short note about the lesson, its <quiz> and \"reflections\", escaped."}
    for n in range(1, 11)
]
CONTEXT = {
    "title": "A minimal page", "who": "Leader 0001 <bench>", "token": "x" * 88,
    "module": "Module 1: Listening first", "minutes": 15, "state": "in progress",
    "intro": "The framework's ceiling: routing, one compiled template and a response.",
    "footer": "Clearing is a private course. Nothing here touches a database or a session.",
    "nav": NAV, "items": ITEMS,
}


@app.get("/")
def page():
    return render_template("minimal.html", **CONTEXT)


@app.get("/healthz")
def healthz():  # how the benchmark knows the server is up
    return {"status": "ok"}
