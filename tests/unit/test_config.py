"""Configuration order and the secret key rules."""

import pytest

from course import config, create_app
from tests.conftest import base_config


def test_order_defaults_instance_environment_test(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text(
        "COURSE_BASE_URL = 'https://from-instance.example'\nCOURSE_MAIL_FROM = 'instance'\n"
    )
    monkeypatch.setenv("COURSE_BASE_URL", "https://from-env.example")
    values = config.resolve(str(instance))
    assert values["COURSE_MAIL_FROM"] == "instance"
    assert values["COURSE_BASE_URL"] == "https://from-env.example"
    values = config.resolve(str(instance), {"COURSE_BASE_URL": "https://from-test.example"})
    assert values["COURSE_BASE_URL"] == "https://from-test.example"
    assert config.resolve(str(instance))["COURSE_DATABASE_URL"].endswith("instance/course.db")


def test_secret_key_generated_once_into_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("COURSE_SECRET_KEY", raising=False)
    settings = base_config(tmp_path, COURSE_SECRET_KEY=None, TESTING=False, COURSE_ENV="production")
    app = create_app(settings)
    key_file = tmp_path / "instance" / "secret_key"
    assert key_file.exists() and oct(key_file.stat().st_mode)[-3:] == "600"
    assert app.secret_key == key_file.read_text().strip() and len(app.secret_key) >= 32
    assert create_app(settings).secret_key == app.secret_key


@pytest.mark.parametrize(
    ("key", "reason"), [("change-me", "placeholder"), ("short-key", "at least")]
)
def test_refuses_weak_key_in_production(tmp_path, key, reason):
    settings = base_config(tmp_path, COURSE_SECRET_KEY=key, TESTING=False, COURSE_ENV="production")
    with pytest.raises(RuntimeError, match=reason):
        create_app(settings)


def test_weak_key_allowed_in_development(tmp_path):
    settings = base_config(tmp_path, COURSE_SECRET_KEY="dev", TESTING=False,
                           COURSE_ENV="development")
    assert create_app(settings).config["SESSION_COOKIE_SECURE"] is False


def test_postgres_urls_use_psycopg3(tmp_path):
    app = create_app(base_config(tmp_path, COURSE_DATABASE_URL="postgresql://u@h/db"))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"


def test_bad_proxy_count_is_explained(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_PROXY_COUNT", "two")
    with pytest.raises(RuntimeError, match="whole number"):
        config.resolve(str(tmp_path))
