"""The per-worker cache of rendered fragments that are the same for everyone."""

from flask import Flask, render_template_string

from course import fragments

TEMPLATE = (
    "{% call cached_fragment('box', key) %}<b>{{ counter() }} {{ word }}</b>{% endcall %}"
    "|{{ word }}"
)


def make_app():
    app = Flask("fragments-test")
    fragments.init_fragments(app)
    calls = []
    app.jinja_env.globals["counter"] = lambda: calls.append(1) or len(calls)
    return app, calls


def render(app, key, word, prefix=""):
    with app.test_request_context("/", environ_overrides={"SCRIPT_NAME": prefix}):
        return render_template_string(TEMPLATE, key=key, word=word)


def test_body_renders_once_per_key_and_the_rest_stays_live():
    app, calls = make_app()
    assert render(app, "a", "first") == "<b>1 first</b>|first"
    # Same key: the cached body comes back (even though `word` changed), the rest is live.
    assert render(app, "a", "second") == "<b>1 first</b>|second"
    assert len(calls) == 1
    # Another key renders anew.
    assert render(app, "b", "third") == "<b>2 third</b>|third"


def test_cached_html_is_not_escaped_again():
    app, _ = make_app()
    render(app, "k", "<i>")
    assert render(app, "k", "x").startswith("<b>1 &lt;i&gt;</b>")


def test_url_prefix_is_part_of_the_key():
    app, calls = make_app()
    render(app, "a", "root")
    assert render(app, "a", "mounted", prefix="/course") == "<b>2 mounted</b>|mounted"
    assert len(calls) == 2


def test_store_is_bounded(monkeypatch):
    app, calls = make_app()
    monkeypatch.setattr(fragments, "MAX_FRAGMENTS", 3)
    for key in range(5):
        render(app, key, "w")
    assert len(app.extensions[fragments.EXTENSION]) <= 3
    assert len(calls) == 5


def test_each_app_has_its_own_store():
    first, _ = make_app()
    second, _ = make_app()
    render(first, "a", "one")
    assert render(second, "a", "two") == "<b>1 two</b>|two"
