"""Headless Chromium (Debian's `chromium`, Playwright) for the journeys through the feature and tenant
administration pages: one browser per test module, a fresh context per person, every request that is
not to the live server blocked (and named at the end), screenshots in var/screenshots/."""

import os
import time
from urllib.parse import urlsplit

import pytest

from tests.accounts.test_browser import CHROMIUM, FLAGS, SHOTS
from tests.conftest import PASSWORD

browser_marks = [
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Debian's chromium"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def people(live_server, monkeypatch):
    """`open(username)` -> a signed-in page in its own browser context (its own cookies)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    local = urlsplit(live_server.url).netloc
    blocked = []

    def only_local(route):
        if urlsplit(route.request.url).netloc == local or route.request.url.startswith(("data:", "blob:")):
            return route.continue_()
        blocked.append(route.request.url)
        return route.abort()

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)

        def open_as(username, password=PASSWORD):
            context = browser.new_context(viewport={"width": 1280, "height": 860}, accept_downloads=True)
            context.route("**/*", only_local)
            page = context.new_page()
            page.goto(f"{live_server.url}/accounts/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", password)
            page.click("button[type=submit]")
            page.wait_for_load_state()
            assert "/accounts/login/" not in page.url, page.locator("body").inner_text()[:300]
            return page

        try:
            yield open_as
        finally:
            browser.close()
    assert blocked == [], f"a page asked for something outside the server: {blocked}"


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def nav_labels(page):
    return page.locator("nav.site-nav a").all_inner_texts()


def wait_until(check, seconds=30, step=0.2):
    """Poll a Python-side check (the CSP forbids Playwright's in-page eval of wait_for_function)."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, "never true"
        time.sleep(step)
