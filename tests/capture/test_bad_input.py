"""Files that are not captures, cut captures, garbled packets, and a fuzz run over the shared set."""

import os
import struct

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.capture.analyzer import CaptureError, analyze_capture

from .reference import capture_names, capture_path

needs_captures = pytest.mark.skipif(not capture_names(), reason="shared captures not found")


def test_non_capture_raises_and_writes_nothing(tmp_path):
    bogus = tmp_path / "notes.pcap"
    bogus.write_bytes(b"this is not a capture file at all\n" * 10)
    out = tmp_path / "out"
    with pytest.raises(CaptureError):
        analyze_capture(str(bogus), out_dir=str(out))
    assert not out.exists() or not os.listdir(out)


def test_empty_file_raises(tmp_path):
    empty = tmp_path / "empty.pcap"
    empty.write_bytes(b"")
    with pytest.raises(CaptureError):
        analyze_capture(str(empty))


@needs_captures
def test_truncated_capture_imports_what_it_has(tmp_path):
    data = capture_path("sip_g711u_call_both_ways_loss_bye").read_bytes()
    cut = tmp_path / "cut.pcap"
    cut.write_bytes(data[: len(data) - 37])  # ends in the middle of the last record (the BYE's 200 OK)
    result = analyze_capture(str(cut), out_dir=str(tmp_path / "out"))
    assert result.stats["truncated"] is True
    assert result.stats["packets"] == 3241 - 1  # SOURCES.md: frames 3107-6347
    assert len(result.calls) == 1
    assert result.calls[0].fields["bye"] == 2  # BYE seen, its 200 OK was in the cut record
    assert os.path.exists(result.calls[0].pcap_full_path)


@needs_captures
def test_garbled_packet_is_counted_and_skipped(tmp_path):
    data = bytearray(capture_path("sip_ipv6_fragmented_proxy_prack").read_bytes())
    # first record: 24-byte global header, 16-byte record header, SLL (16) then IPv6. Cut the IPv6
    # payload length field to a lie and the extension chain to garbage.
    first = 24 + 16 + 16
    data[first + 6] = 44  # next header: fragment
    data[first + 40 : first + 48] = b"\xff" * 8
    bad = tmp_path / "garbled.pcap"
    bad.write_bytes(bytes(data))
    result = analyze_capture(str(bad))
    assert result.stats["packets"] == 34
    assert len(result.calls) <= 1


def _no_partial_files(out):
    names = os.listdir(out) if os.path.isdir(out) else []
    return [n for n in names if n.endswith(".part")]


@needs_captures
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.sampled_from(
        [
            "sip_rtp_g729a",
            "sip_ipv6_fragmented_proxy_prack",
            "sip_b2bua_asterisk_two_legs",
            "sip_register_only_keepalives",
            "sip_g711u_reinvite_g722_loopback",
        ]
    ),
    edits=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), min_size=1, max_size=30),
    cut=st.one_of(st.none(), st.floats(0, 1)),
)
def test_fuzzed_captures_never_crash(tmp_path, name, edits, cut):
    data = bytearray(capture_path(name).read_bytes())
    for where, value in edits:
        data[int(where * (len(data) - 1))] = value
    if cut is not None:
        data = data[: int(cut * len(data))]
    path = tmp_path / "fuzz.pcap"
    path.write_bytes(bytes(data))
    out = tmp_path / f"out{os.getpid()}{len(edits)}{hash(bytes(data)) & 0xFFFF}"
    try:
        analyze_capture(str(path), out_dir=str(out))
    except CaptureError:
        pass
    assert _no_partial_files(out) == []


def test_pcap_header_any_byte_order_and_nanoseconds(tmp_path):
    """A big-endian nanosecond pcap with one raw-IP UDP SIP INVITE opens a call at the right time."""
    sip = (
        b"INVITE sip:bob@b.example SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1\r\ni: abc@x\r\n"
        b"f: <sip:alice@a.example>;tag=1\r\nt: <sip:bob@b.example>\r\nCSeq: 1 INVITE\r\nl: 0\r\n\r\n"
    )
    udp = struct.pack("!HHHH", 5060, 5060, 8 + len(sip), 0) + sip
    ip = (
        struct.pack(
            "!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0, bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
        )
        + udp
    )
    head = struct.pack(">IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, 65535, 101)
    rec = struct.pack(">IIII", 1700000000, 250000000, len(ip), len(ip)) + ip
    path = tmp_path / "be_ns.pcap"
    path.write_bytes(head + rec)
    result = analyze_capture(str(path))
    (call,) = result.calls
    assert call.fields["calldate"].timestamp() == pytest.approx(1700000000.25)
    assert (call.fields["caller"], call.fields["called"], call.fields["bye"]) == ("alice", "bob", 0)
