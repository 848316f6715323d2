"""SDP (RFC 4566) as far as media matching needs it: per m= line its address, port, formats,
rtpmap, ptime, direction and RTCP port. Bodies inside multipart/mixed are unwrapped first.
"""

import re

from apps.core.codecs import codec_code

_BOUNDARY = re.compile(r'boundary="?([^";]+)"?', re.IGNORECASE)


class Media:
    __slots__ = ("kind", "addr", "port", "proto", "formats", "rtpmap", "ptime", "direction", "rtcp_port", "rtcp_mux")

    def __init__(self, kind, port, proto, formats):
        self.kind, self.port, self.proto, self.formats = kind, port, proto, formats
        self.addr, self.rtpmap, self.ptime, self.direction = None, {}, None, "sendrecv"
        self.rtcp_port, self.rtcp_mux = None, False

    @property
    def is_t38(self):
        return self.kind == "image" and "udptl" in self.proto.lower()

    def codec_of(self, pt):
        """Codec code for a payload type in this m= line (rtpmap for dynamic types)."""
        if pt in self.rtpmap:
            return codec_code(self.rtpmap[pt][0], pt)
        return pt if pt < 96 else None


def sdp_body(content_type, body):
    """Return the SDP text from a SIP body, unwrapping multipart; None when there is none."""
    ctype = (content_type or "").lower()
    if "multipart" in ctype:
        m = _BOUNDARY.search(content_type)
        if not m:
            return None
        for part in body.split(b"--" + m.group(1).encode()):
            head, sep, rest = part.partition(b"\r\n\r\n")
            if sep and b"application/sdp" in head.lower():
                return rest.decode("utf-8", "replace")
        return None
    if "application/sdp" in ctype or (not ctype and body.startswith(b"v=0")):
        return body.decode("utf-8", "replace")
    return None


def sdp_parse(text):
    """List of Media, each with the session-level connection address applied where it has none."""
    session_addr, session_dir = None, "sendrecv"
    media = []
    cur = None
    for raw in text.splitlines():
        line = raw.strip()
        if len(line) < 2 or line[1] != "=":
            continue
        key, val = line[0], line[2:]
        if key == "m":
            parts = val.split()
            if len(parts) < 3:
                cur = None
                continue
            port = parts[1].split("/")[0]
            formats = [int(f) for f in parts[3:] if f.isdigit()]
            cur = Media(parts[0].lower(), int(port) if port.isdigit() else 0, parts[2], formats)
            cur.direction = session_dir
            media.append(cur)
        elif key == "c":
            parts = val.split()
            addr = parts[2].split("/")[0] if len(parts) >= 3 else None
            if cur is None:
                session_addr = addr
            else:
                cur.addr = addr
        elif key == "a":
            name, _, value = val.partition(":")
            name = name.strip().lower()
            if name in ("sendonly", "recvonly", "inactive", "sendrecv"):
                if cur is None:
                    session_dir = name
                else:
                    cur.direction = name
            elif cur is None:
                continue
            elif name == "rtpmap":
                pt, _, enc = value.partition(" ")
                if pt.isdigit():
                    enc_name, _, rest = enc.partition("/")
                    clock = rest.split("/")[0]
                    cur.rtpmap[int(pt)] = (enc_name.strip(), int(clock) if clock.isdigit() else 8000)
            elif name == "ptime" and value.strip().split(".")[0].isdigit():
                cur.ptime = int(value.strip().split(".")[0])
            elif name == "rtcp" and value.split()[0].isdigit():
                cur.rtcp_port = int(value.split()[0])
            elif name == "rtcp-mux":
                cur.rtcp_mux = True
    for m in media:
        if m.addr is None:
            m.addr = session_addr
    return media
