"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Nothing here downloads a browser. Chromium comes from apt (``.ci/run`` installs it),
axe-core and the Nu HTML checker from npm (``make test`` runs ``npm ci``), Java from the
system. When one of them is missing the tests fail and say what to install; they never skip.

Live-server tests are transactional: pytest-django runs them after the tests that roll
back, and flushes every table after each one, so each loads the real dataset itself
(the ``site`` fixture). The next run's session setup loads it again for the others.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import handlers
from django.contrib.staticfiles.handlers import StaticFilesHandler

from frameworks.dataset.files import read_fixtures
from frameworks.dataset.load import Mode, load_document
from frameworks.models import Framework
from tests.browser.tools import DESKTOP
from tests.conftest import FIXTURES

# Playwright's synchronous API runs an event loop in the main thread, and Django refuses
# ORM calls from a thread with a running loop unless told it is safe (it is: nothing
# here is async). Django reads this at each call.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Debian's Chromium on the PATH, or another one named by CHROMIUM=/path/to/chromium.
CHROMIUM = Path(os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
NODE_MODULES = settings.BASE_DIR / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
NPM_CI = "run `npm ci --ignore-scripts` at the repository root (make test does)"
ASKED_FOR = {"document", "xhr", "fetch"}
# Long enough for a cold page on a busy 2-core machine, short enough to fail fast.
TIMEOUT_MS = 15_000


def require(path: Path, remedy: str) -> Path:
    if not path.exists():
        pytest.fail(f"{path} is missing: {remedy}", pytrace=False)
    return path


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    require(CHROMIUM, "install Chromium with `apt-get install -y chromium chromium-driver`")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser):
    """Open a page in a fresh browser context: ``open_page(viewport=..., javascript=...)``.

    A test fails on any script error, Content-Security-Policy violation or failed
    stylesheet, script or image (pages themselves may answer 404 or 400 on purpose).
    """
    contexts, problems = [], []

    def on_console(message):
        # Chromium logs every 4xx page too; failed resources are caught by on_response.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(f"console error: {message.text}")

    def on_response(response):
        # Pages, and fragments htmx fetches, may answer 400 or 404 on purpose.
        if response.status >= 400 and response.request.resource_type not in ASKED_FOR:
            problems.append(f"{response.status} for {response.url}")

    def open_page(*, viewport=DESKTOP, javascript=True):
        context = browser.new_context(viewport=viewport, java_script_enabled=javascript)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        page.on("console", on_console)
        page.on("response", on_response)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not problems, "the browser reported:\n" + "\n".join(problems)


@pytest.fixture
def page(open_page):
    """A desktop page with JavaScript on."""
    return open_page()


@pytest.fixture(scope="session")
def _static_files_as_in_production():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(handlers, "StaticFilesHandler", StaticFilesFromWhiteNoise)
        yield


class StaticFilesFromWhiteNoise(StaticFilesHandler):
    """Leave static files to WhiteNoise, which serves the collected, hashed files.

    Django's live-server handler looks static files up with the finders, which know
    only the unhashed names: with DEBUG off every stylesheet and script would be a 404.
    """

    def _should_handle(self, path: str) -> bool:
        return False


@pytest.fixture(scope="session")
def live_server(_static_files_as_in_production, live_server):
    """pytest-django's live server, serving static files as production does."""
    return live_server


@pytest.fixture
def site(live_server) -> str:
    """The live server's address, with the real dataset loaded (the last test flushed it)."""
    if not Framework.objects.exists():
        load_document(read_fixtures(FIXTURES), mode=Mode.INITIAL)
    return live_server.url


@pytest.fixture(scope="session")
def axe_source() -> str:
    return require(AXE_JS, NPM_CI).read_text()


@pytest.fixture(scope="session")
def vnu_command() -> list[str]:
    java = shutil.which("java")
    if java is None:
        pytest.fail(
            "java is missing: install a JRE, e.g. `apt-get install -y default-jre-headless`",
            pytrace=False,
        )
    jar = require(VNU_JAR, NPM_CI)
    return [java, "-jar", str(jar), "--errors-only", "--format", "json"]
