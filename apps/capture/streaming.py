"""The capture engine in streaming form: the live path (HEP) feeds packets as they arrive and takes
each call out as soon as it has ended, built by exactly the code that a file import runs.

``StreamingAnalyzer`` is the file ``Analyzer`` with three additions: ``feed`` batches (inherited),
``due_calls(now)`` (which calls have ended, by the sniffer's rules below) and ``call_close(call)``
(finish one call: its record, its pcaps, and the state it held, so memory follows the number of
concurrent calls, not the length of the run).

When a call ends (``LiveTimers``; defaults follow the VoIPmonitor sniffer, see docs/live.md):
- after a BYE and its 2xx, a final non-2xx answer to the INVITE, or a CANCEL: once ``linger``
  seconds passed with no SIP or RTP of the call (retransmissions and trailing RTP still count);
- a call with RTP whose last packet is ``rtp_timeout`` old (sniffer ``rtptimeout`` 300 s);
- a call that never had RTP and no SIP for ``sip_timeout`` (sniffer ``sipwithoutrtptimeout`` 3600 s);
- any call older than ``absolute_timeout`` (sniffer ``absolute_timeout`` 4 h).
"""

import os
from dataclasses import dataclass

from .analyzer import Analyzer
from .cdr import call_data_build


@dataclass(frozen=True)
class LiveTimers:
    linger: float = 5.0
    rtp_timeout: float = 300.0
    sip_timeout: float = 3600.0
    absolute_timeout: float = 14400.0


class LiveSource:
    """What the analyzer asks of its source: the link type of the frames it is given."""

    def __init__(self, linktype):
        self.linktype = linktype
        self.global_header = None
        self.bytes_read = self.total_bytes = 0


def call_last_activity(call):
    """The newest packet of the call: SIP, RTP (folded or still buffered) or RTCP."""
    last = call.last_ts
    for flow in call.flows:
        if flow.arr:
            last = max(last, flow.arr[-1])
        for st in flow.streams.values():
            if st.last_arrival is not None:
                last = max(last, st.last_arrival)
        if flow.last_rtcp:
            last = max(last, flow.last_rtcp)
    return last


def call_has_rtp(call):
    return any(flow.arr or flow.streams for flow in call.flows)


def call_ended(call):
    """The dialog is over by its signalling (the timers may still end it otherwise)."""
    if call.bye_ok_ts is not None or call.cancelled:
        return True
    code = call.last_code
    return not call.answered and code is not None and code >= 300


class StreamingAnalyzer(Analyzer):
    def __init__(self, out_dir, custom_headers, match_header, linktype, timers=None):
        super().__init__(out_dir, custom_headers, match_header, LiveSource(linktype))
        self.timers = timers or LiveTimers()
        self.closed = 0

    def due_calls(self, now):
        """Calls to close at packet-clock time ``now`` (oldest first)."""
        t = self.timers
        due = []
        for call in self.calls.values():
            last = call_last_activity(call)
            idle = now - last
            if call_ended(call) and idle >= t.linger:
                due.append(call)
            elif idle >= (t.rtp_timeout if call_has_rtp(call) else t.sip_timeout):
                due.append(call)
            elif now - call.first_ts >= t.absolute_timeout:
                due.append(call)
        return due

    def call_close(self, call):
        """Finish one call: its CallData with final pcaps; the state only it used is released."""
        for flow in call.flows:
            flow.flush()
        data = call_data_build(call, self.rtcp)
        if call.pcap is not None:
            call.pcap.finish()
            data.pcap_sip_path, data.pcap_full_path = call.pcap.sip.final, call.pcap.full.final
            self.used_names.discard(_used_name(call.pcap))
        self._release(call)
        self.closed += 1
        return data

    def call_abort(self, call):
        if call.pcap is not None:
            call.pcap.abort()
            self.used_names.discard(_used_name(call.pcap))
        self._release(call)

    def _release(self, call):
        self.calls.pop(call.call_id, None)
        try:
            self.call_list.remove(call)
        except ValueError:
            pass
        for key in [k for k, owners in self.endpoints.items() if any(c is call for c, _s, _m in owners)]:
            owners = [o for o in self.endpoints[key] if o[0] is not call]
            if owners:
                self.endpoints[key] = owners
            else:
                del self.endpoints[key]
                self.rtcp_ports.discard(key)
        dead = set()
        for flow in call.flows:
            flow.call = [(c, s) for c, s in flow.call if c is not call]
            flow.writer = [w for w in flow.writer if w is not call.pcap]
            if not flow.call:
                dead.add(id(flow))
                for ssrc in flow.streams:
                    self.rtcp.by_ssrc.pop(ssrc, None)
                    self.rtcp.last_sr.pop(ssrc, None)
        if dead:
            for key in [k for k, f in self.flows.items() if id(f) in dead]:
                del self.flows[key]
        call.flows = []
        call.pcap = None

    def housekeeping(self):
        """Bound what does not belong to a call: orphan streams and idle TCP reassembly buffers."""
        self.orphans.clear()
        for key in [k for k, f in self.tcp.flows.items() if not f["buf"] and not f["ooo"]]:
            del self.tcp.flows[key]
        for key in [k for k, f in self.flows.items() if not f.call]:
            del self.flows[key]

    def drain(self):
        """Close every call still open (listener shutdown): they are stored as they stand."""
        return [self.call_close(call) for call in list(self.call_list)]


def _used_name(pcap):
    name = os.path.basename(pcap.sip.final)
    return name[: -len(".sip.pcap")]
