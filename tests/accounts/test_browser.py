"""The pages in a real headless Chromium (Debian's `chromium`, driven by Playwright): the sign-in page
renders, a user signs in and reaches the profile. Screenshots land in var/screenshots/."""

import os
import shutil
from pathlib import Path

import pytest

from apps.users.services import user_create
from tests.conftest import PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Debian's chromium"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def browser_page(tmp_path, monkeypatch):
    sync_api = pytest.importorskip("playwright.sync_api")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, args=FLAGS, headless=True,
            viewport={"width": 1100, "height": 760},
        )  # fmt: skip
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()


def test_sign_in_page_renders_and_a_user_reaches_the_profile(browser_page, live_server, tenant_a):
    user_create(username="paula", tenant=tenant_a, password=PASSWORD, flags={"can_cdr": True, "can_pcap": True})
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.title() == "Sign in · voipmon"
    assert page.locator("h1").inner_text() == "Sign in"
    page.screenshot(path=str(SHOTS / "login.png"))

    page.fill("#id_username", "paula")
    page.fill("#id_password", "not-her-password")
    page.click("button[type=submit]")
    assert "Wrong user name or password." in page.locator(".messages").inner_text()

    page.fill("#id_username", "paula")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/calls/?last_days=1")  # no `next`: the call browser (she may search calls)
    page.click("nav.site-nav >> text=Profile")
    page.wait_for_url(f"{live_server.url}/accounts/profile/")
    assert page.locator("h1").inner_text() == "Your profile"
    assert "paula" in page.locator("dl").inner_text() and "can_pcap" in page.locator("dl").inner_text()
    page.fill("#id_name", "nightly export")
    page.click("text=Create")
    assert len(page.locator("#new-key").inner_text()) == 40
    page.screenshot(path=str(SHOTS / "profile.png"), full_page=True)

    page.click("text=Sign out")
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    assert "You are signed out." in page.locator(".messages").inner_text()
