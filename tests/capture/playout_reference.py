"""A plain-Python reference of the sniffer's method (sniffer-mos-method.md), one object per buffer.

It is the first implementation, written straight from the description and checked against the
sniffer's rows (360/360 synthetic streams); apps/capture/playout_kernel.py is the compiled packet loop
that replaced it in the product. test_playout_kernel.py feeds both the same impaired streams (loss,
reordering, duplicates, late packets, DTMF, marker bits, silence, wraps, chunk boundaries) and
requires the same figures.
"""

import bisect
from collections import deque

import numpy as np

from apps.core.quality import mos_from_interval

F1_MS, F1_RESYNC = 50, 100
F2_MS, F2_RESYNC = 200, 200
ADAPT_MAX_MS, ADAPT_RESYNC, ADAPT_MAX_CONTIG_INTERP, ADAPT_TARGET_EXTRA = 500, 500, 10, 40
INTERVAL_MS = 10000  # a new interval is triggered by the first packet more than this after the last trigger
INTERVAL_LAG_PACKETS = 20  # ... and evaluated this many packets later
FINAL_INTERVAL_MIN_MS = 1000  # the closing interval is evaluated only if this much packet time passed
IGNORE_BURST_FROM = 1024  # ignore_mos_degradation_for_contiguous_packet_loss_greater_than
MIN_SEQUENTIAL = 2
MAX_DROPOUT, MAX_MISORDER, SEQ_MOD = 3000, 100, 65536
NO_MOS = 45

OK, DROP, INTERP, NOFRAME = 0, 1, 2, 3
LONGMAX = 1 << 62


class FixedBuffer:
    """A fixed playout delay: frame k plays at ``rxcore + size + ts_k``; a frame not there by then is
    lost to the listener, one that comes after its slot is dropped (and counted once more)."""

    __slots__ = ("size", "resync", "frames", "rxcore", "next_at", "late")

    def __init__(self, size, resync):
        self.size, self.resync = size, resync
        self.frames = []  # [delivery, ms, ts, frame], ordered by delivery
        self.rxcore = self.next_at = 0
        self.late = 0

    def put_first(self, frame, ms, ts, now):
        self.rxcore = now - ts
        self.next_at = now + self.size
        return self.put(frame, ms, ts, now)

    def put(self, frame, ms, ts, now):
        delivery = self.rxcore + self.size + ts
        frames = self.frames
        if delivery < self.next_at:
            self.late += 1  # its slot has passed: the listener already missed it
            return self._resync(frame, ms, ts, now)
        if delivery > self.next_at + self.size + self.resync:
            return self._resync(frame, ms, ts, now)
        i = len(frames)
        while i and frames[i - 1][0] > delivery:
            i -= 1
        if i:
            prev = frames[i - 1]
            if (
                prev[0] == delivery
                or delivery < prev[0] + prev[1]
                or (i < len(frames) and delivery + ms > frames[i][0])
            ):
                return self._resync(frame, ms, ts, now)
        frames.insert(i, [delivery, ms, ts, frame])
        return OK

    def _resync(self, frame, ms, ts, now):
        frames = self.frames
        if not frames:
            return self.put_first(frame, ms, ts, now)
        tail = frames[-1]
        offset = ts - tail[2] - tail[1]
        if -self.resync < offset < self.resync:
            return DROP
        self.rxcore -= offset
        for f in frames:
            f[2] += offset
        return self.put(frame, ms, ts, now)

    def next(self):
        return self.next_at

    def get(self, now, interp):
        frames = self.frames
        if not frames:
            self.next_at += interp
            return INTERP, None
        head = frames[0]
        if now > head[0] + head[1]:
            del frames[0]
            self.next_at = head[0] + head[1]
            return DROP, None
        if now < head[0]:
            self.next_at += interp
            return INTERP, None
        del frames[0]
        self.next_at = head[0] + head[1]
        return OK, head[3]


class AdaptiveBuffer:
    """Asterisk's adaptive jitter buffer (jitterbuf.c), as the sniffer configures it."""

    __slots__ = (
        "frames",
        "ring",
        "hist_n",
        "ordered",
        "current",
        "target",
        "silence_begin",
        "min",
        "jitter",
        "last_delay",
        "discont",
        "offset",
        "next_voice",
        "last_voice_ms",
        "last_adjust",
        "contig_interp",
    )
    HISTORY = 500
    DROP_PCT = 3
    MAXBUF = 20
    ADJUST_DELAY = 40

    def __init__(self):
        self.frames = []  # [ts - offset, ms, frame], ordered by ts
        self.ring = deque()  # the last HISTORY delays in arrival order
        self.ordered = []  # the same delays, sorted
        self.hist_n = 0
        self.current = self.target = ADAPT_TARGET_EXTRA
        self.silence_begin = -1
        self.min = self.jitter = self.last_delay = self.discont = self.offset = 0
        self.next_voice = self.last_voice_ms = self.last_adjust = self.contig_interp = 0

    def put_first(self, frame, ms, ts, now):
        self.offset = ts
        return self.put(frame, ms, ts, now)

    def put(self, frame, ms, ts, now):
        delay = now - (ts - self.offset)
        frames = self.frames
        if frames and frames[-1][0] - frames[0][0] >= ADAPT_MAX_MS:
            return DROP
        if abs(delay - self.last_delay) > 2 * self.jitter + ADAPT_RESYNC:
            self.discont += 1
            if self.discont <= 3:
                return DROP
            self.discont = 0
            self.ring.clear()
            self.ordered = []
            self.offset = ts - now
            self.last_delay = delay = 0
        else:
            self.last_delay = delay
            self.discont = 0
        if ts > 0:
            ring, ordered = self.ring, self.ordered
            if len(ring) == self.HISTORY:
                del ordered[bisect.bisect_left(ordered, ring.popleft())]
            ring.append(delay)
            bisect.insort(ordered, delay)
        rts = ts - self.offset
        i = len(frames)
        while i and rts < frames[i - 1][0]:
            i -= 1
        frames.insert(i, [rts, ms, frame])
        return OK

    def _history(self):
        ordered = self.ordered
        n = len(ordered)
        if not n:
            self.min = self.jitter = 0
            return
        idx = min(n * self.DROP_PCT // 100, self.MAXBUF - 1)
        self.min = ordered[idx]
        self.jitter = ordered[-1 - idx] - self.min

    def next(self):
        if self.silence_begin:
            if not self.frames:
                return LONGMAX
            self._history()
            if self.jitter + self.min + ADAPT_TARGET_EXTRA - self.current < -ADAPT_TARGET_EXTRA:
                return self.last_adjust + 10
            return self.frames[0][0] + self.target
        return self.next_voice

    def get(self, now, interp):
        self._history()
        target = self.jitter + self.min + ADAPT_TARGET_EXTRA
        if target - self.min > ADAPT_MAX_MS:
            target = self.min + ADAPT_MAX_MS
        self.target = target
        diff = target - self.current
        frames = self.frames
        if not self.silence_begin:
            if diff > 0 and (self.last_adjust + self.ADJUST_DELAY < now
                             or diff > ((frames[-1][0] - frames[0][0]) if frames else 0)):  # fmt: skip
                self.current += interp
                self.next_voice += interp
                self.last_voice_ms = interp
                self.last_adjust = now
                self._interpolated()
                return INTERP, None
            frame = frames.pop(0) if frames and self.next_voice - self.current >= frames[0][0] else None
            if frame is not None and frame[0] + self.current < self.next_voice:
                if frame[0] + self.current > self.next_voice - self.last_voice_ms:
                    self.next_voice = frame[0] + self.current + frame[1]
                    self.contig_interp = 0
                    return OK, frame[2]
                return DROP, None  # too late
            if frame is not None and frame[1] > 0:
                self.last_voice_ms = frame[1]
            if diff < -ADAPT_TARGET_EXTRA and ((frame is None and self.last_adjust + 80 < now)
                                               or self.last_adjust + 500 < now):  # fmt: skip
                self.last_adjust = now
                self.contig_interp = 0
                if frame is not None:
                    self.current -= frame[1]
                    return DROP, None  # shrinking
                self.current -= self.last_voice_ms
                return NOFRAME, None
            if frame is None:
                self.next_voice += interp
                self.last_voice_ms = interp
                self._interpolated()
                return INTERP, None
            self.next_voice += frame[1]
            self.contig_interp = 0
            return OK, frame[2]
        if diff < -ADAPT_TARGET_EXTRA and self.last_adjust + 10 <= now:
            self.current -= interp
            self.last_adjust = now
        frame = frames.pop(0) if frames and now - self.current >= frames[0][0] else None
        if frame is None:
            return NOFRAME, None
        if frame[0] < self.silence_begin:
            return DROP, None
        self.current = target
        self.silence_begin = 0
        self.next_voice = frame[0] + self.current + frame[1]
        self.last_voice_ms = frame[1]
        return OK, frame[2]

    def _interpolated(self):
        self.contig_interp += 1
        if self.contig_interp >= ADAPT_MAX_CONTIG_INTERP:
            self.silence_begin = self.next_voice - self.current


class Listener:
    """One simulated buffer with the loss booking and the interval accumulators of one MOS column."""

    __slots__ = (
        "jb",
        "started",
        "next_at",
        "pending",
        "loss",
        "booked",
        "prev",
        "after_dtmf",
        "mark",
        "avg",
        "t_old",
        "worst",
    )

    def __init__(self, jb):
        self.jb = jb
        self.started = False
        self.next_at = 0
        self.pending = 0
        self.loss = {}  # burst length -> bursts booked
        self.booked = [0, 0]  # (lost, bursts) booked so far
        self.mark = (0, 0)  # booked at the last interval
        self.prev = None  # (seq, ts) of the last delivered frame
        self.after_dtmf = False
        self.avg = None
        self.t_old = 0
        self.worst = NO_MOS

    def put(self, frame, ms, ts, now):
        jb = self.jb
        if self.started:
            jb.put(frame, ms, ts, now)
        else:
            self.started = True
            jb.put_first(frame, ms, ts, now)
        self.next_at = jb.next()
        if getattr(jb, "late", 0):
            self.pending += jb.late
            jb.late = 0

    def tick(self, now, interp):
        if not self.started or now < self.next_at:
            return
        res, frame = self.jb.get(now, interp)
        if res == OK:
            n, self.pending = self.pending, 0
            seq, ts, marker, ts_step = frame
            prev, self.prev = self.prev, (seq, ts)
            after_dtmf, self.after_dtmf = self.after_dtmf, False
            if 0 < n < IGNORE_BURST_FROM and not marker and not after_dtmf:
                if prev is None or not (seq == (prev[0] + 1) & 0xFFFF and ts - prev[1] > ts_step):
                    self.loss[n] = self.loss.get(n, 0) + 1
                    self.booked[0] += n
                    self.booked[1] += 1
        else:
            self.pending += 1
        self.next_at = self.jb.next()

    def close_interval(self, received, t_new):
        lost, bursts = self.booked[0] - self.mark[0], self.booked[1] - self.mark[1]
        self.mark = tuple(self.booked)
        mos = int(mos_from_interval(lost, bursts, received) * 10 + 0.5)
        if self.avg is None or t_new <= 0:
            self.avg = mos
        else:
            self.avg = (self.avg * self.t_old + mos * (t_new - self.t_old)) / t_new
        self.t_old = t_new
        self.worst = min(self.worst, mos)


class StreamPlayout:
    """Feed a stream's packets in arrival order (in chunks); read the sniffer's figures at the end."""

    def __init__(self, clock_rate=8000):
        self.listeners = (Listener(FixedBuffer(F1_MS, F1_RESYNC)), Listener(FixedBuffer(F2_MS, F2_RESYNC)),
                          Listener(AdaptiveBuffer()))  # fmt: skip
        self.clock_khz = max(1, clock_rate // 1000)
        self.ptime = None
        # sequence validation
        self.max_seq = None
        self.probation = MIN_SEQUENTIAL
        self.received = 0
        self.base = self.cycles = self.reordered = 0
        self.sl = [0] * 10
        self.bad_seq = SEQ_MOD + 1
        # playout clock (µs) and intervals
        self.clock_us = self.timebase_us = None
        self.first_ms = self.trigger_ms = self.last_eval_ms = self.last_ms = None
        self.eval_in = -1
        self.received_mark = 0

    # ------------------------------------------------------------------ feeding
    def feed(self, arrival, seq, ts, b1, voice, ptime_hint=None):
        """One chunk: arrival times (s), sequence numbers, RTP timestamps, second header byte and a
        voice mask (False for telephone-event packets), as sequences of equal length."""
        if not len(arrival):
            return
        if self.ptime is None:
            self.ptime = ptime_hint or 20
        ptime, ptime_us = self.ptime, self.ptime * 1000
        ts_step = ptime * self.clock_khz
        khz = self.clock_khz
        listeners = self.listeners
        arrival_us = np.rint(np.asarray(arrival, dtype=np.float64) * 1e6).astype(np.int64)
        for us, s, t, b, v in zip(arrival_us.tolist(), seq.tolist(), ts.tolist(), b1.tolist(), voice.tolist(),
                                  strict=True):  # fmt: skip
            self._validate(s)
            if v:
                frame = (s, t, b & 0x80, ts_step)
                if self.clock_us is None:
                    self.clock_us = self.timebase_us = us
                    for lst in listeners:
                        lst.put(frame, ptime, t // khz, 0)
                else:
                    clock, base = self.clock_us, self.timebase_us
                    lag = (us - clock) // 1000 - ptime
                    while lag >= ptime:
                        now = (clock - base) // 1000
                        for lst in listeners:
                            lst.tick(now, ptime)
                        clock += ptime_us
                        lag -= ptime
                    self.clock_us = clock
                    now = (us - base) // 1000
                    for lst in listeners:
                        lst.put(frame, ptime, t // khz, now)
            else:
                for lst in listeners:
                    lst.after_dtmf = True
            self._interval_step(us // 1000)

    def _validate(self, seq):
        """RFC 3550 A.1 update_seq, the first packet seeding the state (the sniffer's probation)."""
        max_seq = self.max_seq
        if max_seq is None:
            self.max_seq = self.base = seq
            return
        if self.probation:
            if seq == (max_seq + 1) & 0xFFFF:
                self.probation -= 1
                self.max_seq = seq
                if not self.probation:
                    self.base, self.cycles, self.received, self.bad_seq = seq, 0, 1, SEQ_MOD + 1
            else:
                self.probation = MIN_SEQUENTIAL - 1
                self.max_seq = seq
            return
        udelta = (seq - max_seq) & 0xFFFF
        if udelta < MAX_DROPOUT:
            if udelta > 1:
                self.sl[min(udelta - 1, 10) - 1] += 1
            if seq < max_seq:
                self.cycles += SEQ_MOD
            self.max_seq = seq
        elif udelta <= SEQ_MOD - MAX_MISORDER:
            if seq != self.bad_seq:
                self.bad_seq = (seq + 1) & 0xFFFF
                return
            self.max_seq = self.base = seq
            self.cycles = self.received = 0
            self.bad_seq = SEQ_MOD + 1
        else:
            self.reordered += 1
        self.received += 1

    def _interval_step(self, now_ms):
        if self.first_ms is None:
            self.first_ms = self.trigger_ms = self.last_eval_ms = now_ms
        self.last_ms = now_ms
        if self.eval_in > 0:
            self.eval_in -= 1
            if not self.eval_in:
                self._evaluate(now_ms)
        if now_ms - self.trigger_ms > INTERVAL_MS:
            self.trigger_ms = now_ms
            self.eval_in = INTERVAL_LAG_PACKETS

    def _evaluate(self, now_ms):
        received, self.received_mark = self.received - self.received_mark, self.received
        for lst in self.listeners:
            lst.close_interval(received, now_ms - self.first_ms)
        self.last_eval_ms = now_ms

    # ------------------------------------------------------------------ results
    def finish(self):
        """Score the closing interval (once); call before reading the MOS figures."""
        if self.last_ms is not None and self.last_ms - self.last_eval_ms > FINAL_INTERVAL_MIN_MS:
            self._evaluate(self.last_ms)
        self.last_eval_ms = self.last_ms

    def mos_mult10(self, k):
        """(call value, worst interval) x10 of buffer k (0 f1, 1 f2, 2 adapt), as the sniffer stores them."""
        lst = self.listeners[k]
        if lst.avg is None:
            return NO_MOS, NO_MOS
        return (int(lst.avg) if k == 0 else int(lst.avg + 0.5)), lst.worst

    @property
    def received_column(self):
        """The sniffer's ``received``: the validated packets plus the probation packets."""
        return self.received + MIN_SEQUENTIAL

    @property
    def lost(self):
        if self.max_seq is None or self.probation:
            return 0
        return self.cycles + self.max_seq - self.base + 1 - self.received
