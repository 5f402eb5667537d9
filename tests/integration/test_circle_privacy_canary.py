"""Closed means closed: each audience reaches exactly who it names, through every GET
route any role can reach (read from the url_map, so routes added later are covered), the
same-site links those pages offer (sorts, filters, pages, CSVs), every person's data
download and every email; and after narrowing, nobody but the author.

Ann (cohort Harbour) writes a canary for each audience and one in an experiment entry
shared with her cohort; Ben, her peer, replies to her cohort post with a canary of his
own. Viewers: Ben, Cy (a leader of another cohort), Fran (Harbour's facilitator), Gus
(the other cohort's facilitator) and an admin (who runs every cohort).
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from datetime import date
from itertools import product
from urllib.parse import urlsplit

import pytest
from flask import url_for
from sqlalchemy import select

from course.circle.models import CirclePost, CircleReply
from course.circle.posts import set_audience
from course.circle.replies import add_reply
from course.experiments.experiments import add_entry
from course.extensions import db
from course.reflections.reflections import save_reflection
from tests.factories import Auth, read_outbox

CANARIES = {
    "only me": "qzxcanaryonlyme",
    "my facilitator": "qzxcanaryfacilitator",
    "my cohort": "qzxcanarycohort",
    "cohort entry": "qzxcanaryentry",
    "facilitator entry": "qzxcanaryfacentry",
    "peer reply": "qzxcanarypeerreply",
}
COHORT_WIDE = {"my cohort", "cohort entry", "peer reply"}
# Before narrowing: who may read which canary (beyond Ann, who may read them all).
MAY_READ = {
    "ben": COHORT_WIDE,
    "cy": set(),
    "fran": COHORT_WIDE | {"my facilitator", "facilitator entry"},
    "gus": set(),
    "admin": COHORT_WIDE | {"my facilitator", "facilitator entry"},
}
PER_PATH = 6
MAX_PAGES = 700
SKIP = ("/static/", "/logout", "/healthz")


@pytest.fixture
def people(app, make_leader, make_cohort, make_facilitator, make_admin):
    fran, gus = make_facilitator(name="Fran Facilitator"), make_facilitator(name="Gus Other")
    harbour, hill = make_cohort("Harbour", fran), make_cohort("Hill", gus)
    found = {"ann": make_leader(name="Ann Able", cohort=harbour),
             "ben": make_leader(name="Ben Bold", cohort=harbour),
             "cy": make_leader(name="Cy Other", cohort=hill),
             "fran": fran, "gus": gus, "admin": make_admin(name="Ada Admin")}
    catalog = app.extensions["catalog"]
    first, second = catalog.ordered_lessons[0], catalog.ordered_lessons[1]
    ann = found["ann"].id
    rows = {
        "only me": save_reflection(ann, first, first.reflections[0].id,
                                   f"{CANARIES['only me']} words", None),
        "my facilitator": save_reflection(ann, first, first.reflections[1].id,
                                          f"{CANARIES['my facilitator']} words", None),
        "my cohort": save_reflection(ann, second, second.reflections[0].id,
                                     f"{CANARIES['my cohort']} words", None),
        "cohort entry": add_entry(ann, first, date.today(), f"{CANARIES['cohort entry']} x",
                                  {}, None),
        "facilitator entry": add_entry(ann, second, date.today(),
                                       f"{CANARIES['facilitator entry']} y", {}, None),
    }
    set_audience(rows["facilitator entry"], "facilitator")
    set_audience(rows["my facilitator"], "facilitator")
    set_audience(rows["my cohort"], "cohort")
    set_audience(rows["cohort entry"], "cohort")
    db.session.flush()
    post = db.session.scalar(select(CirclePost).where(
        CirclePost.reflection_id == rows["my cohort"].id))
    add_reply(post, found["ben"], f"{CANARIES['peer reply']} thanks")
    # Cy's own circle has something in it, so the other cohort's pages have rows too.
    cy_row = save_reflection(found["cy"].id, first, first.reflections[0].id, "Hill words",
                             None)
    set_audience(cy_row, "cohort")
    db.session.commit()
    return found, rows, harbour, hill


def fill_values(app, rows, harbour, hill) -> dict[str, list]:
    """Real values for every URL variable; a list where several are worth trying."""
    catalog = app.extensions["catalog"]
    reflections = [row.id for key, row in rows.items() if "entry" not in key]
    return {
        "cohort_id": [harbour.id, hill.id],
        "reflection_id": reflections,
        "entry_id": [rows["cohort entry"].id, rows["facilitator entry"].id],
        "post_id": list(db.session.scalars(select(CirclePost.id))),
        "reply_id": list(db.session.scalars(select(CircleReply.id))),
        "lesson_id": [lesson.id for lesson in catalog.ordered_lessons[:2]],
        "stage": ["before"],
        "filename": ["css/site.css"],
        "token": ["not-a-token"],
    }


def every_get_url(app, values: dict[str, list]) -> list[str]:
    """Every GET route of every blueprint, each variable filled with each real value
    (other ids get 1: a page about someone else's row must still say nothing)."""
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.rule.startswith(SKIP):
                continue
            names = sorted(rule.arguments)
            choices = [values.get(name, [1]) for name in names]
            for combination in product(*choices):
                urls.append(url_for(rule.endpoint, **dict(zip(names, combination, strict=True))))
    return urls


def links_in(body: str) -> list[str]:
    found = []
    for raw in re.findall(r'href="([^"]+)"', body):
        parts = urlsplit(html.unescape(raw))
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        if not parts.path.startswith(SKIP):
            found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def read_all(client, seeds: list[str]) -> dict[str, str]:
    """GET every seed and the same-site links reached from them: {url: body}."""
    seen: dict[str, str] = {}
    per_path: dict[str, int] = {}
    queue = list(dict.fromkeys(seeds))
    while queue:
        url = queue.pop(0)
        path = urlsplit(url).path
        if url in seen or per_path.get(path, 0) >= PER_PATH:
            continue
        per_path[path] = per_path.get(path, 0) + 1
        assert len(seen) < MAX_PAGES, "the crawl went on too long"
        response = client.get(url)
        assert response.status_code < 500, f"{url} answered {response.status_code}"
        body = response.get_data(as_text=True) + str(response.headers)
        seen[url] = body
        if response.status_code in (301, 302, 303):
            queue.append(response.headers["Location"])
        elif response.mimetype == "text/html":
            queue.extend(links_in(body))
    return seen


def download(client) -> str:
    """The person's data download (a zip) as one text."""
    response = client.post("/account/data")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        return "\n".join(archive.read(name).decode() for name in archive.namelist())


def found_in(text: str) -> set[str]:
    return {what for what, canary in CANARIES.items() if canary in text}


def signed_in(app, person):
    client = app.test_client()
    assert Auth(client).login(person).status_code in (302, 303)
    return client


def check_everyone(app, people_, seeds, may_read) -> None:
    for who, allowed in may_read.items():
        client = signed_in(app, people_[who])
        pages = read_all(client, seeds)
        for url, body in pages.items():
            leaked = found_in(body) - allowed
            assert not leaked, f"{who} reads the {sorted(leaked)} canary at {url}"
        own = {"peer reply"} if who == "ben" else set()  # Ben's own words are his
        leaked = found_in(download(client)) - own
        assert not leaked, f"{who}'s data download holds the {sorted(leaked)} canary"
        yield_ = {what for body in pages.values() for what in found_in(body)}
        assert yield_ == allowed, f"{who} should read {sorted(allowed)}, read {sorted(yield_)}"


def test_each_audience_reaches_exactly_whom_it_names_and_narrowing_ends_it(app, people):
    found, rows, harbour, hill = people
    seeds = every_get_url(app, fill_values(app, rows, harbour, hill))
    check_everyone(app, found, seeds, MAY_READ)  # also proves each canary can be seen
    # A control: the other cohort's people do read their own circle through these clients.
    assert "Hill words" in signed_in(app, found["cy"]).get("/circle").get_data(as_text=True)
    assert "Hill words" in signed_in(app, found["gus"]).get(
        f"/facilitate/cohorts/{hill.id}/circle").get_data(as_text=True)

    ann = signed_in(app, found["ann"])
    for key in ("my facilitator", "my cohort"):
        assert ann.post(f"/reflections/{rows[key].id}/audience",
                        data={"audience": "private"}).status_code == 302
    for key in ("cohort entry", "facilitator entry"):
        assert ann.post(f"/experiments/{rows[key].id}/audience",
                        data={"audience": "private"}).status_code == 302
    check_everyone(app, found, seeds, {who: set() for who in MAY_READ})

    # Ann still has all her own words, and only her own reach her pages.
    pages = read_all(ann, seeds)
    assert found_in("".join(pages.values())) == set(CANARIES) - {"peer reply"}
    for mail in read_outbox(app):
        assert not found_in(mail.as_string()), mail["Subject"]


def test_cohort_narrowed_to_facilitator_leaves_peers_but_not_the_facilitator(app, people):
    found, rows, harbour, hill = people
    seeds = every_get_url(app, fill_values(app, rows, harbour, hill))
    ann = signed_in(app, found["ann"])
    assert ann.post(f"/reflections/{rows['my cohort'].id}/audience",
                    data={"audience": "facilitator"}).status_code == 302
    ben = "".join(read_all(signed_in(app, found["ben"]), seeds).values())
    assert not found_in(ben) & {"my cohort", "peer reply"}
    fran = "".join(read_all(signed_in(app, found["fran"]), seeds).values())
    assert "my cohort" in found_in(fran)  # the feed: still shared with her
