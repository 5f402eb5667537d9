"""A lesson page weighs at most 60 KB, and static files are cached for a year by URL.

Sizes are bytes transferred as the app sends them to a browser that accepts gzip: the
page's HTML uncompressed (the app never compresses pages, which carry CSRF tokens:
BREACH), its CSS and JS gzipped as the app serves them. A proxy in front adds nothing.
"""

from __future__ import annotations

import gzip
import hashlib
import re

from course.extensions import db
from course.self_assessment.models import SelfAssessment
from course.static_files import ONE_YEAR, scan_folder

LIMIT = 60 * 1024
ASSET = re.compile(r'<(?:link rel="stylesheet"|script)[^>]*(?:href|src)="([^"]+)"')


def _signed_in(app, make_leader, client):
    leader = make_leader()
    db.session.add(SelfAssessment(user_id=leader.id, stage="before", skipped=True))
    db.session.commit()
    response = client.post("/login", data={"email": leader.email,
                                           "password": "a calm walk by the river"})
    assert response.status_code == 302
    return leader


def _fetch(client, url: str, **kwargs):
    """GET a URL and close the response (static files are streamed from open files)."""
    response = client.get(url, **kwargs)
    response.get_data()
    response.close()
    return response


def _weight(client, path: str) -> tuple[int, dict[str, int]]:
    """Bytes of a page's HTML and of each CSS and JS file it links, as transferred."""
    gzip_ok = {"Accept-Encoding": "gzip, deflate, br"}
    page = client.get(path, headers=gzip_ok)
    assert page.status_code == 200 and "Content-Encoding" not in page.headers
    assets = {}
    for url in ASSET.findall(page.text):
        asset = _fetch(client, url, headers=gzip_ok)
        assert asset.status_code == 200, url
        assets[url] = len(asset.data)
    return len(page.data), assets


def test_every_lesson_page_with_its_css_and_js_is_under_60_kb(app, client, make_leader):
    _signed_in(app, make_leader, client)
    catalog = app.extensions["catalog"]
    weights = {}
    for lesson in catalog.ordered_lessons:
        html, assets = _weight(client, f"/lessons/{lesson.id}")
        assert any(url.startswith("/static/css/") for url in assets), assets
        assert any(url.startswith("/static/js/") for url in assets), assets
        weights[lesson.id] = html + sum(assets.values())
    heaviest = max(weights, key=weights.get)
    print(f"heaviest lesson page: {heaviest}, {weights[heaviest]:,} bytes with CSS and JS")
    assert weights[heaviest] <= LIMIT, weights


def test_a_lesson_page_showing_quiz_feedback_is_under_60_kb(app, client, make_leader):
    """Feedback on every option is the longest state a lesson page has."""
    _signed_in(app, make_leader, client)
    catalog = app.extensions["catalog"]
    lesson, quiz = max(
        ((lesson, catalog.quizzes[lesson.quiz_id]) for lesson in catalog.ordered_lessons
         if lesson.quiz_id),
        key=lambda pair: sum(len(getattr(q, "options", ())) for q in pair[1].questions),
    )
    answers = {f"q-{q.id}": "true" if q.type == "true-false" else "0" for q in quiz.questions
               if q.type != "scale"}
    answers.update({f"q-{q.id}": str(q.values[0]) for q in quiz.questions if q.type == "scale"})
    client.post(f"/lessons/{lesson.id}/reflections/{lesson.reflections[0].id}",
                data={"text": "A reflection of a good length. " * 40, "form_key": "weight-1"})
    submitted = client.post(f"/lessons/{lesson.id}/quiz", data=answers)
    assert submitted.status_code == 302 and "attempt=" in submitted.location
    html, assets = _weight(client, submitted.location)
    total = html + sum(assets.values())
    print(f"{lesson.id} with quiz feedback: {total:,} bytes ({html:,} HTML, {assets})")
    assert total <= LIMIT


def test_static_files_are_cached_for_a_year_under_their_content_hash(app, client):
    page = client.get("/login")
    urls = re.findall(r'(?:href|src)="(/static/[^"]+)"', page.text)
    assert urls, "the layout links no static files"
    for url in urls:
        assert re.search(r"\?v=[0-9a-f]{12}$", url), url
        response = _fetch(client, url)
        assert response.status_code == 200
        # The version in the URL is the content's own hash: a changed file, a new URL.
        assert url.endswith(hashlib.sha256(response.data).hexdigest()[:12])
        cache = response.cache_control
        assert cache.public and cache.max_age == ONE_YEAR and cache.immutable, url
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "Accept-Encoding" in response.headers["Vary"]


def test_css_and_js_are_gzipped_for_browsers_that_accept_it(app, client):
    for url in ("/static/css/site.css", "/static/js/autosave.js"):
        plain = _fetch(client, url)
        packed = _fetch(client, url, headers={"Accept-Encoding": "gzip"})
        assert "Content-Encoding" not in plain.headers
        assert packed.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(packed.data) == plain.data
        assert len(packed.data) < len(plain.data) / 2
        assert packed.mimetype == plain.mimetype
        again = _fetch(client, url, headers={"Accept-Encoding": "gzip",
                                             "If-None-Match": packed.headers["ETag"]})
        assert again.status_code == 304


def test_static_files_without_the_current_hash_are_revalidated(app, client):
    for url in ("/static/css/site.css", "/static/css/site.css?v=0123456789ab"):
        response = _fetch(client, url)
        assert response.status_code == 200
        assert response.cache_control.no_cache and not response.cache_control.max_age, url
        again = _fetch(client, url, headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304


def test_a_changed_file_gets_a_new_url(app, tmp_path):
    from course.static_files import static_url

    folder = tmp_path / "static"
    (folder / "css").mkdir(parents=True)
    (folder / "css" / "site.css").write_text("body { color: black }")
    app.static_folder = str(folder)
    app.extensions["static_files"] = scan_folder(folder)  # as at start-up
    with app.test_request_context():
        before = static_url("css/site.css")
        (folder / "css" / "site.css").write_text("body { color: navy }")
        app.extensions["static_files"] = scan_folder(folder)  # the next deploy's start-up
        after = static_url("css/site.css")
        assert static_url("css/missing.css") == "/static/css/missing.css"
    assert before != after and before.split("?")[0] == after.split("?")[0]
    client = app.test_client()
    assert _fetch(client, after).cache_control.max_age == ONE_YEAR
    assert _fetch(client, before).cache_control.no_cache  # an old page's URL: not for a year
