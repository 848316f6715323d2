"""A capture file as the HEP packets a mirroring agent would send (no Django import).

Used by ``manage.py hep_replay``, the equivalence tests and ``bench/hep.py``. Like a real agent it
sends what the host saw at the transport level: each UDP datagram (after IP reassembly) and each
whole SIP message of a TCP stream, with the capture's timestamps. SIP is payload type 1, RTP 4,
RTCP 5; UDP that is neither SIP nor RTP/RTCP is not sent (no agent mirrors it).
"""

from apps.capture import netparse
from apps.capture.pcapio import PcapSource
from apps.capture.tcpreasm import TcpStreams, looks_like_sip

from . import hep


def capture_transport(path):
    """Yield ``(ts, proto, src, sport, dst, dport, vlan, payload)`` per datagram / SIP message."""
    source = PcapSource(path)
    reasm, tcp = netparse.Reassembler(), TcpStreams()
    try:
        for ts, lt, data, rawhdr in source:
            reasm.frame = (ts, data, rawhdr)
            try:
                d = netparse.decode(lt, data, ts, reasm)
            except (ValueError, IndexError, KeyError):
                continue
            if d is None:
                continue
            if d.proto == 6:
                for msg in tcp.feed((d.src, d.sport, d.dst, d.dport), d.tcp_seq, d.tcp_flags, d.l4):
                    yield ts, 6, d.src, d.sport, d.dst, d.dport, d.vlan, msg
            else:
                yield ts, 17, d.src, d.sport, d.dst, d.dport, d.vlan, d.l4
    finally:
        source.close()


def payload_type_of(payload):
    if looks_like_sip(payload):
        return hep.PT_SIP
    if len(payload) >= 8 and payload[0] >> 6 == 2:
        return hep.PT_RTCP if 72 <= payload[1] & 0x7F <= 76 else hep.PT_RTP
    return None


def capture_hep_packets(path, *, agent_id, auth_key=b"", compress_sip=False):
    """Yield the HEP v3 packets for a capture file."""
    for ts, proto, src, sport, dst, dport, vlan, payload in capture_transport(path):
        ptype = payload_type_of(payload)
        if ptype is None:
            continue
        try:
            yield hep.hep_encode(
                src=src,
                dst=dst,
                sport=sport,
                dport=dport,
                ts=ts,
                payload=payload,
                proto=proto,
                agent_id=agent_id,
                auth_key=auth_key,
                payload_type=ptype,
                vlan=vlan,
                compress=compress_sip and ptype == hep.PT_SIP,
            )
        except ValueError:
            continue  # larger than one HEP packet can carry
