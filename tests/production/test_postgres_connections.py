"""PostgreSQL connections: page views run without a transaction, writes in one, and a
connection that died while idle in the pool is replaced before a request uses it."""

from __future__ import annotations

from contextlib import contextmanager

import psycopg
from sqlalchemy import event

from course import database
from course.extensions import db
from tests.conftest import FreshContextClient
from tests.production.harness import postgres_database, seeding_app

PASSWORD = "a calm walk by the river"


@contextmanager
def app_on_postgres(tmp_path):
    with postgres_database("clearing_conn") as url, seeding_app(tmp_path / "i", url) as app:
        from course.accounts import create_user
        from course.models import Role

        create_user("lee@example.org", "Lee Leader", Role.LEADER, PASSWORD)
        db.session.commit()
        app.config.update(WTF_CSRF_ENABLED=False, SESSION_COOKIE_SECURE=False)
        app.test_client_class = FreshContextClient  # each request its own context, as served
        yield app


def autocommit_of_each_statement(app, action) -> list[bool]:
    """Run `action`; the DBAPI connection's autocommit as each statement ran."""
    seen: list[bool] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(conn.connection.dbapi_connection.autocommit)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return seen


def test_page_views_need_no_transaction_and_writes_keep_one(postgres_server, tmp_path):
    with app_on_postgres(tmp_path) as app:
        client = app.test_client()
        signed_in = autocommit_of_each_statement(app, lambda: client.post(
            "/login", data={"email": "lee@example.org", "password": PASSWORD}))
        assert signed_in and not any(signed_in)  # the sign-in writes in one transaction
        viewed = autocommit_of_each_statement(app, lambda: client.get("/account"))
        assert viewed and all(viewed)
        # Outside a request (the CLI, this test) it is one transaction as ever.
        assert autocommit_of_each_statement(app, lambda: db.session.execute(
            db.text("SELECT 1"))) == [False]
        db.session.rollback()


def kill_the_pooled_connection(app) -> None:
    """Terminate, on the server, the backend of the connection waiting in the pool."""
    db.session.remove()
    with db.engine.connect() as conn:
        pid = conn.connection.dbapi_connection.info.backend_pid
    with psycopg.connect(app.config["SQLALCHEMY_DATABASE_URI"].replace(
            "postgresql+psycopg://", "postgresql://"), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))


def test_a_connection_that_died_in_the_pool_is_replaced(postgres_server, tmp_path,
                                                         monkeypatch):
    with app_on_postgres(tmp_path) as app:
        client = app.test_client()
        assert client.get("/healthz").status_code == 200  # a connection is now pooled
        kill_the_pooled_connection(app)
        monkeypatch.setattr(database, "PING_AFTER_IDLE", 0.0)  # it has been idle long enough
        assert client.get("/healthz").status_code == 200
        assert client.get("/healthz").get_json()["status"] == "ok"


def test_a_write_never_goes_down_a_dead_connection(postgres_server, tmp_path, monkeypatch):
    monkeypatch.setattr(database, "PING_AFTER_IDLE", 3600.0)  # however recently it was used
    with app_on_postgres(tmp_path) as app:
        client = app.test_client()
        assert client.get("/healthz").status_code == 200
        kill_the_pooled_connection(app)
        response = client.post("/login", data={"email": "lee@example.org",
                                               "password": PASSWORD})
        assert response.status_code == 302 and response.headers["Location"] == "/course"

