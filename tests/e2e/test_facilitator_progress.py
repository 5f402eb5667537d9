"""A facilitator reads a cohort's progress in a browser: sorts, filters, downloads the CSV
and finds it matches the screen, then opens insight. Phone and desktop."""

from __future__ import annotations

import csv
import itertools
import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from course.accounts import create_user
from course.cohorts.cohorts import create_cohort
from course.cohorts.models import Membership
from course.extensions import db
from course.facilitate import matrix_view
from course.models import Role, utcnow
from course.progress.models import LessonProgress
from course.progress.progress import complete_lesson
from course.quizzes.attempts import submit_quiz
from course.reflections.reflections import save_reflection
from course.self_assessment.assessment import save_assessment
from tests.e2e.conftest import check_page, sign_in
from tests.factories import PASSWORD

_numbers = itertools.count(1)


def seed(live_server, label: str) -> tuple[str, str]:
    """A cohort with three leaders: one two lessons in, one stuck, one not started."""
    with live_server.app.app_context():
        n = next(_numbers)
        facilitator = create_user(f"fac{n}@example.org", "Fran Facilitator", Role.FACILITATOR,
                                  PASSWORD)
        cohort = create_cohort(f"Harbour {label}", facilitator)
        catalog = live_server.app.extensions["catalog"]
        lessons = catalog.ordered_lessons
        people = {}
        for name in ("Ada Ahead", "Sid Stuck", "Nat New"):
            person = create_user(f"{name.split()[0].lower()}{n}@example.org", name, Role.LEADER,
                                 PASSWORD)
            db.session.add(Membership(user_id=person.id, cohort_id=cohort.id, role=Role.LEADER))
            people[name] = person
            levels = {q.id: 2 for q in catalog.self_assessment.questions}
            save_assessment(person.id, "before", levels)
        ada, sid = people["Ada Ahead"], people["Sid Stuck"]
        for lesson in lessons[:2]:
            save_reflection(ada.id, lesson, lesson.reflections[0].id, "Private words.", None)
            complete_lesson(ada.id, lesson)
        quiz = catalog.quizzes[lessons[0].quiz_id]
        submit_quiz(ada.id, quiz, lessons[0].id, {
            q.id: ["true"] if q.type == "true-false" else ["0"] for q in quiz.questions
        }, None)
        save_reflection(sid.id, lessons[0], lessons[0].reflections[0].id, "Thinking.", None)
        db.session.flush()
        db.session.execute(
            update(LessonProgress).where(LessonProgress.user_id == sid.id)
            .values(started_at=utcnow() - timedelta(days=10))
        )
        db.session.commit()
        return facilitator.email, cohort.name


def screen_rows(page) -> list[tuple[str, str]]:
    """(name, progress %) of each leader shown in the grid (one grid at every size), once
    the page holding it has loaded."""
    page.wait_for_load_state()
    page.locator("table.matrix").wait_for()
    names = page.locator("table.matrix tbody .leader-name").all_inner_texts()
    progress = page.locator("table.matrix tbody tr td:nth-child(2)").all_inner_texts()
    return [(name, figure.split("%")[0]) for name, figure in zip(names, progress, strict=True)]


DOWNLOAD = re.compile(r"^Download (these|all \d+) rows \(CSV\)$")


def download_csv(page) -> list[list[str]]:
    with page.expect_download() as info:
        page.get_by_role("link", name=DOWNLOAD).click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


@pytest.mark.parametrize("page", ["phone", "desktop"], indirect=True)
def test_facilitator_reads_progress_and_insight(page, live_server):
    email, cohort = seed(live_server, page.viewport_name)
    ada = str(round(200 / len(live_server.app.extensions["catalog"].lessons)))  # 2 lessons done
    sign_in(page, live_server, email, r"/facilitate/$")
    page.get_by_role("link", name=cohort).click()
    page.get_by_role("link", name="Progress", exact=True).click()
    page.wait_for_url(re.compile(r"/progress$"))
    assert page.get_by_role("heading", name="Progress", level=1).is_visible()
    assert screen_rows(page) == [("Ada Ahead", ada), ("Nat New", "0"), ("Sid Stuck", "0")]
    check_page(page, "progress matrix")

    assert page.locator(".matrix-grid").is_visible()
    # On a phone the grid scrolls sideways in its own box; the page itself does not.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    if page.viewport_name == "desktop":
        page.get_by_role("link", name="Progress", exact=True).last.click()  # the column heading
        assert page.locator('th[aria-sort="descending"]').inner_text().startswith("Progress")
    else:  # the sort controls above the grid, thumb-sized
        page.get_by_label("Sort by", exact=True).select_option("progress")
        page.get_by_label("Order", exact=True).select_option("desc")
        page.get_by_role("button", name="Show leaders").click()
    page.wait_for_url(re.compile(r"sort=progress"))
    shown = screen_rows(page)
    assert shown[0] == ("Ada Ahead", ada)
    header, *rows = download_csv(page)
    assert header[0] == "Leader" and header[5] == "Progress (%)"
    assert [(row[0], row[5]) for row in rows] == shown

    page.get_by_label("Stuck: a lesson in progress for over 7 days").check()
    page.get_by_role("button", name="Show leaders").click()
    page.wait_for_url(re.compile(r"show=stuck"))
    assert screen_rows(page) == [("Sid Stuck", "0")]
    assert page.get_by_text("1 of 3 leaders: stuck").is_visible()
    check_page(page, "progress matrix, stuck only")
    header, *rows = download_csv(page)
    assert [(row[0], row[5], row[3]) for row in rows] == [("Sid Stuck", "0", "yes")]
    assert "Private words." not in page.content()

    page.get_by_role("link", name="Insight: lessons and questions").click()
    assert page.get_by_role("heading", name="Insight", level=1).is_visible()
    assert page.get_by_role("img", name=re.compile("average self-assessment")).is_visible()
    check_page(page, "insight")
    page.get_by_text("Where am I? Four kinds of work", exact=False).last.click()  # open a quiz
    check_page(page, "insight with a quiz opened")


@pytest.mark.parametrize("page", ["phone", "desktop"], indirect=True)
def test_facilitator_pages_through_a_large_cohort(page, live_server, monkeypatch):
    monkeypatch.setattr(matrix_view, "PAGE_SIZE", 2)  # three leaders make two pages
    email, cohort = seed(live_server, f"paged {page.viewport_name}")
    sign_in(page, live_server, email, r"/facilitate/$")
    page.get_by_role("link", name=cohort).click()
    page.get_by_role("link", name="Progress", exact=True).click()
    assert [name for name, _ in screen_rows(page)] == ["Ada Ahead", "Nat New"]
    assert page.get_by_text("Showing 1 to 2 (page 1 of 2).").is_visible()
    pages = page.get_by_role("navigation", name="Pages of leaders")
    assert pages.get_by_role("link", name="Page 1").get_attribute("aria-current") == "page"
    check_page(page, "progress matrix, first of two pages")

    pages.get_by_role("link", name="Next page").click()
    page.wait_for_url(re.compile(r"page=2"))
    assert [name for name, _ in screen_rows(page)] == ["Sid Stuck"]
    assert page.get_by_text("Showing 3 to 3 (page 2 of 2).").is_visible()
    check_page(page, "progress matrix, second page")
    # The download holds everyone, whatever page is on screen.
    header, *rows = download_csv(page)
    assert sorted(row[0] for row in rows) == ["Ada Ahead", "Nat New", "Sid Stuck"]
    page.get_by_role("navigation", name="Pages of leaders").get_by_role(
        "link", name="Previous page").click()
    page.wait_for_url(re.compile(r"progress\?sort=name&dir=asc$"))
    assert [name for name, _ in screen_rows(page)] == ["Ada Ahead", "Nat New"]
