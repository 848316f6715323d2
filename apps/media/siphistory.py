"""A call's SIP messages, read back from its stored SIP pcap with the capture app's own parsers.

The same decoding as the import (link layer, IPv4/IPv6 reassembly, SIP over TCP reassembly, the
SIP parser), so what the ladder shows is exactly what the call record was built from. Messages
come out in the dict shape of `ladder.py`: time, src and dst ("ip:port", "[v6]:port"),
first_line, full, protocol.
"""

import socket

from apps.capture import netparse
from apps.capture.pcapio import pcap_iter_file
from apps.capture.sip import sip_parse
from apps.capture.tcpreasm import TcpStreams, looks_like_sip


def _address(raw: bytes, port: int) -> str:
    if len(raw) == 4:
        return f"{socket.inet_ntop(socket.AF_INET, raw)}:{port}"
    return f"[{socket.inet_ntop(socket.AF_INET6, raw)}]:{port}"


def _message(ts, raw, d, protocol):
    msg = sip_parse(raw)
    if msg is None:
        return None
    return {
        "time": ts,
        "src": _address(d.src, d.sport),
        "dst": _address(d.dst, d.dport),
        "first_line": msg.first_line,
        "full": raw.decode("utf-8", "replace"),
        "transport": protocol,
        "call_id": msg.call_id,
    }


def sip_messages_read(path, call_ids=None) -> list[dict]:
    """SIP messages of a capture file in capture order; only those of `call_ids` when given."""
    reasm, tcp = netparse.Reassembler(), TcpStreams()
    out = []
    for ts, linktype, data in pcap_iter_file(path):
        reasm.frame = (ts, data, None)
        try:
            d = netparse.decode(linktype, data, ts, reasm)
        except (ValueError, IndexError):
            continue
        if d is None:
            continue
        if d.proto == 6:
            raws = tcp.feed((d.src, d.sport, d.dst, d.dport), d.tcp_seq, d.tcp_flags, d.l4)
            protocol = "TCP"
        elif looks_like_sip(d.l4):
            raws, protocol = [d.l4], "UDP"
        else:
            continue
        for raw in raws:
            message = _message(ts, raw, d, protocol)
            if message is not None and (call_ids is None or message["call_id"] in call_ids):
                out.append(message)
    return out
