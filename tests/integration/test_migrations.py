"""Migrations run forward, back and forward again, and match the models exactly."""

from flask_migrate import check, downgrade, upgrade
from sqlalchemy import inspect, text

from course.extensions import db
from tests.conftest import PG_URL


def empty_database(app) -> None:
    import tests.conftest

    tests.conftest.pg_schema_ready = False  # the next test rebuilds the schema from models
    with app.app_context():
        if PG_URL:
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()


def table_names(app) -> set[str]:
    with app.app_context():
        return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_downgrade_upgrade_and_no_drift(make_app):
    app = make_app(reset=False)
    empty_database(app)
    with app.app_context():
        upgrade()
    tables = table_names(app)
    assert {"users", "cohorts", "memberships", "invitations", "user_sessions"} <= tables
    with app.app_context():
        downgrade(revision="-1")
        upgrade()
        check()  # raises when autogenerate finds a difference between models and migrations
        db.session.remove()
    assert table_names(app) == tables
    assert tables == set(db.metadata.tables)
