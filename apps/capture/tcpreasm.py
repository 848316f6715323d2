"""TCP stream reassembly for SIP: order segments by sequence number and cut messages by Content-Length.

SIP over TCP has no message boundary at the segment level: one segment may carry several messages,
one message may span segments. We keep a small per-direction buffer and emit whole messages only.
Streams that are not SIP (the buffer does not start like a SIP message) are dropped early so HTTP or
SSH in the same capture cannot grow memory.
"""

import re

MAX_BUFFER = 1 << 20
MAX_OOO = 64
_CL = re.compile(rb"\r\n(?:content-length|l)[ \t]*:[ \t]*(\d+)", re.IGNORECASE)
SIP_STARTS = (
    b"SIP/2.0 ",
    b"INVITE ",
    b"ACK ",
    b"BYE ",
    b"CANCEL ",
    b"OPTIONS ",
    b"REGISTER ",
    b"PRACK ",
    b"UPDATE ",
    b"INFO ",
    b"SUBSCRIBE ",
    b"NOTIFY ",
    b"REFER ",
    b"MESSAGE ",
    b"PUBLISH ",
)


def looks_like_sip(data):
    return data.startswith(SIP_STARTS)


def sip_frame(buf):
    """Split ``buf`` into complete SIP messages; return (messages, rest)."""
    out = []
    while True:
        while buf.startswith(b"\r\n"):
            buf = buf[2:]
        head_end = buf.find(b"\r\n\r\n")
        if head_end < 0:
            return out, buf
        m = _CL.search(buf, 0, head_end + 2)
        length = int(m.group(1)) if m else 0
        end = head_end + 4 + length
        if len(buf) < end:
            return out, buf
        out.append(buf[:end])
        buf = buf[end:]


class TcpStreams:
    """Per-direction reassembly; ``feed`` returns the SIP messages completed by this segment."""

    def __init__(self):
        self.flows = {}

    def feed(self, key, seq, flags, payload):
        flow = self.flows.get(key)
        if flags & 0x05 and not payload:  # FIN or RST without data closes the direction
            self.flows.pop(key, None)
            return []
        if not payload:
            return []
        if flow is None:
            if not looks_like_sip(payload):
                return []
            flow = self.flows[key] = {"next": seq, "buf": b"", "ooo": {}}
        nxt = flow["next"]
        delta = (seq - nxt) & 0xFFFFFFFF
        if delta == 0:
            flow["buf"] += payload
            flow["next"] = (seq + len(payload)) & 0xFFFFFFFF
        elif delta < 0x80000000:
            if len(flow["ooo"]) < MAX_OOO:
                flow["ooo"][seq] = payload
            return []
        else:  # retransmission of data already seen (possibly overlapping)
            overlap = (nxt - seq) & 0xFFFFFFFF
            if overlap >= len(payload):
                return []
            flow["buf"] += payload[overlap:]
            flow["next"] = (seq + len(payload)) & 0xFFFFFFFF
        while flow["next"] in flow["ooo"]:
            seg = flow["ooo"].pop(flow["next"])
            flow["buf"] += seg
            flow["next"] = (flow["next"] + len(seg)) & 0xFFFFFFFF
        messages, flow["buf"] = sip_frame(flow["buf"])
        if len(flow["buf"]) > MAX_BUFFER or (len(flow["buf"]) >= 16 and not looks_like_sip(flow["buf"].lstrip()[:16])):
            flow["buf"] = b""
        return messages
