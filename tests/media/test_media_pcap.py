"""Call pcaps: getPCAP, pcap.php and REST /pcap hand out exactly the call's packets, legs merged or zipped."""

import os

import pytest
from legacy_client import api, body_of, file_of, legacy_error, tshark, zip_members

from apps.capture.pcapio import pcap_iter_file
from apps.media.callfiles import pcap_path

pytestmark = pytest.mark.django_db
B2BUA = "sip_b2bua_asterisk_two_legs.pcapng"
G711U = "sip_g711u_call_both_ways_loss_bye.pcap"


def records(path):
    return [(round(ts, 6), data) for ts, _lt, data in pcap_iter_file(path)]


def test_getpcap_returns_the_calls_stored_capture(client, import_capture, media_user, tmp_path):
    (cdr,) = import_capture(G711U)
    data = file_of(api(client, "getPCAP", {"cdrId": cdr.pk}, user="mia"), "application/vnd.tcpdump.pcap")
    out = tmp_path / "call.pcap"
    out.write_bytes(data)
    assert data == open(pcap_path(cdr), "rb").read()
    rows = tshark(out, "sip.Call-ID", "rtp.ssrc")
    assert {r[0] for r in rows if r[0]} == {cdr.callid}
    rtp = sum(1 for r in rows if r[1])
    assert rtp == cdr.a_received + cdr.b_received  # every RTP packet of both directions, nothing else


def test_disable_rtp_and_no_rtp_users_get_sip_only(client, import_capture, media_user, make_user, tmp_path):
    (cdr,) = import_capture(G711U)
    sip_only = file_of(api(client, "getPCAP", {"cdrId": cdr.pk, "disable_rtp": 1}, user="mia"), "application/")
    make_user("nora", {"can_cdr": True, "can_pcap": True, "no_rtp": True})
    forced = file_of(api(client, "getPCAP", {"cdrId": cdr.pk}, user="nora"), "application/")
    assert sip_only == forced == open(pcap_path(cdr, sip_only=True), "rb").read()
    out = tmp_path / "sip.pcap"
    out.write_bytes(forced)
    assert all(not r[0] for r in tshark(out, "rtp.ssrc")) and len(tshark(out)) == 12


def test_b2bua_legs_merge_into_one_time_ordered_capture(client, import_capture, media_user, tmp_path):
    leg_a, leg_b = import_capture(B2BUA)
    assert leg_a.callid != leg_b.callid
    response = api(client, "getPCAP", {"cdrId": leg_b.pk, "cidInterval": 30}, user="mia", cidMerge="true")
    out = tmp_path / "merged.pcap"
    out.write_bytes(file_of(response, "application/vnd.tcpdump.pcap"))
    rows = tshark(out, "frame.time_epoch", "sip.Call-ID")
    times = [float(r[0]) for r in rows]
    assert times == sorted(times)
    assert {r[1] for r in rows if r[1]} == {leg_a.callid, leg_b.callid}
    union = set(records(pcap_path(leg_a))) | set(records(pcap_path(leg_b)))
    assert sorted(records(out)) == sorted(union)  # both legs, each shared RTP packet once


def test_legs_without_merge_come_as_a_zip_of_files(client, import_capture, media_user):
    leg_a, leg_b = import_capture(B2BUA)
    response = api(client, "getPCAP", {"callId": leg_a.callid, "calldate": "2016-05-18", "cidInterval": 30}, user="mia")
    members = zip_members(file_of(response, "application/zip"))
    assert [name.split("-", 1)[0] for name in members] == [str(leg_a.pk), str(leg_b.pk)]
    assert all(name.endswith(".pcap") for name in members)
    assert sorted(members.values()) == sorted(open(pcap_path(c), "rb").read() for c in (leg_a, leg_b))


def test_without_cid_interval_only_the_one_leg(client, import_capture, media_user):
    leg_a, _leg_b = import_capture(B2BUA)
    data = file_of(api(client, "getPCAP", {"cdrId": str(leg_a.pk), "cidMerge": True}, user="mia"), "application/")
    assert data == open(pcap_path(leg_a), "rb").read()


def test_zip_flag_wraps_a_single_file(client, import_capture, media_user):
    (cdr,) = import_capture("sip_rtp_g729a.pcap")
    members = zip_members(file_of(api(client, "getPCAP", {"cdrId": cdr.pk}, user="mia", zip="1"), "application/zip"))
    assert list(members.values()) == [open(pcap_path(cdr), "rb").read()]


def test_pcap_php_with_a_session(client, import_capture, media_user):
    (cdr,) = import_capture(G711U)
    assert client.get("/php/pcap.php", {"id": cdr.pk}).json()["error"] == {"type": "no_session"}
    sid = client.get("/php/model/sql.php", {"module": "bypass_login", "user": "mia", "pass": "s3cret-Pa55"}).json()
    client.cookies["PHPSESSID"] = sid["SID"]
    full = file_of(client.get("/php/pcap.php", {"id": cdr.pk}), "application/vnd.tcpdump.pcap")
    sip = file_of(client.get("/php/pcap.php", {"id": cdr.pk, "disable_rtp": 1}), "application/vnd.tcpdump.pcap")
    assert full == open(pcap_path(cdr), "rb").read() and sip == open(pcap_path(cdr, sip_only=True), "rb").read()
    missing = client.get("/php/pcap.php", {"id": cdr.pk + 1000})
    assert missing["Content-Type"].startswith("text/html") and b"not found" in missing.content


def test_missing_file_is_a_clear_error(client, import_capture, media_user, rest):
    (cdr,) = import_capture(G711U)
    os.remove(pcap_path(cdr))
    legacy_error(api(client, "getPCAP", {"cdrId": cdr.pk}, user="mia"), "not available on the server")
    response = rest(media_user).get(f"/api/v1/calls/{cdr.pk}/pcap")
    assert response.status_code == 404 and response.json()["code"] == "file_missing"
    sid = client.get("/php/model/sql.php", {"module": "bypass_login", "user": "mia", "pass": "s3cret-Pa55"}).json()
    client.cookies["PHPSESSID"] = sid["SID"]
    page = client.get("/php/pcap.php", {"id": cdr.pk})
    assert page["Content-Type"].startswith("text/html") and b"not available" in page.content


def test_rest_pcap_and_options(import_capture, media_user, rest, tmp_path):
    leg_a, leg_b = import_capture(B2BUA)
    client = rest(media_user)
    single = client.get(f"/api/v1/calls/{leg_a.pk}/pcap/")
    assert body_of(single) == open(pcap_path(leg_a), "rb").read()
    merged = client.get(f"/api/v1/calls/{leg_a.pk}/pcap", {"cid_interval": 10, "merge": 1, "disable_rtp": 1})
    out = tmp_path / "m.pcap"
    out.write_bytes(file_of(merged, "application/vnd.tcpdump.pcap"))
    assert all(not r[0] for r in tshark(out, "rtp.ssrc"))
    assert {r[0] for r in tshark(out, "sip.Call-ID") if r[0]} == {leg_a.callid, leg_b.callid}
    bad = client.get(f"/api/v1/calls/{leg_a.pk}/pcap", {"cid_interval": "soon"})
    assert bad.status_code == 400 and bad["Content-Type"].startswith("application/json")


def test_flags_tenants_and_sensors_apply(client, import_capture, media_user, make_user, tenant_b, rest):
    (cdr,) = import_capture(G711U)
    make_user("carl", {"can_cdr": True})
    legacy_error(api(client, "getPCAP", {"cdrId": cdr.pk}, user="carl"), "can_pcap")
    assert rest(make_user("cara", {"can_cdr": True})).get(f"/api/v1/calls/{cdr.pk}/pcap").status_code == 403
    make_user("sam", {"can_cdr": True, "can_pcap": True}, sensors=[2])
    legacy_error(api(client, "getPCAP", {"cdrId": cdr.pk}, user="sam"), f"Call {cdr.pk} not found")
    other = make_user("bea", {"can_cdr": True, "can_pcap": True}, tenant=tenant_b)
    legacy_error(api(client, "getPCAP", {"cdrId": cdr.pk}, user="bea"), "not found")
    assert rest(other).get(f"/api/v1/calls/{cdr.pk}/pcap").status_code == 404


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({}, "cdrId or callId"),
        ({"cdrId": "abc"}, "must be a call id"),
        ({"cdrId": True}, "must be a call id"),
        ({"cdrId": 1, "cidInterval": -5}, "between 0"),
        ({"cdrId": 1, "bogus": 1}, "Unknown parameter: bogus"),
        ({"callId": "nope@x"}, "not found"),
    ],
)
def test_bad_pcap_requests_are_legacy_errors(client, media_user, params, fragment):
    legacy_error(api(client, "getPCAP", params, user="mia"), fragment)
