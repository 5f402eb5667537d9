"""Fixtures for production tests: the local PostgreSQL and Redis, or a skip saying why.

Under CI=true a skip fails the run (tests/conftest.py), so these cannot pass by skipping.
"""

import pytest

from tests.production.harness import REDIS_URL, postgres_admin_url, postgres_answers, redis_answers


@pytest.fixture
def postgres_server():
    """The admin URL of the PostgreSQL server these tests create their databases on."""
    if not postgres_answers():
        pytest.skip(f"PostgreSQL is not answering at {postgres_admin_url()}")
    return postgres_admin_url()


@pytest.fixture
def redis_url():
    """A Redis database for shared rate limits (keys carry a per-test prefix)."""
    if not redis_answers():
        pytest.skip(f"Redis is not answering at {REDIS_URL}")
    return REDIS_URL
