"""`flask digests send [--dry-run] [--now ISO-8601]`: every course email due at that
moment, one line per kind with its count. Run twice, it sends once."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask.cli import AppGroup

from course.digests.engine import LEADER_DIGEST, LEADER_URGENT, send_due
from course.digests.facilitator import FACILITATOR
from course.models import utcnow

digests = AppGroup("digests", help="Course emails: leaders' and facilitators' digests, "
                                   "check-ins and new replies.")
KINDS = (LEADER_DIGEST, LEADER_URGENT, FACILITATOR)


def parse_now(value: str | None) -> datetime:
    """An ISO 8601 moment (a time without a zone is taken as UTC); now without one."""
    if not value:
        return utcnow()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("give a moment such as 2026-03-30T07:15:00+01:00",
                                 param_hint="--now") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@digests.command("send")
@click.option("--dry-run", is_flag=True, help="List what would be sent; send nothing.")
@click.option("--now", "now", metavar="ISO-8601",
              help="Act as if it were this moment (default: now).")
def send(dry_run: bool, now: str | None) -> None:
    """Send every digest, check-in and new-reply email due now (or at --now)."""
    report = send_due(parse_now(now), dry_run=dry_run)
    for line in report.listed:
        click.echo(line)
    verb = "would send" if dry_run else "sent"
    for kind in KINDS:
        already = report.already[kind]
        extra = f" ({already} already sent today)" if already else ""
        click.echo(f"{kind}: {verb} {report.sent[kind]}{extra}")
