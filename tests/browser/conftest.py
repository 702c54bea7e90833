"""Real headless Chromium (Debian's, from its path) against gunicorn on a free port.

Every test gets a phone-sized page that records console errors and failed requests; the
test fails if any happened. `shot(page, name)` writes a screenshot for people to look at.
"""
import shutil
from pathlib import Path

import pytest

from tests.live import Gunicorn

SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}
EXPECTED_FORM_ANSWERS = (409, 422)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE, "has_touch": True, "is_mobile": True,
            "device_scale_factor": 1, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


class PageProblems:
    def __init__(self):
        self.console_errors: list[str] = []
        self.failed_requests: list[str] = []

    def watch(self, page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _console(self, message) -> None:
        if message.type != "error":
            return
        if any(f"status of {code} " in message.text for code in EXPECTED_FORM_ANSWERS):
            return  # the browser logs every 4xx; a refused form is the app working as designed
        self.console_errors.append(message.text)

    def _failed(self, request) -> None:
        if request.failure == "net::ERR_ABORTED":  # cancelled by the next navigation, not an error
            return
        self.failed_requests.append(f"{request.method} {request.url} {request.failure}")

    def _response(self, response) -> None:
        if response.status >= 500:
            self.failed_requests.append(f"{response.status} {response.url}")


@pytest.fixture
def clock_start():
    """The browser suite's clock starts at the real time: the live server it drives reads the real clock, so a
    meal published for "tomorrow" must be tomorrow for the server too."""
    from neighbors.clock import utcnow

    return utcnow()


@pytest.fixture
def problems(page):
    watcher = PageProblems()
    watcher.watch(page)
    yield watcher
    assert watcher.console_errors == [], watcher.console_errors
    assert watcher.failed_requests == [], watcher.failed_requests


@pytest.fixture
def server(app, browser_server, problems):
    """The running app; using it also checks the page for console errors and failed requests.

    One gunicorn serves the whole browser suite (starting one per test cost ~10 s each on two
    cores); `app` still empties the tables before every test, so each test starts from nothing.
    """
    return browser_server


@pytest.fixture(scope="session")
def browser_server(_schema, database_url, upload_dir):
    """gunicorn (tests/live.py), 2 workers x 4 threads, for the whole browser suite."""
    with Gunicorn(database_url, upload_dir, workers=2, threads=4) as server:
        yield server


def shot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page, base_url: str, phone: str, password: str) -> None:
    page.goto(base_url + "/auth/login")
    page.fill("input[name=phone]", phone)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/auth/login" not in url)


# --- the site survey: every GET page as the right demo login, standard and elder mode ------

SURVEYS: list = []


@pytest.fixture(scope="session")
def survey(_schema, database_url, upload_dir, browser, browser_context_args, browser_server):
    """One crawl of the demo site (tests/browser/survey.py), shared by the axe and elder-mode tests."""
    from neighbors import create_app
    from neighbors.extensions import db
    from tests.browser import survey as site_survey
    from tests.conftest import _test_config

    app = create_app(_test_config(database_url, upload_dir))
    with app.app_context():
        try:
            result = site_survey.run(app, browser, browser_server.url, browser_context_args)
        finally:
            db.session.remove()
            db.engine.dispose()
    SURVEYS.append(result)
    return result


def pytest_terminal_summary(terminalreporter):
    for result in SURVEYS:
        terminalreporter.section("pages surveyed in the browser")
        for line in result.summary():
            terminalreporter.write_line(line)
