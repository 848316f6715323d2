"""A small RTP stream reader for one call's pcap/pcapng, used by the tests, the benchmark and
`rtp_streams_read()` callers that hold a per-call capture file.

It is deliberately minimal and isolated: the capture app owns real packet analysis (reassembly,
SIP correlation, statistics), and the media core only needs (arrival, seq, ts, pt, ssrc, marker,
payload) per packet. Detection is heuristic, like tshark's `rtp.heuristic_rtp`: a UDP datagram whose
first byte says RTP version 2 and that is not RTCP (PT 72-76 with the marker bit), STUN or SIP text.
"""

import ipaddress
import socket
from dataclasses import dataclass, field
from typing import NamedTuple

import dpkt

from .errors import MediaError
from .i18n import _

_DLT_NULL, _DLT_EN10MB, _DLT_RAW, _DLT_SLL, _DLT_SLL2 = 0, 1, 101, 113, 276
_RAW_ALIASES = {12, 14, 101}
_SIP_PORTS = {5060, 5061}
_SIP_PREFIXES = (
    b"SIP/",
    b"INVITE",
    b"ACK",
    b"BYE",
    b"CANCEL",
    b"OPTIONS",
    b"REGISTER",
    b"NOTIFY",
    b"SUBSCRIBE",
    b"INFO",
    b"PRACK",
    b"UPDATE",
    b"REFER",
    b"MESSAGE",
    b"PUBLISH",
)


class RtpPacket(NamedTuple):
    arrival_ts: float
    seq: int
    rtp_ts: int
    payload_type: int
    ssrc: int
    marker: bool
    payload: bytes


@dataclass
class RtpStream:
    """One direction of media: the packets of one SSRC on one (src, sport, dst, dport)."""

    src: str
    sport: int
    dst: str
    dport: int
    ssrc: int
    packets: list = field(default_factory=list)

    @property
    def payload_type(self) -> int:
        """The most frequent payload type, so DTMF or CN packets in the stream do not name its codec."""
        counts = {}
        for pkt in self.packets:
            counts[pkt.payload_type] = counts.get(pkt.payload_type, 0) + 1
        return max(counts, key=counts.get) if counts else -1


def rtp_packet_parse(arrival_ts: float, data: bytes):
    """Parse an RTP header (RFC 3550 5.1) with CSRCs, extension and padding; None when not RTP."""
    if len(data) < 12 or data[0] >> 6 != 2 or data.startswith(_SIP_PREFIXES):
        return None
    pt = data[1] & 0x7F
    if 72 <= pt <= 76:  # RTCP SR/RR/SDES/BYE/APP seen through the RTP header layout
        return None
    offset = 12 + 4 * (data[0] & 0x0F)
    if data[0] & 0x10:
        if len(data) < offset + 4:
            return None
        offset += 4 + 4 * int.from_bytes(data[offset + 2 : offset + 4], "big")
    end = len(data)
    if data[0] & 0x20 and end > offset:
        end -= data[-1]
    if offset > end:
        return None
    return RtpPacket(
        arrival_ts,
        int.from_bytes(data[2:4], "big"),
        int.from_bytes(data[4:8], "big"),
        pt,
        int.from_bytes(data[8:12], "big"),
        bool(data[1] & 0x80),
        bytes(data[offset:end]),
    )


def _ip_layer(linktype: int, buf: bytes):
    if linktype == _DLT_EN10MB:
        eth = dpkt.ethernet.Ethernet(buf)
        return eth.data
    if linktype == _DLT_SLL:
        return dpkt.sll.SLL(buf).data
    if linktype == _DLT_SLL2:
        return dpkt.sll2.SLL2(buf).data
    if linktype == _DLT_NULL:
        return dpkt.loopback.Loopback(buf).data
    if linktype in _RAW_ALIASES:
        return dpkt.ip6.IP6(buf) if buf and buf[0] >> 4 == 6 else dpkt.ip.IP(buf)
    raise MediaError(_("capture link type {linktype} is not supported"), linktype=linktype)


def _address(ip) -> str:
    if isinstance(ip, dpkt.ip6.IP6):
        return str(ipaddress.IPv6Address(ip.src)), str(ipaddress.IPv6Address(ip.dst))
    return socket.inet_ntoa(ip.src), socket.inet_ntoa(ip.dst)


def rtp_streams_read(path) -> list:
    """All RTP streams in a classic pcap or pcapng file, in order of their first packet."""
    streams = {}
    with open(path, "rb") as fh:
        try:
            reader = dpkt.pcap.UniversalReader(fh)
        except (ValueError, dpkt.dpkt.NeedData) as exc:
            raise MediaError(_("{path} is not a pcap or pcapng file"), path=str(path)) from exc
        linktype = reader.datalink()
        for ts, buf in reader:
            try:
                ip = _ip_layer(linktype, buf)
            except (dpkt.dpkt.UnpackError, IndexError):
                continue
            udp = getattr(ip, "data", None)
            if not isinstance(ip, dpkt.ip.IP | dpkt.ip6.IP6) or not isinstance(udp, dpkt.udp.UDP):
                continue
            if min(udp.sport, udp.dport) < 1024 or {udp.sport, udp.dport} & _SIP_PORTS:
                continue  # DNS, NetBIOS, SIP: never media, and their bytes can pass for RTP
            pkt = rtp_packet_parse(float(ts), bytes(udp.data))
            if pkt is None:
                continue
            src, dst = _address(ip)
            key = (src, udp.sport, dst, udp.dport, pkt.ssrc)
            stream = streams.get(key)
            if stream is None:
                stream = streams[key] = RtpStream(*key)
            stream.packets.append(pkt)
    return list(streams.values())
