"""The VoIPmonitor sniffer's listener-side quality figures of one RTP stream. No Django import.

Implemented from `shared/spec/sniffer-mos-method.md` (a description of the sniffer's method, not its
code) so that `*_mos_f1/f2/adapt_mult10`, their `_min_` variants and `*_lost/received/reordered`
come out as the sniffer stores them:

- Sequence validation (RFC 3550 appendix A.1 with the sniffer's probation): the first packet only
  seeds the state, two in-sequence packets end probation, a gap during probation restarts it. The
  packets counted after probation are ``received`` for the loss ratio; the ``received`` column is
  that count plus the two probation packets (a one-packet stream shows 2, as the sniffer does).
- Three simulated jitter buffers, fed with every voice frame (``ts`` in ms, ``len`` = ptime) on the
  capture clock: a fixed 50 ms (resync 100) and a fixed 200 ms (resync 200) buffer in the manner of
  Asterisk's fixed buffer, and Asterisk's adaptive buffer (``jitterbuf.c``: target = jitter of a
  500-frame delay history with the top and bottom 3 % ignored, + 40 ms, at most 500 ms, resync 500,
  10 contiguous interpolations put it into silence mode).
- The playout clock: it starts at the first frame's arrival; before each new frame is put, one get
  happens for every ptime by which the frame's arrival passes the clock by at least two ptimes.
- A get that delivers nothing (interpolation, drop, no frame) adds one to the pending burst; a frame
  put after its slot passed adds one more; the pending burst is booked (``loss[n] += 1``) only when
  the next frame is delivered, unless that frame has the marker bit, follows its predecessor in
  sequence with a timestamp jump (silence), follows a DTMF packet, or n >= 1024.
- Intervals: a trigger packet more than 10 s after the previous trigger (or the first packet), the
  interval evaluated 20 packets later; one more at the end if more than 1 s passed since the last.
  Each interval's MOS is an integer (round(MOS * 10)); the call's value is their time-weighted mean,
  truncated for f1 and rounded for f2 and adapt; ``_min_`` is the worst interval (start 45).

Where the method, not the data, makes us differ from the sniffer is in docs/decisions.md.
"""

import numpy as np

from apps.core.quality import mos_from_interval

# the method's parameters (sniffer defaults); playout_kernel compiles them in
F1_MS, F1_RESYNC = 50, 100  # fixed buffer of mos_f1: size, resync threshold (ms)
F2_MS, F2_RESYNC = 200, 200  # fixed buffer of mos_f2
ADAPT_MAX_MS, ADAPT_RESYNC, ADAPT_MAX_CONTIG_INTERP, ADAPT_TARGET_EXTRA = 500, 500, 10, 40  # mos_adapt
HISTORY, DROP_PCT, MAXBUF, ADJUST_DELAY = 500, 3, 20, 40  # jitterbuf.c: delay history, outliers, regrowth
IGNORE_BURST_FROM = 1024  # ignore_mos_degradation_for_contiguous_packet_loss_greater_than
MIN_SEQUENTIAL = 2  # RFC 3550 probation
MAX_DROPOUT, MAX_MISORDER, SEQ_MOD = 3000, 100, 65536  # RFC 3550 A.1
INTERVAL_MS = 10000  # a new interval is triggered by the first packet more than this after the last trigger
INTERVAL_LAG_PACKETS = 20  # ... and scored this many packets later
FINAL_INTERVAL_MIN_MS = 1000  # the closing interval is scored only if this much packet time passed
NO_MOS = 45  # 4.5: a stream with no scored interval


def _kernel():
    """The compiled loop, imported on first use: numba costs ~100 MB of memory in every process that
    loads it, and web processes read RTP (media) without ever scoring it."""
    from . import playout_kernel

    return playout_kernel


class Score:
    """The intervals of one MOS column: the time-weighted mean of their integers and the worst one."""

    __slots__ = ("avg", "t_old", "worst", "last")

    def __init__(self):
        self.avg, self.t_old, self.worst = None, 0, NO_MOS
        self.last = None  # the latest closed interval (live calls show it as the current MOS)

    def close_interval(self, lost, bursts, received, t_new):
        mos = int(mos_from_interval(lost, bursts, received) * 10 + 0.5)
        if self.avg is None or t_new <= 0:
            self.avg = mos
        else:
            self.avg = (self.avg * self.t_old + mos * (t_new - self.t_old)) / t_new
        self.t_old = t_new
        self.worst = min(self.worst, mos)
        self.last = mos


class StreamPlayout:
    """Feed a stream's packets in arrival order (in chunks); read the sniffer's figures at the end.
    The packet loop is playout_kernel.run_chunk; its state arrays are kept here between chunks."""

    def __init__(self, clock_rate=8000):
        self.k = _kernel()
        self.clock_khz = max(1, clock_rate // 1000)
        self.ptime = None
        self.st = self._sl = self.fixed = self.adapt = self.hring = self.hsort = None  # on the first chunk
        self.scores = (Score(), Score(), Score())
        self.mark = np.zeros(7, dtype=np.int64)  # received and (lost, bursts) x 3 at the last interval

    def feed(self, arrival, seq, ts, b1, voice, ptime_hint=None):
        """One chunk: arrival times (s), sequence numbers, RTP timestamps, second header byte and a
        voice mask (False for telephone-event packets), as numpy arrays of equal length."""
        if not len(arrival):
            return
        if self.ptime is None:
            self.ptime = min(max(int(ptime_hint or 20), 1), 1000)
            self.st, self._sl, self.fixed, self.adapt, self.hring, self.hsort = self.k.new_state(self.ptime)
        arrival_us = np.rint(np.asarray(arrival, dtype=np.float64) * 1e6).astype(np.int64)
        events = np.zeros((len(arrival_us) // INTERVAL_LAG_PACKETS + 2, 8), dtype=np.int64)
        n = self.k.run_chunk(arrival_us, np.asarray(seq, dtype=np.int64), np.asarray(ts, dtype=np.int64),
                             np.asarray(b1, dtype=np.int64), np.asarray(voice, dtype=np.bool_), self.ptime,
                             self.clock_khz, self.st, self._sl, self.fixed, self.adapt, self.hring, self.hsort,
                             events)  # fmt: skip
        for row in events[:n]:
            self._close(row)

    def _close(self, row):
        now_ms, totals = int(row[0]), row[1:]
        delta = (totals - self.mark).tolist()
        self.mark = totals.copy()
        t_new = now_ms - int(self.st[self.k.K_FIRST_MS])
        for k, score in enumerate(self.scores):
            score.close_interval(delta[1 + 2 * k], delta[2 + 2 * k], delta[0], t_new)

    # ------------------------------------------------------------------ results
    def finish(self):
        """Score the closing interval (once); call before reading the MOS figures."""
        st = self.st
        if st is None or not st[self.k.K_SEEN]:
            return
        last_ms = int(st[self.k.K_LAST_MS])
        if last_ms - int(st[self.k.K_LAST_EVAL]) > FINAL_INTERVAL_MIN_MS:
            row = np.zeros(8, dtype=np.int64)
            self.k.event_row(st, row, last_ms)
            self._close(row)
        st[self.k.K_LAST_EVAL] = last_ms

    def mos_mult10(self, k):
        """(call value, worst interval) x10 of buffer k (0 f1, 1 f2, 2 adapt), as the sniffer stores them."""
        score = self.scores[k]
        if score.avg is None:
            return NO_MOS, NO_MOS
        return (int(score.avg) if k == 0 else int(score.avg + 0.5)), score.worst

    @property
    def received(self):
        """Packets counted by sequence validation (after probation): the loss ratio's denominator."""
        return 0 if self.st is None else int(self.st[self.k.V_RECEIVED])

    @property
    def received_column(self):
        """The sniffer's ``received``: the validated packets plus the probation packets."""
        return self.received + MIN_SEQUENTIAL

    @property
    def lost(self):
        st = self.st
        if st is None or not st[self.k.V_SEEN] or st[self.k.V_PROB]:
            return 0
        return int(st[self.k.V_CYCLES] + st[self.k.V_MAX] - st[self.k.V_BASE] + 1 - st[self.k.V_RECEIVED])

    @property
    def reordered(self):
        return 0 if self.st is None else int(self.st[self.k.V_REORD])

    @property
    def sl(self):
        """Gaps of 1..9 and 10+ packets closed after probation (sl1..sl10)."""
        return [0] * 10 if self._sl is None else self._sl.tolist()
