"""Invite by a pasted list of emails: each address gets its own single-use link by mail."""

from __future__ import annotations

import re
import smtplib
from dataclasses import dataclass, field

from flask import current_app, render_template

from course.accounts import AccountError, normalise_email
from course.cohorts.cohorts import (
    CohortError,
    create_invitation,
    invitation_url,
    refuse_if_archived,
    revoke_invitation,
)
from course.cohorts.models import Cohort
from course.cohorts.scoping import cohort_member_emails
from course.mail import send_mail
from course.models import User

MAX_ADDRESSES = 500
SEPARATORS = re.compile(r"[,;\s]+")
# "Jane Doe <jane@example.org>" as mail programs copy it: keep the address, drop the name.
NAMED_ADDRESS = re.compile(r"(?:^|(?<=[,;\n]))[^,;\n<>@]*<([^<>\s]+)>", re.MULTILINE)
WRAPPING = "<>\"'()[]"


@dataclass
class ParsedList:
    """A pasted list split into usable addresses, entries that are not, and repeats."""

    valid: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    duplicates: int = 0


@dataclass
class InviteReport:
    """What happened to each address of a pasted list."""

    sent: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    duplicates: int = 0

    @property
    def leftover(self) -> list[str]:
        """Entries nobody was emailed about and that may need fixing: kept for the form."""
        return self.invalid + self.failed


def parse_email_list(text: str) -> ParsedList:
    """Split pasted text on commas, semicolons, spaces and new lines; validate each entry."""
    parsed = ParsedList()
    seen: set[str] = set()
    text = NAMED_ADDRESS.sub(lambda match: " " + match.group(1), text or "")
    for raw in SEPARATORS.split(text):
        entry = raw.strip(WRAPPING)
        if not entry:
            continue
        try:
            key = normalise_email(entry)
        except AccountError:
            key = entry
            target = parsed.invalid
        else:
            target = parsed.valid
        if key in seen:
            parsed.duplicates += 1
            continue
        seen.add(key)
        target.append(key)
    return parsed


def invite_by_email(viewer: User, cohort: Cohort, text: str) -> InviteReport:
    """Email a fresh single-use link to every new valid address; report on the rest."""
    refuse_if_archived(cohort)
    parsed = parse_email_list(text)
    total = len(parsed.valid) + len(parsed.invalid)
    if total == 0:
        raise CohortError("Paste at least one email address.", "emails")
    if total > MAX_ADDRESSES:
        raise CohortError(
            f"Paste at most {MAX_ADDRESSES} addresses at a time; that list has {total:,}.",
            "emails",
        )
    report = InviteReport(invalid=parsed.invalid, duplicates=parsed.duplicates)
    members = cohort_member_emails(viewer, cohort, parsed.valid)
    for email in parsed.valid:
        if email in members:
            report.members.append(email)
            continue
        invitation, token = create_invitation(cohort, viewer, max_uses=1)
        try:
            send_mail(email, f"Your invitation to {cohort.name} on Clearing",
                      render_template("facilitate/email/invitation.txt", cohort=cohort,
                                      sender=viewer, link=invitation_url(token),
                                      valid_until=invitation.expires_at),
                      key=f"invitation:{invitation.id}")
        except (smtplib.SMTPException, OSError):
            current_app.logger.exception("Could not send an invitation email")
            revoke_invitation(invitation)  # nobody holds its token: no live link is left
            report.failed.append(email)
        else:
            report.sent.append(email)
    return report
