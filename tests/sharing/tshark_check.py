"""What tshark says about a capture: checksum errors, SIP messages, RTP streams, addresses (the oracle of
the anonymisation tests; none of it is our own parsing)."""

import ipaddress
import subprocess
from collections import Counter

CHECKS = ["-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE"]
HEURISTICS = ["--enable-heuristic", "sip_udp", "--enable-heuristic", "sip_tcp", "-o", "rtp.heuristic_rtp:TRUE"]
KEEP = {"0.0.0.0", "255.255.255.255", "::"}


def tshark_fields(path, fields, display_filter="", extra=()):
    cmd = [
        "tshark",
        "-r",
        str(path),
        "-n",
        *HEURISTICS,
        *extra,
        "-T",
        "fields",
        "-E",
        "occurrence=a",
        "-E",
        "separator=\t",
    ]
    for field in fields:
        cmd += ["-e", field]
    if display_filter:
        cmd += ["-Y", display_filter]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=300).stdout
    return [line.split("\t") for line in out.splitlines()]


def checksum_errors(path):
    """Frames whose IP, UDP or TCP checksum tshark finds wrong (status 0 = bad), or that are malformed."""
    bad = (
        "ip.checksum.status == 0 || udp.checksum.status == 0 || tcp.checksum.status == 0 || icmpv6.checksum.status == 0"
    )
    return tshark_fields(path, ["frame.number"], bad, CHECKS)


def malformed(path):
    return {row[0] for row in tshark_fields(path, ["frame.number"], "_ws.malformed || _ws.expert.severity >= error")}


def sip_messages(path):
    """(method, status code) per SIP message, in order."""
    rows = tshark_fields(path, ["sip.Method", "sip.Status-Code", "sip.CSeq.method"], "sip")
    return [tuple(row) for row in rows]


def sip_content_lengths(path):
    """(declared Content-Length, body bytes tshark found) per SIP message with a body length header."""
    rows = tshark_fields(path, ["sip.Content-Length", "sdp", "sip.msg_body"], "sip.Content-Length")
    return rows


def rtp_counts(path):
    """{(ssrc, src port, dst port): packets}: per-stream counts (addresses differ after rewriting)."""
    rows = tshark_fields(path, ["rtp.ssrc", "udp.srcport", "udp.dstport"], "rtp && !rtcp")
    return Counter(tuple(row) for row in rows)


def addresses(path):
    """Every address in IP / IPv6 / ARP headers and in SDP `c=` / `o=` lines."""
    fields = [
        "ip.src",
        "ip.dst",
        "ipv6.src",
        "ipv6.dst",
        "arp.src.proto_ipv4",
        "arp.dst.proto_ipv4",
        "sdp.connection_info.address",
        "sdp.owner.address",
    ]
    found = set()
    for row in tshark_fields(path, fields):
        for cell in row:
            for value in cell.split(","):
                try:
                    found.add(ipaddress.ip_address(value.strip()))
                except ValueError:
                    continue
    return {addr for addr in found if str(addr) not in KEEP}


def forms(addr):
    """The byte strings an address can hide as: text (IPv6 compressed and exploded) and raw."""
    texts = {str(addr)} | ({addr.exploded, addr.exploded.upper(), str(addr).upper()} if addr.version == 6 else set())
    return {text.encode() for text in texts} | {addr.packed}
