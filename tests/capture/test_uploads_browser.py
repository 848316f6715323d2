"""The uploads page in a real headless Chromium, every request that leaves the server blocked: a pcap
dropped on the page is sent (the progress bar reaches 100 %), imported, and its summary appears with the
counts tshark reads from the same file; axe-core finds nothing serious. Screenshots in var/screenshots/."""

import base64

from apps.cdr.models import Cdr
from apps.users.services import user_create
from tests.a11y import assert_accessible
from tests.accounts.test_browser import SHOTS
from tests.conftest import PASSWORD
from tests.sharing.test_share_browser import local_page, pytestmark, wait_until  # noqa: F401 (fixture, markers)

from .reference import capture_path
from .test_uploads_page import tshark_counts

DROP = """([data, name]) => {
  const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], name, {type: "application/vnd.tcpdump.pcap"}));
  const zone = document.getElementById("drop-zone");
  for (const type of ["dragenter", "dragover", "drop"]) {
    zone.dispatchEvent(new DragEvent(type, {dataTransfer: transfer, bubbles: true, cancelable: true}));
  }
}"""


def test_drop_a_capture_and_watch_it_import(local_page, live_server, tenant_a, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path / "media"
    user_create(username="uwe", tenant=tenant_a, password=PASSWORD, flags={"can_upload_pcap": True, "can_cdr": True})
    page, base = local_page, live_server.url
    page.goto(f"{base}/uploads/")
    page.fill("#id_username", "uwe")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/uploads/")
    assert page.locator("nav.site-nav a[aria-current=page]").inner_text() == "Upload"
    assert_accessible(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "uploads.png"), full_page=True)

    path = capture_path("sip_dtmf_rfc2833_via_proxy")
    page.evaluate(DROP, [base64.b64encode(path.read_bytes()).decode(), path.name])
    page.wait_for_selector("[data-upload-summary]", timeout=60_000)
    assert page.locator("#upload-progress").evaluate("el => el.value") == 100
    frames, calls = tshark_counts(path)
    summary = page.locator("[data-upload-summary]").first
    assert int(summary.locator('[data-summary="packets"]').inner_text()) == frames
    assert int(summary.locator('[data-summary="calls"]').inner_text()) == calls
    assert int(summary.locator('[data-summary="imported"]').inner_text()) == Cdr.objects.count() > 0
    assert path.name in page.locator("#upload-list article").first.inner_text()
    wait_until(page, "document.querySelector('#upload-list article').dataset.status === 'done'")
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / "uploads-done.png"), full_page=True)
