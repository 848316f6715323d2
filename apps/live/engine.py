"""The live call engine: HEP packets in, the capture engine's calls out (no Django import).

Each sensor has its own ``StreamingAnalyzer`` (so two tenants, or two sensors, never share a dialog
even with the same Call-ID). A HEP packet carries the transport payload with its addresses; it is
rebuilt into the Ethernet/IP/UDP (or TCP) frame the file path would have read, so every byte of
analysis after that point is the code ``pcap_import`` runs. What HEP does not carry is not
invented: the IP TOS byte (the call's ``dscp``) is 0, TTL is 64.

The engine is driven by one thread: ``packet`` queues, ``tick`` folds the queued batch in, closes
the calls that ended (``StreamingAnalyzer.due_calls``) and returns them. Time for the timers is the
packet clock (the newest HEP timestamp of the sensor) moved on by the wall clock since it arrived,
so a replayed capture ends its calls as the original traffic would have, and silence still ends
calls.
"""

import collections
import os
import secrets
import struct
import time

from apps.capture.netparse import LINK_ETHERNET
from apps.capture.streaming import LiveTimers, StreamingAnalyzer, call_ended
from apps.capture.tcpreasm import looks_like_sip

from . import hep

ETH_V4 = b"\x00" * 12 + b"\x08\x00"
ETH_V6 = b"\x00" * 12 + b"\x86\xdd"
MAX_TCP_DIRECTIONS = 20000
LOSS_WINDOW = 10.0
ANALYSED = {0, hep.PT_SIP, hep.PT_RTP, hep.PT_RTCP}


def _ipv4_header(src, dst, proto, length):
    head = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + length, 0, 0x4000, 64, proto, 0, src, dst)
    words = struct.unpack("!10H", head)
    csum = sum(words)
    csum = (csum & 0xFFFF) + (csum >> 16)
    csum = ~((csum & 0xFFFF) + (csum >> 16)) & 0xFFFF
    return head[:10] + struct.pack("!H", csum) + head[12:]


def frame_build(pkt, tcp_seq=0):
    """The Ethernet frame (802.1Q when HEP gave a VLAN) that carried ``pkt``'s payload."""
    payload = pkt.payload
    if pkt.proto == 6:
        l4 = struct.pack("!HHIIBBHHH", pkt.sport, pkt.dport, tcp_seq, 0, 0x50, 0x18, 65535, 0, 0) + payload
    else:
        l4 = struct.pack("!HHHH", pkt.sport, pkt.dport, 8 + len(payload), 0) + payload
    proto = 6 if pkt.proto == 6 else 17
    if len(pkt.src) == 4:
        eth, ip = ETH_V4, _ipv4_header(pkt.src, pkt.dst, proto, len(l4))
    else:
        eth = ETH_V6
        ip = struct.pack("!IHBB", 0x60000000, len(l4), proto, 64) + pkt.src + pkt.dst
    if pkt.vlan is not None:
        eth = eth[:12] + struct.pack("!HH", 0x8100, pkt.vlan & 0x0FFF) + eth[12:]
    return eth + ip + l4


class ClosedCall:
    __slots__ = ("sensor", "data", "callref", "pauses")

    def __init__(self, sensor, data, callref, pauses):
        self.sensor, self.data, self.callref, self.pauses = sensor, data, callref, pauses

    def remove_files(self):
        """The call's pcaps in the listener's work folder (copied to storage when it was stored)."""
        for path in (self.data.pcap_sip_path, self.data.pcap_full_path):
            if path and os.path.exists(path):
                os.remove(path)


class SensorPipe:
    """One sensor's analyzer, its packet clock, pause state and the loss history of its calls."""

    def __init__(self, sensor, work_dir, custom_headers, match_header, timers):
        self.sensor = sensor
        self.analyzer = StreamingAnalyzer(work_dir, custom_headers, match_header, LINK_ETHERNET, timers)
        self.batch = []
        self.max_ts = None
        self.wall_at_max = 0.0
        self.tcp_seq = {}
        self.refs = {}  # id(call) -> callref
        self.paused = {}  # id(call) -> [[start, end|None], ...]
        self.loss_hist = {}  # (id(call), side) -> deque of (time, received, lost)

    def now(self, wall):
        if self.max_ts is None:
            return None
        return self.max_ts + max(0.0, wall - self.wall_at_max)

    def add(self, pkt, wall):
        if pkt.payload_type not in ANALYSED:
            return False  # JSON RTCP / QoS reports and logs: counted, not analysed
        if pkt.payload_type == hep.PT_RTCP and pkt.payload[:1] in (b"{", b"["):
            return False
        ts = pkt.ts
        if self.max_ts is None or ts > self.max_ts:
            self.max_ts, self.wall_at_max = ts, wall
        seq = 0
        if pkt.proto == 6:
            key = (pkt.src, pkt.sport, pkt.dst, pkt.dport)
            seq = self.tcp_seq.get(key)
            if seq is None:
                if len(self.tcp_seq) > MAX_TCP_DIRECTIONS:
                    self.tcp_seq.clear()
                seq = 1
            self.tcp_seq[key] = (seq + len(pkt.payload)) & 0xFFFFFFFF
            if not looks_like_sip(pkt.payload):
                return False
        self.batch.append((ts, LINK_ETHERNET, frame_build(pkt, seq), None))
        return True

    def fold(self):
        if self.batch:
            batch, self.batch = self.batch, []
            self.analyzer.feed(batch)

    def callref(self, call):
        ref = self.refs.get(id(call))
        if ref is None:
            ref = self.refs[id(call)] = "0x" + secrets.token_hex(6)
        return ref

    def close_due(self, wall):
        now = self.now(wall)
        if now is None:
            return []
        return [self._close(call, now) for call in self.analyzer.due_calls(now)]

    def close_all(self, wall):
        now = self.now(wall) or 0.0
        return [self._close(call, now) for call in list(self.analyzer.call_list)]

    def _close(self, call, now):
        ref = self.callref(call)
        pauses = self.paused.pop(id(call), [])
        for span in pauses:
            if span[1] is None:
                span[1] = now
        data = self.analyzer.call_close(call)
        self.refs.pop(id(call), None)
        for side in ("caller", "callee"):
            self.loss_hist.pop((id(call), side), None)
        return ClosedCall(self.sensor, data, ref, [tuple(s) for s in pauses])

    def find(self, callref):
        for call in self.analyzer.call_list:
            if self.refs.get(id(call)) == callref:
                return call
        return None

    def pause(self, callref, on, wall):
        """Pause or unpause a call's recording; False when the call is not here. Repeats are harmless."""
        call = self.find(callref)
        if call is None:
            return False
        spans = self.paused.setdefault(id(call), [])
        now = self.max_ts  # from the next packet on: the span holds exactly the packets stored without payload
        if on and not (spans and spans[-1][1] is None):
            spans.append([now, None])
        elif not on and spans and spans[-1][1] is None:
            spans[-1][1] = now
        if call.pcap is not None:
            call.pcap.paused = on
        return True

    # ------------------------------------------------------------------ active call rows
    def snapshot(self, wall):
        now = self.now(wall)
        rows = []
        for call in self.analyzer.call_list:
            for flow in call.flows:
                flow.flush()
            rows.append(self._row(call, now))
        return rows

    def _row(self, call, now):
        row = {
            "callreference": self.callref(call),
            "callid": call.call_id,
            "calldate": call.first_ts,
            "lastpackettime": call.last_ts,
            "duration": round((now or call.last_ts) - call.first_ts, 3),
            "connect_duration": round((now or call.last_ts) - call.t2xx, 3) if call.t2xx else 0,
            "caller": call.caller or "",
            "called": call.called or "",
            "callername": call.callername or "",
            "callerdomain": call.caller_domain or "",
            "calleddomain": call.called_domain or "",
            "calleragent": call.a_ua or "",
            "calledagent": call.b_ua or "",
            "callerip": call.caller_ip,
            "calledip": call.called_ip,
            "lastSIPresponseNum": call.last_code or 0,
            "vlan": call.vlan,
            "state": _state(call),
            "recording_paused": bool(call.pcap is not None and call.pcap.paused),
            "pauses": [list(s) for s in self.paused.get(id(call), [])],
        }
        for prefix, side in (("src", "caller"), ("dst", "callee")):
            row.update(self._side(call, side, prefix, now))
        return row

    def _side(self, call, side, prefix, now):
        best = None
        for flow in call.flows:
            if not any(c is call and s == side for c, s in flow.call):
                continue
            for st in flow.streams.values():
                if st.received and (best is None or st.received > best[1].received):
                    best = (flow, st)
        out = {f"{prefix}_{k}": None for k in ("rtp", "codec", "received", "loss_abs", "loss", "loss_last10sec")}
        for k in ("mosf1", "mosf2", "mosAD"):
            out.update({f"{prefix}_{k}": None, f"{prefix}_{k}_avg": None, f"{prefix}_{k}_min": None})
        out.update({f"{prefix}_jitter": None, f"{prefix}_jitter_avg": None, f"{prefix}_jitter_max": None})
        if best is None:
            return out
        flow, st = best
        lost = max(st.lost, 0)
        pt = st.payload_pt
        hist = self.loss_hist.setdefault((id(call), side), collections.deque())
        hist.append((now, st.received, lost))
        while len(hist) > 1 and now - hist[0][0] > LOSS_WINDOW:
            hist.popleft()
        d_recv, d_lost = st.received - hist[0][1], lost - hist[0][2]
        out.update(
            {
                f"{prefix}_rtp": f"{flow.saddr}:{flow.sport} -> {flow.daddr}:{flow.dport}",
                f"{prefix}_codec": flow.media.codec_of(pt) if flow.media is not None and pt is not None else pt,
                f"{prefix}_received": st.received,
                f"{prefix}_loss_abs": lost,
                f"{prefix}_loss": round(100.0 * lost / (st.received + lost), 2) if st.received + lost else 0.0,
                f"{prefix}_loss_last10sec": round(100.0 * d_lost / (d_recv + d_lost), 2)
                if d_recv + d_lost > 0
                else 0.0,
                f"{prefix}_jitter": round(st.jitter, 1),
                f"{prefix}_jitter_avg": round(st.avg_jitter, 1),
                f"{prefix}_jitter_max": round(st.jitter_max, 1),
            }
        )
        # the closed 10-s intervals (the open one is scored when the call ends)
        scores = st.playout.scores if st.playout is not None else ()
        for name, score in zip(("mosf1", "mosf2", "mosAD"), scores, strict=False):
            k = ("mosf1", "mosf2", "mosAD").index(name)
            if score.avg is None:
                continue
            out[f"{prefix}_{name}"] = score.last
            out[f"{prefix}_{name}_avg"] = int(score.avg) if k == 0 else int(score.avg + 0.5)
            out[f"{prefix}_{name}_min"] = score.worst
        return out


def _state(call):
    if call.bye_ts is not None or call_ended(call):
        return "terminating"
    if call.answered:
        return "connected"
    if call.t18x is not None:
        return "ringing"
    return "trying"


class LiveEngine:
    """Every sensor's pipe. ``packet`` and ``tick`` must be called from one thread."""

    def __init__(self, work_dir, timers=None, wall=time.time):
        self.work_dir, self.timers, self.wall = work_dir, timers or LiveTimers(), wall
        self.pipes = {}

    def pipe(self, sensor, custom_headers=(), match_header=None):
        pipe = self.pipes.get(sensor)
        if pipe is None:
            folder = os.path.join(self.work_dir, str(sensor))  # per sensor: the same Call-ID may come from two
            os.makedirs(folder, exist_ok=True)
            pipe = self.pipes[sensor] = SensorPipe(sensor, folder, custom_headers, match_header, self.timers)
        return pipe

    def packet(self, sensor, pkt, **settings):
        return self.pipe(sensor, **settings).add(pkt, self.wall())

    def tick(self):
        """Fold queued packets and return the calls that ended."""
        wall = self.wall()
        closed = []
        for pipe in self.pipes.values():
            pipe.fold()
            closed.extend(pipe.close_due(wall))
        return closed

    def close_all(self):
        wall = self.wall()
        closed = []
        for pipe in self.pipes.values():
            pipe.fold()
            closed.extend(pipe.close_all(wall))
        return closed

    def housekeeping(self):
        for pipe in self.pipes.values():
            pipe.analyzer.housekeeping()

    def active_count(self):
        return sum(len(p.analyzer.calls) for p in self.pipes.values())
