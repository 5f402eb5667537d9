"""Fingerprinted static URLs: /static/<file>?v=<content hash>, cached for a year.

Each file's hash is computed once at start-up (on every call in development, where the
files change under a running server). A request carrying the current hash gets a
year-long, immutable Cache-Control; any other request (no `v`, or the hash of an older
deploy) gets `no-cache`, so browsers revalidate with the ETag and never keep a stale
file under a new name. A changed file gets a new URL on the next deploy.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, current_app, request, send_from_directory, url_for

ONE_YEAR = 365 * 24 * 60 * 60
HASH_LENGTH = 12


def file_hash(path: Path) -> str:
    """The first characters of a file's SHA-256, as used in its URL."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:HASH_LENGTH]


def hash_folder(folder: Path) -> dict[str, str]:
    """Every file under a folder, by its URL path ('css/site.css'), with its hash."""
    return {
        path.relative_to(folder).as_posix(): file_hash(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _current_hash(filename: str) -> str | None:
    if current_app.config["COURSE_ENV"] == "development":
        path = Path(current_app.static_folder) / filename
        return file_hash(path) if path.is_file() else None
    return current_app.extensions["static_hashes"].get(filename)


def static_url(filename: str) -> str:
    """The URL of a static file with its content hash (templates: static_url('css/x.css'))."""
    version = _current_hash(filename)
    if version is None:  # a typo should not break the page; it shows up as a 404
        return url_for("static", filename=filename)
    return url_for("static", filename=filename, v=version)


def serve_static(filename: str):
    """Serve a static file: a year's caching for the current hash, revalidation otherwise."""
    fresh = request.args.get("v") is not None and request.args["v"] == _current_hash(filename)
    response = send_from_directory(
        current_app.static_folder, filename, max_age=ONE_YEAR if fresh else None
    )
    if fresh:
        response.cache_control.immutable = True
    return response


def init_app(app: Flask) -> None:
    """Hash the static files, serve them with caching and offer static_url to templates."""
    app.extensions["static_hashes"] = hash_folder(Path(app.static_folder))
    app.view_functions["static"] = serve_static
    app.jinja_env.globals["static_url"] = static_url
