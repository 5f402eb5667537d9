"""Configuration: code defaults, then instance/config.py, then COURSE_* environment."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

# Environment variables that may override a setting, by setting name.
ENV_SETTINGS = (
    "DATABASE_URL",
    "SECRET_KEY",
    "REDIS_URL",
    "SMTP_URL",
    "SMTP_TIMEOUT",
    "CONTENT_DIR",
    "BASE_URL",
    "ENV",
    "PROXY_COUNT",
    "MAIL_FROM",
    "ORGANISATION_NAME",
    "PROXY_HEADERS",
    "HSTS_SUBDOMAINS",
    "REQUIRE_2FA",
)

PLACEHOLDER_KEYS = {"", "change-me", "changeme", "secret", "dev", "development", "placeholder"}
MIN_SECRET_KEY_LENGTH = 32


def defaults(instance_path: str) -> dict:
    """Return the code defaults for an instance folder."""
    return {
        "COURSE_ENV": "production",
        "COURSE_DATABASE_URL": f"sqlite:///{Path(instance_path) / 'course.db'}",
        "COURSE_SECRET_KEY": None,
        "COURSE_REDIS_URL": None,
        "COURSE_SMTP_URL": None,
        "COURSE_SMTP_TIMEOUT": 20,  # seconds per connect, read or write
        "COURSE_MAIL_FROM": "Clearing <no-reply@clearing.invalid>",
        "COURSE_ORGANISATION_NAME": "Clearing",  # the issuer named on the certificate
        "COURSE_CONTENT_DIR": str(REPO_ROOT),
        "COURSE_BASE_URL": "http://127.0.0.1:5000",
        "COURSE_PROXY_COUNT": 0,
        # Which X-Forwarded-* headers the proxies set and the app may believe. Host and
        # prefix stay untrusted unless named here: links in emails never use them anyway.
        "COURSE_PROXY_HEADERS": "for,proto",
        # Add includeSubDomains to HSTS only when every subdomain is served over HTTPS.
        "COURSE_HSTS_SUBDOMAINS": False,
        "MAX_CONTENT_LENGTH": 256 * 1024,
        # A signed-in session dies after 2 idle hours or 14 days, whichever comes first.
        "SESSION_IDLE_TIMEOUT": timedelta(hours=2),
        "SESSION_ABSOLUTE_LIFETIME": timedelta(days=14),
        # "Keep me signed in on this device": idle limit and absolute lifetime both.
        "DEVICE_SESSION_LIFETIME": timedelta(days=30),
        # Facilitators and admins need a second factor (passkey or TOTP) at sign-in. On in
        # production; resolve() turns it off in development, testing and the demo.
        "COURSE_REQUIRE_2FA": None,
        "PASSWORD_RESET_LIFETIME": timedelta(hours=2),
        "INVITATION_LIFETIME": timedelta(days=30),
        "LOGIN_RATE_LIMIT": "10 per 5 minutes",
        "RESET_RATE_LIMIT": "5 per 15 minutes",
        "PASSWORD_HASH_METHOD": "scrypt",
        # The job queue (course/jobs): tests run its jobs at once, in the request's thread.
        "JOBS_IMMEDIATE": False,
        "JOBS_QUEUE_NAME": "clearing",  # the Redis key prefix; one per site on a shared Redis
        # A failed email is tried again after 30 s, 1, 2, 4 ... minutes: 8 retries span
        # about two hours, then it is marked failed and `jobs status` counts it.
        "MAIL_RETRIES": 8,
        "MAIL_RETRY_DELAY": 30,
        # A claim older than this is taken to be from a consumer that died mid-send.
        # Far longer than a send can take (COURSE_SMTP_TIMEOUT), so a live one is not doubled.
        "MAIL_CLAIM_TIMEOUT": timedelta(minutes=15),
        # Emails still queued this long after their commit are queued again by the sweep.
        "MAIL_SWEEP_AFTER": timedelta(minutes=2),
    }


def read_environment(environ: os._Environ | dict | None = None) -> dict:
    """Return the COURSE_* settings present in the environment."""
    environ = os.environ if environ is None else environ
    found: dict = {}
    for name in ENV_SETTINGS:
        value = environ.get(f"COURSE_{name}")
        if value is not None:
            found[f"COURSE_{name}"] = value
    if "COURSE_PROXY_COUNT" in found:
        value = found["COURSE_PROXY_COUNT"].strip()
        if not (value.isascii() and value.isdigit() and len(value) <= 2):
            raise RuntimeError("COURSE_PROXY_COUNT must be a whole number from 0 to 99")
        found["COURSE_PROXY_COUNT"] = int(value)
    if "COURSE_REQUIRE_2FA" in found:
        found["COURSE_REQUIRE_2FA"] = found["COURSE_REQUIRE_2FA"].strip().lower() in (
            "1", "true", "yes", "on")
    if "COURSE_HSTS_SUBDOMAINS" in found:
        found["COURSE_HSTS_SUBDOMAINS"] = found["COURSE_HSTS_SUBDOMAINS"].strip().lower() in (
            "1", "true", "yes", "on")
    return found


PROXY_HEADERS = ("for", "proto", "host", "port", "prefix")


def proxy_fix_options(count: int, headers: str) -> dict:
    """ProxyFix's arguments: trust `count` proxies for the named forwarded headers only."""
    names = {name.strip().lower() for name in headers.split(",") if name.strip()}
    unknown = names - set(PROXY_HEADERS)
    if unknown:
        raise RuntimeError(
            f"COURSE_PROXY_HEADERS names {', '.join(sorted(unknown))}: use some of "
            f"{', '.join(PROXY_HEADERS)}"
        )
    return {f"x_{name}": count if name in names else 0 for name in PROXY_HEADERS}


def read_instance_config(instance_path: str) -> dict:
    """Return the upper-case names defined in instance/config.py, if it exists."""
    path = Path(instance_path) / "config.py"
    if not path.exists():
        return {}
    namespace: dict = {"__file__": str(path)}
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
    return {key: value for key, value in namespace.items() if key.isupper()}


def resolve(instance_path: str, test_config: dict | None = None) -> dict:
    """Merge every source in the documented order: defaults, instance file, env, test."""
    settings = defaults(instance_path)
    settings.update(read_instance_config(instance_path))
    settings.update(read_environment())
    if test_config:
        settings.update(test_config)
    if settings.get("COURSE_REQUIRE_2FA") is None:
        # On by default in production; off in development, testing (and so the demo).
        local = settings["COURSE_ENV"] in ("development", "testing") or settings.get("TESTING")
        settings["COURSE_REQUIRE_2FA"] = not local
    return settings


def content_dir(instance_path: str | None = None) -> Path:
    """Return the configured content folder without building the app (used by the CLI)."""
    instance_path = instance_path or str(REPO_ROOT / "instance")
    return Path(resolve(instance_path)["COURSE_CONTENT_DIR"])


def ensure_secret_key(instance_path: str) -> str:
    """Read the secret key from the instance folder, generating it on first run."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    Path(instance_path).mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    return key


def check_secret_key(key: str | None, env: str) -> None:
    """Refuse a placeholder or short key outside development and testing."""
    if env in ("development", "testing"):
        return
    if key is None or key.strip().lower() in PLACEHOLDER_KEYS:
        raise RuntimeError(
            "COURSE_SECRET_KEY is a placeholder: set a random key of at least "
            f"{MIN_SECRET_KEY_LENGTH} characters, or unset it to have one generated "
            "into the instance folder."
        )
    if len(key) < MIN_SECRET_KEY_LENGTH:
        raise RuntimeError(
            f"COURSE_SECRET_KEY is {len(key)} characters long: use at least "
            f"{MIN_SECRET_KEY_LENGTH} random characters."
        )
