"""The share page in a real headless Chromium (Debian's `chromium`, Playwright; every request that is
not to the live server is blocked): a protected link, a wrong then the right password, the audio plays,
the pcap downloads and tshark reads it, and the page wears its tenant's brand and not the other's."""

import os
import subprocess
import time
from urllib.parse import urlsplit

import pytest

from apps.branding.services import branding_update
from apps.core.actor import Actor
from tests.accounts.test_browser import CHROMIUM, FLAGS, SHOTS

from .images import png

pytestmark = [
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Debian's chromium"),
    pytest.mark.django_db(transaction=True),
]


def wait_until(page, expression, seconds=30):
    """Poll a page expression from here: the site's CSP forbids the in-page eval of wait_for_function."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"never true: {expression}"
        time.sleep(0.1)


@pytest.fixture
def local_page(tmp_path, monkeypatch, live_server):
    sync_api = pytest.importorskip("playwright.sync_api")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    local = urlsplit(live_server.url).netloc
    blocked = []

    def only_local(route):
        if urlsplit(route.request.url).netloc == local:
            return route.continue_()
        blocked.append(route.request.url)
        return route.abort()

    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True, accept_downloads=True,
            args=[*FLAGS, "--autoplay-policy=no-user-gesture-required"], viewport={"width": 1100, "height": 900},
        )  # fmt: skip
        context.route("**/*", only_local)
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()
    assert blocked == [], f"the page asked for something outside the server: {blocked}"


def test_protected_share_page_password_audio_download_and_brand(local_page, live_server, rest, g711_call, tenant_b,
                                                                tmp_path):  # fmt: skip
    acme = Actor(tenant_id=g711_call.tenant_id, is_admin=True)
    branding_update(actor=acme, data={"product_name": "ACME Voice", "primary_colour": "#aa3300"}, logo=png())
    globex = Actor(tenant_id=tenant_b.pk, is_admin=True)
    branding_update(actor=globex, data={"product_name": "Globex Talk"}, logo=png(rgb=(0, 0, 200)))
    wanted = {"content": "sip_rtp", "access": "protected", "password": "carrier-42", "anonymise": True}
    body = rest.post("/api/v1/shares/", {"cdr_id": g711_call.pk, **wanted}, format="json").json()
    page = local_page
    page.goto(live_server.url + urlsplit(body["url"]).path)
    assert page.locator("h1").inner_text() == "This link is protected"
    page.fill("#id_password", "wrong")
    page.click("button[type=submit]")
    assert page.locator("#error").inner_text() == "Wrong password."
    page.fill("#id_password", "carrier-42")
    page.click("button[type=submit]")
    page.wait_for_selector("#player")

    # the brand: this tenant's name and logo, not the other tenant's
    assert "ACME Voice" in page.title() and "ACME Voice" in page.locator("#brand").inner_text()
    logo_src = page.locator("#brand-logo").get_attribute("src")
    assert logo_src.startswith(f"/branding/{g711_call.tenant_id}/logo")
    wait_until(page, "document.getElementById('brand-logo').naturalWidth === 4")
    assert "Globex" not in page.content() and f"/branding/{tenant_b.pk}/" not in page.content()
    assert page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--brand').trim()") == "#aa3300"
    for image in ("ladder", "waveform"):  # both drawn by the server, loaded by the browser
        wait_until(page, f"document.getElementById('{image}').naturalWidth > 100")
    assert g711_call.sipcallerip not in page.content()  # anonymised
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "share.png"), full_page=True)

    # the audio plays: the element decodes the WAV and its clock moves
    page.evaluate("document.getElementById('player').play()")
    wait_until(page, "document.getElementById('player').currentTime > 0.3")
    assert page.evaluate("document.getElementById('player').error") is None

    # the pcap downloads and is a capture tshark reads with valid checksums
    with page.expect_download() as info:
        page.click("#download-pcap")
    target = tmp_path / "shared.pcap"
    info.value.save_as(target)
    out = subprocess.run(["tshark", "-r", str(target), "-Y", "sip.Method == INVITE", "-T", "fields", "-e", "ip.src"],
                         capture_output=True, text=True, check=True).stdout.split()  # fmt: skip
    assert out and g711_call.sipcallerip not in out
