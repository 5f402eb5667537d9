"""`flask db …` without importing Alembic in every web worker.

Flask-Migrate (and Alembic under it) costs about 11 MB per process; only the `db` commands
and the tests need it. This group is a Flask CLI plugin: it loads Flask-Migrate when it
runs and hands over to Flask-Migrate's own commands.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app, g
from flask.cli import with_appcontext

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def init_migrations(app: Flask) -> None:
    """Bind Flask-Migrate to the app (idempotent)."""
    if "migrate" in app.extensions:
        return
    from flask_migrate import Migrate

    from course.extensions import db

    Migrate(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)


class MigrationCommands(click.Group):
    """Flask-Migrate's `db` commands, looked up only when a `db` command runs."""

    @staticmethod
    def _commands() -> click.Group:
        from flask_migrate.cli import db as flask_migrate_group

        return flask_migrate_group

    def list_commands(self, ctx):
        return self._commands().list_commands(ctx)

    def get_command(self, ctx, name):
        return self._commands().get_command(ctx, name)


@click.group("db", cls=MigrationCommands, help="Database migrations (Flask-Migrate, Alembic).")
@click.option("-d", "--directory", default=None,
              help="Migration script directory (default: the repository's migrations/).")
@click.option("-x", "--x-arg", multiple=True,
              help="Additional arguments consumed by custom env.py scripts.")
@with_appcontext
def db(directory: str | None, x_arg: tuple[str, ...]) -> None:
    """Bind Flask-Migrate to the app, then let its chosen command run."""
    init_migrations(current_app._get_current_object())
    g.directory = directory  # what Flask-Migrate's own group callback would set
    g.x_arg = x_arg
