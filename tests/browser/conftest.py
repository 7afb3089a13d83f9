"""Browser tests drive Debian's Chromium through Playwright; no browser is downloaded. `log_in` opens
the admin as a curator (or a superuser) in a window of a chosen size."""

import os
import shutil
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User

SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# Flags that keep Chromium from reaching for the network at start (this machine has none).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser(django_db_setup):
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed: `sudo apt-get install chromium` (Debian/Ubuntu) to run browser tests")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright is not installed: `pip install -r requirements-dev.txt`")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are fine.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from django.db import connections

    outside = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright:
        # Inside Playwright's running event loop, Django hands out other connection objects (asgiref's
        # Local is per context): give them the migrated data that serialized_rollback restores after
        # each transactional test (the curator group, its permissions), or it is restored only once.
        for alias, connection in outside.items():
            if hasattr(connection, "_test_serialized_contents"):
                connections[alias]._test_serialized_contents = connection._test_serialized_contents
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def log_in(browser, live_server):
    """Logs in through the admin's login page in a new window and follows it to `path`, once `ready`
    shows: (user, page). The user is a curator (staff in the curator group), or a superuser. Every
    window opened is closed after the test."""
    contexts = []

    def log_in(path: str, ready: str, *, width: int = 1280, height: int = 900, superuser: bool = False):
        password = os.urandom(12).hex()
        if superuser:
            user = User.objects.create_superuser("admin-browser", password=password)
        else:
            user = User.objects.create_user("curator-browser", password=password, is_staff=True)
            user.groups.add(Group.objects.get(name="curator"))
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{live_server.url}/admin/login/?next={path}")
        page.fill("#id_username", user.username)
        page.fill("#id_password", password)
        page.click("input[type=submit]")
        page.wait_for_selector(ready)
        return user, page

    yield log_in
    for context in contexts:
        context.close()
