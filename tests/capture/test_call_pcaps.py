"""Per-call pcap files: written while streaming, readable by tshark, and reusable by rtpstream."""

import shutil
import subprocess

import pytest

from apps.capture.analyzer import analyze_capture
from apps.capture.rtpstream import rtp_streams

from .reference import capture_names, capture_path

pytestmark = pytest.mark.skipif(not capture_names(), reason="shared captures not found")


def test_call_pcaps_hold_the_calls_sip_and_rtp(tmp_path):
    result = analyze_capture(str(capture_path("sip_rtp_g729a")), out_dir=str(tmp_path))
    (call,) = result.calls
    streams = rtp_streams(call.pcap_full_path)
    assert [len(v) for v in streams.values()] == [425]  # SOURCES.md: 425 one-way G.729 packets
    assert {p.payload_type for v in streams.values() for p in v} == {18}
    assert rtp_streams(call.pcap_sip_path) == {}
    if shutil.which("tshark"):
        out = subprocess.run(
            ["tshark", "-r", call.pcap_sip_path, "-Y", "sip", "-T", "fields", "-e", "sip.Call-ID"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        assert set(out) == {call.fields["callid"]} and len(out) == len(call.sip_messages)


def test_pcapng_input_gives_classic_pcap_output(tmp_path):
    result = analyze_capture(str(capture_path("sip_b2bua_asterisk_two_legs")), out_dir=str(tmp_path))
    for call in result.calls:
        with open(call.pcap_sip_path, "rb") as fh:
            assert fh.read(4) == b"\xd4\xc3\xb2\xa1"
    assert not list(tmp_path.glob("*.part"))
