"""Browser tests: a live server, Debian's Chromium through Playwright, axe-core checks."""

from __future__ import annotations

import re
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from course import create_app
from course.extensions import db
from tests.conftest import base_config, reset_database
from tests.factories import PASSWORD, read_outbox

CHROMIUM = "/usr/bin/chromium"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items):
    for item in items:
        if "e2e" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args():
    """Launch the system Chromium; Playwright never downloads a browser here."""
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    return {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


class LiveServer:
    """The app served by werkzeug in a thread, on a free port."""

    def __init__(self, app, host_name: str = "127.0.0.1"):
        # host_name "localhost" gives a secure context (WebAuthn needs one) without TLS.
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://{host_name}:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def outbox(self) -> list:
        return read_outbox(self.app)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("live")
    app = create_app(base_config(tmp, COURSE_BASE_URL="http://127.0.0.1", WTF_CSRF_ENABLED=True))
    reset_database(app)
    server = LiveServer(app)
    app.config["COURSE_BASE_URL"] = server.url
    server.thread.start()
    yield server
    server.server.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def localhost_server(tmp_path_factory):
    """Like live_server, but its COURSE_BASE_URL is http://localhost:PORT (passkeys)."""
    tmp = tmp_path_factory.mktemp("live-localhost")
    app = create_app(base_config(tmp, COURSE_BASE_URL="http://localhost", WTF_CSRF_ENABLED=True))
    reset_database(app)
    server = LiveServer(app, host_name="localhost")
    app.config["COURSE_BASE_URL"] = server.url
    server.thread.start()
    yield server
    server.server.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def page(request, browser):
    """A fresh browser context, at the phone size unless the test parametrizes `page`
    indirectly with "desktop" too (journeys run once, at the phone size; check_page looks
    at every page at both sizes); fails on console errors."""
    viewport = getattr(request, "param", "phone")
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="en-GB")
    page = context.new_page()
    errors: list[str] = []

    def on_console(msg):
        # A page answered with 404 on purpose is logged as a failed load; assets are
        # checked by status below instead.
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            errors.append(msg.text)

    def on_response(response):
        if response.request.resource_type != "document" and response.status >= 400:
            errors.append(f"{response.status} for {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.viewport_name = viewport
    page.expected_errors = []  # regexes a test expects (e.g. an autosave after sign-out)
    yield page
    context.close()
    unexpected = [e for e in errors if not any(re.search(p, e) for p in page.expected_errors)]
    assert not unexpected, f"browser console errors: {unexpected}"


def check_page(page, label: str = "") -> None:
    """At the phone and the desktop size, axe-core finds no serious or critical violations;
    nothing scrolls sideways at 360px."""
    from axe_playwright_python.sync_playwright import Axe

    size = page.viewport_size
    for name, viewport in VIEWPORTS.items():
        page.set_viewport_size(viewport)
        results = Axe().run(page)
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert not serious, f"{label or page.url} ({name}): {serious}"
    page.set_viewport_size({"width": 360, "height": size["height"]})
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    page.set_viewport_size(size)
    assert overflow <= 0, f"{label or page.url}: scrolls sideways by {overflow}px at 360px"


def sign_in(page, live_server, email: str, lands_on: str | None = None) -> None:
    """Sign in through the form; with `lands_on`, wait for the URL the sign-in leads to."""
    page.goto(live_server.url + "/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if lands_on is not None:
        page.wait_for_url(re.compile(lands_on))
