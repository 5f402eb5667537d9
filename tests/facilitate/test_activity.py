"""One definition of "last active" and "inactive": the matrix and the reminders agree."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import update

from course.cohorts.models import Membership
from course.extensions import db
from course.models import utcnow
from course.self_assessment.models import SelfAssessment
from tests.factories import Auth


def _joined_long_ago(leader, days=30):
    db.session.execute(update(Membership).where(Membership.user_id == leader.id)
                       .values(joined_at=utcnow() - timedelta(days=days)))
    db.session.commit()


def _ticked(client, cohort) -> set[str]:
    html = client.get(f"/facilitate/cohorts/{cohort.id}/nudge?select=inactive").get_data(
        as_text=True)
    return set(re.findall(r'value="(\d+)" id="nudge-\d+" checked', html))


def _listed_inactive(client, cohort) -> set[str]:
    html = client.get(f"/facilitate/cohorts/{cohort.id}/progress.csv?show=inactive").get_data(
        as_text=True)
    return {line.split(",")[1] for line in html.splitlines()[1:] if line}


def test_matrix_filter_and_reminder_preset_agree(app, make_facilitator, make_cohort,
                                                 make_leader):
    facilitator = make_facilitator()
    cohort = make_cohort(facilitator=facilitator)
    idle = make_leader(cohort=cohort, name="Idle Ida")
    assessed = make_leader(cohort=cohort, name="Assessed Ade")
    _joined_long_ago(idle)
    _joined_long_ago(assessed)
    # Only a recent self-assessment: active by the one definition, on both pages.
    db.session.add(SelfAssessment(user_id=assessed.id, stage="before", skipped=True,
                                  updated_at=utcnow() - timedelta(days=2)))
    db.session.commit()
    client = app.test_client()
    Auth(client).login(facilitator)
    assert _ticked(client, cohort) == {str(idle.id)}
    assert _listed_inactive(client, cohort) == {idle.email}


def test_a_leader_who_only_reads_is_active_and_started(app, make_facilitator, make_cohort,
                                                       make_leader):
    facilitator = make_facilitator()
    cohort = make_cohort(facilitator=facilitator)
    reader = make_leader(cohort=cohort, name="Reading Rae")
    _joined_long_ago(reader)
    leader_client = app.test_client()
    Auth(leader_client).login(reader)
    lesson = app.extensions["catalog"].ordered_lessons[0]
    assert leader_client.get(f"/lessons/{lesson.id}").status_code == 200
    client = app.test_client()
    Auth(client).login(facilitator)
    assert _ticked(client, cohort) == set()
    assert _listed_inactive(client, cohort) == set()
    html = client.get(f"/facilitate/cohorts/{cohort.id}/progress").get_data(as_text=True)
    assert "<td class=co>In progress" in html
    not_started = client.get(f"/facilitate/cohorts/{cohort.id}/nudge?select=not-started")
    assert f'value="{reader.id}" id="nudge-{reader.id}" checked' not in not_started.get_data(
        as_text=True)
