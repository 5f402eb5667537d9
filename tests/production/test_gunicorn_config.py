"""gunicorn.conf.py: workers and bind from the environment, safe defaults otherwise."""

import multiprocessing
import runpy

import pytest

from tests.production.harness import REPO

CONFIG = str(REPO / "gunicorn.conf.py")


def _settings(monkeypatch, **env) -> dict:
    for name in ("GUNICORN_BIND", "GUNICORN_WORKERS", "GUNICORN_TIMEOUT",
                 "GUNICORN_MAX_REQUESTS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(CONFIG)


def test_defaults(monkeypatch):
    settings = _settings(monkeypatch)
    assert settings["bind"] == ["127.0.0.1:8000"]
    assert settings["workers"] == min(2 * multiprocessing.cpu_count() + 1, 8)
    assert settings["preload_app"] is False  # each worker opens its own database pool
    assert settings["accesslog"] == "-" and settings["errorlog"] == "-"
    assert settings["forwarded_allow_ips"] == ""  # the app's ProxyFix decides, alone
    assert settings["max_requests"] == 0
    assert settings["timeout"] == 30


def test_workers_and_bind_from_the_environment(monkeypatch):
    settings = _settings(monkeypatch, GUNICORN_WORKERS="3",
                         GUNICORN_BIND="10.0.0.5:8001, unix:/run/clearing.sock")
    assert settings["workers"] == 3
    assert settings["bind"] == ["10.0.0.5:8001", "unix:/run/clearing.sock"]


@pytest.mark.parametrize("value", ["many", "0", "-2"])
def test_a_bad_worker_count_stops_with_a_message(monkeypatch, value):
    with pytest.raises(SystemExit, match="GUNICORN_WORKERS must be"):
        _settings(monkeypatch, GUNICORN_WORKERS=value)
