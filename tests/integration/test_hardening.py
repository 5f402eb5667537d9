"""The nine hardening fixes of the ASVS level 2 review, one test (or more) each."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import text

from course.extensions import db
from course.reflections.models import Reflection
from tests.factories import PASSWORD, read_outbox

HOSTILE = {
    "Host": "evil.example",
    "X-Forwarded-Host": "evil.example",
    "X-Forwarded-Prefix": "@evil.example",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-For": "203.0.113.9",
}


def _links(app) -> list[str]:
    body = read_outbox(app)[-1].get_content()
    return re.findall(r"https?://\S+", body)


# 1. Reset poisoning: every link in an email comes from COURSE_BASE_URL alone.
@pytest.mark.parametrize("proxy_count", [0, 1])
def test_reset_link_ignores_hostile_host_and_forwarded_headers(make_app, make_leader, proxy_count):
    app = make_app(COURSE_PROXY_COUNT=proxy_count, COURSE_BASE_URL="https://learn.example.org")
    leader = make_leader()
    response = app.test_client().post("/forgot", data={"email": leader.email}, headers=HOSTILE)
    assert response.status_code == 200
    [link] = _links(app)
    assert re.fullmatch(r"https://learn\.example\.org/reset/[\w-]+", link), link
    assert "evil" not in read_outbox(app)[-1].as_string()


def test_base_url_with_a_path_prefixes_email_links(make_app, make_leader):
    app = make_app(COURSE_BASE_URL="https://example.org/clearing/")
    leader = make_leader()
    app.test_client().post("/forgot", data={"email": leader.email}, headers=HOSTILE)
    [link] = _links(app)
    assert link.startswith("https://example.org/clearing/reset/")


def test_invitation_and_reminder_links_come_from_base_url(make_app, make_cohort, make_leader):
    from course.cohorts.cohorts import create_invitation, invitation_url

    app = make_app(COURSE_PROXY_COUNT=1, COURSE_BASE_URL="https://learn.example.org")
    with app.test_request_context("/", headers=HOSTILE):
        cohort = make_cohort()
        _, token = create_invitation(cohort, None)
        assert invitation_url(token) == f"https://learn.example.org/invite/{token}"


def test_only_for_and_proto_are_trusted_by_default(make_app):
    from werkzeug.middleware.proxy_fix import ProxyFix

    app = make_app(COURSE_PROXY_COUNT=1)
    assert isinstance(app.wsgi_app, ProxyFix)
    fix = app.wsgi_app
    assert (fix.x_for, fix.x_proto, fix.x_host, fix.x_prefix, fix.x_port) == (1, 1, 0, 0, 0)
    wider = make_app(COURSE_PROXY_COUNT=2, COURSE_PROXY_HEADERS="for,proto,host")
    assert (wider.wsgi_app.x_host, wider.wsgi_app.x_prefix) == (2, 0)
    with pytest.raises(RuntimeError, match="COURSE_PROXY_HEADERS"):
        make_app(COURSE_PROXY_COUNT=1, COURSE_PROXY_HEADERS="for,hostname")


# 2. The demo never loads outside development.
def test_demo_refuses_in_production(make_app):
    app = make_app(COURSE_ENV="production", TESTING=False)
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["demo", "--if-empty"])
    assert result.exit_code != 0
    assert "only in development" in result.output
    assert "clearing demo walk-through" not in result.output
    with app.app_context():
        assert db.session.execute(text("SELECT count(*) FROM users")).scalar() == 0


def test_make_run_loads_the_demo_only_in_development():
    recipe = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    run = recipe[recipe.index("\nrun:"):recipe.index("\ntest:")]
    assert 'if [ "$$COURSE_ENV" = development ]; then' in run
    assert run.index("demo --if-empty") > run.index("= development ]")


# 3 and 4. Password guessing: shared budgets, device cookies, Retry-After.
def _limited_app(make_app):
    return make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")


def _from(n: int) -> dict:
    return {"REMOTE_ADDR": f"198.51.100.{n}"}


def test_rescue_sign_in_shares_the_per_account_budget(make_app, make_leader):
    app = _limited_app(make_app)
    leader = make_leader()
    wrong = {"email": leader.email, "password": "not the password at all",
             "lesson_id": "where-am-i", "prompt_id": "my-fog", "text": "kept words"}
    codes = [app.test_client().post("/reflections/rescue", data=wrong,
                                    environ_base=_from(n)).status_code for n in range(3)]
    assert codes == [401, 401, 401]
    # The fourth guess, through the sign-in form from yet another address, is refused.
    limited = app.test_client().post("/login", data=wrong, environ_base=_from(9))
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0
    assert re.search(r"wait \d+ (seconds|minutes)", limited.get_data(as_text=True))


def test_known_device_is_not_locked_out_by_strangers(make_app, make_leader):
    app = _limited_app(make_app)
    leader = make_leader()
    own = app.test_client()
    good = {"email": leader.email, "password": PASSWORD}
    assert own.post("/login", data=good, environ_base=_from(1)).status_code == 302
    own.post("/logout", environ_base=_from(1))
    bad = {"email": leader.email, "password": "someone else guessing"}
    codes = [app.test_client().post("/login", data=bad, environ_base=_from(n)).status_code
             for n in range(10, 14)]
    assert codes[-1] == 429  # strangers hit the per-account limit...
    # ...but the leader's own browser, known to the account, still signs in.
    assert own.post("/login", data=good, environ_base=_from(1)).status_code == 302
    # A browser that never signed in to the account is held back like the strangers.
    assert app.test_client().post("/login", data=good, environ_base=_from(2)).status_code == 429


def test_a_known_device_has_a_budget_of_its_own(make_app, make_leader):
    app = _limited_app(make_app)
    leader = make_leader()
    own = app.test_client()
    assert own.post("/login", data={"email": leader.email, "password": PASSWORD},
                    environ_base=_from(1)).status_code == 302
    own.post("/logout", environ_base=_from(1))
    bad = {"email": leader.email, "password": "a stolen cookie guessing"}
    codes = [own.post("/login", data=bad, environ_base=_from(20 + n)).status_code
             for n in range(4)]
    assert codes == [200, 200, 200, 429]


def test_a_forged_device_cookie_counts_as_unknown(make_app, make_leader):
    app = _limited_app(make_app)
    leader = make_leader()
    bad = {"email": leader.email, "password": "someone else guessing"}
    codes = []
    for n in range(4):
        client = app.test_client()
        client.set_cookie("clearing_device", "W1siYWJjIiwieHl6Il1d.forged.signature")
        codes.append(client.post("/login", data=bad, environ_base=_from(30 + n)).status_code)
    assert codes[-1] == 429


def test_change_password_shares_the_budget(make_app, make_leader):
    app = _limited_app(make_app)
    leader = make_leader()
    client = app.test_client()
    client.post("/login", data={"email": leader.email, "password": PASSWORD})
    wrong = {"current_password": "not my password at all", "password": "x" * 14,
             "confirm": "x" * 14}
    codes = [client.post("/account/password", data=wrong, environ_base=_from(40)).status_code
             for _ in range(4)]
    assert codes[-1] == 429


def test_per_address_limit_stays_for_known_devices(make_app, make_leader):
    app = _limited_app(make_app)
    leader = make_leader()
    own = app.test_client()
    good = {"email": leader.email, "password": PASSWORD}
    own.post("/login", data=good, environ_base=_from(50))
    own.post("/logout", environ_base=_from(50))
    for n in range(3):
        app.test_client().post("/login", data={"email": f"x{n}@example.org", "password": "p" * 12},
                               environ_base=_from(50))
    assert own.post("/login", data=good, environ_base=_from(50)).status_code == 429


# 5. Ids past 64 bits and Unicode digits: 404 or 400, never 500.
BIG = "99999999999999999999"


@pytest.mark.parametrize("method,path", [
    ("POST", f"/reflections/{BIG}/audience"),
    ("POST", f"/experiments/{BIG}/delete"),
    ("GET", f"/lessons/where-am-i?attempt={BIG}"),
    ("GET", "/lessons/where-am-i?attempt=²"),
    ("GET", "/lessons/where-am-i?attempt=١"),
    ("GET", "/lessons/where-am-i?attempt=1e3"),
    ("POST", "/reflections/١/audience"),
])
def test_leader_urls_refuse_odd_numbers(client, auth, make_leader, method, path):
    leader = make_leader()
    auth.login(leader)
    response = client.open(path, method=method)
    assert response.status_code in (400, 404), (path, response.status_code)


@pytest.mark.parametrize("path", [
    f"/facilitate/cohorts/{BIG}",
    "/facilitate/cohorts/١",
    "/facilitate/cohorts/{id}/progress?page=²",
    "/facilitate/cohorts/{id}/progress?page=" + BIG,
    "/facilitate/cohorts/{id}/progress?sort=lesson-²",
    "/facilitate/cohorts/{id}/progress?sort=lesson-" + BIG,
    "/facilitate/cohorts/{id}/shared?page=²",
])
def test_facilitator_urls_refuse_odd_numbers(client, auth, make_cohort, make_facilitator, path):
    facilitator = make_facilitator()
    cohort = make_cohort(facilitator=facilitator)
    auth.login(facilitator)
    response = client.get(path.format(id=cohort.id))
    assert response.status_code in (200, 400, 404), (path, response.status_code)
    if "{id}" not in path:
        assert response.status_code == 404


def test_case_for_change_picks_refuse_odd_ids(client, auth, make_leader):
    leader = make_leader()
    auth.login(leader)
    for pick in ("r²", "r" + BIG, "r١", "e-1"):
        response = client.post("/case-for-change", data={"pick": pick})
        assert response.status_code in (400, 404), (pick, response.status_code)


def test_parse_int_rules():
    from course.numbers import MAX_ID, parse_int

    assert parse_int("42") == 42 and parse_int("0") == 0
    assert parse_int(str(MAX_ID)) == MAX_ID and parse_int(str(MAX_ID + 1)) is None
    for bad in ("", "²", "١", "1e3", "-1", "+1", " 1", "1_000", BIG, None, 5):
        assert parse_int(bad) is None, bad
    assert parse_int("7", minimum=1, maximum=5) is None


# 6. make run serves with gunicorn and its redacting access log.
def test_make_run_serves_with_gunicorn():
    recipe = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    run = recipe[recipe.index("\nrun:"):recipe.index("\ntest:")]
    assert "gunicorn -c gunicorn.conf.py" in run
    assert "flask run" not in run.replace("$(FLASK) run", "flask run")


# 7. Deleted words leave the SQLite files.
def test_account_deletion_leaves_no_words_in_the_database_files(make_app, make_leader):
    app = make_app()
    leader = make_leader()
    client = app.test_client()
    client.post("/login", data={"email": leader.email, "password": PASSWORD})
    canary = "CANARY-wal-" + "x" * 40
    response = client.post("/lessons/where-am-i/reflections/my-fog", data={"text": canary})
    assert response.status_code == 302
    sqlite = app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    with app.app_context():
        assert db.session.scalar(db.select(Reflection.text)) == canary
        db.session.rollback()
        if sqlite:
            raw = db.engine.raw_connection()
            try:  # what SQLite does by itself now and then: a passive checkpoint
                raw.driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                assert raw.driver_connection.execute("PRAGMA secure_delete").fetchone()[0] == 1
            finally:
                raw.close()
    response = client.post("/account/delete", data={"email": leader.email})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Reflection.id))) == 0
    if sqlite:  # PostgreSQL: rows gone; VACUUM and backups are the operator's (deploy.md)
        database = Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
        for path in (database, Path(f"{database}-wal")):
            if path.exists():
                assert canary.encode() not in path.read_bytes(), path


# 8. Cookies and headers.
def test_session_cookie_is_host_prefixed_outside_development(make_app):
    assert make_app().config["SESSION_COOKIE_NAME"] == "clearing_session"
    production = make_app(COURSE_ENV="production", TESTING=False)
    assert production.config["SESSION_COOKIE_NAME"] == "__Host-clearing_session"
    assert production.config["SESSION_COOKIE_SECURE"] is True
    assert production.config["SESSION_COOKIE_PATH"] == "/"
    assert production.config["SESSION_COOKIE_DOMAIN"] is None


def test_hsts_include_subdomains_only_when_set(make_app):
    plain = make_app().test_client().get("/login", base_url="https://localhost")
    assert plain.headers["Strict-Transport-Security"] == "max-age=31536000"
    wide = make_app(COURSE_HSTS_SUBDOMAINS=True).test_client().get(
        "/login", base_url="https://localhost")
    assert wide.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


# 9. CSV: control characters before a formula do not hide it.
@pytest.mark.parametrize("value", ["\x00=1+2", "\x01+44", " -5", "\x1f@SUM(A1)", "\x00\x00=x",
                                   "\x7f=cmd"])
def test_csv_defuses_formulas_behind_control_characters(value):
    from course.facilitate.csv_export import safe_cell

    assert safe_cell(value) == "'" + value
    assert safe_cell("a=b") == "a=b"


def test_rescue_sign_in_starts_no_session_for_a_facilitator(make_app, make_facilitator):
    """The rescue sign-in is for leaders; a facilitator's sign-in must pass the second
    factor, which this shortcut does not ask for, so it starts no session at all."""
    from course.models import UserSession

    app = make_app()
    facilitator = make_facilitator()
    client = app.test_client()
    response = client.post("/reflections/rescue", data={
        "email": facilitator.email, "password": PASSWORD, "lesson_id": "where-am-i",
        "prompt_id": "my-fog", "text": "words"})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(UserSession.id))) == 0
    assert client.get("/facilitate/").status_code == 302  # still signed out


def test_nul_characters_in_typed_text_are_dropped_not_a_500(client, auth, make_leader):
    """PostgreSQL stores no NUL: a pasted one is dropped and the rest of the words kept."""
    leader = make_leader()
    auth.login(leader)
    response = client.post("/lessons/where-am-i/reflections/my-fog",
                           data={"text": "Before\x00after, all kept."})
    assert response.status_code == 302
    assert db.session.scalar(db.select(Reflection.text)) == "Beforeafter, all kept."
    assert client.get("/journal?q=a\x00b").status_code == 200
