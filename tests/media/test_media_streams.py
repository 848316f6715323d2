"""The media side of the one RTP reader, leg merging and SIP history reading, without Django."""

import shutil
import struct
import subprocess

import pytest
from media_helpers import packets

from apps.capture.analyzer import analyze_capture
from apps.capture.pcapio import pcap_iter_file
from apps.media.pcapmerge import pcap_merge_stream
from apps.media.siphistory import sip_messages_read
from apps.media.streams import CallStream, _without_copies, call_streams_split, media_streams_read


@pytest.fixture
def analysed(captures_dir, tmp_path):
    def run(name):
        return analyze_capture(str(captures_dir / name), out_dir=str(tmp_path / name)).calls

    return run


def test_call_streams_follow_the_stored_sides(analysed):
    (call,) = analysed("sip_g711u_call_both_ways_loss_bye.pcap")
    caller, callee = call_streams_split(call.pcap_full_path, call.streams)
    assert [s.key.saddr for s in caller] == ["192.10.1.65"] and [s.key.saddr for s in callee] == ["208.93.9.179"]
    rows = {(r["saddr"], r["ssrc"]): r["received"] for r in call.streams}
    for stream in caller + callee:
        assert len(stream.packets) == rows[(stream.key.saddr, stream.key.ssrc)]
        assert stream.payload_type == 0 and stream.rtpmap is None


def test_sides_swap_when_the_record_says_so(analysed):
    (call,) = analysed("sip_g711u_call_both_ways_loss_bye.pcap")
    swapped = [{**r, "side": "caller" if r["side"] == "callee" else "callee"} for r in call.streams]
    caller, callee = call_streams_split(call.pcap_full_path, swapped)
    assert [s.key.saddr for s in caller] == ["208.93.9.179"]


def test_a_stream_the_record_does_not_list_is_left_out(analysed):
    (call,) = analysed("sip_g711u_call_both_ways_loss_bye.pcap")
    caller, callee = call_streams_split(call.pcap_full_path, [r for r in call.streams if r["side"] == "caller"])
    assert len(caller) == 1 and callee == []


def test_dynamic_payload_type_gets_its_codec_from_the_stored_code(analysed):
    (call,) = analysed("sip_g711u_call_both_ways_loss_bye.pcap")
    rows = [{**r, "payload": 353} for r in call.streams]  # as if the SDP had said G726-32 for PT 0
    caller, _callee = call_streams_split(call.pcap_full_path, rows)
    assert caller[0].rtpmap == "G726-32/8000"


def test_reinvite_streams_of_one_side_are_both_kept(analysed):
    (call,) = analysed("sip_g711u_reinvite_g722_loopback.pcap")
    caller, callee = call_streams_split(call.pcap_full_path, call.streams)
    assert [s.payload_type for s in caller] == [0, 9] and [s.payload_type for s in callee] == [0, 9]


def test_two_copies_of_the_same_speech_keep_the_fuller_one():
    full = CallStream(packets([b"\xff" * 160] * 100, ssrc=1), 0)
    copy = CallStream(packets([b"\xff" * 160] * 90, ssrc=2, start=1_700_000_000.1), 0)
    later = CallStream(packets([b"\xff" * 160] * 50, ssrc=3, start=1_700_000_010.0), 0)
    assert _without_copies([copy, later, full]) == [full, later]


def test_lone_stream_without_sip_is_found(captures_dir):
    (stream,) = media_streams_read(captures_dir / "rtp_only_g711a_no_sip.pcap")
    assert (stream.payload_type, len(stream.packets)) == (8, 236)


def test_sip_history_reads_the_calls_messages_in_order(analysed):
    calls = analysed("sip_b2bua_asterisk_two_legs.pcapng")
    for call in calls:
        messages = sip_messages_read(call.pcap_sip_path)
        assert [m["first_line"] for m in messages] == [m["first_line"] for m in call.sip_messages]
        assert {m["call_id"] for m in messages} == {call.fields["callid"]}
        assert [m["time"] for m in messages] == sorted(m["time"] for m in messages)


def test_sip_history_reassembles_ipv6_fragments(analysed):
    (call,) = analysed("sip_ipv6_fragmented_proxy_prack.pcap")
    messages = sip_messages_read(call.pcap_sip_path)
    assert messages[0]["first_line"].startswith("INVITE") and messages[0]["src"].startswith("[")
    assert len(messages) == len(call.sip_messages)


def _linktype_copy(src, dst, linktype):
    """The same records under another link type header (SLL frames claiming to be raw IP do not
    decode, but the merge must still keep each record with its own link type)."""
    data = bytearray(open(src, "rb").read())
    struct.pack_into("<I", data, 20, linktype)
    open(dst, "wb").write(bytes(data))


def test_merge_of_legs_is_time_ordered_and_deduplicated(analysed, tmp_path):
    legs = analysed("sip_b2bua_asterisk_two_legs.pcapng")
    paths = [leg.pcap_full_path for leg in legs]
    kind, chunks = pcap_merge_stream(paths)
    merged = b"".join(chunks)
    assert kind == "pcap"
    union = {(round(ts, 6), data) for path in paths for ts, _lt, data in pcap_iter_file(path)}
    out = tmp_path / "merged.pcap"
    out.write_bytes(merged)
    records = list(pcap_iter_file(out))
    assert len(records) == len(union)
    assert [r[0] for r in records] == sorted(r[0] for r in records)


def test_legs_of_different_link_types_merge_into_pcapng(analysed, tmp_path):
    (call,) = analysed("sip_rtp_g729a.pcap")
    other = tmp_path / "other.pcap"
    _linktype_copy(call.pcap_sip_path, other, 113)
    kind, chunks = pcap_merge_stream([call.pcap_full_path, str(other)])
    out = tmp_path / "merged.pcapng"
    out.write_bytes(b"".join(chunks))
    assert kind == "pcapng" and out.read_bytes()[:4] == b"\x0a\x0d\x0d\x0a"
    if not shutil.which("tshark"):
        pytest.skip("tshark is not installed")
    result = subprocess.run(
        ["tshark", "-r", str(out), "-T", "fields", "-e", "frame.interface_id"], capture_output=True, text=True
    )
    assert result.returncode == 0 and "rror" not in result.stderr, result.stderr
    interfaces = result.stdout.split()
    assert set(interfaces) == {"0", "1"}
    assert len(interfaces) == len(list(pcap_iter_file(call.pcap_full_path))) + len(list(pcap_iter_file(other)))
