"""The home and the API docs in a real headless Chromium (Debian's `chromium`, Playwright), with every
request that leaves the machine blocked, as a monitoring network without internet would.

A visitor opening `/` signs in and lands back on `/` with the navigation their flags allow; the API
documentation renders Swagger UI with its operations from our own static files (with a CDN it stays
blank, and the blocked request is named). Screenshots land in var/screenshots/.
"""

from urllib.parse import urlparse

import pytest

from apps.users.services import user_create
from tests.accounts.test_browser import SHOTS, browser_page, pytestmark  # noqa: F401  (fixture and markers)
from tests.conftest import PASSWORD

PlaywrightTimeout = pytest.importorskip("playwright.sync_api").TimeoutError
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def block_outside_requests(page):
    """Abort every request to another host; return the list of what was blocked."""
    blocked = []

    def route(route_):
        host = urlparse(route_.request.url).hostname
        if route_.request.url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route_.continue_()
        else:
            blocked.append(route_.request.url)
            route_.abort()

    page.context.route("**/*", route)
    return blocked


def test_sign_in_lands_home_and_the_api_docs_render_offline(browser_page, live_server, tenant_a):  # noqa: F811
    user_create(username="nina", tenant=tenant_a, password=PASSWORD)  # no can_cdr: the home is her page
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser_page
    blocked = block_outside_requests(page)

    page.goto(f"{live_server.url}/")
    page.wait_for_url(f"{live_server.url}/accounts/login/?next=/")
    page.fill("#id_username", "nina")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "Welcome, nina"
    nav = page.locator("nav.site-nav a")
    assert nav.all_inner_texts() == ["Home", "API documentation", "Profile"]  # no calls, no admin link
    assert page.locator("nav.site-nav a[aria-current=page]").inner_text() == "Home"
    assert page.locator("#home-timezone").inner_text() == "Europe/Prague"  # the tenant's zone
    page.screenshot(path=str(SHOTS / "home.png"), full_page=True)

    page.click("nav.site-nav >> text=API documentation")
    page.wait_for_url(f"{live_server.url}/api/docs/")
    try:  # operations rendered by Swagger UI
        page.locator(".swagger-ui .opblock").first.wait_for(timeout=20_000)
    except PlaywrightTimeout:
        pytest.fail(f"Swagger UI rendered no operation; requests blocked for leaving the machine: {blocked}")
    assert page.locator(".swagger-ui .info .title").inner_text().startswith("voipmon REST API")
    paths = page.locator(".swagger-ui .opblock-summary-path").all_inner_texts()
    assert any(p.replace("\u200b", "") == "/api/v1/calls/" for p in paths), paths[:10]
    page.screenshot(path=str(SHOTS / "api-docs.png"))
    assert blocked == [], blocked
