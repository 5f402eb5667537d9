"""Headers, CSRF, error pages, size limits, rate limits and the permission matrix."""

from __future__ import annotations

import pytest

from course.models import Role
from tests.factories import PASSWORD, csrf_token_from


def assert_security_headers(response):
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("path", ["/login", "/no-such-page", "/healthz", "/static/css/site.css"])
def test_headers_on_every_response(client, path):
    with client.get(path) as response:
        assert_security_headers(response)


def test_pages_are_not_cached_but_assets_may_be(client):
    assert client.get("/login").headers["Cache-Control"] == "no-store"
    with client.get("/static/css/site.css") as response:
        assert response.headers.get("Cache-Control") != "no-store"


def test_404_page_in_layout(client):
    response = client.get("/no-such-page")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Page not found" in html and 'class="site-header"' in html


def test_500_page_has_no_traceback(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    response = app.test_client().get("/boom")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in html
    assert "secret internal detail" not in html and "Traceback" not in html
    assert_security_headers(response)


def test_request_over_size_limit_gets_413(client):
    response = client.post("/login", data={"email": "a@b.org", "password": "x" * 300_000})
    assert response.status_code == 413
    assert "Too much to send" in response.get_data(as_text=True)
    assert_security_headers(response)


def test_csrf_required_on_forms(make_app, make_leader):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        from course.accounts import create_user
        from course.extensions import db

        create_user("csrf@example.org", "C S", Role.LEADER, PASSWORD)
        db.session.commit()
    response = client.post("/login", data={"email": "csrf@example.org", "password": PASSWORD})
    assert response.status_code == 400  # the site's page saying the form expired; not signed in
    assert "expired" in response.get_data(as_text=True)
    assert client.get("/course").status_code == 302
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    data = {"email": "csrf@example.org", "password": PASSWORD, "csrf_token": token}
    assert client.post("/login", data=data).status_code == 302
    # Logout without a token is refused with the site's 400 page.
    refused = client.post("/logout")
    assert refused.status_code == 400 and "expired" in refused.get_data(as_text=True)


def test_session_cookie_flags(make_app):
    app = make_app()
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["WTF_CSRF_TIME_LIMIT"] is None
    production = make_app(COURSE_ENV="production", TESTING=False)
    assert production.config["SESSION_COOKIE_SECURE"] is True


def test_login_rate_limited_then_recovers(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per 2 seconds")
    client = app.test_client()
    data = {"email": "someone@example.org", "password": "wrong password here"}
    codes = [client.post("/login", data=data).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = client.post("/login", data=data)
    assert "Too many attempts" in limited.get_data(as_text=True)
    assert "Retry-After" in limited.headers
    import time

    time.sleep(2.1)  # the window passes: the real user is never locked out for good
    assert client.post("/login", data=data).status_code == 200


def test_login_limit_counts_per_email_across_addresses(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    data = {"email": "target@example.org", "password": "wrong password here"}
    codes = []
    for n in range(4):
        client = app.test_client()
        codes.append(client.post("/login", data=data,
                                 environ_base={"REMOTE_ADDR": f"10.0.0.{n}"}).status_code)
    assert codes[-1] == 429


# The permission matrix: who reaches which page. Objects named in URLs get their own
# matrices in the features that own them.
ROUTES = [
    # A new leader's course home first sends them to the starting self-assessment.
    ("GET", "/course", {"anonymous": 302, "leader": 302, "facilitator": 200, "admin": 200}),
    ("GET", "/assessment/before",
     {"anonymous": 302, "leader": 200, "facilitator": 403, "admin": 403}),
    ("GET", "/facilitate/", {"anonymous": 302, "leader": 403, "facilitator": 200, "admin": 200}),
    ("GET", "/account", {"anonymous": 302, "leader": 200, "facilitator": 200, "admin": 200}),
    ("GET", "/account/password",
     {"anonymous": 302, "leader": 200, "facilitator": 200, "admin": 200}),
    ("GET", "/login", {"anonymous": 200, "leader": 302, "facilitator": 302, "admin": 302}),
    ("GET", "/healthz", {"anonymous": 200, "leader": 200, "facilitator": 200, "admin": 200}),
]


@pytest.mark.parametrize("who", ["anonymous", "leader", "facilitator", "admin"])
@pytest.mark.parametrize(("method", "path", "expected"), ROUTES, ids=[r[1] for r in ROUTES])
def test_permission_matrix(client, auth, make_user, who, method, path, expected):
    if who != "anonymous":
        auth.login(make_user(Role(who)))
    response = client.open(path, method=method)
    assert response.status_code == expected[who]
    if expected[who] == 302 and who == "anonymous":
        assert "/login" in response.headers["Location"]


def test_healthz_reports_database_failure(make_app, tmp_path):
    app = make_app()
    assert app.test_client().get("/healthz").get_json() == {"status": "ok"}
    broken = make_app(reset=False, COURSE_DATABASE_URL=f"sqlite:///{tmp_path}/missing/dir/x.db")
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "error" and "database" in response.get_json()["reason"]
