"""getAudioGraph / REST audio-graph PNGs, and the SIP history: pcap2text.php and REST sip-history / ladder."""

import html
import io
import os
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from legacy_client import api, body_of, file_of, legacy_error
from PIL import Image

from apps.capture.analyzer import analyze_capture
from apps.media.callfiles import pcap_path

pytestmark = pytest.mark.django_db
G711U = "sip_g711u_call_both_ways_loss_bye.pcap"
B2BUA = "sip_b2bua_asterisk_two_legs.pcapng"
SVG = "{http://www.w3.org/2000/svg}"


def png(data, size):
    image = Image.open(io.BytesIO(data))
    image.load()
    assert image.format == "PNG" and image.size == size
    return np.asarray(image.convert("RGB"))


@pytest.mark.parametrize(("kind", "height"), [("S", 300), ("P", 300), ("ALL", 600)])
def test_graph_is_a_png_of_the_requested_side(client, import_capture, media_user, kind, height):
    (cdr,) = import_capture(G711U)
    left = png(
        file_of(api(client, "getAudioGraph", {"cdrId": cdr.pk, "type": kind, "side": "L"}, user="mia"), "image/png"),
        (1200, height),
    )
    right = png(
        file_of(api(client, "getAudioGraph", {"cdrId": cdr.pk, "type": kind, "side": "R"}, user="mia"), "image/png"),
        (1200, height),
    )
    assert (left != right).mean() > 0.01  # the two channels of this call carry different sound


def test_waveform_shows_silence_where_the_side_is_silent(client, import_capture, media_user):
    """The callee's first RTP arrives 2.0 s into the call: the waveform's first columns are flat."""
    (cdr,) = import_capture(G711U)
    image = png(
        file_of(api(client, "getAudioGraph", {"cdrId": cdr.pk, "type": "P", "side": "R"}, user="mia"), "image/png"),
        (1200, 300),
    )
    blue = (image[:, :, 2] > 150) & (image[:, :, 0] < 100)
    columns = np.flatnonzero(blue.sum(axis=0) > 20)
    plot_left = np.flatnonzero(blue.any(axis=0))[0]
    assert columns.size and columns[0] > plot_left + 40


@pytest.mark.parametrize(
    ("params", "fragment"),
    [({"type": "X"}, "type must be S, P or ALL"), ({"side": "Q"}, "side must be L (caller) or R (callee)")],
)
def test_bad_graph_type_or_side(client, import_capture, media_user, rest, params, fragment):
    (cdr,) = import_capture(G711U)
    legacy_error(api(client, "getAudioGraph", {"cdrId": cdr.pk, **params}, user="mia"), fragment)
    response = rest(media_user).get(f"/api/v1/calls/{cdr.pk}/audio-graph", params)
    assert response.status_code == 400 and fragment in response.json()["detail"]


def test_graph_needs_can_play_audio(client, import_capture, make_user, rest):
    (cdr,) = import_capture(G711U)
    make_user("dan", {"can_cdr": True, "can_download_audio": True})
    legacy_error(api(client, "getAudioGraph", {"cdrId": cdr.pk}, user="dan"), "can_play_audio")
    player = make_user("pia", {"can_cdr": True, "can_play_audio": True})
    assert file_of(rest(player).get(f"/api/v1/calls/{cdr.pk}/audio-graph", {"side": "R"}), "image/png")


def login(client, user="mia"):
    body = client.get("/php/model/sql.php", {"module": "bypass_login", "user": user, "pass": "s3cret-Pa55"}).json()
    client.cookies["PHPSESSID"] = body["SID"]


def test_brief_data_lists_the_calls_messages_in_order(client, import_capture, media_user, captures_dir, tmp_path):
    leg_a, leg_b = import_capture(B2BUA)
    anonymous = client.get("/php/pcap2text.php", {"action": "brief_data", "id": leg_b.pk}).json()
    assert anonymous["success"] is False and anonymous["error"] == {"type": "no_session"}
    login(client)
    body = client.get("/php/pcap2text.php", {"action": "brief_data", "id": leg_b.pk}).json()
    assert body["success"] is True and body["errors"] == {} and body["total"] == len(body["results"])
    analysed = {c.fields["callid"]: c for c in analyze_capture(str(captures_dir / B2BUA)).calls}
    expected = analysed[leg_b.callid].sip_messages
    assert [r["msg"] for r in body["results"]] == [html.escape(m["first_line"]) for m in expected]
    assert [r["num"] for r in body["results"]] == list(range(1, len(expected) + 1))
    first = body["results"][0]
    assert first["type"] == "INVITE" and first["time"] == 0.0 and first["cdr_ID"] == leg_b.pk
    assert (first["srcip"], first["srcport"]) == (expected[0]["src"], expected[0]["sport"])
    times = [r["time"] for r in body["results"]]
    assert times == sorted(times) and abs(first["time_timestamp"] - leg_b.calldate.timestamp()) < 0.001
    full = client.get("/php/pcap2text.php", {"action": "brief_data", "id": leg_b.pk, "full": 1}).json()["results"]
    assert full[0]["full"].startswith("INVITE sip:") and "Call-ID: " + leg_b.callid in full[0]["full"]


def test_brief_html_and_msc(client, import_capture, media_user):
    (cdr,) = import_capture(G711U)
    login(client)
    table = client.get("/php/pcap2text.php", {"action": "brief", "id": cdr.pk})
    assert table["Content-Type"].startswith("text/html") and table.content.count(b"<tr") == 13
    msc = client.get("/php/pcap2text.php", {"action": "getMSC", "id": cdr.pk})
    assert msc["Content-Type"].startswith("text/html")
    fragment = msc.content.decode()
    assert fragment.startswith('<div class="msc"><svg')
    svg = ET.fromstring(fragment[len('<div class="msc">') : -len("</div>")])
    assert len(svg.findall(f"{SVG}g[@class='msg']")) == 12
    image = client.get("/php/pcap2text.php", {"action": "getMSC", "id": cdr.pk, "format": "png"})
    assert Image.open(io.BytesIO(body_of(image))).format == "PNG"
    assert client.get("/php/pcap2text.php", {"action": "nope", "id": cdr.pk}).json()["success"] is False
    assert "not found" in client.get("/php/pcap2text.php", {"action": "brief", "id": 999999}).json()["error"]


def test_rest_sip_history_and_ladder(import_capture, media_user, rest, make_user, tenant_b):
    (cdr,) = import_capture(G711U)
    client = rest(media_user)
    history = client.get(f"/api/v1/calls/{cdr.pk}/sip-history/").json()
    assert history["count"] == 12 and history["results"][0]["type"] == "INVITE"
    assert [r["type"] for r in history["results"]][-2:] == ["BYE", "200"]
    svg = client.get(f"/api/v1/calls/{cdr.pk}/ladder.svg")
    assert svg["Content-Type"] == "image/svg+xml"
    root = ET.fromstring(body_of(svg))
    columns = root.findall(f"{SVG}g[@class='col']")
    assert [c.find(f"{SVG}text").text for c in columns] == ["192.10.1.65:5065", "208.93.9.155:5065"]
    other = make_user("bea", {"can_cdr": True}, tenant=tenant_b)
    assert rest(other).get(f"/api/v1/calls/{cdr.pk}/sip-history/").status_code == 404
    os.remove(pcap_path(cdr, sip_only=True))
    assert client.get(f"/api/v1/calls/{cdr.pk}/ladder.svg").status_code == 404
