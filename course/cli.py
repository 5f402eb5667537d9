"""Command line: flask --app wsgi users|cohorts|demo|backup|jobs (content is a CLI plugin)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy.engine import make_url

from course.accounts import AccountError, create_user, find_user_by_email
from course.cohorts.cohorts import CohortError, create_cohort, create_invitation, invitation_url
from course.extensions import db
from course.models import Role

users = AppGroup("users", help="Manage accounts.")
cohorts = AppGroup("cohorts", help="Manage cohorts.")


def _fail(error: Exception) -> None:
    db.session.rollback()
    raise click.ClickException(str(error))


@users.command("add")
@click.option("--email", required=True, help="Email address (unique, any case).")
@click.option("--name", required=True, help="Full name as shown in the app.")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--password", help="Prompted for (hidden, twice) when not given.")
def add_user(email: str, name: str, role: str, password: str | None) -> None:
    """Create an account: leaders, facilitators or admins."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(email, name, role, password)
    except AccountError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.name} <{user.email}>.")


@cohorts.command("add")
@click.option("--name", required=True, help="The cohort's name.")
@click.option("--facilitator", required=True, help="Email of the facilitator who runs it.")
@click.option("--max-uses", default=50, show_default=True, type=click.IntRange(min=1))
def add_cohort(name: str, facilitator: str, max_uses: int) -> None:
    """Create a cohort and print its invitation URL (the last line)."""
    user = find_user_by_email(facilitator)
    if user is None:
        raise click.ClickException(f"No account with the email {facilitator!r}.")
    try:
        cohort = create_cohort(name, user)
        invitation, token = create_invitation(cohort, user, max_uses=max_uses)
    except (AccountError, CohortError) as error:
        _fail(error)
    db.session.commit()
    expires = invitation.expires_at.strftime("%d %b %Y")
    click.echo(f"Created cohort {cohort.name!r} (id {cohort.id}) run by {user.email}.")
    click.echo(f"Invitation for up to {max_uses} leaders, valid until {expires}:")
    click.echo(invitation_url(token))


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Only load when the database has no accounts.")
def demo(if_empty: bool) -> None:
    """Load (idempotently) a demo cohort with leaders at different stages."""
    from course.demo import load_demo

    if current_app.config["COURSE_ENV"] not in ("development", "testing"):
        # The demo's accounts share one published password: never in a real deployment.
        raise click.ClickException(
            "The demo loads only in development (COURSE_ENV=development); this is "
            f"{current_app.config['COURSE_ENV']}, so nothing was loaded."
        )
    for line in load_demo(only_if_empty=if_empty):
        click.echo(line)


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup(path: Path) -> None:
    """Write a consistent copy of the database while it is in use (SQLite)."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite":
        raise click.ClickException(
            "This database is PostgreSQL: back it up with pg_dump, for example\n"
            "  pg_dump --format=custom --file=clearing.dump \"$COURSE_DATABASE_URL\"\n"
            "and restore with pg_restore. See docs/deploy.md."
        )
    if path.exists():
        raise click.ClickException(f"{path} exists already; choose a new file name.")
    path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(url.database, timeout=15)
    target = sqlite3.connect(path)
    try:
        with target:
            # The online backup API copies a consistent snapshot while others write. One
            # step: a stepwise copy restarts whenever another connection writes between steps.
            source.backup(target)
        ok = target.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        target.close()
        source.close()
    if ok != "ok":
        raise click.ClickException(f"The copy failed its integrity check: {ok}")
    click.echo(f"Backed up {url.database} to {path} ({path.stat().st_size:,} bytes).")


def register_commands(app: Flask) -> None:
    """Attach the command groups to the app's CLI."""
    from course.digests.cli import digests
    from course.jobs.cli import jobs

    for command in (users, cohorts, demo, backup, jobs, digests):
        app.cli.add_command(command)
