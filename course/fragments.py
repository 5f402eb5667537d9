"""Rendered fragments kept per worker: the parts of a page that are the same for everyone.

A template wraps such a part in a call block naming what it depends on:

    {% call cached_fragment("quiz-fields", quiz.id, catalog.fingerprint) %}
      ... markup that reads only the quiz ...
    {% endcall %}

The body is rendered once per worker and key; later requests reuse the HTML. The key
must name everything the body reads (content ids, and the catalog's fingerprint, which
changes with any lesson, quiz or module); the URL prefix the app is
served under is added here, since links inside the body depend on it. Nothing about the
signed-in person, no CSRF token and no form values may appear inside such a block.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from flask import Flask, current_app, request
from markupsafe import Markup

# Kinds of fragment x lessons is small; the bound only guards against a key that grows.
MAX_FRAGMENTS = 4096
EXTENSION = "clearing.fragments"


def cached_fragment(*key: Hashable, caller: Callable[[], str]) -> Markup:
    """The rendered body of a `{% call cached_fragment(...) %}` block, from the cache."""
    store: dict = current_app.extensions[EXTENSION]
    full_key = (request.script_root, *key)
    html = store.get(full_key)
    if html is None:
        html = Markup(caller())
        if len(store) >= MAX_FRAGMENTS:
            store.clear()
        store[full_key] = html
    return html


def init_fragments(app: Flask) -> None:
    """Give the app its (per-process) fragment store and the template function."""
    app.extensions[EXTENSION] = {}
    app.jinja_env.globals["cached_fragment"] = cached_fragment
