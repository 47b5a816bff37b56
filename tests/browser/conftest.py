"""
The portal in a real browser: Playwright (the pip package) driving the machine's Chromium
against pytest-django's live server.

Playwright cannot download its own browsers here, so these tests use the Debian package
`chromium` (or the binary named by QIPORTAL_CHROMIUM). Without one, they skip and say how to
enable them; `.ci/run` installs it, so CI always runs them.
"""

import os
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection

from tests.browser.pages import Reader

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def chromium_path():
    """QIPORTAL_CHROMIUM when set (to test without a browser: set it to a path that does not
    exist), else the Debian package's binary."""
    chosen = os.environ.get("QIPORTAL_CHROMIUM")
    if chosen:
        return chosen if Path(chosen).exists() else None
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else shutil.which("chromium")


@pytest.fixture(scope="package")
def migrated_data(django_db_setup, django_db_blocker):
    """What the migrations wrote (the Editors group and its rights, say), read before the
    browser starts."""
    with django_db_blocker.unblock():
        return connection.creation.serialize_db_to_string()


@pytest.fixture(scope="package")
def browser(migrated_data):
    executable = chromium_path()
    if executable is None:
        pytest.skip(
            "Browser tests need Chromium: install it with `apt-get install -y chromium` "
            "(or set QIPORTAL_CHROMIUM to a Chromium binary). .ci/run installs it."
        )
    from playwright.sync_api import sync_playwright

    # Playwright's synchronous API runs an event loop in this thread; the test's own database
    # work (loading content, creating users) is still synchronous, so let Django allow it
    # while the browser is open, and only then.
    allowed = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if allowed is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = allowed


@pytest.fixture
def site(browser, live_server, transactional_db, migrated_data):
    """The live portal with the content it ships with; its address.

    The live server needs a database that is emptied after each test, not rolled back, and
    emptying it removes what the migrations wrote too. Django's serialized rollback would put
    that back, but it cannot see its saved copy from inside Playwright's event loop, so this
    does the same: empty the tables, and load what the migrations wrote."""
    if not Group.objects.filter(name="Editors").exists():
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        connection.creation.deserialize_db_from_string(migrated_data)
    call_command("load_laws", stdout=StringIO())
    call_command("load_content", stdout=StringIO())
    return live_server.url


@pytest.fixture
def reader(browser, site):
    """An anonymous reader's browser tab, which records what the page asked of other hosts and
    what the browser complained about (a refused script, a Content Security Policy report)."""
    reader = Reader(browser, site)
    yield reader
    reader.close()


@pytest.fixture(scope="session")
def screenshots():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
