"""Fixtures for the leader's journey: the real catalog and a signed-in leader."""

import pytest

from course.extensions import db
from course.self_assessment.models import SelfAssessment


@pytest.fixture
def catalog(app):
    return app.extensions["catalog"]


@pytest.fixture
def first_lesson(catalog):
    return catalog.ordered_lessons[0]


@pytest.fixture
def leader(make_leader, make_cohort):
    """A leader in a cohort who has already answered (skipped) the starting self-assessment."""
    person = make_leader(cohort=make_cohort())
    db.session.add(SelfAssessment(user_id=person.id, stage="before", skipped=True))
    db.session.commit()
    return person


@pytest.fixture
def signed_in(auth, leader):
    auth.login(leader)
    return leader
