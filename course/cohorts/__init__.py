"""Cohorts: the cohort, its memberships, invitation links and reminders.

models.py (Cohort, Membership, Invitation, Nudge), cohorts.py (create, invite, redeem),
management.py (rename, archive, facilitators, link rules), inviting.py (emailed
invitations), nudges.py (reminders), scoping.py (what a viewer may reach: the one place
that decides it for cohorts and their leaders).
"""
