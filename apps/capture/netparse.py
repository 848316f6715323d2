"""Link layer and IP decoding on raw bytes, with IPv4/IPv6 fragment reassembly.

This is the general (slow) path used for SIP, RTCP and anything the analyzer's fast RTP path does not
recognise. It works on slices and ``struct`` so that a garbled packet costs an exception we count,
never a crash; ``decode`` returns None for anything that is not IP/UDP/TCP.
"""

import struct

LINK_NULL, LINK_ETHERNET, LINK_RAW, LINK_LOOP, LINK_SLL, LINK_SLL2 = 0, 1, 101, 108, 113, 276
RAW_ALIASES = {12, 14, 101, 228, 229}
ETH_IPV4, ETH_IPV6, ETH_VLAN, ETH_QINQ = 0x0800, 0x86DD, 0x8100, 0x88A8
IPV6_EXT = {0, 43, 60, 51}
FRAG_TIMEOUT = 30.0


class Decoded:
    """One IP datagram's transport view; ``l4`` is the UDP payload or the TCP segment payload."""

    __slots__ = ("src", "dst", "sport", "dport", "proto", "l4", "vlan", "dscp", "ttl", "tcp_seq", "tcp_flags")

    def __init__(self, src, dst, sport, dport, proto, l4, vlan, dscp, ttl, tcp_seq=0, tcp_flags=0):
        self.src, self.dst, self.sport, self.dport = src, dst, sport, dport
        self.proto, self.l4, self.vlan, self.dscp, self.ttl = proto, l4, vlan, dscp, ttl
        self.tcp_seq, self.tcp_flags = tcp_seq, tcp_flags


def link_strip(linktype, data):
    """Return ``(ethertype, offset, vlan)`` of the network header, or None when it is not IP."""
    vlan = None
    if linktype == LINK_ETHERNET:
        if len(data) < 14:
            return None
        etype = (data[12] << 8) | data[13]
        off = 14
        while etype in (ETH_VLAN, ETH_QINQ) and len(data) >= off + 4:
            if vlan is None:
                vlan = ((data[off] << 8) | data[off + 1]) & 0x0FFF
            etype = (data[off + 2] << 8) | data[off + 3]
            off += 4
        return etype, off, vlan
    if linktype == LINK_SLL:
        if len(data) < 16:
            return None
        return (data[14] << 8) | data[15], 16, None
    if linktype == LINK_SLL2:
        if len(data) < 20:
            return None
        return (data[0] << 8) | data[1], 20, None
    if linktype in (LINK_NULL, LINK_LOOP):
        if len(data) < 5:
            return None
        version = data[4] >> 4
        return (ETH_IPV4 if version == 4 else ETH_IPV6), 4, None
    if linktype in RAW_ALIASES:
        if not data:
            return None
        return (ETH_IPV4 if data[0] >> 4 == 4 else ETH_IPV6), 0, None
    return None


class Reassembler:
    """Collects IP fragments keyed by (src, dst, id, proto) until the datagram is complete.

    Entries older than FRAG_TIMEOUT seconds are dropped so an incomplete datagram cannot pin memory.
    """

    def __init__(self):
        self.pending = {}
        self.last_sweep = 0.0
        self.frame = None  # the frame being decoded, set by the caller
        self.done_frames = None

    def take_frames(self):
        """The original frames of the datagram just completed (for per-call pcap output)."""
        frames, self.done_frames = self.done_frames, None
        return frames

    def add(self, key, ts, offset, more, payload):
        entry = self.pending.get(key)
        if entry is None:
            entry = self.pending[key] = [ts, {}, None, []]
        entry[1][offset] = bytes(payload)
        if len(entry[3]) < 64:
            entry[3].append(self.frame)
        if not more:
            entry[2] = offset + len(payload)
        if ts - self.last_sweep > FRAG_TIMEOUT:
            self.last_sweep = ts
            for k in [k for k, e in self.pending.items() if ts - e[0] > FRAG_TIMEOUT]:
                del self.pending[k]
        total = entry[2]
        if total is None:
            return None
        out = bytearray()
        for off in sorted(entry[1]):
            if off > len(out):
                return None
            out[off:] = entry[1][off]
        if len(out) < total:
            return None
        del self.pending[key]
        self.done_frames = [f for f in entry[3] if f is not None]
        return bytes(out[:total])


def _ipv4(data, off, ts, reasm):
    ihl = (data[off] & 0x0F) * 4
    total = (data[off + 2] << 8) | data[off + 3]
    end = min(len(data), off + total) if total >= ihl else len(data)
    tos, ttl, proto = data[off + 1], data[off + 8], data[off + 9]
    flags_frag = (data[off + 6] << 8) | data[off + 7]
    src, dst = bytes(data[off + 12 : off + 16]), bytes(data[off + 16 : off + 20])
    payload = data[off + ihl : end]
    if flags_frag & 0x3FFF:
        ident = (data[off + 4] << 8) | data[off + 5]
        payload = reasm.add((src, dst, ident, proto), ts, (flags_frag & 0x1FFF) * 8, flags_frag & 0x2000, payload)
        if payload is None:
            return None
    return src, dst, proto, payload, tos >> 2, ttl


def _ipv6(data, off, ts, reasm):
    if len(data) < off + 40:
        raise ValueError("short IPv6 header")
    tclass = ((data[off] & 0x0F) << 4) | (data[off + 1] >> 4)
    plen = (data[off + 4] << 8) | data[off + 5]
    nxt, ttl = data[off + 6], data[off + 7]
    src, dst = bytes(data[off + 8 : off + 24]), bytes(data[off + 24 : off + 40])
    pos = off + 40
    end = min(len(data), pos + plen) if plen else len(data)
    frag = None
    while nxt in IPV6_EXT or nxt == 44:
        if nxt == 44:
            frag_word = (data[pos + 2] << 8) | data[pos + 3]
            ident = struct.unpack_from("!I", data, pos + 4)[0]
            frag = (frag_word & 0xFFF8, frag_word & 1, ident)
            nxt = data[pos]
            pos += 8
        elif nxt == 51:
            nxt, pos = data[pos], pos + (data[pos + 1] + 2) * 4
        else:
            nxt, pos = data[pos], pos + (data[pos + 1] + 1) * 8
    payload = data[pos:end]
    if frag is not None:
        payload = reasm.add((src, dst, frag[2], nxt), ts, frag[0], frag[1], payload)
        if payload is None:
            return None
    return src, dst, nxt, payload, tclass >> 2, ttl


def decode(linktype, data, ts, reasm):
    """Decode a frame down to UDP/TCP. Returns a ``Decoded`` or None; raises on garbled headers."""
    link = link_strip(linktype, data)
    if link is None:
        return None
    etype, off, vlan = link
    if etype == ETH_IPV4 and len(data) >= off + 20 and data[off] >> 4 == 4:
        ip = _ipv4(data, off, ts, reasm)
    elif etype == ETH_IPV6 and len(data) > off and data[off] >> 4 == 6:
        ip = _ipv6(data, off, ts, reasm)
    else:
        return None
    if ip is None:
        return None
    src, dst, proto, payload, dscp, ttl = ip
    if proto == 17 and len(payload) >= 8:
        sport, dport = struct.unpack_from("!HH", payload, 0)
        return Decoded(src, dst, sport, dport, 17, bytes(payload[8:]), vlan, dscp, ttl)
    if proto == 6 and len(payload) >= 20:
        sport, dport, seq = struct.unpack_from("!HHI", payload, 0)
        hl = (payload[12] >> 4) * 4
        if hl < 20 or hl > len(payload):
            raise ValueError("bad TCP header length")
        return Decoded(src, dst, sport, dport, 6, bytes(payload[hl:]), vlan, dscp, ttl, seq, payload[13])
    return None
