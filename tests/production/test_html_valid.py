"""Every page a person can reach passes the W3C Nu HTML Checker (vnu.jar) with no errors.

A leader part way through, a leader who finished, a facilitator, an admin and someone
signed out each fetch every GET route the app registers (read from the url_map, filled
with real ids, so routes added later are covered) and the same-site links those pages
offer; the error pages and the token pages are added by hand. The pages are written to
a folder and checked by ONE run of the checker. `make test` installs vnu-jar with npm
into .venv/npm; without Java or the jar the test skips, which under CI=true fails the run.
It lives in tests/production because it checks HTML, not the database: the PostgreSQL
pass of `make test` leaves this folder out.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import url_for
from sqlalchemy import select, update

from course.accounts import start_password_reset
from course.circle.models import CirclePost, CircleReply
from course.circle.replies import add_reply as add_circle_reply
from course.cohorts.cohorts import create_invitation
from course.digests.unsubscribe import make_token
from course.extensions import db
from course.plans.plans import create_plan
from course.reflections.shared import add_reply
from course.review.models import ReviewItem
from course.review.review import schedule_reviews
from course.self_assessment.assessment import save_assessment, scale_questions
from course.sets.contributions import contribute
from course.sets.models import LearningSet, Round
from course.sets.rounds import open_round
from course.sets.sets import split_cohort
from tests.factories import (
    Auth,
    age,
    finish,
    lesson,
    seed_journal,
    take_quiz,
    write,
    wrong_answers,
)

ROOT = Path(__file__).resolve().parents[2]
JAR = Path(os.environ.get("VNU_JAR", ROOT / ".venv/npm/node_modules/vnu-jar/build/dist/vnu.jar"))
SKIP = ("/static/", "/logout", "/healthz")
PER_PATH = 4  # query-string variants of one path worth checking
MAX_PAGES = 400
# Errors waiting on a fix in files another change owns: (page name part, message start).
# Each entry must still occur (so a fixed one is removed here), and only on such pages.
KNOWN: set[tuple[str, str]] = set()  # (page name part, message start) of errors let through


@pytest.fixture
def checker() -> list[str]:
    """The command that runs the Nu HTML Checker, or a skip saying what is missing."""
    java = shutil.which("java")
    if java is None:
        pytest.skip("Java is not installed: the Nu HTML Checker needs it")
    if not JAR.exists():
        pytest.skip(f"{JAR} is missing: `make test` installs it (npm install vnu-jar)")
    return [java, "-jar", str(JAR), "--errors-only", "--format", "json"]


@pytest.fixture
def people(app, make_cohort, make_facilitator, make_leader, make_admin):
    """A cohort with a leader part way, a leader who finished, their facilitator and an admin."""
    catalog = app.extensions["catalog"]
    facilitator = make_facilitator(name="Fran Facilitator")
    cohort = make_cohort(name="Harbour cohort", facilitator=facilitator)
    leader = make_leader(name="Lee Leader", cohort=cohort)
    finisher = make_leader(name="Fin Finisher", cohort=cohort)
    stuck = make_leader(name="Sam Stuck", cohort=cohort)
    admin = make_admin(name="Ada Admin")
    levels = {question.id: 3 for question in scale_questions(catalog)}
    save_assessment(leader.id, "before", levels)
    save_assessment(finisher.id, "before", levels)
    journal = seed_journal(leader, catalog)
    finish(leader, 1)
    shared = write(leader, 2, "The board asked what we heard.", audience="facilitator")
    add_reply(shared.id, facilitator, "Thank you: bring it to the next session.")
    first_attempt = take_quiz(leader, 1)
    quiz = catalog.quizzes[lesson(1).quiz_id]
    take_quiz(leader, 1, choose=wrong_answers(quiz))
    # Spaced review: two questions of the first attempt, due: the Review card on /course.
    schedule_reviews(leader, quiz, lesson(1).id, first_attempt)
    db.session.execute(update(ReviewItem).values(due_on=ReviewItem.started_on))
    for number in range(1, len(catalog.ordered_lessons) + 1):
        finish(finisher, number)
    save_assessment(finisher.id, "after", {key: 4 for key in levels})
    write(stuck, 1)
    age(stuck, 1, 10)
    invitation, token = create_invitation(cohort, facilitator)
    reset_token = start_password_reset(leader.email)
    # A plan due today: the lesson offers it on the log form, the home shows its check-in.
    tried = next(found for found in catalog.ordered_lessons if found.try_this)
    plan = create_plan(leader.id, lesson_id=tried.id, what=tried.try_this.title,
                       due_on=date.today(), if_then="If the board meets, then I will ask.",
                       today=date.today())
    # An action-learning set in its questions phase: its pages show forms and a record.
    running = open_round(split_cohort(facilitator, cohort)[0], leader.id, facilitator)
    contribute(running, leader, "challenge", "Our board avoids risk.")
    contribute(running, finisher, "question", "What have you tried so far?")
    # The circle: a post shared with the cohort and a peer's reply (edit, delete, report).
    posted = write(leader, 3, "We read the comments first.", audience="cohort")
    circle_post = db.session.scalar(select(CirclePost).where(
        CirclePost.reflection_id == posted.id))
    add_circle_reply(circle_post, finisher, "So do we.")
    add_circle_reply(circle_post, leader, "Thank you.")
    db.session.commit()
    return {"leader": leader, "finisher": finisher, "facilitator": facilitator, "admin": admin,
            "cohort": cohort, "invitation": invitation, "token": token,
            "reset_token": reset_token, "journal": journal, "shared": shared, "plan": plan}


def route_urls(app, values: dict, prefix: str) -> list[str]:
    """Every GET route whose endpoint starts with `prefix`, its variables filled in."""
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith(prefix) or "GET" not in rule.methods:
                continue
            if rule.rule.startswith(SKIP):
                continue
            unknown = set(rule.arguments) - set(values)
            assert not unknown, f"{rule.rule} names {sorted(unknown)}: add a value to `values`"
            urls.append(url_for(rule.endpoint, **{k: values[k] for k in rule.arguments}))
    return urls


def links_in(body: str) -> list[str]:
    """Same-site links (href) of a page, without fragments."""
    found = []
    for raw in re.findall(r'href="([^"]+)"', body):
        parts = urlsplit(raw.replace("&amp;", "&"))
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        if not parts.path.startswith(SKIP):
            found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def collect(client, seeds: list[str], who: str, pages: dict[str, str]) -> None:
    """GET the seeds and the links they offer; keep every HTML page by a readable name."""
    seen: set[str] = set()
    per_path: dict[str, int] = {}
    queue = list(seeds)
    while queue:
        url = queue.pop(0)
        path = urlsplit(url).path
        if url in seen or per_path.get(path, 0) >= PER_PATH:
            continue
        seen.add(url)
        per_path[path] = per_path.get(path, 0) + 1
        assert len(pages) < MAX_PAGES, "the crawl went on too long"
        response = client.get(url)
        if response.status_code in (301, 302, 303):
            queue.append(response.headers["Location"])
            continue
        assert response.status_code in (200, 403, 404, 410), \
            f"{who} {url} answered {response.status_code}"
        if response.mimetype != "text/html":
            continue
        name = f"{who}{re.sub(r'[^A-Za-z0-9]+', '_', url)}".strip("_")[:150] + ".html"
        pages[name] = response.get_data(as_text=True)
        if response.status_code == 200:
            queue.extend(links_in(pages[name]))


def gather_pages(app, people) -> dict[str, str]:
    """Every page each kind of person reaches, by file name."""
    catalog = app.extensions["catalog"]
    first = catalog.ordered_lessons[0]
    quiz = catalog.quizzes[first.quiz_id]
    values = {
        "cohort_id": people["cohort"].id, "leader_id": people["leader"].id,
        "user_id": people["leader"].id, "invitation_id": people["invitation"].id,
        "reflection_id": people["journal"]["one"], "entry_id": people["journal"]["entry"],
        "lesson_id": first.id, "quiz_id": quiz.id, "stage": "before",
        "token": people["token"], "passkey_id": 1, "plan_id": people["plan"].id,
        "set_id": db.session.scalar(select(LearningSet.id)),
        "round_id": db.session.scalar(select(Round.id)),
        "post_id": db.session.scalar(select(CirclePost.id)),
        # the leader's own reply: its edit and delete pages are theirs to see
        "reply_id": db.session.scalar(select(CircleReply.id).order_by(CircleReply.id.desc())),
    }
    leader_routes = ("learn.", "auth.", "main.")
    lessons = [f"/lessons/{item.id}" for item in catalog.ordered_lessons]
    pages: dict[str, str] = {}
    anonymous = app.test_client()
    collect(anonymous, ["/login", "/forgot", "/accessibility", "/no-such-page",
                        f"/invite/{people['token']}", "/invite/not-a-token",
                        f"/reset/{people['reset_token']}", "/reset/not-a-token",
                        # an email's unsubscribe link, opened signed out: the page that asks
                        f"/email/unsubscribe/{make_token(people['leader'].id, ['digest'], 0)}",
                        "/case-for-change"], "anonymous", pages)
    for who, prefixes, extra in (
        ("leader", leader_routes, lessons + ["/assessment/after", "/lessons/no-such-lesson"]),
        ("finisher", leader_routes, ["/assessment/after", "/certificate"]),
        ("facilitator", ("facilitate.", "main.", "auth.account"), []),
        ("admin", ("facilitate.", "main.", "auth.account"), []),
    ):
        client = app.test_client()
        assert Auth(client).login(people[who]).status_code == 302
        seeds = [url for prefix in prefixes for url in route_urls(app, values, prefix)]
        collect(client, seeds + extra, who, pages)
    return pages


def run_checker(command: list[str], folder: Path) -> list[dict]:
    """Check every file in `folder` in one JVM; return the checker's messages."""
    files = sorted(str(path) for path in folder.glob("*.html"))
    done = subprocess.run([*command, *files], capture_output=True, text=True, timeout=300)
    output = done.stderr.strip() or done.stdout.strip()
    assert output.startswith("{"), f"the checker did not answer in JSON: {output[:2000]}"
    return json.loads(output)["messages"]


def test_every_page_passes_the_nu_html_checker(app, people, checker, tmp_path):
    pages = gather_pages(app, people)
    names = " ".join(pages)
    for expected in ("anonymous_login", "anonymous_no_such_page", "anonymous_invite_",
                     "anonymous_reset_", "anonymous_accessibility", "leader_course",
                     "leader_journal", "finisher_certificate", "facilitator_facilitate_cohorts_",
                     "admin_facilitate_cohorts_"):
        assert expected in names, f"no page named like {expected!r} was fetched"
    folder = tmp_path / "pages"
    folder.mkdir()
    for name, body in pages.items():
        (folder / name).write_text(body, encoding="utf-8")
    errors = [message for message in run_checker(checker, folder)
              if message.get("type") in ("error", "non-document-error")]
    lines, known = [], set()
    for message in errors:
        name = Path(urlsplit(message.get("url", "")).path).name
        text = message.get("message", "")
        waiting = {(part, start) for part, start in KNOWN if part in name
                   and text.startswith(start)}
        known |= waiting
        if not waiting:
            lines.append(f"{name}:{message.get('lastLine', '?')}: {text}")
    assert known == KNOWN, f"fixed now, remove from KNOWN: {KNOWN - known}"
    report = "\n".join(sorted(set(lines)))
    assert not lines, f"{len(lines)} HTML error(s) in {len(pages)} pages:\n{report}"


def test_the_checker_finds_an_error(checker, tmp_path):
    """A control: a page with a known error is reported, with its file and line."""
    (tmp_path / "bad.html").write_text(
        "<!DOCTYPE html>\n<html lang=en><title>x</title>\n<p><div>no</div></p>\n")
    messages = run_checker(checker, tmp_path)
    assert any(m.get("type") == "error" and m.get("lastLine") == 3 for m in messages), messages

