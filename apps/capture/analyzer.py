"""One pass over a capture: SIP dialogs, RTP/RTCP streams, per-call pcaps, call records.

The loop has a hot path for the bulk of the traffic (RTP of a known 5-tuple over IPv4 without
options or fragments): it slices the 12-byte address key out of the frame, finds the flow in a dict
and appends the arrival time and the RTP header bytes; no per-packet object is built. Everything
else (SIP, RTCP, first packets of a flow, IPv6, VLAN, fragments, TCP) takes the general path.
"""

import os
import socket

from . import netparse
from .calls import CallState
from .cdr import CallData, call_data_build, orphan_stream_dict
from .pcapio import CaptureFormatError, PcapSource
from .pcapwriter import CallPcap
from .rtcp import RtcpBook, rtcp_looks_valid
from .rtpstats import CHUNK_MAX, RtpFlow, rtp_header_ok
from .sip import sip_parse
from .tcpreasm import TcpStreams, looks_like_sip

HEURISTIC_MIN = 4
MAX_CANDIDATES = 20000
DTMF_DIGITS = "0123456789*#ABCD"
FAST_L3 = {netparse.LINK_ETHERNET: (14, 12, b"\x08\x00"), netparse.LINK_SLL: (16, 14, b"\x08\x00"),
           netparse.LINK_SLL2: (20, 0, b"\x08\x00")}


class CaptureError(Exception):
    """The file is not a capture at all; nothing was written."""


class AnalysisResult:
    def __init__(self, calls, orphan_streams, stats):
        self.calls, self.orphan_streams, self.stats = calls, orphan_streams, stats


def ip_text(raw):
    return socket.inet_ntop(socket.AF_INET if len(raw) == 4 else socket.AF_INET6, raw)


def ip_raw(text):
    try:
        return socket.inet_pton(socket.AF_INET6 if ":" in text else socket.AF_INET, text)
    except (OSError, TypeError):
        return None


class Analyzer:
    def __init__(self, out_dir, custom_headers, match_header, source):
        self.out_dir, self.custom_headers, self.match_header = out_dir, tuple(custom_headers), match_header
        self.source = source
        self.flows = {}
        self.endpoints = {}
        self.rtcp_ports = set()
        self.candidates = {}
        self.calls = {}
        self.call_list = []
        self.orphans = []
        self.reasm = netparse.Reassembler()
        self.tcp = TcpStreams()
        self.rtcp = RtcpBook()
        self.used_names = set()
        self.stats = {"packets": 0, "bytes": 0, "sip_messages": 0, "calls": 0, "orphan_streams": 0,
                      "errors": 0, "truncated": False}

    # ------------------------------------------------------------------ main loop
    def run(self, progress=None):
        self.feed(self.source, progress)
        if progress is not None:
            progress(self.source.total_bytes, self.source.total_bytes)

    def feed(self, packets, progress=None):
        """Fold ``(ts, linktype, data, rawhdr)`` packets in: the whole file, or a live batch."""
        src = self.source
        flows = self.flows
        npk = nbytes = 0
        chunk = CHUNK_MAX
        for ts, lt, data, rawhdr in packets:
            npk += 1
            nbytes += len(data)
            fast = FAST_L3.get(lt)
            if fast is not None:
                off, eo, etype = fast
                if data[eo:eo + 2] == etype and len(data) >= off + 40 and data[off] == 0x45 \
                        and data[off + 9] == 17 and not (data[off + 6] & 0x3F or data[off + 7]):
                    flow = flows.get(data[off + 12:off + 24])
                    if flow is not None and data[off + 28] >> 6 == 2 and not 72 <= data[off + 29] & 0x7F <= 76:
                        if flow.event_pts and data[off + 29] & 0x7F in flow.event_pts:
                            self._dtmf(ts, flow, data[off + 28:])
                        flow.arr.append(ts)
                        flow.hdr += data[off + 28:off + 40]
                        if flow.writer:
                            rec = rawhdr + data if rawhdr is not None else None
                            for w in flow.writer:
                                w.add_rtp(rec if rec is not None and w.raw_ok else w.record(ts, data, rawhdr))
                        if len(flow.arr) >= chunk:
                            flow.flush()
                        continue
            try:
                self._slow(ts, lt, data, rawhdr)
            except (ValueError, IndexError, KeyError, UnicodeError, OverflowError):
                self.stats["errors"] += 1
            if progress is not None and npk % 20000 == 0:
                progress(src.bytes_read, src.total_bytes)
        self.stats["packets"] += npk
        self.stats["bytes"] += nbytes

    def _slow(self, ts, lt, data, rawhdr):
        self.reasm.frame = (ts, data, rawhdr)
        d = netparse.decode(lt, data, ts, self.reasm)
        if d is None:
            return
        frames = self.reasm.take_frames() or [(ts, data, rawhdr)]
        if d.proto == 6:
            key = (d.src, d.sport, d.dst, d.dport)
            for raw in self.tcp.feed(key, d.tcp_seq, d.tcp_flags, d.l4):
                self._sip(ts, raw, d, frames, "TCP")
            return
        payload = d.l4
        if looks_like_sip(payload):
            self._sip(ts, payload, d, frames, "UDP")
            return
        if len(payload) < 8:
            return
        key = d.src + d.dst + d.sport.to_bytes(2, "big") + d.dport.to_bytes(2, "big")
        flow = self.flows.get(key)
        if payload[0] >> 6 == 2 and 72 <= (payload[1] & 0x7F) <= 76:
            if (d.dst, d.dport) in self.rtcp_ports or rtcp_looks_valid(payload):
                self.rtcp.add(payload, ts)
                owner = flow or self._rtcp_owner(d)
                if owner is not None:
                    owner.last_rtcp = ts
                self._write_rtp(owner, ts, frames)
            return
        if flow is None:
            flow = self._flow_for(d, key)
        if flow is None or not rtp_header_ok(payload):
            return
        if flow.event_pts and payload[1] & 0x7F in flow.event_pts:
            self._dtmf(ts, flow, payload)
        flow.arr.append(ts)
        flow.hdr += payload[:12]
        self._write_rtp(flow, ts, frames)
        if len(flow.arr) >= CHUNK_MAX:
            flow.flush()

    def _rtcp_owner(self, d):
        """The RTP flow this RTCP belongs to: same hosts, RTP ports one below (or the same, muxed)."""
        for ds, dd in ((1, 1), (0, 0)):
            for a, b, pa, pb in ((d.src, d.dst, d.sport, d.dport), (d.dst, d.src, d.dport, d.sport)):
                flow = self.flows.get(a + b + (pa - ds).to_bytes(2, "big") + (pb - dd).to_bytes(2, "big"))
                if flow is not None and flow.call:
                    return flow
        return None

    def _write_rtp(self, flow, ts, frames):
        if flow is not None and flow.writer:
            for w in flow.writer:
                for fts, fdata, frh in frames:
                    w.add_rtp(w.record(fts, fdata, frh))

    # ------------------------------------------------------------------ RTP flows
    def _flow_for(self, d, key):
        """A new 5-tuple: attach it to the calls whose SDP announced its destination, else try
        heuristic detection (orphan RTP)."""
        owners = self.endpoints.get((d.dst, d.dport))
        if not owners:
            # sent from an announced address to somewhere else (relay, NAT): the announcer sends it
            flip = {"caller": "callee", "callee": "caller"}
            owners = [(c, flip[s], m) for c, s, m in self.endpoints.get((d.src, d.sport), ())]
        if owners:
            flow = RtpFlow(ip_text(d.src), d.sport, ip_text(d.dst), d.dport, media=owners[-1][2])
            flow.dscp = d.dscp
            flow.call = []
            for call, side, _media in owners:
                if all(c is not call for c, _ in flow.call):
                    flow.call.append((call, side))
                    call.flows.append(flow)
            flow.writer = [c.pcap for c, _ in flow.call if c.pcap is not None]
            self.flows[key] = flow
            return flow
        return self._heuristic(d, key)

    def _heuristic(self, d, key):
        p = d.l4
        if not rtp_header_ok(p):
            return None
        ssrc, seq = p[8:12], (p[2] << 8) | p[3]
        cand = self.candidates.get(key)
        ts = self.reasm.frame[0]
        if cand is None or cand[0] != ssrc or (seq - cand[1]) & 0xFFFF not in (1, 2, 3):
            if len(self.candidates) > MAX_CANDIDATES:
                self.candidates.clear()
            self.candidates[key] = [ssrc, seq, [(ts, bytes(p[:12]))]]
            return None
        cand[1] = seq
        if len(cand[2]) + 1 < HEURISTIC_MIN:
            cand[2].append((ts, bytes(p[:12])))
            return None
        del self.candidates[key]
        flow = RtpFlow(ip_text(d.src), d.sport, ip_text(d.dst), d.dport)
        flow.dscp = d.dscp
        flow.call = []
        for early_ts, hdr in cand[2]:  # the packets that proved it was RTP count too
            flow.arr.append(early_ts)
            flow.hdr += hdr
        self.flows[key] = flow
        return flow

    def _dtmf(self, ts, flow, rtp):
        rtp_ts, payload = rtp[4:8], rtp[12:]
        if len(payload) < 4 or payload[0] > 15:
            return
        # one event is repeated in several packets sharing its RTP timestamp; count it once
        if rtp_ts in flow.dtmf_seen:
            return
        flow.dtmf_seen.add(rtp_ts)
        for call, _side in flow.call:
            call.dtmf.append({"time": round(ts - call.first_ts, 3), "digit": DTMF_DIGITS[payload[0]],
                              "saddr": flow.saddr, "daddr": flow.daddr, "type": "rfc2833"})

    # ------------------------------------------------------------------ SIP
    def _sip(self, ts, raw, d, frames, proto):
        msg = sip_parse(raw)
        if msg is None:
            return
        self.stats["sip_messages"] += 1
        cid = msg.call_id
        call = self.calls.get(cid)
        if call is None:
            if msg.method != "INVITE":
                if msg.is_request:
                    key = msg.method.lower()
                    self.stats[key] = self.stats.get(key, 0) + 1
                return
            call = CallState(cid, ts, msg, ip_text(d.src), d.sport, ip_text(d.dst), d.dport, d.vlan)
            self.calls[cid] = call
            self.call_list.append(call)
            if self.out_dir is not None:
                call.pcap = CallPcap(self.out_dir, cid, self.used_names, self.source.linktype,
                                     self.source.global_header)
        media, by_caller = call.on_message(ts, msg, d.src, d.sport, d.dst, d.dport, self.custom_headers,
                                           self.match_header, d.dscp)
        call.sip_messages.append({"time": ts, "src": ip_text(d.src), "sport": d.sport, "dst": ip_text(d.dst),
                                  "dport": d.dport, "protocol": proto, "first_line": msg.first_line,
                                  "text": raw.decode("utf-8", "replace")})
        if call.pcap is not None:
            for fts, fdata, frh in frames:
                call.pcap.add_sip(call.pcap.record(fts, fdata, frh))
        if msg.method == "INFO" and b"ignal" in msg.body:
            self._sip_info_dtmf(ts, call, msg, d)
        for m in media or ():
            self._register_media(call, m, by_caller)

    def _sip_info_dtmf(self, ts, call, msg, d):
        for line in msg.body.decode("utf-8", "replace").splitlines():
            name, _, value = line.partition("=")
            if name.strip().lower() == "signal" and value.strip():
                call.dtmf.append({"time": round(ts - call.first_ts, 3), "digit": value.strip()[:1],
                                  "saddr": ip_text(d.src), "daddr": ip_text(d.dst), "type": "sip_info"})

    def _register_media(self, call, media, by_caller):
        if not media.port or not media.addr or media.addr in ("0.0.0.0", "::"):
            return
        raw = ip_raw(media.addr)
        if raw is None:
            return
        side = "callee" if by_caller else "caller"
        owners = self.endpoints.setdefault((raw, media.port), [])
        if not any(c is call and s == side for c, s, _ in owners):
            owners.append((call, side, media))
        self.rtcp_ports.add((raw, media.rtcp_port or media.port + 1))
        for key, flow in list(self.flows.items()):
            if flow.daddr == media.addr and flow.dport == media.port and all(c is not call for c, _ in flow.call):
                if not flow.call:  # an orphan until now: close it, later packets open a call flow
                    self._retire(key, flow)
                else:
                    flow.call.append((call, side))
                    call.flows.append(flow)
                    if call.pcap is not None:
                        flow.writer.append(call.pcap)

    def _retire(self, key, flow):
        flow.flush()
        del self.flows[key]
        self.orphans.append(flow)

    # ------------------------------------------------------------------ results
    def finish(self):
        for flow in self.flows.values():
            flow.flush()
            if not flow.call:
                self.orphans.append(flow)
        calls = []
        for call in self.call_list:
            calls.append(call_data_build(call, self.rtcp))
            if call.pcap is not None:
                call.pcap.finish()
                calls[-1].pcap_sip_path, calls[-1].pcap_full_path = call.pcap.sip.final, call.pcap.full.final
        orphans = [o for f in self.orphans for o in orphan_stream_dict(f)]
        self.stats.update(calls=len(calls), orphan_streams=len(orphans))
        return AnalysisResult(calls, orphans, self.stats)

    def abort(self):
        for call in self.call_list:
            if call.pcap is not None:
                call.pcap.abort()


def analyze_capture(path, out_dir=None, custom_headers=(), match_header=None, progress=None):
    """Analyse a pcap/pcapng file; see the module docstring. Raises CaptureError for a non-capture."""
    try:
        source = PcapSource(path)
    except CaptureFormatError as exc:
        raise CaptureError(str(exc)) from exc
    except OSError as exc:
        raise CaptureError(f"cannot read capture: {exc}") from exc
    if out_dir is not None:
        os.makedirs(out_dir, exist_ok=True)
    analyzer = Analyzer(out_dir, custom_headers, match_header, source)
    try:
        analyzer.run(progress)
        analyzer.stats["truncated"] = source.truncated
        analyzer.stats["errors"] += source.errors
        return analyzer.finish()
    except BaseException:
        analyzer.abort()
        raise
    finally:
        source.close()


__all__ = ["AnalysisResult", "CallData", "CaptureError", "analyze_capture"]
