"""Per-stream RTP statistics, fed in chunks so the per-packet hot path only appends bytes.

The analyzer appends each RTP packet's arrival time and its 12-byte fixed header to an ``RtpFlow``
(one per 5-tuple); every CHUNK_MAX packets, and at the end, the chunk is decoded with numpy, split
by SSRC (an SSRC change is a new stream, as the sniffer does) and folded into ``StreamStats``.
"""

from array import array

import numpy as np

from apps.core.codecs import clock_rate

from . import metrics
from .playout import StreamPlayout

CHUNK_MAX = 2048
HDR = np.dtype([("b0", "u1"), ("b1", "u1"), ("seq", ">u2"), ("ts", ">u4"), ("ssrc", ">u4")])


class StreamStats:
    """Counters of one SSRC on one 5-tuple; see cdr-model.md for every definition."""

    def __init__(self, ssrc, clock_of_pt, event_pts):
        self.ssrc = ssrc
        self.clock_of_pt = clock_of_pt
        self.event_pts = event_pts
        self.received = 0
        self.first_arrival = self.last_arrival = None
        self.first_ext = self.max_ext = self.last_seq = self.last_ext = None
        self.reordered = 0
        self.sl = [0] * 10
        self.dhist = np.zeros(7, dtype=np.int64)
        self.jitter = 0.0
        self.jitter_sum = 0.0
        self.jitter_cnt = 0
        self.jitter_max = 0.0
        self.last_voice = None  # (arrival, ts) of the previous voice packet
        self.pt_counts = {}
        self.ts_steps = {}
        self.playout = None  # the sniffer's sequence validation, jitter buffers and MOS (playout.py)

    # -------------------------------------------------------------- folding a chunk
    def fold(self, arr, seq, ts, b1):
        n = len(arr)
        pt = b1 & 0x7F
        if n == 0:
            return
        if self.first_arrival is None:
            self.first_arrival = float(arr[0])
            self.first_ext = self.max_ext = self.last_ext = int(seq[0]) - 1
            self.last_seq = (int(seq[0]) - 1) & 0xFFFF
        self.last_arrival = float(arr[-1])
        self.received += n
        for p, c in zip(*np.unique(pt, return_counts=True), strict=False):
            self.pt_counts[int(p)] = self.pt_counts.get(int(p), 0) + int(c)

        # sequence numbers: extend against the previous packet, gaps and reorders against the max
        s = seq.astype(np.int64)
        prev = np.concatenate(([self.last_seq], s[:-1]))
        step = ((s - prev + 32768) % 65536) - 32768
        ext = self.last_ext + np.cumsum(step)
        runmax = np.maximum.accumulate(np.concatenate(([self.max_ext], ext)))[:-1]
        gap = np.where(ext > runmax + 1, ext - runmax - 1, 0)
        self.reordered += int(np.count_nonzero(ext < runmax))
        for g in gap[gap > 0].tolist():
            self.sl[metrics.loss_burst_bucket(int(g))] += 1
        self.max_ext = max(self.max_ext, int(ext.max()))
        self.last_ext, self.last_seq = int(ext[-1]), int(s[-1])

        # jitter and delay histogram on voice packets only (telephone-events are skipped)
        voice = ~np.isin(pt, list(self.event_pts)) if self.event_pts else np.ones(n, dtype=bool)
        va, vt, vpt = arr[voice], ts[voice].astype(np.int64), pt[voice]
        if len(va):
            clock = np.array([self.clock_of_pt(int(p)) for p in np.unique(vpt)])
            clock_ms = clock[np.searchsorted(np.unique(vpt), vpt)] / 1000.0
            if self.last_voice is None:
                pa, pts_ = np.concatenate(([va[0]], va[:-1])), np.concatenate(([vt[0]], vt[:-1]))
                first_skip = 1
            else:
                pa = np.concatenate(([self.last_voice[0]], va[:-1]))
                pts_ = np.concatenate(([self.last_voice[1]], vt[:-1]))
                first_skip = 0
            tsd = ((vt - pts_ + 2**31) % 2**32) - 2**31
            d = (va - pa) * 1000.0 - tsd / clock_ms
            d = np.where(np.abs(d) > metrics.JITTER_JUMP_MS, 0.0, d)[first_skip:]
            seq_ok = (step[voice] == 1)[first_skip:]
            tsd_ok = tsd[first_skip:][seq_ok]
            for v, c in zip(*np.unique(tsd_ok[tsd_ok > 0], return_counts=True), strict=False):
                self.ts_steps[int(v)] = self.ts_steps.get(int(v), 0) + int(c)
            j, self.jitter = metrics.chunk_jitter(d, self.jitter)
            if len(j):
                self.jitter_sum += float(j.sum())
                self.jitter_cnt += len(j)
                self.jitter_max = max(self.jitter_max, float(j.max()))
                self.dhist += metrics.chunk_delay_hist(d)
            self.last_voice = (float(va[-1]), int(vt[-1]))
        if self.playout is None:
            vp = self.payload_pt
            self.playout = StreamPlayout(self.clock_of_pt(vp if vp is not None else 0))
        self.playout.feed(arr, seq, ts, b1, voice, self.ptime_ms())

    # -------------------------------------------------------------- results
    @property
    def lost(self):
        if self.first_ext is None:
            return 0
        return (self.max_ext - self.first_ext) - self.received

    @property
    def payload_pt(self):
        voice = {p: c for p, c in self.pt_counts.items() if p not in self.event_pts}
        counts = voice or self.pt_counts
        return max(counts, key=counts.get) if counts else None

    def ptime_ms(self):
        if not self.ts_steps:
            return None
        step = max(self.ts_steps, key=self.ts_steps.get)
        pt = self.payload_pt
        return int(round(step * 1000.0 / self.clock_of_pt(pt if pt is not None else 0)))

    @property
    def avg_jitter(self):
        return self.jitter_sum / self.jitter_cnt if self.jitter_cnt else 0.0


class RtpFlow:
    """One UDP 5-tuple carrying RTP: raw headers are buffered and folded per chunk."""

    __slots__ = (
        "saddr",
        "sport",
        "daddr",
        "dport",
        "call",
        "side",
        "arr",
        "hdr",
        "streams",
        "media",
        "event_pts",
        "clock_of_pt",
        "writer",
        "first_ts",
        "srtp",
        "dtmf_seen",
        "last_rtcp",
        "dscp",
    )

    def __init__(self, saddr, sport, daddr, dport, call=None, media=None):
        self.saddr, self.sport, self.daddr, self.dport = saddr, sport, daddr, dport
        self.call, self.media, self.side = call, media, None
        self.arr = array("d")
        self.hdr = bytearray()
        self.streams = {}
        self.event_pts = set()
        self.writer = []
        self.dtmf_seen = set()
        self.last_rtcp = None
        self.first_ts = None
        self.dscp = 0  # of the flow's first packet
        self.srtp = bool(media is not None and "SAVP" in media.proto.upper())
        rtpmap = dict(media.rtpmap) if media is not None else {}
        for pt, (name, _clock) in rtpmap.items():
            if name.lower() == "telephone-event":
                self.event_pts.add(pt)
        self.clock_of_pt = _clock_lookup(rtpmap)

    def flush(self):
        if not self.arr:
            return
        arr = np.frombuffer(self.arr, dtype=np.float64).copy()
        hdr = np.frombuffer(bytes(self.hdr), dtype=HDR)
        self.arr = array("d")
        self.hdr = bytearray()
        ssrc = hdr["ssrc"]
        for s in np.unique(ssrc).tolist() if len(ssrc) and (ssrc != ssrc[0]).any() else [int(ssrc[0])]:
            m = ssrc == s
            st = self.streams.get(s)
            if st is None:
                st = self.streams[s] = StreamStats(s, self.clock_of_pt, self.event_pts)
            st.fold(arr[m], hdr["seq"][m], hdr["ts"][m], hdr["b1"][m])


def _clock_lookup(rtpmap):
    cache = {}

    def clock_of_pt(pt):
        c = cache.get(pt)
        if c is None:
            c = cache[pt] = clock_rate(pt, rtpmap.get(pt, (None, None))[1])
        return c

    return clock_of_pt


def rtp_header_ok(payload):
    """Cheap RTP plausibility test for heuristic detection: version 2, sane payload type."""
    if len(payload) < 12 or payload[0] >> 6 != 2:
        return False
    pt = payload[1] & 0x7F
    return not (72 <= pt <= 76)  # RTCP packet types would show here
