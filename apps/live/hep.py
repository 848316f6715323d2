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
    """One decoded packet; attributes not carried by the packet keep these class defaults."""

    family = FAMILY_V4
    proto = 17
    src = dst = None
    sport = dport = 0
    sec = usec = 0
    payload_type = 0
    agent_id = None
    auth_key = b""
    payload = b""
    correlation = None
    vlan = None
    agent_name = None
    size = 0

    def __init__(self, **kw):
        self.__dict__.update(kw)

    @property
    def ts(self):
        return self.sec + self.usec / 1e6

    def __repr__(self):
        return f"<HepPacket agent={self.agent_id} type={self.payload_type} {self.sport}->{self.dport}>"


# chunk type -> (attribute, exact size or 0 for any, integer?)
_CHUNKS = {
    FAMILY: ("family", 1, True), PROTO: ("proto", 1, True), SRC4: ("src", 4, False), DST4: ("dst", 4, False),
    SRC6: ("src", 16, False), DST6: ("dst", 16, False), SPORT: ("sport", 2, True), DPORT: ("dport", 2, True),
    SEC: ("sec", 4, True), USEC: ("usec", 4, True), PAYLOAD_TYPE: ("payload_type", 1, True),
    AGENT_ID: ("agent_id", 4, True), AUTH_KEY: ("auth_key", 0, False), CORRELATION: ("correlation", 0, False),
    VLAN: ("vlan", 2, True), AGENT_NAME: ("agent_name", 0, False),
}  # fmt: skip


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
    pkt = HepPacket()
    fields = pkt.__dict__
    fields["size"] = total
    pos = HEADER
    seen_payload = False
    chunks = _CHUNKS
    from_bytes = int.from_bytes
    while pos < total:
        end = pos + 6
        if end > total:
            raise HepError("malformed", "truncated chunk header")
        clen = (data[pos + 4] << 8) | data[pos + 5]
        stop = pos + clen
        if clen < 6 or stop > total:
            raise HepError("malformed", "chunk length")
        vendor, ctype = (data[pos] << 8) | data[pos + 1], (data[pos + 2] << 8) | data[pos + 3]
        pos = stop
        if vendor > 5:  # a vendor we do not know: its chunk types mean something else
            continue
        spec = chunks.get(ctype)
        if spec is not None:
            name, size, integer = spec
            if size and clen - 6 != size:
                raise HepError("malformed", f"chunk {ctype} size")
            fields[name] = from_bytes(data[end:stop], "big") if integer else data[end:stop]
        elif ctype == PAYLOAD or ctype == PAYLOAD_GZ:
            if not seen_payload:
                fields["payload"] = data[end:stop] if ctype == PAYLOAD else _gunzip(data[end:stop])
                seen_payload = True
        # KEEPALIVE (0x0d) and every other type: skipped
    if pkt.src is None or pkt.dst is None or len(pkt.src) != len(pkt.dst):
        raise HepError("malformed", "addresses missing")
    if not seen_payload:
        raise HepError("malformed", "no payload")
    if pkt.usec >= 1_000_000:
        raise HepError("malformed", "microseconds out of range")
    if "auth_key" in fields:
        fields["auth_key"] = bytes(fields["auth_key"]).rstrip(b"\x00")
    if "agent_name" in fields:
        fields["agent_name"] = bytes(fields["agent_name"]).rstrip(b"\x00").decode("utf-8", "replace")
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
