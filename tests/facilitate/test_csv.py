"""The CSV files: the matrix's rows, columns and order as on screen; one row per question;
numbers as numbers, UTF-8 with a header, and no cell a spreadsheet would run."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from html.parser import HTMLParser

from flask import current_app
from sqlalchemy import select

from course.cohorts.models import Membership, Nudge
from course.extensions import db
from course.facilitate.csv_export import csv_text, safe_cell
from course.models import Role
from tests.factories import age, finish, lesson, take_quiz, write


class MatrixTable(HTMLParser):
    """The text of each cell of the progress grid's body rows."""

    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self.in_table = self.in_body = False
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("class") == "matrix":
            self.in_table = True
        elif self.in_table and tag == "tbody":
            self.in_body = True
        elif self.in_body and tag == "tr":
            self.rows.append([])
        elif self.in_body and tag in ("td", "th"):
            self._end_cell()  # a cell's end tag is optional: the next cell ends it
            self.cell = []

    def _end_cell(self):
        if self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_endtag(self, tag):
        if tag in ("td", "th", "tr"):
            self._end_cell()
        elif tag == "tbody":
            self.in_body = False
        elif tag == "table":
            self.in_table = False

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def screen_rows(html: str) -> list[list[str]]:
    parser = MatrixTable()
    parser.feed(html)
    return parser.rows


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="')
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))


def seed_cohort(world, make_leader):
    """Three leaders at different stages, one deactivated, one with a formula-like name."""
    ann = make_leader(name="Ann Żak", cohort=world.cohort)
    finish(ann, 1)
    finish(ann, 2)
    write(ann, 3, "later", audience="facilitator")
    take_quiz(ann, 1)
    mal = make_leader(name="=HYPERLINK(\"http://evil\")", cohort=world.cohort)
    write(mal, 1)
    age(mal, 1, 10)
    mal.active = False
    db.session.commit()
    return ann, mal


def test_progress_csv_matches_the_screen(client, auth, world, make_leader):
    seed_cohort(world, make_leader)
    nudged = db.session.scalars(select(Membership.user_id).where(
        Membership.cohort_id == world.cohort.id, Membership.role == Role.LEADER)).first()
    for _ in range(2):
        db.session.add(Nudge(cohort_id=world.cohort.id, leader_id=nudged,
                             sent_by_id=world.facilitator.id, subject="s", message="m"))
    db.session.commit()
    auth.login(world.facilitator)
    for query in ("", "?sort=nudged&dir=desc", "?sort=progress&dir=desc", "?show=stuck",
                  "?sort=quiz&dir=asc", "?sort=lesson-1&dir=desc"):
        base = f"/facilitate/cohorts/{world.cohort.id}/progress"
        screen = screen_rows(client.get(base + query).get_data(as_text=True))
        header, *rows = read_csv(client.get(base + ".csv" + query))
        assert header[:11] == [
            "Leader", "Email", "Account", "Stuck", "Inactive over 14 days", "Progress (%)",
            "Lessons done", "Last active (UTC)", "Reflections", "Shared", "Quiz average (%)",
        ]
        assert header[11:15] == ["Last nudged (UTC)", "Nudges", "Posts", "Replies given"]
        assert header[15] == "1. Where am I? Four kinds of work"
        assert len(header) == 15 + len(current_app.extensions["catalog"].lessons)
        assert len(rows) == len(screen) > 0, query
        for shown, row in zip(screen, rows, strict=True):
            name = row[0].removeprefix("'")
            assert shown[0].startswith(name) and row[1] in shown[0]
            assert ("Deactivated" in shown[0]) == (row[2] == "deactivated")
            assert ("Stuck" in shown[0]) == (row[3] == "yes")
            assert ("Inactive" in shown[0]) == (row[4] == "yes")
            total = len(current_app.extensions["catalog"].lessons)
            assert shown[1] == f"{row[5]}% {row[6]}/{total}"
            if row[7]:
                assert shown[2] == datetime.fromisoformat(row[7]).strftime("%-d %b %Y")
            else:
                assert shown[2] == "Never"
            assert shown[3:5] == row[8:10]
            assert shown[5] == (f"{row[10]}%" if row[10] else "–no quiz yet")
            if row[11]:
                nudged_on = datetime.fromisoformat(row[11]).strftime("%-d %b %Y")
                assert shown[6] == f"{nudged_on} ({row[12]})"
            else:
                assert shown[6] == "Never" and row[12] == "0"
            states = {"Done": "done", "In progress": "in progress", "Stuck": "in progress",
                      "": "not started"}
            assert shown[7:9] == row[13:15]  # the circle's posts and replies given
            assert [states[cell] for cell in shown[9:]] == row[15:]


def test_progress_csv_numbers_and_formula_guard(client, auth, world, make_leader):
    ann, mal = seed_cohort(world, make_leader)
    auth.login(world.facilitator)
    response = client.get(f"/facilitate/cohorts/{world.cohort.id}/progress.csv")
    assert response.data.startswith("\ufeffLeader,".encode())  # UTF-8 with a BOM, header first
    assert "harbour-cohort-progress-" in response.headers["Content-Disposition"]
    header, *rows = read_csv(response)
    by_email = {row[1]: row for row in rows}
    assert by_email[ann.email][0] == "Ann Żak"
    assert by_email[mal.email][0] == "'=HYPERLINK(\"http://evil\")"
    ann_row = by_email[ann.email]
    total = len(client.application.extensions["catalog"].lessons)
    assert ann_row[5] == str(round(200 / total)) and ann_row[6] == "2"  # no "%" sign
    assert ann_row[8:10] == ["3", "1"]
    assert ann_row[10].isdigit()
    assert by_email[world.leader.email][7] == ""  # never active: empty, not "Never"
    assert by_email[world.leader.email][10] == ""  # no quiz: empty
    assert by_email[mal.email][15] == "in progress" and by_email[mal.email][3] == "yes"
    assert by_email[mal.email][11:13] == ["", "0"]  # never nudged


def test_safe_cell_and_csv_text():
    assert safe_cell("=1+2") == "'=1+2" and safe_cell("+44 20") == "'+44 20"
    assert safe_cell("-5") == "'-5" and safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("\tx") == "'\tx" and safe_cell("plain") == "plain"
    assert safe_cell(-5) == -5 and safe_cell(0.5) == 0.5 and safe_cell(None) == ""
    assert csv_text(["a", "b"], [[1, None], ["x,y", "=z"]]) == '\ufeffa,b\r\n1,\r\n"x,y",\'=z\r\n'


def test_questions_csv_matches_insight(client, auth, world, make_leader):
    quiz = current_app.extensions["catalog"].quizzes[lesson(1).quiz_id]
    single = next(q for q in quiz.questions if q.type == "single")
    wrong = next(i for i, o in enumerate(single.options) if not o.correct)
    take_quiz(world.leader, 1, {single.id: [str(wrong)]})
    take_quiz(make_leader(cohort=world.cohort), 1, {single.id: [str(wrong)]})
    auth.login(world.facilitator)
    response = client.get(f"/facilitate/cohorts/{world.cohort.id}/questions.csv")
    header, *rows = read_csv(response)
    assert header == ["Lesson", "Quiz", "Question id", "Question", "Answered", "Right (%)",
                      "Most chosen wrong option", "Times chosen"]
    catalog = current_app.extensions["catalog"]
    scored = sum(
        1 for lesson_ in catalog.ordered_lessons if lesson_.quiz_id
        for q in catalog.quizzes[lesson_.quiz_id].questions if q.scored
    )
    assert len(rows) == scored
    row = next(r for r in rows if r[2] == single.id and r[0].startswith("1. "))
    assert row[1] == quiz.title and row[4] == "2" and row[5] == "0"
    assert row[6] == single.options[wrong].text and row[7] == "2"
    assert "<" not in row[3]
    unanswered = next(r for r in rows if r[0].startswith("18. "))
    assert unanswered[4:] == ["0", "", "", ""]
    page = client.get(f"/facilitate/cohorts/{world.cohort.id}/insight").get_data(as_text=True)
    assert f"“{row[6]}”" in page and "(0 of 2)" in page


def test_progress_csv_defuses_a_name_with_control_characters_before_a_formula(
        client, auth, world, make_leader):
    """The guard runs on every data cell, not only on the header (issue 14, item 9)."""
    from course.cohorts.models import Membership

    sly = make_leader(name="\x01=HYPERLINK(\"http://evil\")")  # PostgreSQL stores no NUL
    db.session.add(Membership(user_id=sly.id, cohort_id=world.cohort.id, role=Role.LEADER))
    db.session.commit()
    auth.login(world.facilitator)
    response = client.get(f"/facilitate/cohorts/{world.cohort.id}/progress.csv")
    header, *rows = read_csv(response)
    names = [row[0] for row in rows]
    assert "'\x01=HYPERLINK(\"http://evil\")" in names
