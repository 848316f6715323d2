"""A tolerant SIP message parser (RFC 3261 syntax as seen on real wires).

Only what call assembly needs: start line, headers as a multimap with compact forms expanded,
name-addr parsing for From/To, CSeq, Reason, and the body. Anything that does not parse as SIP
returns None instead of raising, because SIP is recognised by content on any port.
"""

import re

COMPACT = {
    "i": "call-id",
    "f": "from",
    "t": "to",
    "v": "via",
    "m": "contact",
    "l": "content-length",
    "c": "content-type",
    "k": "supported",
    "e": "content-encoding",
    "s": "subject",
    "o": "event",
    "r": "refer-to",
    "b": "referred-by",
    "u": "allow-events",
    "a": "accept-contact",
    "x": "session-expires",
}
METHODS = {
    "INVITE",
    "ACK",
    "BYE",
    "CANCEL",
    "OPTIONS",
    "REGISTER",
    "PRACK",
    "UPDATE",
    "INFO",
    "SUBSCRIBE",
    "NOTIFY",
    "REFER",
    "MESSAGE",
    "PUBLISH",
}
_REQ = re.compile(r"^([A-Z]+) (\S+) SIP/2\.0$")
_RESP = re.compile(r"^SIP/2\.0 (\d{3})(?: (.*))?$")
_URI = re.compile(r"<([^>]*)>")
_PARAM = re.compile(r";\s*([\w-]+)(?:=\"?([^;\"]*)\"?)?")


class SipMessage:
    __slots__ = ("method", "uri", "status", "reason", "headers", "body", "first_line", "raw")

    def __init__(self, first_line, headers, body, raw):
        self.first_line, self.headers, self.body, self.raw = first_line, headers, body, raw
        self.method = self.uri = self.status = self.reason = None

    @property
    def is_request(self):
        return self.method is not None

    def get(self, name, default=None):
        values = self.headers.get(name)
        return values[0] if values else default

    def all(self, name):
        return self.headers.get(name, [])

    @property
    def call_id(self):
        return self.get("call-id")

    @property
    def cseq(self):
        """(number, METHOD) from the CSeq header, or (None, None)."""
        parts = (self.get("cseq") or "").split()
        if len(parts) != 2 or not parts[0].isdigit():
            return None, None
        return int(parts[0]), parts[1].upper()


def sip_parse(data):
    """Parse one SIP message from bytes; None when it is not SIP."""
    head_end = data.find(b"\r\n\r\n")
    sep = 4
    if head_end < 0:
        head_end = data.find(b"\n\n")
        sep = 2
        if head_end < 0:
            head_end, sep = len(data), 0
    try:
        head = data[:head_end].decode("utf-8", "replace")
    except Exception:
        return None
    lines = head.replace("\r\n", "\n").split("\n")
    first = lines[0].strip()
    msg_method = msg_uri = status = reason = None
    m = _RESP.match(first)
    if m:
        status, reason = int(m.group(1)), (m.group(2) or "").strip()
    else:
        m = _REQ.match(first)
        if not m or m.group(1) not in METHODS:
            return None
        msg_method, msg_uri = m.group(1), m.group(2)
    headers = {}
    last = None
    for line in lines[1:]:
        if line[:1] in (" ", "\t") and last:
            headers[last][-1] += " " + line.strip()
            continue
        name, colon, value = line.partition(":")
        if not colon:
            continue
        name = name.strip().lower()
        name = COMPACT.get(name, name)
        value = value.strip()
        values = headers.setdefault(name, [])
        if name in ("via", "record-route", "route") and "," in value:
            values.extend(v.strip() for v in _split_commas(value))
        else:
            values.append(value)
        last = name
    if "call-id" not in headers:
        return None
    body = data[head_end + sep :]
    length = headers.get("content-length")
    if length and length[0].isdigit():
        body = body[: int(length[0])]
    msg = SipMessage(first, headers, body, data)
    msg.method, msg.uri, msg.status, msg.reason = msg_method, msg_uri, status, reason
    return msg


def _split_commas(value):
    out, depth, quoted, cur = [], 0, False, []
    for ch in value:
        if ch == '"':
            quoted = not quoted
        elif ch == "<" and not quoted:
            depth += 1
        elif ch == ">" and not quoted:
            depth -= 1
        elif ch == "," and not quoted and depth == 0:
            out.append("".join(cur))
            cur = []
            continue
        cur.append(ch)
    out.append("".join(cur))
    return out


def name_addr(value):
    """(display name, user, host, tag) from a From/To/Contact value."""
    if not value:
        return "", "", "", None
    m = _URI.search(value)
    if m:
        uri, display, params = m.group(1), value[: m.start()].strip().strip('"'), value[m.end() :]
    else:
        uri, _, params = value.partition(";")
        params, display = ";" + params, ""
    tag = None
    for pm in _PARAM.finditer(params):
        if pm.group(1).lower() == "tag":
            tag = pm.group(2)
    user, host = uri_user_host(uri)
    return display, user, host, tag


def uri_user_host(uri):
    """User part and host part of a SIP URI (``sip:user@host:port;params``)."""
    uri = uri.strip()
    scheme, colon, rest = uri.partition(":")
    if not colon or scheme.lower() not in ("sip", "sips", "tel"):
        rest = uri
    rest = rest.split(";", 1)[0].split("?", 1)[0]
    if "@" in rest:
        user, _, host = rest.rpartition("@")
    else:
        # no user part: the sniffer stores host:port as the number, we do the same
        user, host = rest, rest
    if host.startswith("["):
        host = host[: host.find("]") + 1] if "]" in host else host  # IPv6 literal kept as the URI writes it
    elif host.count(":") == 1:
        host = host.split(":")[0]
    return user, host


_UA_VERSION = re.compile(r"\s+[\d.]+$")


def user_agent(msg):
    """The User-Agent as the sniffer stores it: trailing blanks and a trailing bare version number
    ("Nero SIPPS IP Phone Version 2.0.51.16" -> "Nero SIPPS IP Phone Version") removed; a Server
    header is not read."""
    value = msg.get("user-agent")
    return _UA_VERSION.sub("", value.strip()) or None if value else None


def reason_parse(values):
    """Reason headers -> {'SIP': (cause, text), 'Q.850': (cause, text)}."""
    out = {}
    for value in values:
        for part in _split_commas(value):
            proto, _, params = part.strip().partition(";")
            cause, text = None, None
            for pm in _PARAM.finditer(";" + params):
                key, val = pm.group(1).lower(), pm.group(2)
                if key == "cause" and val and val.strip().isdigit():
                    cause = int(val.strip())
                elif key == "text":
                    text = val
            out[proto.strip().upper()] = (cause, text)
    return out
