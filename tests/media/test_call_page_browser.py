"""The call page in a real headless Chromium (Debian's `chromium`, Playwright), every request that leaves
the server blocked: sign in, open a call imported from a public capture, read its figures, click a SIP
message in the ladder and read it whole, open another with the keyboard, play the audio and watch the
cursor move, download the pcap (tshark reads it), make a share link; axe-core finds nothing serious.
Screenshots land in var/screenshots/.
"""

import subprocess

from django.core.files.storage import default_storage

from tests.a11y import assert_accessible
from tests.accounts.test_browser import SHOTS
from tests.conftest import PASSWORD
from tests.media.conftest import MEDIA_FLAGS
from tests.sharing.test_share_browser import local_page, pytestmark, wait_until  # noqa: F401 (fixture, markers)

FLAGS = {**MEDIA_FLAGS, "can_cdr_share_voipmonitor_org": True}


def sign_in(page, base, username, next_path):
    page.goto(f"{base}{next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{next_path}")


def tshark_lines(path, display_filter, *fields):
    command = ["tshark", "-r", str(path), "-Y", display_filter, "-T", "fields"]
    for field in fields:
        command += ["-e", field]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.splitlines()


def test_call_page_journey(local_page, live_server, import_capture, make_user, tmp_path):  # noqa: F811
    call = import_capture("sip_g711u_call_both_ways_loss_bye.pcap")[0]
    make_user("carla", FLAGS)
    page, base = local_page, live_server.url
    sign_in(page, base, "carla", f"/calls/{call.pk}/")
    assert page.locator("h1").inner_text() == f"Call from {call.caller} to {call.called}"
    # quality at a glance: the stored row's figures, in their units
    for side in ("a", "b"):
        assert page.locator(f'[data-figure="{side}-received"]').inner_text() == str(getattr(call, f"{side}_received"))
        mos = getattr(call, f"{side}_mos_f1_mult10") / 10
        assert float(page.locator(f'[data-figure="{side}-mos-f1"]').inner_text()) == mos
    SHOTS.mkdir(parents=True, exist_ok=True)
    wait_until(page, "document.getElementById('waveform').naturalWidth === 1200")
    wait_until(page, "document.getElementById('spectrogram').naturalWidth === 1200")
    page.screenshot(path=str(SHOTS / "call-page.png"), full_page=True)
    assert_accessible(page)

    # a message clicked in the ladder is shown whole (tshark names the messages of the stored SIP pcap)
    sip = tshark_lines(default_storage.path(call.pcap_sip), "sip", "sip.Request-Line", "sip.Status-Line")
    first_lines = [line.strip("\t").split("\t")[0] for line in sip]
    page.locator('#ladder a.msg-link[data-num="3"]').click()
    page.wait_for_selector('#sip-message [data-num="3"]')
    text = page.locator("#sip-message-text").inner_text()
    assert text.splitlines()[0] == first_lines[2]
    assert f"Call-ID: {call.callid}" in text or f"i: {call.callid}" in text
    assert page.locator('#ladder a.msg-link[data-num="3"]').get_attribute("aria-current") == "true"
    page.screenshot(path=str(SHOTS / "call-page-sip-message.png"))
    # and with the keyboard alone, from the list
    page.focus('#sip-list a.sip-link[data-num="1"]')
    page.keyboard.press("Enter")
    page.wait_for_selector('#sip-message [data-num="1"]')
    assert page.locator("#sip-message-text").inner_text().splitlines()[0] == first_lines[0]

    # the stereo recording plays and the cursor follows it over both strips
    assert float(page.locator(".strip .cursor").first.evaluate("el => el.style.left || '0%'").rstrip("%")) == 0
    page.evaluate("document.getElementById('player').play()")
    wait_until(page, "document.getElementById('player').currentTime > 0.5")
    assert page.evaluate("document.getElementById('player').error") is None
    left = float(page.locator(".strip .cursor").first.evaluate("el => el.style.left").rstrip("%"))
    duration = page.evaluate("document.getElementById('player').duration")
    assert abs(duration - call.duration) < 0.1  # the recording runs on the call's clock
    assert 0 < left < 100
    wait_until(page, f"parseFloat(document.querySelector('.strip .cursor').style.left) > {left}")
    page.focus("#player")  # the keyboard: Space pauses, the right arrow jumps 5 s and the cursor with it
    page.keyboard.press(" ")
    wait_until(page, "document.getElementById('player').paused")
    before = page.evaluate("document.getElementById('player').currentTime")
    page.keyboard.press("ArrowRight")  # (the decoder lands on the nearest frame it can: within a second)
    wait_until(page, f"Math.abs(document.getElementById('player').currentTime - {before + 5}) < 1")
    expected = 100 * page.evaluate("document.getElementById('player').currentTime") / duration
    left = float(page.locator(".strip .cursor").first.evaluate("el => el.style.left").rstrip("%"))
    assert abs(left - expected) < 0.5

    # the pcap downloads, and tshark reads the same packets as in the stored capture
    with page.expect_download() as info:
        page.click("#download-pcap")
    target = tmp_path / "call.pcap"
    info.value.save_as(target)
    stored = tshark_lines(default_storage.path(call.pcap_full), "frame", "frame.number")
    assert len(tshark_lines(target, "frame", "frame.number")) == len(stored) > 1000
    assert set(tshark_lines(target, 'sip.Method == "INVITE"', "sip.Call-ID")) == {call.callid}

    # share: a link made through the sharing service, shown once
    page.click("#share-create")
    page.wait_for_selector("#share-url")
    assert "/s/" in page.locator("#share-url").input_value()
    page.screenshot(path=str(SHOTS / "call-page-shared.png"))
