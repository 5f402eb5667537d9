"""url_for for templates, remembered: a page builds twenty-odd links, most of them the
same on every request (the navigation, a lesson's forms), and Werkzeug's URL building is
a tenth of rendering a lesson page.

Only links inside the app, built during a request, are remembered (no `_external`,
`_scheme` or `_method`), keyed by everything that decides them: the app's mount point
(SCRIPT_NAME), the blueprint a relative endpoint (".lesson") resolves against, the
endpoint and its values. The app registers no url_defaults, so a link depends on nothing
else. Each app has its own memory; anything unusual (an unhashable value, no request)
goes straight to Flask's url_for.
"""

from __future__ import annotations

from functools import lru_cache

from flask import Flask, current_app, has_request_context, request, url_for

_UNCACHED = frozenset({"_external", "_scheme", "_method"})
SIZE = 16_384  # links kept per app; a lesson page has about 20


def _remembering_url_for():
    @lru_cache(maxsize=SIZE)
    def built(script_root: str, blueprint: str | None, endpoint: str, values: tuple) -> str:
        return url_for(endpoint, **dict(values))

    def template_url_for(endpoint: str, **values) -> str:
        """Flask's url_for, remembered for links inside the app."""
        if has_request_context() and _UNCACHED.isdisjoint(values):
            key = tuple(values.items())  # in order: the query string keeps it
            try:
                hash(key)
            except TypeError:
                return url_for(endpoint, **values)
            blueprint = request.blueprint if endpoint.startswith(".") else None
            return built(request.script_root, blueprint, endpoint, key)
        return url_for(endpoint, **values)

    template_url_for.cache_info = built.cache_info
    return template_url_for


def link_for(endpoint: str, **values) -> str:
    """The templates' remembered url_for, for Python code that builds links every page
    shows (the navigation, the static files)."""
    return current_app.jinja_env.globals["url_for"](endpoint, **values)


def init_app(app: Flask) -> None:
    """Templates' url_for is the remembered one (Python code keeps Flask's)."""
    app.jinja_env.globals["url_for"] = _remembering_url_for()
