"""Static files: fingerprinted URLs cached for a year, served gzipped to browsers that ask.

static_url('css/site.css') gives /static/css/site.css?v=<first 12 of its SHA-256>. The
hashes (and a gzipped copy of each text file) are made once at start-up, or on every
call in development, where files change under a running server. A request carrying the
current hash is cacheable for a year (immutable); any other (no `v`, or an older
deploy's hash, perhaps from another host mid-upgrade) gets `no-cache`, so a browser
revalidates with the ETag and never keeps a stale file under a new name.

Only static files are compressed: they hold no secrets. Pages are not (BREACH).
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app, request, send_from_directory, url_for

from course.urls import link_for

ONE_YEAR = 365 * 24 * 60 * 60
HASH_LENGTH = 12
COMPRESSIBLE = frozenset({".css", ".js", ".svg", ".json", ".txt", ".map"})


@dataclass(frozen=True)
class StaticFile:
    version: str  # the content hash in the URL
    gzipped: bytes | None  # None when compression would not help


def read_static(path: Path) -> StaticFile:
    """Hash a file and, for text, keep a gzipped copy when it is smaller."""
    data = path.read_bytes()
    packed = gzip.compress(data, 9, mtime=0) if path.suffix in COMPRESSIBLE else None
    if packed is not None and len(packed) >= len(data):
        packed = None
    return StaticFile(hashlib.sha256(data).hexdigest()[:HASH_LENGTH], packed)


def scan_folder(folder: Path) -> dict[str, StaticFile]:
    """Every file under a folder, by its URL path ('css/site.css')."""
    return {
        path.relative_to(folder).as_posix(): read_static(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _static_file(filename: str) -> StaticFile | None:
    if current_app.config["COURSE_ENV"] == "development":
        path = Path(current_app.static_folder, filename)
        inside = path.resolve().is_relative_to(Path(current_app.static_folder).resolve())
        return read_static(path) if inside and path.is_file() else None
    return current_app.extensions["static_files"].get(filename)


def static_url(filename: str) -> str:
    """The URL of a static file with its content hash (in templates: static_url('x.css'))."""
    found = _static_file(filename)
    if found is None:  # a typo should not break the page; it shows up as a 404
        return url_for("static", filename=filename)
    # Remembered (course/urls.py): every page links the same three or four files.
    return link_for("static", filename=filename, v=found.version)


def serve_static(filename: str):
    """Serve a static file: gzipped when accepted; a year's caching for the current hash."""
    found = _static_file(filename)
    if found is not None and found.gzipped and request.accept_encodings["gzip"]:
        mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        response = current_app.response_class(found.gzipped, mimetype=mimetype)
        response.content_encoding = "gzip"
        response.set_etag(f"{found.version}-gzip")
        response.make_conditional(request)
    else:
        response = send_from_directory(current_app.static_folder, filename, max_age=None)
    response.vary.add("Accept-Encoding")
    cache = response.cache_control
    if found is not None and request.args.get("v") == found.version:
        cache.no_cache = None
        cache.public = True
        cache.max_age = ONE_YEAR
        cache.immutable = True
    else:
        cache.no_cache = True
    return response


def init_app(app: Flask) -> None:
    """Read the static files once, serve them, and offer static_url to templates."""
    app.extensions["static_files"] = scan_folder(Path(app.static_folder))
    app.view_functions["static"] = serve_static
    app.jinja_env.globals["static_url"] = static_url
