"""Templates' remembered url_for (course/urls.py) builds exactly what Flask's does."""

from __future__ import annotations

import pytest
from flask import render_template_string, url_for
from werkzeug.routing import BuildError


def _template_url_for(app):
    return app.jinja_env.globals["url_for"]


def test_same_links_as_flask_and_remembered(app):
    remembered = _template_url_for(app)
    with app.test_request_context("/course"):
        for endpoint, values in [
            ("learn.lesson", {"lesson_id": "one"}),
            ("learn.lesson", {"lesson_id": "two", "_anchor": "reflect-heading"}),
            ("learn.lesson", {"lesson_id": "one", "plan": 3}),
            ("auth.account", {}),
        ]:
            assert remembered(endpoint, **values) == url_for(endpoint, **values)
        before = remembered.cache_info().hits
        assert remembered("learn.lesson", lesson_id="one") == "/lessons/one"
        assert remembered.cache_info().hits == before + 1
        # Values differ, links differ: nothing is mixed up by the memory.
        assert remembered("learn.lesson", lesson_id="two") == "/lessons/two"


def test_mount_point_is_part_of_the_key(app):
    remembered = _template_url_for(app)
    with app.test_request_context("/course"):
        assert remembered("auth.account") == "/account"
    with app.test_request_context("/course", base_url="http://localhost/clearing/"):
        assert url_for("auth.account") == "/clearing/account"
        assert remembered("auth.account") == "/clearing/account"


def test_external_links_are_built_every_time(app):
    remembered = _template_url_for(app)
    with app.test_request_context("/course", base_url="https://one.example"):
        assert remembered("auth.account", _external=True) == "https://one.example/account"
    with app.test_request_context("/course", base_url="https://two.example"):
        assert remembered("auth.account", _external=True) == "https://two.example/account"


def test_relative_endpoint_resolves_against_the_current_blueprint(app):
    with app.test_request_context("/account"):  # the auth blueprint's
        assert render_template_string("{{ url_for('.account') }}") == "/account"
    with app.test_request_context("/course"):  # the learn blueprint's
        assert render_template_string("{{ url_for('.home') }}") == "/course"
    with app.test_request_context("/account"), pytest.raises(BuildError):
        render_template_string("{{ url_for('.home') }}")  # auth has no home: not remembered


def test_query_arguments_keep_their_order(app):
    remembered = _template_url_for(app)
    with app.test_request_context("/course"):
        assert remembered("learn.home", sort="name", dir="asc", page=2) == (
            "/course?sort=name&dir=asc&page=2")
        assert remembered("learn.home", page=2, sort="name", dir="asc") == (
            "/course?page=2&sort=name&dir=asc")


def test_unhashable_values_fall_back_to_flask(app):
    remembered = _template_url_for(app)
    with app.test_request_context("/course"):
        assert remembered("learn.lesson", lesson_id="one", tag=["a", "b"]) == (
            "/lessons/one?tag=a&tag=b")
