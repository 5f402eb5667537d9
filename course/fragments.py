"""Rendered fragments kept per worker: the parts of a page that are the same for everyone,
with holes (slots) for the few values that are not.

A template wraps such a part in a call block naming what it depends on:

    {% call cached_fragment("quiz-fields", quiz.id, catalog.fingerprint) %}
      ... markup that reads only the quiz ...
    {% endcall %}

The body is rendered once per worker and key; later requests reuse the HTML. The key
must name everything the body reads (content ids, and the catalog's fingerprint, which
changes with any lesson, quiz or module; a choice such as "is this the primary button");
the URL prefix the app is served under is added here, since links inside the body depend
on it. A value that differs from request to request (a CSRF token, a form key, the
leader's name or words) goes in a slot: the body writes `{{ slot("name") }}` where it
belongs, and the call passes the value, escaped on the way in like any `{{ value }}`:

    {% call cached_fragment("reflection-form", lesson.id, prompt.id, catalog.fingerprint,
                            slots={"csrf": csrf, "text": saved_text}) %}
      <input type="hidden" name="csrf_token" value="{{ slot('csrf') }}">
      <textarea name="text">{{ slot('text') }}</textarea>
    {% endcall %}

Nothing about the signed-in person, no CSRF token and no form value may appear inside such
a block except through a slot. A slot can only stand for text; anything that changes the
shape of the markup (whether an error shows, which radio is checked) belongs in the key.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping

from flask import Flask, current_app, request
from markupsafe import Markup, escape

# Kinds of fragment x lessons is small; the bound only guards against a key that grows.
MAX_FRAGMENTS = 4096
EXTENSION = "clearing.fragments"
MARK = "\x00"  # around a slot's name in a rendered body; never in the app's own markup


def slot(name: str) -> Markup:
    """Where a slot's value goes, inside a cached fragment's body."""
    return Markup(f"{MARK}{name}{MARK}")


def cached_fragment(*key: Hashable, caller: Callable[[], str],
                    slots: Mapping[str, object] | None = None, when: bool = True) -> Markup:
    """The rendered body of a `{% call cached_fragment(...) %}` block, from the cache, with
    its slots filled from `slots`. With `when` false the body is rendered afresh and not
    kept (a form being corrected, with its errors, is worth no place in the cache)."""
    store: dict = current_app.extensions[EXTENSION]
    full_key = (request.script_root, *key)
    parts = store.get(full_key) if when else None
    if parts is None:
        # Even places: markup; odd places: a slot's name.
        parts = tuple(str(caller()).split(MARK))
        if when:
            if len(store) >= MAX_FRAGMENTS:
                store.clear()
            store[full_key] = parts
    if len(parts) == 1:
        return Markup(parts[0])
    values = slots or {}
    return Markup("".join([
        part if index % 2 == 0 else escape(values[part]) for index, part in enumerate(parts)
    ]))


def init_fragments(app: Flask) -> None:
    """Give the app its (per-process) fragment store and the template functions."""
    app.extensions[EXTENSION] = {}
    app.jinja_env.globals.update(cached_fragment=cached_fragment, slot=slot)
