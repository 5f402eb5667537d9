"""gunicorn settings for Clearing: `gunicorn -c gunicorn.conf.py wsgi:app`.

Environment:
  GUNICORN_BIND     address to listen on (default 127.0.0.1:8000; a reverse proxy sits in
                    front, see docs/deploy.md). Several addresses: separate with commas.
  GUNICORN_WORKERS  worker processes (default 2 x CPU cores + 1, at most 8).
  GUNICORN_TIMEOUT  seconds a request may take before its worker is restarted (default 30).
  GUNICORN_MAX_REQUESTS  restart each worker after this many requests (default 0: never).

Every worker is stateless: sessions live in the database, rate limits in Redis
(COURSE_REDIS_URL), so any number of workers and hosts can serve the same users.
"""

import multiprocessing
import os
import re

from gunicorn.glogging import Logger

# Each worker costs about 80-100 MB (the app and course catalog load into each); past 8 the
# database, not gunicorn, is the limit on one host. Run more hosts instead.
MAX_DEFAULT_WORKERS = 8


def _int_from_env(name: str, default: int, minimum: int = 1) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise SystemExit(f"{name} must be a whole number, not {raw!r}") from exc
    if value < minimum:
        raise SystemExit(f"{name} must be at least {minimum}, not {value}")
    return value


bind = [address.strip() for address in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")]
workers = _int_from_env(
    "GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, MAX_DEFAULT_WORKERS)
)
# Sync workers: one request at a time per process, the simplest model for SQLite's single
# writer and for PostgreSQL connections (one pooled connection in use per worker). The
# reverse proxy buffers slow clients, so a sync worker is never held by a slow phone.
worker_class = "sync"
timeout = _int_from_env("GUNICORN_TIMEOUT", 30)
graceful_timeout = 30  # on SIGTERM, finish requests in flight for up to this long
keepalive = 2  # only used by non-sync workers; the proxy opens a connection per request

# Each worker imports the app itself after the fork: its own database pool and no
# connection or SQLite handle shared across processes.
preload_app = False


# Recycling workers after N requests is off by default: no leak is known, and a worker
# restart reloads the app (about a second of CPU), which at a few hundred requests a second
# would be paid every few seconds. GUNICORN_MAX_REQUESTS=50000 turns it on if one appears.
max_requests = _int_from_env("GUNICORN_MAX_REQUESTS", 0, minimum=0)
max_requests_jitter = max_requests // 10

# Access log and errors to stdout/stderr: the service manager (systemd, a container
# runtime) collects them. The access log line records the time taken in microseconds (%D).
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(D)sus'

# Invitation and password-reset links carry their secret in the path: keep it out of logs.
SECRET_IN_PATH = re.compile(r"/(invite|reset)/[^/?#\s]+")


class RedactingLogger(Logger):
    """gunicorn's logger, with the tokens of invitation and reset links masked."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U"):
            if isinstance(atoms.get(key), str):
                atoms[key] = SECRET_IN_PATH.sub(r"/\1/[redacted]", atoms[key])
        return atoms


logger_class = RedactingLogger

# The app's ProxyFix (COURSE_PROXY_COUNT) is the one place that decides which
# X-Forwarded-* headers to trust; gunicorn's own handling of them is switched off.
forwarded_allow_ips = ""

# Heartbeat files on a memory file system: a slow disk cannot make workers look dead.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# Refuse oversized request lines and headers early (the app limits bodies to 256 KB).
limit_request_line = 8190
limit_request_fields = 100

# No runtime control socket (gunicorn 25+): manage the server with signals (HUP reloads,
# TERM stops gracefully), and several instances on one host never fight over its path.
control_socket_disable = True
