"""The matrix's "Remind these leaders": the reminder page ticks exactly the filtered rows."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from course.cohorts.models import Membership
from course.extensions import db
from course.facilitate.matrix_view import MatrixQuery, select_rows
from course.models import utcnow
from course.progress.matrix import build_matrix
from tests.factories import age, finish, write


def ticked(html: str) -> set[int]:
    """The ids of the leaders whose checkbox is ticked."""
    return {int(i) for i in re.findall(r'name="leaders" value="(\d+)" id="nudge-\d+" checked',
                                       html)}


@pytest.fixture
def crowd(app, world, make_leader):
    """Leaders at every stage, one of them deactivated though stuck and inactive."""
    cohort = world.cohort
    stuck = make_leader(name="Sal Stuck", cohort=cohort)
    write(stuck, 1)
    age(stuck, 1, days=10, updated=False)  # stuck, yet active recently
    old = make_leader(name="Ola Old", cohort=cohort)
    write(old, 2)
    age(old, 2, days=20)  # stuck and inactive
    done = make_leader(name="Dot Done", cohort=cohort)
    finish(done, 1)
    age(done, 1, days=30)  # done long ago: inactive, not stuck
    fresh = make_leader(name="Fay Fresh", cohort=cohort)
    write(fresh, 1)  # started today: neither
    gone = make_leader(name="Gus Gone", cohort=cohort)
    write(gone, 1)
    age(gone, 1, days=25)
    gone.active = False
    absent = make_leader(name="Abe Absent", cohort=cohort)
    db.session.scalar(select(Membership).where(
        Membership.user_id == absent.id, Membership.cohort_id == cohort.id,
    )).joined_at = utcnow() - timedelta(days=30)
    db.session.commit()
    return {"stuck": stuck, "old": old, "done": done, "fresh": fresh, "gone": gone,
            "absent": absent}


def matrix_ids(app, world, show: str) -> set[int]:
    """The active leaders the matrix's filter keeps (deactivated ones are never ticked)."""
    matrix = build_matrix(world.facilitator, world.cohort, app.extensions["catalog"], utcnow())
    rows = select_rows(matrix, MatrixQuery.from_args({"show": show}, len(matrix.lessons)))
    return {row.id for row in rows if row.active}


@pytest.mark.parametrize("show", ["stuck", "inactive", "not-started"])
def test_preset_ticks_exactly_the_matrix_rows(app, client, auth, world, crowd, show):
    auth.login(world.facilitator)
    page = client.get(f"/facilitate/cohorts/{world.cohort.id}/progress?show={show}")
    html = page.get_data(as_text=True)
    link = f"/facilitate/cohorts/{world.cohort.id}/nudge?select={show}"
    assert f'href="{link}"' in html and "Remind these leaders" in html
    chosen = ticked(client.get(link).get_data(as_text=True))
    assert chosen == matrix_ids(app, world, show)
    assert crowd["gone"].id not in chosen


def test_stuck_preset_names_the_stuck(app, client, auth, world, crowd):
    auth.login(world.facilitator)
    html = client.get(f"/facilitate/cohorts/{world.cohort.id}/nudge?select=stuck").get_data(
        as_text=True)
    assert ticked(html) == {crowd["stuck"].id, crowd["old"].id}
    assert "stuck on a lesson" in html
    inactive = client.get(f"/facilitate/cohorts/{world.cohort.id}/nudge?select=inactive")
    assert ticked(inactive.get_data(as_text=True)) == {
        crowd["old"].id, crowd["done"].id, crowd["absent"].id}


def test_no_remind_link_without_a_filter(client, auth, world, crowd):
    auth.login(world.facilitator)
    html = client.get(f"/facilitate/cohorts/{world.cohort.id}/progress").get_data(as_text=True)
    assert "Remind these leaders" not in html


def test_addresses_break_only_after_at_and_dots(client, auth, world, make_leader):
    make_leader(name="Long Address", email="firstname.lastname@department.example.org",
                cohort=world.cohort)
    auth.login(world.facilitator)
    for path in ("", "/progress"):
        html = client.get(f"/facilitate/cohorts/{world.cohort.id}{path}").get_data(as_text=True)
        assert "firstname.<wbr>lastname@<wbr>department.<wbr>example.<wbr>org" in html
        assert "<wbr><script" not in html
