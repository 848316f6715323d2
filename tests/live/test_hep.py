"""The HEP v3 decoder and encoder against the protocol description (../shared/spec/sensors.md)."""

import gzip
import struct

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.live import hep

# the spec's worked 113-byte example, byte for byte
SPEC_EXAMPLE = (
    bytes.fromhex(
        "48455033 0071 0000 0001 0007 02 0000 0002 0007 11 0000 0003 000a d4ca0001"
        " 0000 0004 000a 527400d3 0000 0007 0008 2eea 0000 0008 0008 13c4 0000 0009 000a 4e4982cb"
        " 0000 000a 000a 0001d4c0 0000 000b 0007 01 0000 000c 000a 000000e4".replace(" ", "")
    )
    + bytes.fromhex("0000000f0014")
    + b"INVITE sip:bob"
)


def chunk(ctype, body, vendor=0):
    return struct.pack("!HHH", vendor, ctype, 6 + len(body)) + body


def packet(*chunks):
    body = b"".join(chunks)
    return b"HEP3" + struct.pack("!H", 6 + len(body)) + body


def test_the_specs_worked_example():
    assert len(SPEC_EXAMPLE) == 113
    pkt = hep.hep_decode(SPEC_EXAMPLE)
    assert (pkt.family, pkt.proto) == (2, 17)
    assert (pkt.src, pkt.dst) == (bytes([212, 202, 0, 1]), bytes([82, 116, 0, 211]))
    assert (pkt.sport, pkt.dport) == (12010, 5060)
    assert (pkt.sec, pkt.usec) == (0x4E4982CB, 120000)
    assert (pkt.payload_type, pkt.agent_id, pkt.payload) == (1, 228, b"INVITE sip:bob")


def test_every_chunk_type_of_the_spec():
    src6, dst6 = bytes(range(16)), bytes(range(16, 32))
    raw = packet(
        chunk(1, b"\x0a"),
        chunk(2, b"\x06"),
        chunk(5, src6),
        chunk(6, dst6),
        chunk(7, b"\x13\xc4"),
        chunk(8, b"\x13\xc5"),
        chunk(9, struct.pack("!I", 1700000000)),
        chunk(10, struct.pack("!I", 999999)),
        chunk(11, b"\x05"),
        chunk(12, struct.pack("!I", 77)),
        chunk(14, b"secret-key"),
        chunk(16, gzip.compress(b"\x80\xc8 rtcp")),
        chunk(17, b"call-1@host"),
        chunk(18, b"\x00\x2a"),
        chunk(19, b"kamailio-1"),
        chunk(0x0D, b"\x00\x00\x00\x05"),  # keep-alive timer: skipped
    )
    pkt = hep.hep_decode(raw)
    assert (pkt.family, pkt.proto, pkt.src, pkt.dst, pkt.sport, pkt.dport) == (10, 6, src6, dst6, 5060, 5061)
    assert (pkt.sec, pkt.usec, pkt.payload_type, pkt.agent_id) == (1700000000, 999999, 5, 77)
    assert (pkt.auth_key, pkt.payload, pkt.correlation) == (b"secret-key", b"\x80\xc8 rtcp", b"call-1@host")
    assert (pkt.vlan, pkt.agent_name) == (42, "kamailio-1")


def test_unknown_chunks_and_vendors_are_skipped():
    base = hep.hep_decode(SPEC_EXAMPLE)
    body = SPEC_EXAMPLE[6:]
    raw = packet(chunk(0x99, b"whatever"), chunk(3, b"\x01\x02\x03\x04", vendor=0x1234), body)
    pkt = hep.hep_decode(raw)
    assert (pkt.src, pkt.payload, pkt.agent_id) == (base.src, base.payload, base.agent_id)


@pytest.mark.parametrize(
    "raw,reason",
    [
        (b"", "malformed"),
        (b"HEP2" + SPEC_EXAMPLE[4:], "malformed"),
        (SPEC_EXAMPLE[:-1], "malformed"),  # stated length does not match
        (SPEC_EXAMPLE[:4] + b"\x00\x70" + SPEC_EXAMPLE[6:-1], "malformed"),  # a chunk runs past the end
        (packet(chunk(1, b"\x02"), b"\x00\x00\x00"), "malformed"),  # truncated chunk header
        (packet(chunk(3, b"\x01\x02\x03\x04"), chunk(4, b"\x01\x02\x03\x04"), chunk(15, b"x"))[:-1] + b"", "malformed"),
        (packet(chunk(3, b"\x01\x02\x03"), chunk(4, b"\x01\x02\x03\x04"), chunk(15, b"x")), "malformed"),
        (packet(chunk(3, b"\x01\x02\x03\x04"), chunk(4, b"\x01\x02\x03\x04")), "malformed"),  # no payload
        (packet(chunk(3, b"\x01\x02\x03\x04"), chunk(4, b"\x01\x02\x03\x04"), chunk(16, b"not gzip")), "gzip"),
        (
            packet(chunk(3, b"\x01\x02\x03\x04"), chunk(4, b"\x01\x02\x03\x04"), struct.pack("!HHH", 0, 15, 3)),
            "malformed",
        ),  # chunk length below its own header
    ],
)
def test_malformed_packets_are_refused_with_a_reason(raw, reason):
    with pytest.raises(hep.HepError) as exc:
        hep.hep_decode(raw)
    assert exc.value.reason == reason


def test_encoder_round_trip_with_gzip_and_vlan():
    raw = hep.hep_encode(
        src=b"\x0a\x00\x00\x01",
        dst=b"\x0a\x00\x00\x02",
        sport=5060,
        dport=5062,
        ts=1700000000.25,
        payload=b"OPTIONS sip:x SIP/2.0\r\n\r\n",
        agent_id=9,
        auth_key=b"k" * 12,
        vlan=7,
        compress=True,
        proto=6,
        correlation=b"c1",
        agent_name="edge",
    )
    pkt = hep.hep_decode(raw)
    assert pkt.payload == b"OPTIONS sip:x SIP/2.0\r\n\r\n" and pkt.ts == 1700000000.25
    assert (pkt.vlan, pkt.proto, pkt.agent_id, pkt.auth_key, pkt.agent_name) == (7, 6, 9, b"k" * 12, "edge")
    assert hep.hep_length(raw[:6]) == len(raw)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_fuzz_random_bytes_only_ever_raise_hep_error(data):
    try:
        hep.hep_decode(data)
    except hep.HepError:
        pass


@settings(max_examples=600, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, len(SPEC_EXAMPLE) - 1), st.integers(0, 255)), max_size=6),
    st.integers(0, len(SPEC_EXAMPLE)),
)
def test_fuzz_mutated_valid_packets_only_ever_raise_hep_error(flips, cut):
    data = bytearray(SPEC_EXAMPLE[:cut] if cut else SPEC_EXAMPLE)
    for pos, value in flips:
        if pos < len(data):
            data[pos] = value
    try:
        pkt = hep.hep_decode(bytes(data))
    except hep.HepError:
        return
    assert len(pkt.src) == len(pkt.dst) and pkt.usec < 1_000_000
