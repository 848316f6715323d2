"""HEP v3 (EEP) decoding and encoding, with no Django import (see ../shared/spec/sensors.md).

``hep_decode`` turns one datagram (or one TCP-framed message) into a ``HepPacket`` or raises
``HepError`` with a short reason; it never raises anything else for any input, which the fuzz test
holds it to. Unknown chunk types (and every chunk of a vendor other than 0, except the generic
types we know) are skipped by their length, as the protocol asks.
"""

import gzip
import struct
import zlib

MAGIC = b"HEP3"
HEADER = 6
MAX_PACKET = 65535
MAX_GUNZIP = 1 << 20

FAMILY, PROTO, SRC4, DST4, SRC6, DST6, SPORT, DPORT, SEC, USEC = range(1, 11)
PAYLOAD_TYPE, AGENT_ID, KEEPALIVE, AUTH_KEY, PAYLOAD, PAYLOAD_GZ, CORRELATION, VLAN, AGENT_NAME = range(0x0B, 0x14)

PT_SIP, PT_RTP, PT_RTCP, PT_MOS_A, PT_MOS_B, PT_LOG = 1, 4, 5, 34, 35, 100
FAMILY_V4, FAMILY_V6 = 2, 10

_U8 = {FAMILY, PROTO, PAYLOAD_TYPE}
_U16 = {SPORT, DPORT, VLAN}
_U32 = {SEC, USEC, AGENT_ID}
_FIXED = {SRC4: 4, DST4: 4, SRC6: 16, DST6: 16}


class HepError(ValueError):
    """A packet that is not valid HEP v3; ``reason`` is the counter it is dropped under."""

    def __init__(self, reason, detail=""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


class HepPacket:
    __slots__ = (
        "family",
        "proto",
        "src",
        "dst",
        "sport",
        "dport",
        "sec",
        "usec",
        "payload_type",
        "agent_id",
        "auth_key",
        "payload",
        "correlation",
        "vlan",
        "agent_name",
        "size",
    )

    def __init__(self, **kw):
        self.family = FAMILY_V4
        self.proto = 17
        self.src = self.dst = None
        self.sport = self.dport = 0
        self.sec = self.usec = 0
        self.payload_type = 0
        self.agent_id = None
        self.auth_key = b""
        self.payload = b""
        self.correlation = None
        self.vlan = None
        self.agent_name = None
        self.size = 0
        for k, v in kw.items():
            setattr(self, k, v)

    @property
    def ts(self):
        return self.sec + self.usec / 1e6

    def __repr__(self):
        return f"<HepPacket agent={self.agent_id} type={self.payload_type} {self.sport}->{self.dport}>"


def hep_length(head):
    """The total length stated by a 6-byte header (TCP framing); raises HepError when it is not HEP."""
    if len(head) < HEADER or head[:4] != MAGIC:
        raise HepError("malformed", "not HEP3")
    total = (head[4] << 8) | head[5]
    if total < HEADER:
        raise HepError("malformed", "length below header")
    return total


def hep_decode(data):
    """Decode one HEP v3 packet. Raises HepError("malformed" | "gzip", ...)."""
    total = hep_length(data)
    if total != len(data):
        raise HepError("malformed", f"stated {total} bytes, got {len(data)}")
    pkt = HepPacket(size=total)
    pos = HEADER
    mv = memoryview(data)
    seen_payload = False
    while pos < total:
        if pos + 6 > total:
            raise HepError("malformed", "truncated chunk header")
        vendor, ctype, clen = struct.unpack_from("!HHH", data, pos)
        if clen < 6 or pos + clen > total:
            raise HepError("malformed", "chunk length")
        body = mv[pos + 6 : pos + clen]
        pos += clen
        n = clen - 6
        if vendor > 5:  # a vendor we do not know: its chunk types mean something else
            continue
        if ctype in _U8:
            if n != 1:
                raise HepError("malformed", f"chunk {ctype} size")
            value = body[0]
        elif ctype in _U16:
            if n != 2:
                raise HepError("malformed", f"chunk {ctype} size")
            value = (body[0] << 8) | body[1]
        elif ctype in _U32:
            if n != 4:
                raise HepError("malformed", f"chunk {ctype} size")
            value = struct.unpack_from("!I", body)[0]
        elif ctype in _FIXED:
            if n != _FIXED[ctype]:
                raise HepError("malformed", f"chunk {ctype} size")
            value = bytes(body)
        else:
            value = body
        if ctype == FAMILY:
            pkt.family = value
        elif ctype == PROTO:
            pkt.proto = value
        elif ctype in (SRC4, SRC6):
            pkt.src = value
        elif ctype in (DST4, DST6):
            pkt.dst = value
        elif ctype == SPORT:
            pkt.sport = value
        elif ctype == DPORT:
            pkt.dport = value
        elif ctype == SEC:
            pkt.sec = value
        elif ctype == USEC:
            pkt.usec = value
        elif ctype == PAYLOAD_TYPE:
            pkt.payload_type = value
        elif ctype == AGENT_ID:
            pkt.agent_id = value
        elif ctype == AUTH_KEY:
            pkt.auth_key = bytes(value).rstrip(b"\x00")
        elif ctype == PAYLOAD and not seen_payload:
            pkt.payload, seen_payload = bytes(value), True
        elif ctype == PAYLOAD_GZ and not seen_payload:
            pkt.payload, seen_payload = _gunzip(bytes(value)), True
        elif ctype == CORRELATION:
            pkt.correlation = bytes(value)
        elif ctype == VLAN:
            pkt.vlan = value
        elif ctype == AGENT_NAME:
            pkt.agent_name = bytes(value).rstrip(b"\x00").decode("utf-8", "replace")
        # KEEPALIVE (0x0d) and every other type: skipped
    if pkt.src is None or pkt.dst is None or len(pkt.src) != len(pkt.dst):
        raise HepError("malformed", "addresses missing")
    if not seen_payload:
        raise HepError("malformed", "no payload")
    if pkt.usec >= 1_000_000:
        raise HepError("malformed", "microseconds out of range")
    return pkt


def _gunzip(raw):
    try:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        out = d.decompress(raw, MAX_GUNZIP)
        if d.unconsumed_tail:
            raise HepError("gzip", "payload larger than 1 MiB uncompressed")
        return out
    except zlib.error as exc:
        raise HepError("gzip", str(exc)) from None


def _chunk(ctype, body, vendor=0):
    return struct.pack("!HHH", vendor, ctype, 6 + len(body)) + body


def hep_encode(
    *,
    src,
    dst,
    sport,
    dport,
    ts,
    payload,
    agent_id,
    auth_key=b"",
    payload_type=PT_SIP,
    proto=17,
    vlan=None,
    correlation=None,
    agent_name=None,
    compress=False,
    vendor=0,
):
    """One HEP v3 packet; ``src``/``dst`` are packed addresses (4 or 16 bytes), ``ts`` epoch seconds."""
    v6 = len(src) == 16
    sec = int(ts)
    usec = int(round((ts - sec) * 1e6))
    if usec >= 1_000_000:
        sec, usec = sec + 1, usec - 1_000_000
    parts = [
        _chunk(FAMILY, bytes([FAMILY_V6 if v6 else FAMILY_V4]), vendor),
        _chunk(PROTO, bytes([proto]), vendor),
        _chunk(SRC6 if v6 else SRC4, bytes(src), vendor),
        _chunk(DST6 if v6 else DST4, bytes(dst), vendor),
        _chunk(SPORT, struct.pack("!H", sport), vendor),
        _chunk(DPORT, struct.pack("!H", dport), vendor),
        _chunk(SEC, struct.pack("!I", sec), vendor),
        _chunk(USEC, struct.pack("!I", usec), vendor),
        _chunk(PAYLOAD_TYPE, bytes([payload_type]), vendor),
        _chunk(AGENT_ID, struct.pack("!I", agent_id), vendor),
    ]
    if auth_key:
        parts.append(_chunk(AUTH_KEY, auth_key if isinstance(auth_key, bytes) else auth_key.encode(), vendor))
    if vlan is not None:
        parts.append(_chunk(VLAN, struct.pack("!H", vlan), vendor))
    if correlation:
        parts.append(_chunk(CORRELATION, correlation, vendor))
    if agent_name:
        parts.append(_chunk(AGENT_NAME, agent_name.encode(), vendor))
    if compress:
        parts.append(_chunk(PAYLOAD_GZ, gzip.compress(payload, 1), vendor))
    else:
        parts.append(_chunk(PAYLOAD, payload, vendor))
    body = b"".join(parts)
    if len(body) + HEADER > MAX_PACKET:
        raise ValueError("payload too large for one HEP packet")
    return MAGIC + struct.pack("!H", len(body) + HEADER) + body
