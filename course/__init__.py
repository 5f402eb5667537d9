"""Clearing: a private, self-paced course for leaders."""

from __future__ import annotations

import importlib
import os
from pathlib import Path

from flask import Flask

from course import config as settings
from course.extensions import csrf, db, limiter, login_manager

# Every feature's tables, so the mapper, create_all and Alembic know them all.
FEATURE_MODELS = (
    "course.cohorts.models",
    "course.progress.models",
    "course.reflections.models",
    "course.quizzes.models",
    "course.experiments.models",
    "course.self_assessment.models",
    "course.passkeys.models",
    "course.jobs.models",
    "course.journal.models",
    "course.review.models",
    "course.notices.models",
    "course.digests.models",
    "course.plans.models",
    "course.circle.models",
    "course.sets.models",
)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: configuration, extensions, content, blueprints and CLI."""
    instance_path = (
        (test_config or {}).get("COURSE_INSTANCE_PATH")
        or os.environ.get("COURSE_INSTANCE_PATH")
        or str(settings.REPO_ROOT / "instance")
    )
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    from course.numbers import StrictIntConverter

    app.url_map.converters["int"] = StrictIntConverter  # before any route is added
    configure(app, test_config)

    from course import (  # noqa: F401 (sessions registers the user loader)
        database,
        errors,
        fragments,
        navigation,
        security,
        sessions,
        static_files,
        timezones,
        urls,
    )
    from course.content import KINDS, load_catalog
    from course.digests import tasks  # noqa: F401 (registers the digests' periodic job)
    from course.jobs import outbox  # noqa: F401 (registers the mail jobs and listeners)
    from course.jobs import queue as jobs_queue

    for name in FEATURE_MODELS:
        importlib.import_module(name)

    app.extensions["catalog"] = load_catalog(Path(app.config["COURSE_CONTENT_DIR"]))
    app.jinja_env.globals["kinds"] = KINDS
    db.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            database.configure_sqlite(db.engine)
    elif app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        with app.app_context():
            database.configure_postgresql(db.engine)
    # Flask-Migrate is bound only by `flask db` (course/migrations_cli.py) and the tests.
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    jobs_queue.init_app(app)
    security.init_app(app)
    static_files.init_app(app)
    urls.init_app(app)
    navigation.init_app(app)
    fragments.init_fragments(app)
    errors.init_app(app)
    timezones.init_app(app)
    register_blueprints(app)

    from course.cli import register_commands

    register_commands(app)
    return app


def configure(app: Flask, test_config: dict | None) -> None:
    """Apply settings in order (defaults, instance file, environment, tests) and derive."""
    values = settings.resolve(app.instance_path, test_config)
    app.config.update(values)
    env = app.config["COURSE_ENV"]
    if app.config.get("TESTING"):
        env = "testing"
    key = app.config.get("COURSE_SECRET_KEY")
    if key is None:
        key = settings.ensure_secret_key(app.instance_path)
    settings.check_secret_key(key, env)
    from course.database import engine_options

    url = app.config["COURSE_DATABASE_URL"]
    if url.startswith("postgres://") or url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]  # psycopg 3, not psycopg2
    local = env in ("development", "testing")
    app.config.update(
        SECRET_KEY=key,
        SQLALCHEMY_DATABASE_URI=url,
        SQLALCHEMY_ENGINE_OPTIONS=engine_options(url),
        # Outside local development the cookie is __Host- prefixed (ASVS 3.3.1): the browser
        # then only accepts it Secure, for this host alone, on path / (no Domain).
        SESSION_COOKIE_NAME="clearing_session" if local else "__Host-clearing_session",
        SESSION_COOKIE_PATH="/",
        SESSION_COOKIE_DOMAIN=None,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=not local,
        PERMANENT_SESSION_LIFETIME=app.config["SESSION_ABSOLUTE_LIFETIME"],
        # The cookie lives as long as the session's absolute lifetime from sign-in; idle
        # time is kept on the server, so responses need not re-sign the cookie each time.
        SESSION_REFRESH_EACH_REQUEST=False,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SECURE=not local,
        # A CSRF token lives as long as the session that holds it, not one hour.
        WTF_CSRF_TIME_LIMIT=None,
        RATELIMIT_STORAGE_URI=app.config.get("COURSE_REDIS_URL") or "memory://",
        RATELIMIT_HEADERS_ENABLED=True,
        COURSE_ENV=env,
    )
    login_manager.login_view = "auth.login"
    login_manager.session_protection = None  # server-side session rows do this job
    login_manager.unauthorized_handler(_unauthorized)
    if app.config["COURSE_PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, **settings.proxy_fix_options(
            app.config["COURSE_PROXY_COUNT"], app.config["COURSE_PROXY_HEADERS"]))


def _unauthorized():
    """Scripts asking for JSON get 401; people are sent to sign in and come back."""
    from flask import flash, redirect, request, url_for

    if request.accept_mimetypes.best == "application/json":
        return {"error": "Please sign in again.", "status": "signed-out"}, 401
    flash("Please sign in to see that page.", "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def register_blueprints(app: Flask) -> None:
    """Attach every feature's blueprint."""
    from course.auth import bp as auth_bp
    from course.facilitate import bp as facilitate_bp
    from course.learn import bp as learn_bp
    from course.main import bp as main_bp

    for blueprint in (main_bp, auth_bp, learn_bp, facilitate_bp):
        app.register_blueprint(blueprint)
