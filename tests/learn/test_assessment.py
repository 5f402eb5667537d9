"""The before/after self-assessment and "My growth": rules called directly, then every route."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from course.content import Catalog
from course.content.models import SELF_ASSESSMENT_DIMENSIONS
from course.extensions import db
from course.learn.assessment_views import assessment_status, needs_before_assessment
from course.models import utcnow
from course.progress.models import LessonProgress
from course.self_assessment.assessment import (
    InvalidLevels,
    growth_report,
    legend_html,
    read_levels,
    save_assessment,
    scale_questions,
    skip_assessment,
)
from course.self_assessment.models import SelfAssessment
from tests.factories import csrf_token_from

DIMENSIONS = SELF_ASSESSMENT_DIMENSIONS
BEFORE_LEVELS = dict(zip(DIMENSIONS, (1, 2, 3, 4, 5, 2), strict=True))
AFTER_LEVELS = dict(zip(DIMENSIONS, (3, 2, 4, 4, 4, 5), strict=True))


@pytest.fixture
def newcomer(make_leader, make_cohort):
    """A leader who has not seen the self-assessment at all."""
    return make_leader(cohort=make_cohort())


@pytest.fixture
def questions(catalog):
    return scale_questions(catalog)


def rows_of(user_id: int) -> list[SelfAssessment]:
    db.session.expire_all()
    return db.session.scalars(
        select(SelfAssessment).where(SelfAssessment.user_id == user_id).order_by(SelfAssessment.id)
    ).all()


def finish_course(user_id: int, catalog: Catalog) -> None:
    """Every lesson marked done, straight in the table (completion has its own tests)."""
    now = utcnow()
    for lesson in catalog.ordered_lessons:
        db.session.add(LessonProgress(user_id=user_id, lesson_id=lesson.id, started_at=now,
                                      updated_at=now, completed_at=now))
    db.session.commit()


class FormState(HTMLParser):
    """Radio buttons checked on a page, and the text of the growth table's rows."""

    def __init__(self, html: str):
        super().__init__()
        self.checked: dict[str, str] = {}
        self.radios = 0
        self.rows: list[list[str]] = []
        self._in_table = False
        self._cell: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "radio":
            self.radios += 1
            if "checked" in attrs:
                self.checked[attrs["name"]] = attrs["value"]
        elif tag == "table" and "growth-table" in (attrs.get("class") or ""):
            self._in_table = True
        elif self._in_table and tag == "tr":
            self.rows.append([])
        elif self._in_table and tag in ("th", "td"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self._in_table = False
        elif self._in_table and tag in ("th", "td") and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def as_form(levels: dict[str, int]) -> dict[str, str]:
    return {key: str(value) for key, value in levels.items()}


# --- rules -------------------------------------------------------------------------------


def test_the_catalog_has_six_scale_dimensions(questions):
    assert tuple(q.id for q in questions) == DIMENSIONS
    assert all(q.minimum == 1 and q.maximum == 5 for q in questions)


def test_read_levels_accepts_all_six_and_ignores_unknown_keys(questions):
    form = as_form(BEFORE_LEVELS) | {"csrf_token": "x", "confidence": "5", "listening": " 1 "}
    assert read_levels(questions, form) == BEFORE_LEVELS


@pytest.mark.parametrize("value", ["", "   ", None])
def test_read_levels_names_each_missing_dimension(questions, value):
    form = as_form(BEFORE_LEVELS)
    form["listening"] = value
    del form["managing-risk"]
    with pytest.raises(InvalidLevels) as raised:
        read_levels(questions, form)
    assert set(raised.value.errors) == {"listening", "managing-risk"}
    assert "no answer yet" in raised.value.errors["listening"]
    assert "from 1 to 5" in raised.value.errors["managing-risk"]


@pytest.mark.parametrize("value", ["0", "6", "-1", "+3", "2.5", "three", "3a", "٣", "9" * 5000])
def test_read_levels_refuses_out_of_range_and_non_integers(questions, value):
    form = as_form(BEFORE_LEVELS) | {"connecting": value}
    with pytest.raises(InvalidLevels) as raised:
        read_levels(questions, form)
    assert list(raised.value.errors) == ["connecting"]
    assert "not one of the levels" in raised.value.errors["connecting"]


def test_needs_before_until_answered_or_skipped(newcomer, make_leader):
    def needs(user_id):  # asked on its own, and from a status read already: the same
        alone = needs_before_assessment(user_id)
        assert needs_before_assessment(user_id, assessment_status(user_id)) == alone
        return alone

    assert needs(newcomer.id)
    save_assessment(newcomer.id, "after", AFTER_LEVELS)  # an "after" alone does not count
    assert needs(newcomer.id)
    skip_assessment(newcomer.id, "before")
    assert not needs(newcomer.id)
    other = make_leader()
    save_assessment(other.id, "before", BEFORE_LEVELS)
    assert not needs(other.id)


def test_no_self_assessment_in_the_course_means_nothing_to_offer(app, newcomer):
    app.extensions["catalog"] = Catalog.empty()
    assert not needs_before_assessment(newcomer.id)
    assert growth_report(newcomer.id, Catalog.empty()).available is False


def test_status_none_skipped_done(newcomer):
    assert assessment_status(newcomer.id) == {"before": None, "after": None}
    skip_assessment(newcomer.id, "before")
    assert assessment_status(newcomer.id) == {"before": "skipped", "after": None}
    save_assessment(newcomer.id, "before", BEFORE_LEVELS)
    save_assessment(newcomer.id, "after", AFTER_LEVELS)
    assert assessment_status(newcomer.id) == {"before": "done", "after": "done"}


def test_saving_again_updates_the_one_row(newcomer):
    first = save_assessment(newcomer.id, "before", BEFORE_LEVELS)
    second = save_assessment(newcomer.id, "before", AFTER_LEVELS)
    db.session.commit()
    assert first.id == second.id
    [row] = rows_of(newcomer.id)
    assert row.levels == AFTER_LEVELS and row.skipped is False


def test_a_double_submit_racing_in_updates_the_row_already_made(newcomer, monkeypatch):
    import course.self_assessment.assessment as growth

    save_assessment(newcomer.id, "before", BEFORE_LEVELS)
    db.session.commit()
    real, calls = growth.get_assessment, []

    def too_late(user_id, stage):  # the first look misses the row the other request just made
        calls.append(stage)
        return None if len(calls) == 1 else real(user_id, stage)

    monkeypatch.setattr(growth, "get_assessment", too_late)
    save_assessment(newcomer.id, "before", AFTER_LEVELS)
    db.session.commit()
    [row] = rows_of(newcomer.id)
    assert row.levels == AFTER_LEVELS and len(calls) == 2


def test_skip_never_wipes_answers(newcomer):
    save_assessment(newcomer.id, "before", BEFORE_LEVELS)
    skip_assessment(newcomer.id, "before")
    db.session.commit()
    [row] = rows_of(newcomer.id)
    assert row.levels == BEFORE_LEVELS and not row.skipped
    assert assessment_status(newcomer.id)["before"] == "done"


def test_growth_rows_change_and_chart_geometry(newcomer, catalog):
    save_assessment(newcomer.id, "before", BEFORE_LEVELS)
    save_assessment(newcomer.id, "after", AFTER_LEVELS)
    report = growth_report(newcomer.id, catalog)
    assert report.stages == ("before", "after")
    changes = {row.dimension: row.change_text for row in report.rows}
    assert changes == {
        "listening": "+2", "connecting": "no change", "sharing-curating": "+1",
        "experimenting": "no change", "leading-change": "\u22121", "managing-risk": "+3",
    }
    chart = report.chart
    assert len(chart.bars) == 12 and [level for level, _ in chart.ticks] == [1, 2, 3, 4, 5]
    full = dict(chart.ticks)[5]
    widths = {(bar.stage, bar.text): bar.width for bar in chart.bars}
    assert widths[("before", "Before 1")] == full / 5
    assert widths[("after", "After 5")] == full
    assert chart.height > max(bar.y + bar.height for bar in chart.bars)


def test_growth_ignores_stored_levels_no_longer_valid(newcomer, catalog):
    db.session.add(SelfAssessment(user_id=newcomer.id, stage="before",
                                  levels=BEFORE_LEVELS | {"listening": 9, "gone": 3}))
    report = growth_report(newcomer.id, catalog)
    listening = next(row for row in report.rows if row.dimension == "listening")
    assert listening.before is None
    assert "Before: not answered" in [bar.text for bar in report.chart.bars]
    assert "gone" not in [row.dimension for row in report.rows]


def test_legend_drops_the_paragraph_wrapper(questions):
    assert not str(legend_html(questions[0])).startswith("<p>")
    assert str(legend_html(questions[0])).startswith("How do you")


# --- routes ------------------------------------------------------------------------------


@pytest.fixture
def newcomer_in(auth, newcomer):
    auth.login(newcomer)
    return newcomer


def test_before_form_lists_six_accessible_radio_groups(client, newcomer_in, questions):
    response = client.get("/assessment/before")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert html.count("<fieldset") == 6 and html.count("<legend>") == 6
    assert FormState(html).radios == 30 and not FormState(html).checked
    for question in questions:
        for value in (1, 3, 5):
            assert question.label(value) in html.replace("&#39;", "'")
        assert f'<label class="level" for="{question.id}-2">' in html
    assert "Skip for now" in html and "meant for the end" not in html


def test_post_before_saves_and_goes_to_the_first_lesson(client, newcomer_in, catalog):
    # Issue 13: the starting self-assessment leads into lesson 1, not to the growth chart.
    response = client.post("/assessment/before", data=as_form(BEFORE_LEVELS))
    first = catalog.ordered_lessons[0].id
    assert response.status_code == 302 and response.location.endswith(f"/lessons/{first}")
    [row] = rows_of(newcomer_in.id)
    assert (row.stage, row.levels, row.skipped) == ("before", BEFORE_LEVELS, False)
    lesson = client.get(f"/lessons/{first}").get_data(as_text=True)
    assert "before self-assessment is saved" in lesson


def test_post_with_errors_keeps_choices_and_saves_nothing(client, newcomer_in):
    form = as_form(BEFORE_LEVELS) | {"connecting": "6"}
    del form["experimenting"]
    response = client.post("/assessment/before", data=form)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="connecting-error"' in html and 'id="experimenting-error"' in html
    assert 'id="listening-error"' not in html
    assert 'href="#experimenting-1"' in html  # the summary links to the first radio
    assert 'aria-describedby="experimenting-error"' in html
    kept = FormState(html).checked
    assert kept == {k: v for k, v in form.items() if k != "connecting"}
    assert rows_of(newcomer_in.id) == []


def test_retake_preselects_and_updates_the_same_row(client, newcomer_in):
    client.post("/assessment/before", data=as_form(BEFORE_LEVELS))
    [first] = rows_of(newcomer_in.id)
    html = client.get("/assessment/before").get_data(as_text=True)
    assert FormState(html).checked == as_form(BEFORE_LEVELS)
    assert "Skip for now" not in html and "answered this before" in html
    client.post("/assessment/before", data=as_form(AFTER_LEVELS))
    [again] = rows_of(newcomer_in.id)
    assert again.id == first.id and again.levels == AFTER_LEVELS


def test_skip_records_it_and_the_page_stays_reachable(client, newcomer_in, catalog):
    response = client.post("/assessment/before/skip")  # issue 13: on to lesson 1
    first = catalog.ordered_lessons[0].id
    assert response.status_code == 302 and response.location.endswith(f"/lessons/{first}")
    [row] = rows_of(newcomer_in.id)
    assert row.skipped and row.levels == {}
    assert not needs_before_assessment(newcomer_in.id)
    assert client.get("/assessment/before").status_code == 200
    growth = client.get("/growth").get_data(as_text=True)
    assert "skipped the self-assessment earlier" in growth
    assert 'href="/assessment/before"' in growth
    client.post("/assessment/before", data=as_form(BEFORE_LEVELS))
    [row] = rows_of(newcomer_in.id)
    assert not row.skipped and row.levels == BEFORE_LEVELS


def test_after_before_the_end_is_allowed_but_says_so(client, newcomer_in, catalog):
    html = client.get("/assessment/after").get_data(as_text=True)
    assert "meant for the end of the course" in html
    assert client.post("/assessment/after", data=as_form(AFTER_LEVELS)).status_code == 302
    finish_course(newcomer_in.id, catalog)
    html = client.get("/assessment/after").get_data(as_text=True)
    assert "meant for the end" not in html
    assert FormState(html).checked == as_form(AFTER_LEVELS)


def test_skip_after(client, newcomer_in):
    assert client.post("/assessment/after/skip").status_code == 302
    assert assessment_status(newcomer_in.id) == {"before": None, "after": "skipped"}


def test_growth_with_nothing_yet_invites_the_before(client, newcomer_in):
    response = client.get("/growth")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert "Take the self-assessment" in html and 'href="/assessment/before"' in html
    assert "<svg" not in html and "growth-table" not in html
    assert 'href="/assessment/after"' not in html  # offered at the end of the course


def test_growth_with_before_only(client, newcomer_in):
    save_assessment(newcomer_in.id, "before", BEFORE_LEVELS)
    db.session.commit()
    html = client.get("/growth").get_data(as_text=True)
    assert "At the end of the course you answer the same questions again" in html
    assert re.search(r'<svg[^>]*role="img"[^>]*aria-labelledby="growth-chart-title"', html)
    assert '<title id="growth-chart-title">' in html and '<desc id="growth-chart-desc">' in html
    assert html.count('class="growth-bar growth-bar-before"') == 6
    assert "growth-bar-after" not in html
    table = FormState(html).rows
    assert table[0] == ["Way of working", "Before"]
    assert table[1:] == [
        ["Listening", "1"], ["Connecting", "2"], ["Sharing and curating", "3"],
        ["Experimenting", "4"], ["Leading change", "5"], ["Managing risk", "2"],
    ]
    assert "Retake the “before” self-assessment" in html
    assert 'href="/assessment/after"' not in html


def test_growth_with_both(client, newcomer_in, catalog):
    save_assessment(newcomer_in.id, "before", BEFORE_LEVELS)
    save_assessment(newcomer_in.id, "after", AFTER_LEVELS)
    db.session.commit()
    html = client.get("/growth").get_data(as_text=True)
    table = FormState(html).rows
    assert table[0] == ["Way of working", "Before", "After", "Change"]
    assert table[1] == ["Listening", "1", "3", "+2"]
    assert table[2] == ["Connecting", "2", "2", "no change"]
    assert table[5] == ["Leading change", "5", "4", "\u22121"]
    assert html.count('class="growth-bar growth-bar-before"') == 6
    assert html.count('class="growth-bar growth-bar-after"') == 6
    assert ">Before 1</text>" in html and ">After 3</text>" in html
    assert "Listening: before 1, after 3." in html  # the chart's description
    assert "Retake the “after” self-assessment" in html


def test_growth_offers_the_after_once_the_course_is_complete(client, newcomer_in, catalog):
    save_assessment(newcomer_in.id, "before", BEFORE_LEVELS)
    db.session.commit()
    finish_course(newcomer_in.id, catalog)
    html = client.get("/growth").get_data(as_text=True)
    assert "Take the “after” self-assessment" in html and 'href="/assessment/after"' in html


def test_growth_with_after_only(client, newcomer_in):
    save_assessment(newcomer_in.id, "after", AFTER_LEVELS)
    db.session.commit()
    html = client.get("/growth").get_data(as_text=True)
    assert FormState(html).rows[0] == ["Way of working", "After"]
    assert "nothing to compare it with" in html


def test_another_leaders_answers_are_never_shown(client, auth, make_leader):
    alice, bob = make_leader(), make_leader()
    save_assessment(alice.id, "before", BEFORE_LEVELS)
    save_assessment(alice.id, "after", AFTER_LEVELS)
    db.session.commit()
    auth.login(bob)
    assert not FormState(client.get("/assessment/before").get_data(as_text=True)).checked
    assert not FormState(client.get("/assessment/after").get_data(as_text=True)).checked
    growth = client.get("/growth").get_data(as_text=True)
    assert "<svg" not in growth and "growth-table" not in growth
    client.post("/assessment/before", data=as_form(AFTER_LEVELS))
    assert rows_of(alice.id)[0].levels == BEFORE_LEVELS  # Bob's save made his own row
    assert rows_of(bob.id)[0].levels == AFTER_LEVELS


@pytest.mark.parametrize("method, path", [
    ("get", "/assessment/before"), ("post", "/assessment/before"),
    ("post", "/assessment/after/skip"), ("get", "/growth"),
])
def test_anonymous_is_sent_to_sign_in(client, method, path):
    response = getattr(client, method)(path, data=as_form(BEFORE_LEVELS))
    assert response.status_code == 302 and "/login" in response.location
    assert db.session.scalar(select(func.count(SelfAssessment.id))) == 0


@pytest.mark.parametrize("role", ["facilitator", "admin"])
@pytest.mark.parametrize("method, path", [
    ("get", "/assessment/before"), ("post", "/assessment/after"),
    ("post", "/assessment/before/skip"), ("get", "/growth"),
])
def test_self_assessment_is_for_leaders_only(client, auth, make_facilitator, make_admin,
                                             role, method, path):
    auth.login(make_facilitator() if role == "facilitator" else make_admin())
    assert getattr(client, method)(path, data=as_form(BEFORE_LEVELS)).status_code == 403
    assert db.session.scalar(select(func.count(SelfAssessment.id))) == 0


@pytest.mark.parametrize("path", ["/assessment/during", "/assessment/", "/assessment/before/x"])
def test_unknown_stage_is_404(client, newcomer_in, path):
    assert client.get(path).status_code == 404


def test_skip_is_post_only(client, newcomer_in):
    assert client.get("/assessment/before/skip").status_code == 405
    assert rows_of(newcomer_in.id) == []


def test_no_self_assessment_in_the_course(app, client, newcomer_in):
    app.extensions["catalog"] = Catalog.empty()
    assert client.get("/assessment/before").status_code == 404
    assert client.post("/assessment/before/skip").status_code == 404
    assert "no self-assessment yet" in client.get("/growth").get_data(as_text=True)


def test_forms_need_a_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        from course.accounts import create_user
        from course.models import Role
        from tests.factories import PASSWORD

        leader = create_user("csrf-sa@example.org", "C S", Role.LEADER, PASSWORD)
        db.session.commit()
        token = csrf_token_from(client.get("/login").get_data(as_text=True))
        client.post("/login", data={"email": leader.email, "password": PASSWORD,
                                    "csrf_token": token})
        assert client.post("/assessment/before", data=as_form(BEFORE_LEVELS)).status_code == 400
        assert client.post("/assessment/before/skip").status_code == 400
        token = csrf_token_from(client.get("/assessment/before").get_data(as_text=True))
        data = as_form(BEFORE_LEVELS) | {"csrf_token": token}
        saved = client.post("/assessment/before", data=data)
        assert saved.status_code == 302
        assert rows_of(leader.id)[0].levels == BEFORE_LEVELS
