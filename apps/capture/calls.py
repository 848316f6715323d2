"""SIP dialog state per Call-ID: the facts a call record is made of.

Only an INVITE opens a call (a capture that starts with a 200 OK ignores it until the next INVITE,
as the sniffer does). The same message seen again (retransmission or another proxy hop) is folded
in idempotently: every time field keeps its first occurrence.
"""

import socket

from .sdp import sdp_body, sdp_parse
from .sip import name_addr, reason_parse, user_agent


def _text(raw):
    if not isinstance(raw, bytes):
        return raw
    return socket.inet_ntop(socket.AF_INET if len(raw) == 4 else socket.AF_INET6, raw)


class CallState:
    def __init__(self, call_id, ts, msg, src, sport, dst, dport, vlan):
        self.call_id = call_id
        self.first_ts = self.last_ts = ts
        display, user, host, tag = name_addr(msg.get("from"))
        self.caller_tag = tag
        self.callername, self.caller, self.caller_domain = display, user, host
        _, self.called, self.called_domain, _ = name_addr(msg.get("to"))
        self.caller_ip, self.caller_port, self.called_ip, self.called_port = src, sport, dst, dport
        self.vlan = vlan
        self.a_ua = user_agent(msg)
        self.b_ua = None
        # response times per forward INVITE transaction: (src, sport, dst, dport, CSeq) -> [first copy,
        # delay to its first 100, delay to its first other response]
        self.invite_rt = {}
        self.t18x = self.t2xx = self.tfinal = None
        self.last_code, self.last_text = None, None
        self.answered = False
        self.cancelled = False
        self.bye_ts = self.bye_ok_ts = None
        self.bye_from_caller = None
        self.reasons = {}
        self.fax = False
        self.first_rtp_ts = None
        self.invite_tx = {}
        self.custom = {}
        self.match_value = None
        self.sip_messages = []
        self.flows = []
        self.dtmf = []
        self.dscp_sip = {}
        self.pcap = None

    def from_caller(self, msg):
        """True when the message was sent by the calling party (requests by From tag, responses reversed)."""
        tag = name_addr(msg.get("from"))[3]
        same = tag == self.caller_tag
        return same if msg.is_request else not same

    def on_message(self, ts, msg, src, sport, dst, dport, custom_headers, match_header, dscp):
        """Fold one SIP message in; return the SDP media it carries with the owner side, if any."""
        self.last_ts = max(self.last_ts, ts)
        cseq_num, cseq_method = msg.cseq
        by_caller = self.from_caller(msg)
        for name in custom_headers:
            value = msg.get(name.lower())
            if value is not None and name not in self.custom:
                self.custom[name] = value
        if match_header and self.match_value is None:
            self.match_value = msg.get(match_header.lower())
        self.dscp_sip.setdefault("caller" if by_caller else "callee", dscp)
        if msg.is_request:
            self._on_request(ts, msg, cseq_num, src, sport, dst, dport, by_caller)
        else:
            self._on_response(ts, msg, cseq_num, cseq_method, by_caller, src, sport, dst, dport)
        if "Reason" in msg.first_line or msg.all("reason"):
            self.reasons.update(reason_parse(msg.all("reason")))
        sdp = sdp_body(msg.get("content-type"), msg.body) if msg.body else None
        if not sdp:
            return None, by_caller
        media = sdp_parse(sdp)
        # the SDP owner: by address when the sender is one of the two SIP parties (hairpinned calls
        # through a proxy share a tag-less view), else by dialog tags
        src_text = _text(src)
        if src_text == self.caller_ip and src_text != self.called_ip:
            by_caller = True
        elif src_text == self.called_ip and src_text != self.caller_ip:
            by_caller = False
        if not msg.is_request and msg.status and 200 <= msg.status < 300 and cseq_method == "INVITE":
            if any(m.is_t38 and m.port for m in media):
                self.fax = True
        return media, by_caller

    def _on_request(self, ts, msg, cseq_num, src, sport, dst, dport, by_caller):
        method = msg.method
        if by_caller and self.a_ua is None:
            self.a_ua = user_agent(msg)
        elif not by_caller and self.b_ua is None:
            self.b_ua = user_agent(msg)  # the callee's first User-Agent, in a request or a response
        if method == "INVITE" and by_caller and (_text(dst), dport) != (self.caller_ip, self.caller_port):
            # every INVITE transaction towards the callee, at every hop, re-INVITEs included (not
            # one a proxy hairpins back to the caller's own address): the first copy is the base of
            # its response times (a retransmission does not move it)
            self.invite_rt.setdefault((src, sport, dst, dport, cseq_num), [ts, None, None])
        if method == "INVITE" and not self.answered:
            key = (cseq_num, src, sport, dst, dport)
            self.invite_tx[key] = self.invite_tx.get(key, 0) + 1
            if self.invite_tx[key] == 1 and by_caller and _text(dst) != self.caller_ip:
                # a new transaction or the next proxy hop: the called side is the latest hop
                self.called_ip, self.called_port = _text(dst), dport
        elif method == "CANCEL":
            self.cancelled = True
        elif method == "BYE" and self.bye_ts is None:
            self.bye_ts = ts
            self.bye_from_caller = by_caller

    def _on_response(self, ts, msg, cseq_num, cseq_method, by_caller, src, sport, dst, dport):
        code = msg.status
        if not by_caller and self.b_ua is None:
            self.b_ua = user_agent(msg)
        if cseq_method == "INVITE" and code:
            # the response travels back along the hop its INVITE took
            tx = self.invite_rt.get((dst, dport, src, sport, cseq_num))
            slot = 1 if code == 100 else 2
            if tx is not None and tx[slot] is None:
                tx[slot] = ts - tx[0]
        if cseq_method == "INVITE" and not by_caller:
            if 180 <= code < 190 and self.t18x is None:
                self.t18x = ts
            if code >= 200 and self.tfinal is None and self.t18x is not None:
                self.tfinal = ts  # ringing ends here; an auth challenge before any 18x does not count
            if 200 <= code < 300 and self.t2xx is None:
                self.t2xx = ts
                self.answered = True
            if (
                code > 100
                and not (self.answered and code >= 300)
                and (self.last_code is None or code >= 200 or self.last_code < 200)
            ):
                if not (self.answered and self.last_code and 200 <= self.last_code < 300):
                    self.last_code, self.last_text = code, msg.reason
        elif cseq_method == "BYE" and 200 <= code < 300 and self.bye_ts is not None:
            self.bye_ok_ts = self.bye_ok_ts or ts

    def _min_response(self, slot):
        """The fastest answer over the forward INVITE transactions, as the sniffer stores it.

        Each transaction (CSeq at one hop) counts from its first copy to its own first 100 (or
        first other response) on the way back; the call's figure is the minimum over all of them,
        later transactions and re-INVITEs included. INVITEs sent towards the caller (a re-INVITE
        by the callee, a proxy hairpinning back to the caller's address) are not counted. None when
        no such transaction got that response (the sniffer stores 0 there if the dialog saw one
        elsewhere; we do not claim a 0 ms answer, see test_fidelity).
        """
        return min((tx[slot] for tx in self.invite_rt.values() if tx[slot] is not None), default=None)

    @property
    def t100_rel(self):
        return self._min_response(1)

    @property
    def txxx_rel(self):
        return self._min_response(2)

    @property
    def last_response(self):
        """(code, text); a CANCELled call that never got an answer is stored as 487, like the sniffer."""
        if self.cancelled and not self.answered:
            return 487, "Request Terminated"
        return self.last_code, self.last_text

    @property
    def bye(self):
        if self.bye_ok_ts is not None:
            return 3
        if self.bye_ts is not None:
            return 2
        return 1 if self.answered else 0

    @property
    def max_retransmission_invite(self):
        n = max(self.invite_tx.values(), default=1) - 1
        return n or None
