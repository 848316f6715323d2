"""RTP packets of a (per-call) capture, for the media code: audio decoding reuses this parser.

Per-call files hold only the call's SIP and its RTP/RTCP, so every UDP datagram that is RTP
version 2 and not RTCP or SIP is taken as RTP; no SDP is needed to read them back.
"""

import struct
from collections import namedtuple

from . import netparse
from .pcapio import pcap_iter_file
from .rtpstats import rtp_header_ok
from .tcpreasm import looks_like_sip

RtpPacket = namedtuple("RtpPacket", "arrival_ts seq rtp_ts payload_type ssrc marker payload")
StreamKey = namedtuple("StreamKey", "saddr sport daddr dport ssrc")


def rtp_packets(path):
    """Yield ``(StreamKey, RtpPacket)`` in file order; CSRC and header extensions are skipped."""
    from .analyzer import ip_text

    reasm = netparse.Reassembler()
    for ts, linktype, data in pcap_iter_file(path):
        try:
            d = netparse.decode(linktype, data, ts, reasm)
        except (ValueError, IndexError):
            continue
        if d is None or d.proto != 17 or not rtp_header_ok(d.l4) or looks_like_sip(d.l4):
            continue
        p = d.l4
        b0, b1, seq, rtp_ts, ssrc = struct.unpack_from("!BBHII", p, 0)
        start = 12 + 4 * (b0 & 0x0F)
        if b0 & 0x10 and len(p) >= start + 4:
            start += 4 + 4 * struct.unpack_from("!H", p, start + 2)[0]
        end = len(p)
        if b0 & 0x20 and end > start and p[-1] <= end - start:
            end -= p[-1]
        key = StreamKey(ip_text(d.src), d.sport, ip_text(d.dst), d.dport, ssrc)
        yield key, RtpPacket(ts, seq, rtp_ts, b1 & 0x7F, ssrc, bool(b1 & 0x80), bytes(p[start:end]))


def rtp_streams(path):
    """All RTP of a file grouped by stream: {StreamKey: [RtpPacket, ...]} (per-call files are small)."""
    out = {}
    for key, pkt in rtp_packets(path):
        out.setdefault(key, []).append(pkt)
    return out
