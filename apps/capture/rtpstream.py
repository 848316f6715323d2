"""RTP packets of a (per-call) capture, for the media code: audio decoding reuses this reader.

Per-call files hold only the call's SIP and its RTP/RTCP, so every UDP datagram that is RTP
version 2 and not RTCP or SIP is taken as RTP; no SDP is needed to read them back.

An hour-long call is 360,000 packets, so the reader builds no object per packet: `rtp_index` walks
the classic pcap records in large chunks and decodes plain IPv4/UDP frames (Ethernet with up to two
VLAN tags, Linux cooked, raw IP, loopback) with numpy, a chunk at a time, into one small column row
per packet (25 bytes) that says where its payload is in the file. Everything else (IPv6, IP options,
fragments, pcapng) takes the general decoder, whose payload bytes are kept since they may not lie
in the file in one piece. Payloads are read back on demand, a window at a time (`RtpIndex.payloads`).
"""

import os
import socket
import struct
from collections import namedtuple

import numpy as np

from . import netparse
from .pcapio import MAX_RECORD, PcapSource
from .rtpstats import rtp_header_ok
from .tcpreasm import looks_like_sip

RtpPacket = namedtuple("RtpPacket", "arrival_ts seq rtp_ts payload_type ssrc marker payload")
StreamKey = namedtuple("StreamKey", "saddr sport daddr dport ssrc")
COLUMNS = np.dtype([("arrival", "<f8"), ("seq", "<u2"), ("ts", "<u4"), ("b1", "u1"), ("plen", "<u2"), ("off", "<i8")])
BLOCK = 4 << 20  # bytes of capture decoded per numpy pass
READ_SPAN_MAX = 4 << 20  # payloads further apart than this are read one by one
L3_OFFSET = {netparse.LINK_ETHERNET: 14, netparse.LINK_SLL: 16, netparse.LINK_SLL2: 20, netparse.LINK_NULL: 4,
             netparse.LINK_LOOP: 4, **dict.fromkeys(netparse.RAW_ALIASES, 0)}  # fmt: skip
ETHERTYPE_AT = {netparse.LINK_ETHERNET: 12, netparse.LINK_SLL: 14, netparse.LINK_SLL2: 0}


class RtpIndex:
    """Every RTP stream of a capture file as columns (COLUMNS, file order), keyed by StreamKey in
    order of first appearance; `off` is the payload's byte offset in the file, or -1 - i for a
    payload kept in `extra[i]`."""

    def __init__(self, path):
        self.path = path
        self.streams: dict[StreamKey, np.ndarray] = {}
        self.extra: list[bytes] = []

    def payloads(self, off: np.ndarray, plen: np.ndarray) -> list[bytes]:
        """The payload bytes of the given packets, with one read for a window of nearby packets."""
        out = [b""] * len(off)
        in_file = np.flatnonzero(off >= 0)
        for i in np.flatnonzero(off < 0):
            out[i] = self.extra[-1 - int(off[i])]
        if not len(in_file):
            return out
        lo, hi = int(off[in_file].min()), int((off[in_file] + plen[in_file]).max())
        with open(self.path, "rb") as fh:
            if hi - lo <= READ_SPAN_MAX:
                buf = os.pread(fh.fileno(), hi - lo, lo)
                for i, a, n in zip(in_file.tolist(), (off[in_file] - lo).tolist(), plen[in_file].tolist(), strict=True):
                    out[i] = buf[a : a + n]
            else:
                for i in in_file.tolist():
                    out[i] = os.pread(fh.fileno(), int(plen[i]), int(off[i]))
        return out


def _stream_key(raw: bytes) -> StreamKey:
    family, width = (socket.AF_INET, 4) if len(raw) == 16 else (socket.AF_INET6, 16)
    sport, dport, ssrc = struct.unpack_from("!HHI", raw, 2 * width)
    return StreamKey(socket.inet_ntop(family, raw[:width]), sport, socket.inet_ntop(family, raw[width : 2 * width]),
                     dport, ssrc)  # fmt: skip


def _general(linktype, data, ts, reasm):
    """(raw key, b1, seq, rtp_ts, payload) of one frame through the general decoder, None if not RTP."""
    try:
        d = netparse.decode(linktype, data, ts, reasm)
    except (ValueError, IndexError):
        return None
    if d is None or d.proto != 17 or not rtp_header_ok(d.l4) or looks_like_sip(d.l4):
        return None
    p = d.l4
    b0, b1, seq, rtp_ts = struct.unpack_from("!BBHI", p, 0)
    start = 12 + 4 * (b0 & 0x0F)
    if b0 & 0x10 and len(p) >= start + 4:
        start += 4 + 4 * struct.unpack_from("!H", p, start + 2)[0]
    end = len(p)
    if b0 & 0x20 and end > start and p[-1] <= end - start:
        end -= p[-1]
    key = d.src + d.dst + struct.pack("!HH", d.sport, d.dport) + bytes(p[8:12])
    return key, b1, seq, rtp_ts, bytes(p[start:end])


class _Builder:
    """Collects a file's RTP a block at a time: plain frames decoded with numpy, the rest one by one."""

    def __init__(self, index, linktype):
        self.index, self.linktype = index, linktype
        self.parts: dict[bytes, list] = {}
        self.reasm = netparse.Reassembler()

    def general(self, ordinal, ts, data):
        found = _general(self.linktype, data, ts, self.reasm)
        if found is None:
            return None
        key, b1, seq, rtp_ts, payload = found
        self.index.extra.append(payload)
        return ordinal, key, (ts, seq, rtp_ts, b1, len(payload), -len(self.index.extra))

    def add(self, ordinals, key_ids, keys, rows, general):
        """Append one block's RTP rows to their streams, in file (ordinal) order."""
        if general:
            ids = {key: i for i, key in enumerate(keys)}
            extra_ids = [ids.setdefault(g[1], len(ids)) for g in general]
            keys = list(ids)
            ordinals = np.concatenate([ordinals, [g[0] for g in general]])
            key_ids = np.concatenate([key_ids, extra_ids])
            rows = np.concatenate([rows, np.array([g[2] for g in general], COLUMNS)])
        if not len(rows):
            return
        first = np.full(len(keys), np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(first, key_ids, ordinals)
        order = np.lexsort((ordinals, key_ids))
        bounds = np.searchsorted(key_ids[order], np.arange(len(keys) + 1))
        for k in np.argsort(first, kind="stable").tolist():
            if bounds[k] < bounds[k + 1]:
                self.parts.setdefault(keys[k], []).append(rows[order[bounds[k] : bounds[k + 1]]])

    def finish(self):
        for raw, parts in self.parts.items():
            self.index.streams[_stream_key(raw)] = np.concatenate(parts)
        return self.index


def rtp_index(path) -> RtpIndex:
    """Index every RTP packet of a capture file in one pass (see the module docstring)."""
    src = PcapSource(path)
    try:
        builder = _Builder(RtpIndex(path), src.linktype)
        if src.is_ng or src.linktype not in L3_OFFSET:
            _index_general(src, builder)
        else:
            _index_pcap(src, builder)
    finally:
        src.close()
    return builder.finish()


def _index_general(src, builder):
    found = []
    for ordinal, (ts, _lt, data, _raw) in enumerate(src):
        hit = builder.general(ordinal, ts, data)
        if hit is not None:
            found.append(hit)
    builder.add(np.zeros(0, np.int64), np.zeros(0, np.int64), [], np.zeros(0, COLUMNS), found)


def _index_pcap(src, builder):
    """Walk the records of a classic pcap; each full block of records is decoded in one numpy pass."""
    fh, read_caplen = src.fh, struct.Struct(src.endian + "I").unpack_from
    file_pos, buf = 24, b""
    while True:
        chunk = fh.read(BLOCK)
        buf += chunk
        pos, end, offsets = 0, len(buf), []
        while pos + 16 <= end:
            caplen = read_caplen(buf, pos + 8)[0]
            if caplen > MAX_RECORD or pos + 16 + caplen > end:
                break
            offsets.append(pos)
            pos += 16 + caplen
        if offsets:
            _decode_block(builder, src, buf, np.array(offsets, dtype=np.int64) + 16, file_pos)
        if not chunk or (pos + 16 <= end and read_caplen(buf, pos + 8)[0] > MAX_RECORD):
            return
        buf, file_pos = buf[pos:], file_pos + pos


def _decode_block(builder, src, buf, data, file_pos):
    """RTP rows of one block: `data` holds each record's frame offset in `buf` (at `file_pos` in the file).

    Plain IPv4/UDP frames are decided here exactly as the general decoder would (same length, version
    and payload type tests, same header extension and padding rules); the others go to it one by one."""
    a = np.frombuffer(buf, dtype=np.uint8)
    last = len(a) - 1

    def u8(at):
        return a[np.minimum(data + at, last)].astype(np.int64)

    def u16(at):
        return (u8(at) << 8) | u8(at + 1)

    def u32(at):
        return (u16(at) << 16) | u16(at + 2)

    sec, frac, caplen = (u32(k) for k in (-16, -12, -8))
    if src.endian == "<":
        sec, frac, caplen = (x.astype(">u4").view("<u4").astype(np.int64) for x in (sec, frac, caplen))
    arrival = sec + frac * src.resolution
    l3 = np.full(len(data), L3_OFFSET[src.linktype], dtype=np.int64)
    at = ETHERTYPE_AT.get(src.linktype)
    if at is None:
        plain = (u8(l3) >> 4) == 4
    else:
        etype = u16(at)
        if src.linktype == netparse.LINK_ETHERNET:
            for _tag in range(2):
                vlan = (etype == netparse.ETH_VLAN) | (etype == netparse.ETH_QINQ)
                l3, etype = l3 + 4 * vlan, np.where(vlan, u16(l3 + 2), etype)
        plain = etype == netparse.ETH_IPV4
    plain &= (caplen >= l3 + 20) & (u8(l3) == 0x45) & (u8(l3 + 9) == 17) & ((u16(l3 + 6) & 0x3FFF) == 0)
    total = u16(l3 + 2)
    r = l3 + 28
    rlen = np.where(total >= 20, np.minimum(caplen, l3 + total), caplen) - r
    b0, b1 = u8(r), u8(r + 1)
    pt = b1 & 0x7F
    rtp = plain & (rlen >= 12) & ((b0 >> 6) == 2) & ((pt < 72) | (pt > 76))
    start = 12 + 4 * (b0 & 0x0F)
    ext = ((b0 & 0x10) != 0) & (rlen >= start + 4)
    start = np.where(ext, start + 4 + 4 * u16(r + start + 2), start)
    pad = u8(r + rlen - 1)
    stop = np.where(((b0 & 0x20) != 0) & (rlen > start) & (pad <= rlen - start), rlen - pad, rlen)
    idx = np.flatnonzero(rtp)
    rows = np.zeros(len(idx), dtype=COLUMNS)
    rows["arrival"], rows["seq"], rows["ts"], rows["b1"] = arrival[idx], u16(r + 2)[idx], u32(r + 4)[idx], b1[idx]
    rows["plen"] = np.maximum(stop - start, 0)[idx]
    rows["off"] = file_pos + (data + r + start)[idx]
    key_bytes = np.concatenate(
        [a[(data + l3 + 12)[idx, None] + np.arange(12)], a[(data + r + 8)[idx, None] + np.arange(4)]], axis=1
    )
    uniq, key_ids = np.unique(np.ascontiguousarray(key_bytes).view("V16").ravel(), return_inverse=True)
    general = [builder.general(i, float(arrival[i]), buf[data[i] : data[i] + caplen[i]])
               for i in np.flatnonzero(~plain).tolist()]  # fmt: skip
    keys = [bytes(k) for k in uniq]
    builder.add(idx, key_ids.ravel(), keys, rows, [g for g in general if g is not None])


def index_packets(index: RtpIndex, key: StreamKey) -> list[RtpPacket]:
    """A stream's packets as objects with their payloads (small files, tests and tools)."""
    cols = index.streams[key]
    payloads = index.payloads(cols["off"], cols["plen"])
    return [
        RtpPacket(arrival, seq, ts, b1 & 0x7F, key.ssrc, bool(b1 & 0x80), payload)
        for (arrival, seq, ts, b1, _plen, _off), payload in zip(cols.tolist(), payloads, strict=True)
    ]


def rtp_streams(path):
    """All RTP of a file grouped by stream: {StreamKey: [RtpPacket, ...]}, streams in order of first packet."""
    index = rtp_index(path)
    return {key: index_packets(index, key) for key in index.streams}
