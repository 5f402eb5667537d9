"""The progress matrix: its figures, filters and sorting, a fixed number of queries, who
reaches it (and the CSVs and insight beside it), and that no private words get out."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import update

from course.circle.posts import set_audience
from course.cohorts.models import Membership
from course.experiments.experiments import add_entry
from course.extensions import db
from course.facilitate import matrix_view
from course.facilitate.matrix_view import MatrixQuery, RowPage, select_rows
from course.models import utcnow
from course.progress.matrix import FIGURES, STUCK, add_figures, build_matrix
from course.progress.progress import (
    DONE,
    IN_PROGRESS,
    NOT_STARTED,
    complete_lesson,
    course_progress,
    touch_lesson,
)
from course.reflections.models import Reflection
from course.reflections.reflections import save_reflection
from course.self_assessment.assessment import save_assessment
from course.self_assessment.models import SelfAssessment
from tests.facilitate.conftest import text_of
from tests.factories import age, finish, lesson, right_answer, take_quiz, write

# ---- helpers shared with test_insight.py and test_csv.py ---------------------------------














def matrix_for(world, viewer=None):
    return build_matrix(viewer or world.facilitator, world.cohort,
                        current_app.extensions["catalog"], utcnow())


def row_of(matrix, leader):
    return next(row for row in matrix.rows if row.id == leader.id)


def progress_url(world, suffix: str = "/progress", cohort=None) -> str:
    return f"/facilitate/cohorts/{(cohort or world.cohort).id}{suffix}"


# ---- the figures --------------------------------------------------------------------------


def test_rows_follow_the_leaders_own_progress_rules(world, make_leader):
    """States and percent are those the leader sees (course.progress.progress), not a copy."""
    ben = make_leader(name="Ben Busy", cohort=world.cohort)
    finish(ben, 1)
    finish(ben, 2)
    write(ben, 3, "half way", audience="facilitator")
    take_quiz(ben, 1)
    matrix = matrix_for(world)
    catalog = current_app.extensions["catalog"]
    assert [lesson.id for lesson in matrix.lessons] == list(catalog.lessons)
    for person in (ben, world.leader):
        row = row_of(matrix, person)
        theirs = course_progress(person.id, catalog)
        assert row.percent == theirs.percent and row.done == theirs.done
        assert [row.state(i) for i in range(len(row.cells))] == [
            theirs.state(lesson.id) for lesson in catalog.ordered_lessons
        ]
    row = row_of(matrix, ben)
    assert row.cells[:4] == (DONE, DONE, IN_PROGRESS, NOT_STARTED)
    assert (row.reflections, row.shared) == (3, 1)
    assert row.started and not row_of(matrix, world.leader).started
    assert {r.id for r in matrix.rows} == {ben.id, world.leader.id}  # not the other cohort's


def test_counts_ignore_empty_reflections_and_the_text_itself(world):
    found = lesson(1)
    save_reflection(world.leader.id, found, found.reflections[0].id, "   ", None)
    write(world.leader, 2, "Real words", audience="facilitator")
    row = row_of(matrix_for(world), world.leader)
    assert (row.reflections, row.shared) == (1, 1)


def test_quiz_average_is_the_mean_of_each_quizs_best_score(world):
    first_quiz = current_app.extensions["catalog"].quizzes[lesson(1).quiz_id]
    low = take_quiz(world.leader, 1)
    high = take_quiz(world.leader, 1, {q.id: right_answer(q) for q in first_quiz.questions})
    assert high.score == 1.0 and low.score < 1.0
    other = take_quiz(world.leader, 2)
    best_first = max(low.score, high.score)
    expected = round(100 * (best_first + other.score) / 2)
    assert row_of(matrix_for(world), world.leader).quiz_average == expected


def test_quiz_average_is_none_without_attempts(world):
    assert row_of(matrix_for(world), world.leader).quiz_average is None


@pytest.mark.parametrize("activity", ["open", "reflection", "quiz", "experiment", "share",
                                      "self-assessment"])
def test_last_active_counts_every_kind_of_activity(world, activity):
    """Everything a leader does moves 'last active' (most of it by touching the lesson)."""
    write(world.leader, 1, "old words")
    age(world.leader, 1, 30)
    db.session.execute(update(Reflection).values(updated_at=utcnow() - timedelta(days=30)))
    db.session.commit()
    before = row_of(matrix_for(world), world.leader).last_active
    assert before < utcnow() - timedelta(days=29)
    if activity == "open":
        touch_lesson(world.leader.id, lesson(2).id)
    elif activity == "reflection":
        write(world.leader, 2, "new words")
    elif activity == "quiz":
        take_quiz(world.leader, 3)
    elif activity == "experiment":
        add_entry(world.leader.id, lesson(4), utcnow().date(), "Tried it.", {}, None)
    elif activity == "share":
        set_audience(db.session.scalar(db.select(Reflection)), "facilitator")
    else:
        questions = current_app.extensions["catalog"].self_assessment.questions
        save_assessment(world.leader.id, "before", {q.id: 3 for q in questions})
    db.session.commit()
    assert row_of(matrix_for(world), world.leader).last_active > utcnow() - timedelta(minutes=1)


def test_stuck_inactive_and_not_started(world, make_leader):
    stuck = make_leader(name="Sam Stuck", cohort=world.cohort)
    write(stuck, 1)
    age(stuck, 1, 9, updated=False)  # started 9 days ago, touched today
    fresh = make_leader(name="Fay Fresh", cohort=world.cohort)
    write(fresh, 1)
    age(fresh, 1, 5)
    idle = make_leader(name="Ida Idle", cohort=world.cohort)
    finish(idle, 1)
    age(idle, 1, 20)  # done, so not stuck; nothing for 20 days
    db.session.execute(update(Reflection).where(Reflection.user_id == idle.id)
                       .values(updated_at=utcnow() - timedelta(days=20)))
    db.session.commit()
    matrix = matrix_for(world)
    assert row_of(matrix, stuck).stuck and row_of(matrix, stuck).cells[0] == STUCK
    assert row_of(matrix, stuck).state(0) == IN_PROGRESS
    assert not row_of(matrix, fresh).stuck and not row_of(matrix, idle).stuck
    assert row_of(matrix, idle).inactive and not row_of(matrix, stuck).inactive
    # Never started: inactive only once they joined over 14 days ago.
    assert not row_of(matrix, world.leader).inactive
    db.session.execute(update(Membership).where(Membership.cohort_id == world.cohort.id)
                       .values(joined_at=utcnow() - timedelta(days=15)))
    db.session.commit()
    matrix = matrix_for(world)
    assert row_of(matrix, world.leader).inactive and not row_of(matrix, fresh).inactive

    def shown(show):
        return [row.name for row in select_rows(matrix, MatrixQuery(show=show))]

    assert shown("stuck") == ["Sam Stuck"]
    assert shown("not-started") == ["Lee Leader"]
    assert shown("inactive") == ["Ida Idle", "Lee Leader"]
    assert shown("all") == ["Fay Fresh", "Ida Idle", "Lee Leader", "Sam Stuck"]


def test_sorting_keeps_leaders_without_a_figure_last(world, make_leader):
    ann = make_leader(name="ann Able", cohort=world.cohort)  # lower case sorts with the rest
    finish(ann, 1)
    finish(ann, 2)
    take_quiz(ann, 1)
    bob = make_leader(name="Bob Brisk", cohort=world.cohort)
    finish(bob, 1)
    matrix = matrix_for(world)

    def order(**query):
        return [row.name for row in select_rows(matrix, MatrixQuery(**query))]

    assert order() == ["ann Able", "Bob Brisk", "Lee Leader"]
    assert order(sort="name", dir="desc") == ["Lee Leader", "Bob Brisk", "ann Able"]
    assert order(sort="progress", dir="desc") == ["ann Able", "Bob Brisk", "Lee Leader"]
    assert order(sort="progress", dir="asc") == ["Lee Leader", "Bob Brisk", "ann Able"]
    assert order(sort="quiz", dir="asc")[-2:] == ["Bob Brisk", "Lee Leader"]  # no quiz: last
    assert order(sort="quiz", dir="desc")[-2:] == ["Bob Brisk", "Lee Leader"]
    assert order(sort="active", dir="asc")[-1] == "Lee Leader"  # never active: last
    assert order(sort="lesson-2", dir="desc") == ["ann Able", "Bob Brisk", "Lee Leader"]


@pytest.mark.parametrize("args", [{}, {"show": "stuck"}, {"show": "inactive"},
                                  {"show": "not-started", "sort": "quiz"},
                                  {"sort": "progress"}, {"sort": "lesson-2", "dir": "asc"},
                                  {"sort": "active"}, {"sort": "shared"}, {"sort": "nudged"},
                                  {"sort": "replies", "dir": "asc"}])
def test_a_page_reads_the_other_figures_for_its_rows_alone(world, make_leader, args):
    """The page reads every leader's figures only where its filter or sort needs them; its
    rows come out as the full matrix's, in the same order (the CSV's)."""
    ann = make_leader(name="Ann Able", cohort=world.cohort)
    finish(ann, 1)
    take_quiz(ann, 1)
    write(ann, 2, "words", audience="facilitator")
    sam = make_leader(name="Sam Stuck", cohort=world.cohort)
    write(sam, 1)
    age(sam, 1, 9, updated=False)
    catalog = current_app.extensions["catalog"]
    query = MatrixQuery.from_args(args, len(catalog.ordered_lessons))
    full = select_rows(matrix_for(world), query)
    partial = build_matrix(world.facilitator, world.cohort, catalog, utcnow(), query.reads())
    rows = select_rows(partial, query)
    assert [row.id for row in rows] == [row.id for row in full]
    missing = set(FIGURES) - query.reads()
    assert add_figures(partial, rows, missing) == full
    assert set(FIGURES) >= query.reads()


def test_every_filter_and_sort_names_what_it_reads():
    assert set(matrix_view.FILTER_READS) == set(matrix_view.FILTERS)
    assert set(matrix_view.SORT_READS) == set(matrix_view.HEADINGS)


def test_query_string_is_read_leniently():
    assert MatrixQuery.from_args({}, 18) == MatrixQuery("all", "name", "asc")
    assert MatrixQuery.from_args({"sort": "quiz"}, 18) == MatrixQuery("all", "quiz", "desc")
    odd = {"show": "everyone!", "sort": "lesson-99", "dir": "sideways"}
    assert MatrixQuery.from_args(odd, 18) == MatrixQuery("all", "name", "asc")
    assert MatrixQuery.from_args({"sort": "lesson-18", "dir": "asc"}, 18).sort == "lesson-18"


def test_deactivated_leaders_are_shown_as_such(client, auth, world):
    world.leader.active = False
    db.session.commit()
    assert not row_of(matrix_for(world), world.leader).active
    auth.login(world.facilitator)
    html = client.get(progress_url(world)).get_data(as_text=True)
    assert 'class="row-deactivated"' in html
    assert "Deactivated" in text_of(client.get(progress_url(world)))


# ---- the page -------------------------------------------------------------------------------


def test_a_row_written_in_python_escapes_what_a_leader_typed(client, auth, world, make_leader):
    """progress_views.row_html writes each row without Jinja: the name a leader chose and
    their email address (as far as an address may hold such characters) are escaped there,
    never markup on the facilitator's page."""
    make_leader(name='<script>alert("x")</script> & Co', email="o'brien&co@example.org",
                cohort=world.cohort)
    auth.login(world.facilitator)
    html = client.get(progress_url(world)).get_data(as_text=True)
    assert "<script>alert" not in html and "o'brien&co" not in html
    assert '&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co' in html
    assert "o&#39;brien&amp;co@<wbr>example.<wbr>org" in html  # the address as validated


def test_page_shows_states_in_words_with_a_legend_in_one_grid(client, auth, world):
    finish(world.leader, 1)
    write(world.leader, 2)
    auth.login(world.facilitator)
    response = client.get(progress_url(world))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    page = text_of(response)
    assert "<td class=cd>Done<td class=co>In progress<td><td>" in html  # not started: empty
    assert "<td></tr>" in html  # no space in the last empty cell: the stylesheet's td:empty
    assert 'class="matrix-legend"' in html and "Stuck: in progress for over 7 days" in page
    assert "Not started (an empty cell)" in page and "an empty lesson cell is a lesson not" in page
    # One grid for every screen: each row is written once (no second list for phones).
    assert 'class="matrix-grid"' in html and 'class="matrix-list"' not in html
    assert html.replace("<wbr>", "").count(world.leader.email) == 1
    assert re.search(r'<th scope="col" class="matrix-name" aria-sort="ascending">', html)
    assert html.count("aria-sort=") == 1
    total = len(client.application.extensions["catalog"].lessons)
    assert f'{round(100 / total)}%<span class="matrix-of"> 1/{total}</span>' in html
    assert "Lesson 1: Where am I? Four kinds of work" in page
    # The sort menu offers every figure and every lesson, the one in use selected.
    assert '<option value="name" selected>Leader</option>' in html
    assert '<option value="progress">Progress</option>' in html
    assert '<option value="lesson-1">Lesson 1: Where am I? Four kinds of work</option>' in html
    assert html.count('<option value="lesson-') == total
    assert 'role="region"' in html and 'tabindex="0"' in html  # the grid scrolls by keyboard


def test_streamed_page_keeps_the_security_headers_and_a_working_sign_out(client, auth, world):
    auth.login(world.facilitator)
    response = client.get(progress_url(world))
    assert response.is_streamed
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.get_data(as_text=True).rstrip().endswith("</html>")
    assert client.post("/logout").status_code == 302
    assert client.get(progress_url(world)).status_code == 302  # signed out


def test_page_links_sort_by_each_column_and_keep_the_filter(client, auth, world):
    write(world.leader, 1)
    age(world.leader, 1, 9)
    auth.login(world.facilitator)
    html = client.get(progress_url(world) + "?show=stuck&sort=progress&dir=desc").get_data(
        as_text=True)
    assert 'aria-sort="descending"' in html
    # The sorted column's link turns the order round; the others keep the filter.
    assert "?show=stuck&amp;sort=progress&amp;dir=asc" in html
    assert "?show=stuck&amp;sort=name&amp;dir=asc" in html
    assert "?show=stuck&amp;sort=lesson-3&amp;dir=desc" in html
    assert "progress.csv?show=stuck&amp;sort=progress&amp;dir=desc" in html
    assert 'id="show-stuck" name="show" value="stuck" checked' in html


def test_empty_filter_and_empty_cohort(client, auth, world, make_cohort):
    auth.login(world.facilitator)
    page = text_of(client.get(progress_url(world) + "?show=stuck"))
    assert "No leader matches “Stuck: a lesson in progress for over 7 days”" in page
    empty = make_cohort(name="Empty", facilitator=world.facilitator)
    assert "Nobody has joined this cohort yet" in text_of(
        client.get(progress_url(world, cohort=empty)))


# ---- pages of leaders -------------------------------------------------------------------------


def test_row_pages_split_clamp_and_number():
    rows = list(range(250))
    first = RowPage.of(rows, 1, size=100)
    assert (first.rows[0], first.rows[-1], first.first, first.last, first.pages) == (
        0, 99, 1, 100, 3)
    last = RowPage.of(rows, 3, size=100)
    assert (len(last.rows), last.first, last.last) == (50, 201, 250)
    assert RowPage.of(rows, 9, size=100).number == 3  # past the end: the last page
    assert RowPage.of(rows, 0, size=100).number == 1
    empty = RowPage.of([], 4, size=100)
    assert (empty.number, empty.pages, empty.first, empty.last, empty.rows) == (1, 1, 0, 0, [])
    ten = [RowPage.of(list(range(1000)), n, size=100).numbers() for n in (1, 5, 10)]
    assert ten == [[1, 2, 3, None, 10], [1, None, 3, 4, 5, 6, 7, None, 10],
                   [1, None, 8, 9, 10]]
    assert RowPage.of(list(range(40)), 2, size=10).numbers() == [1, 2, 3, 4]


def test_page_number_is_read_leniently_and_left_out_when_first():
    for raw, number in [("2", 2), ("0", 1), ("-3", 1), ("two", 1), ("", 1), ("9" * 12, 1)]:
        assert MatrixQuery.from_args({"page": raw}, 18).page == number
    query = MatrixQuery.from_args({"sort": "quiz", "page": "3"}, 18)
    assert query.args() == {"sort": "quiz", "dir": "desc", "page": 3}
    assert query.args(page=1) == {"sort": "quiz", "dir": "desc"}
    assert "page" not in query.sort_link("name") and "page" not in query.sort_link("quiz")


def test_a_large_cohort_is_shown_a_page_at_a_time(client, auth, world, make_leader,
                                                  monkeypatch):
    monkeypatch.setattr(matrix_view, "PAGE_SIZE", 2)
    for name in ("Ada Zephyr", "Bea Young", "Cy Xu", "Di Wren"):
        make_leader(name=name, cohort=world.cohort)
    auth.login(world.facilitator)
    names = ["Ada Zephyr", "Bea Young", "Cy Xu", "Di Wren", "Lee Leader"]
    html = client.get(progress_url(world)).get_data(as_text=True)
    page = text_of(client.get(progress_url(world)))
    assert "5 leaders, sorted by leader, ascending. Showing 1 to 2 (page 1 of 3)." in page
    assert all(name in html for name in names[:2]) and not any(n in html for n in names[2:])
    assert 'aria-label="Pages of leaders"' in html
    assert f'href="{progress_url(world)}?sort=name&amp;dir=asc&amp;page=2" rel="next"' in html
    assert 'aria-current="page"><span class="visually-hidden">Page </span>1</a>' in html
    # The next page keeps the sort; the last page has no "Next".
    html = client.get(progress_url(world) + "?sort=name&dir=desc&page=2").get_data(as_text=True)
    assert "Cy Xu" in html and "Bea Young" in html and "Lee Leader" not in html
    assert "?sort=name&amp;dir=desc&amp;page=1" not in html  # page 1 is the bare query
    assert "?sort=name&amp;dir=desc&amp;page=3" in html
    last = client.get(progress_url(world) + "?page=3").get_data(as_text=True)
    assert "Lee Leader" in last and 'rel="next"' not in last and 'rel="prev"' in last
    assert "Showing 5 to 5 (page 3 of 3)" in text_of(client.get(progress_url(world) + "?page=99"))
    # The download holds every row, whatever page the screen is on.
    assert "Download all 5 rows (CSV)" in last
    assert 'progress.csv?sort=name&amp;dir=asc"' in last  # no page in the download's link
    rows = client.get(progress_url(world, "/progress.csv") + "?page=3").data.decode("utf-8-sig")
    assert all(name in rows for name in names)


def test_one_page_has_no_page_links(client, auth, world):
    auth.login(world.facilitator)
    html = client.get(progress_url(world)).get_data(as_text=True)
    assert "Pages of leaders" not in html and "Showing" not in html
    assert "Download these rows (CSV)" in html


def test_cohort_page_links_to_progress_and_insight(client, auth, world):
    auth.login(world.facilitator)
    html = client.get(f"/facilitate/cohorts/{world.cohort.id}").get_data(as_text=True)
    assert f'href="/facilitate/cohorts/{world.cohort.id}/progress"' in html
    assert f'href="/facilitate/cohorts/{world.cohort.id}/insight"' in html


# ---- a fixed number of queries ---------------------------------------------------------------


def busy_leaders(world, make_leader, count: int, start: int) -> None:
    for n in range(start, start + count):
        person = make_leader(name=f"Leader {n:02d}", cohort=world.cohort)
        finish(person, 1)
        write(person, 2, "some words", audience="facilitator" if n % 2 == 0 else "private")
        take_quiz(person, 1)
        if n % 3 == 0:
            questions = current_app.extensions["catalog"].self_assessment.questions
            save_assessment(person.id, "before", {q.id: 2 + n % 3 for q in questions})
            db.session.commit()


@pytest.mark.parametrize("suffix", ["/progress", "/progress.csv", "/progress?show=stuck&sort=quiz",
                                    "/insight", "/questions.csv"])
def test_query_count_does_not_grow_with_the_cohort(client, auth, world, make_leader,
                                                   count_queries, suffix):
    auth.login(world.facilitator)
    busy_leaders(world, make_leader, 3, 0)
    client.get(progress_url(world, suffix))  # warm-up
    with count_queries() as small:
        assert client.get(progress_url(world, suffix)).status_code == 200
    busy_leaders(world, make_leader, 27, 3)
    with count_queries() as large:
        assert client.get(progress_url(world, suffix)).status_code == 200
    assert len(small) == len(large), (len(small), len(large))
    assert len(large) <= 12, large  # sign-in, the cohort and a handful of grouped queries


# ---- who reaches what ------------------------------------------------------------------------

ROUTES = ["/progress", "/progress.csv", "/insight", "/questions.csv"]
EXPECTED = {"anonymous": 302, "leader": 403, "facilitator": 200, "other_facilitator": 404,
            "admin": 200}


@pytest.mark.parametrize("who", list(EXPECTED))
@pytest.mark.parametrize("suffix", ROUTES)
def test_permission_matrix(client, auth, world, who, suffix):
    user = world.user(who)
    if user is not None:
        auth.login(user)
    response = client.get(progress_url(world, suffix))
    assert response.status_code == EXPECTED[who]
    if who == "anonymous":
        assert response.headers["Location"].startswith("/login")
    if response.status_code == 404:
        assert world.cohort.name not in response.get_data(as_text=True)


@pytest.mark.parametrize("suffix", ROUTES)
def test_other_cohorts_leaders_never_appear(client, auth, world, suffix):
    finish(world.other_leader, 1)
    auth.login(world.facilitator)
    body = client.get(progress_url(world, suffix)).get_data(as_text=True)
    assert world.other_leader.name not in body and world.other_leader.email not in body


def test_admin_sees_every_cohort_through_the_same_scoping(world):
    matrix = build_matrix(world.admin, world.other_cohort, current_app.extensions["catalog"],
                          utcnow())
    assert [row.id for row in matrix.rows] == [world.other_leader.id]
    assert build_matrix(world.facilitator, world.other_cohort,
                        current_app.extensions["catalog"], utcnow()).rows == ()


CANARY = "CANARY-7f3a9 our board hides the overspend"


def test_private_reflection_text_reaches_no_route(client, auth, world, caplog):
    """A private reflection's words appear in no page or CSV; a shared one's neither here."""
    write(world.leader, 1, CANARY)
    write(world.leader, 2, CANARY + " (shared)", audience="facilitator")
    complete_lesson(world.leader.id, lesson(1))
    db.session.add(SelfAssessment(user_id=world.leader.id, stage="before", levels={}))
    take_quiz(world.leader, 1)
    auth.login(world.facilitator)
    for suffix in ROUTES + ["/progress?sort=reflections&dir=desc", "/progress?sort=quiz&dir=asc"]:
        response = client.get(progress_url(world, suffix))
        assert response.status_code == 200, suffix
        body = response.get_data(as_text=True)
        assert "CANARY-7f3a9" not in body, suffix
        assert world.leader.name in body or suffix.startswith(("/insight", "/questions"))
    assert "CANARY-7f3a9" not in caplog.text
