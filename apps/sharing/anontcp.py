"""SIP over TCP for the anonymiser: a message split across segments is rewritten whole (no Django here).

Rewriting each segment alone breaks a message that spans several: its Content-Length is in the first
segment and its body in the next, and an address cut in two by a segment boundary is not recognised at
all. So when a segment starts a SIP message it does not finish, every frame of that TCP connection
(both directions: the peer's ACKs refer to the byte positions being changed) is held until the
message is complete. Then the message is rewritten as one (addresses, numbers, Content-Length), cut
again at the original segment boundaries, every boundary after the change moved by the change, and
the held frames go out in their order with their own timestamps (as fragments do), sequence and
acknowledgement numbers mapped through the same shifts as every later segment of the connection.

The segments keep their sizes except the last one of the message, which takes the difference (when it
shrinks by more than that segment holds, the ones before give up bytes, keeping at least one each).
A connection holds at most MAX_HELD frames or MAX_BYTES of message; past that, or at the end of the
capture, its frames go out rewritten one by one, as before.
"""

import re
import struct

CONTENT_LENGTH = re.compile(rb"(?im)^(content-length|l)[ \t]*:[ \t]*(\d+)")
SIP_START = re.compile(rb"^(?:[A-Z]{3,10} [^ \r\n]+ SIP/2\.0\r?\n|SIP/2\.0 \d{3})")
MAX_HELD = 64
MAX_BYTES = 1 << 16


def sip_complete(data: bytes) -> bool:
    """Whether `data` ends exactly where its last SIP message ends (headers and Content-Length body)."""
    pos = 0
    while pos < len(data):
        split = data.find(b"\r\n\r\n", pos)
        if split < 0:
            return False
        found = CONTENT_LENGTH.search(data, pos, split + 2)
        end = split + 4 + (int(found.group(2)) if found else 0)
        if end > len(data):
            return False
        pos = end
        while data.startswith(b"\r\n", pos):  # keep-alive line ends between messages
            pos += 2
    return True


def resegment(sizes: list, delta: int):
    """New segment sizes for a message whose length changed by `delta`: the last one takes it, the ones
    before give up bytes only when it would be empty. None when the message no longer fills the segments."""
    sizes = list(sizes)
    sizes[-1] += delta
    for n in range(len(sizes) - 1, 0, -1):
        if sizes[n] >= 1:
            break
        sizes[n - 1] -= 1 - sizes[n]
        sizes[n] = 1
    return sizes if sizes[0] >= 1 else None


class SipOverTcp:
    """Mixed into the Anonymizer: `tcp_segment` yields the frames of a TCP segment (none while held)."""

    def tcp_init(self):
        self.tcp_held = {}  # connection -> {"flow", "next", "parts": [payload], "data": [entry], "held": [entry]}

    def tcp_segment(self, ts, linktype, orig_src, orig_dst, src, dst, data, wrap):
        """`wrap(segment)` builds the whole frame (link and IP headers) around a rewritten TCP segment."""
        if len(data) < 20:
            yield ts, linktype, wrap(self.transport(6, orig_src, orig_dst, src, dst, data))
            return
        flow = (orig_src, data[:2], orig_dst, data[2:4])
        connection = min(flow, (orig_dst, data[2:4], orig_src, data[:2]))
        body = data[(data[12] >> 4) * 4 :]
        seq = struct.unpack_from("!I", data, 4)[0]
        entry = (ts, linktype, orig_src, orig_dst, src, dst, data, wrap)
        state = self.tcp_held.get(connection)
        if state is None:
            if body and SIP_START.match(body) and not sip_complete(body):
                self.tcp_held[connection] = {"flow": flow, "next": seq + len(body), "parts": [body],
                                             "data": [entry], "held": [entry]}  # fmt: skip
                return
            yield ts, linktype, wrap(self.transport(6, orig_src, orig_dst, src, dst, data))
            return
        state["held"].append(entry)
        if flow == state["flow"] and body and seq == state["next"]:
            state["parts"].append(body)
            state["data"].append(entry)
            state["next"] = (seq + len(body)) & 0xFFFFFFFF
            if sip_complete(b"".join(state["parts"])):
                yield from self.tcp_release(connection, whole=True)
                return
        if len(state["held"]) > MAX_HELD or sum(map(len, state["parts"])) > MAX_BYTES:
            yield from self.tcp_release(connection, whole=False)

    def tcp_release(self, connection, *, whole):
        """The held frames of a connection, the split message rewritten whole when `whole`."""
        state = self.tcp_held.pop(connection)
        pieces = {}
        if whole:
            message = b"".join(state["parts"])
            new = self.sip(message)
            sizes = [len(part) for part in state["parts"]]
            new_sizes = resegment(sizes, len(new) - len(message))
            if new_sizes is not None:
                seq = struct.unpack_from("!I", state["data"][0][6], 4)[0]
                pos = 0
                for entry, size, new_size in zip(state["data"], sizes, new_sizes, strict=True):
                    pieces[id(entry)] = new[pos : pos + new_size]
                    pos, seq = pos + new_size, seq + size
                    if new_size != size:
                        self.shift_add(state["flow"], seq, new_size - size)
        for entry in state["held"]:
            ts, linktype, orig_src, orig_dst, src, dst, data, wrap = entry
            piece = pieces.get(id(entry))
            if piece is None:
                segment = self.transport(6, orig_src, orig_dst, src, dst, data)
            else:
                segment = self.tcp_build(orig_src, orig_dst, src, dst, data, piece)
            yield ts, linktype, wrap(segment)

    def tcp_flush(self):
        for connection in list(self.tcp_held):
            yield from self.tcp_release(connection, whole=False)
