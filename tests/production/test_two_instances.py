"""Two app instances on one PostgreSQL and one Redis behave as one site."""

import secrets

import pytest
import redis

from tests.production.harness import (
    Browser,
    Gunicorn,
    add_leaders,
    base_env,
    csrf_token,
    flask_cli,
    postgres_database,
    seeding_app,
    write_instance_config,
)

PASSWORD = "a long walk along the canal"
WRONG = "not the password at all"


@pytest.mark.postgres
def test_sessions_and_login_limits_are_shared(tmp_path, postgres_server, redis_url):
    prefix = f"two-{secrets.token_hex(4)}"  # this run's rate-limit keys and emails
    instance = tmp_path / "instance"
    write_instance_config(instance, LOGIN_RATE_LIMIT="3 per 5 minutes",
                          RATELIMIT_KEY_PREFIX=prefix)
    store = redis.Redis.from_url(redis_url)
    with postgres_database() as database_url:
        env = base_env(instance, database_url, COURSE_REDIS_URL=redis_url)
        flask_cli(env, "db", "upgrade")  # as an operator migrates
        with seeding_app(instance, database_url):
            signed_in_email, limited_email = add_leaders(2, PASSWORD, prefix)
        try:
            with (Gunicorn(env, tmp_path / "a.log") as a,
                  Gunicorn(env, tmp_path / "b.log") as b):
                _signed_in_on_both(a.port, b.port, signed_in_email)
                _limits_counted_across_both(a.port, b.port, limited_email)
                secret = f"reset-secret-{secrets.token_hex(8)}"
                assert Browser(a.port).get(f"/reset/{secret}").status == 404
            # The access log keeps the secrets of reset and invitation links out.
            assert "/reset/[redacted]" in a.log() and secret not in a.log()
            assert list(store.scan_iter(f"*{prefix}*")), "no rate-limit counters in Redis"
        finally:
            for key in store.scan_iter(f"*{prefix}*"):
                store.delete(key)
            store.close()


def _signed_in_on_both(port_a: int, port_b: int, email: str) -> None:
    """Signed in through A, the same cookie is signed in on B; signing out on B ends both."""
    on_a = Browser(port_a, client_ip="203.0.113.1")
    response = on_a.login(email, PASSWORD)
    assert response.status == 302 and response.location != "/login"
    assert on_a.get("/account").status == 200

    on_b = Browser(port_b, client_ip="203.0.113.1")
    on_b.cookies = dict(on_a.cookies)
    account = on_b.get("/account")
    assert account.status == 200
    assert "Signed in as <strong>Leader 0</strong>" in account.text

    assert on_b.post("/logout", {"csrf_token": csrf_token(account.text)}).status == 302
    after = on_a.get("/account")  # A still sends the old cookie: it must be dead now
    assert after.status == 302 and after.location == "/login"


def _limits_counted_across_both(port_a: int, port_b: int, email: str) -> None:
    """Three wrong passwords on A, and the fourth try on B is refused (429)."""
    on_a = Browser(port_a, client_ip="203.0.113.2")
    for _ in range(3):
        response = on_a.login(email, WRONG)
        assert response.status == 200
        assert "do not match an active account" in response.text
    on_b = Browser(port_b, client_ip="203.0.113.2")
    assert on_b.login(email, PASSWORD).status == 429
    # Someone else, from another address, is not held back by that leader's limit.
    elsewhere = Browser(port_b, client_ip="198.51.100.7")
    assert elsewhere.login(f"nobody-{secrets.token_hex(3)}@example.org", WRONG).status == 200
