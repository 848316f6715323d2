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

import bisect
from collections import deque

import numpy as np

from .metrics import mos_from_interval

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
                    self.book(n)
        else:
            self.pending += 1
        self.next_at = self.jb.next()

    def book(self, n):
        self.loss[n] = self.loss.get(n, 0) + 1
        self.booked[0] += n
        self.booked[1] += 1

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


class FixedFastPath:
    """A fixed buffer computed a chunk at a time with numpy while the stream is regular.

    Regular means: voice frames only, every frame on the slot grid (timestamp a multiple of the ptime
    after the first frame's), each slot filled at most once, and every frame put before the tick that
    plays its slot and not so early that the buffer would resynchronise. Then the buffer only ever
    plays slot m at tick m + ceil(size / ptime): a slot without its frame adds one to the pending burst,
    a slot with it delivers and books the pending burst. The bookings are returned with the packet
    before which their tick ran. The first chunk that is not regular hands the exact state over to the
    packet-by-packet FixedBuffer (``to_slow``) for the rest of the stream.
    """

    __slots__ = ("listener", "size", "resync", "ptime", "khz", "ts_step", "lag", "ts0", "served", "waiting")

    def __init__(self, listener, ptime, khz):
        jb = listener.jb
        self.listener, self.size, self.resync = listener, jb.size, jb.resync
        self.ptime, self.khz, self.ts_step = ptime, khz, ptime * khz
        self.lag = -(-jb.size // ptime)  # ticks between a slot's time and the tick that plays it
        self.ts0 = None  # the first frame's timestamp in ms
        self.served = 0  # slots played (or found empty) so far
        empty = np.zeros(0, dtype=np.int64)
        self.waiting = (empty, empty, empty, empty)  # slot, seq, ts, marker of frames put, not yet played

    def chunk(self, seq, ts, b1, voice, ticks_before, ticks_end):
        """Bookings (packet position, burst length) of one chunk, or None when it is not regular
        (nothing is changed then). ``ticks_before[i]`` = ticks run before packet i is put."""
        if not voice.all():
            return None
        ptime, khz = self.ptime, self.khz
        rel = ts.astype(np.int64) // khz - self.ts0
        slots = rel // ptime
        if (rel % ptime).any() or (slots < 0).any():
            return None
        served_then = np.maximum(ticks_before - self.lag, 0)
        if (slots + self.lag < ticks_before).any():  # a frame after its slot was played
            return None
        if (ptime * slots > ptime * served_then + self.size + self.resync).any():  # far ahead: a resync
            return None
        w_slots, w_seq, w_ts, w_mark = self.waiting
        if len(np.unique(slots)) != len(slots) or (len(w_slots) and np.isin(slots, w_slots).any()):
            return None
        lst = self.listener
        all_slots = np.concatenate((w_slots, slots))
        order = np.argsort(all_slots, kind="stable")
        all_slots = all_slots[order]
        all_seq = np.concatenate((w_seq, seq.astype(np.int64)))[order]
        all_ts = np.concatenate((w_ts, ts.astype(np.int64)))[order]
        all_mark = np.concatenate((w_mark, (b1 & 0x80).astype(np.int64)))[order]
        new_served = max(self.served, ticks_end - self.lag)
        k = int(np.searchsorted(all_slots, new_served))  # frames played in this chunk: all_slots[:k]
        self.waiting = (all_slots[k:], all_seq[k:], all_ts[k:], all_mark[k:])
        if new_served == self.served:
            return []
        played, p_seq, p_ts, p_mark = all_slots[:k], all_seq[:k], all_ts[:k], all_mark[:k]
        last = self.served - 1
        if not k:
            lst.pending += new_served - 1 - last
            self.served = new_served
            return []
        burst = np.diff(np.concatenate(([last], played))) - 1
        burst[0] += lst.pending
        if lst.prev is None:
            prev_seq = np.concatenate(([-2], p_seq[:-1]))
            prev_ts = np.concatenate(([0], p_ts[:-1]))
        else:
            prev_seq = np.concatenate(([lst.prev[0]], p_seq[:-1]))
            prev_ts = np.concatenate(([lst.prev[1]], p_ts[:-1]))
        silence = (p_seq == (prev_seq + 1) & 0xFFFF) & (p_ts - prev_ts > self.ts_step)
        booked = (burst > 0) & (burst < IGNORE_BURST_FROM) & (p_mark == 0) & ~silence
        lst.pending = new_served - 1 - int(played[-1])
        lst.prev = (int(p_seq[-1]), int(p_ts[-1]))
        self.served = new_served
        if not booked.any():
            return []
        ticks = played[booked] + self.lag
        positions = np.searchsorted(ticks_before, ticks + 1)
        return list(zip(positions.tolist(), burst[booked].tolist(), strict=True))

    def to_slow(self, frame_ms):
        """Load the packet-by-packet buffer with this state: it continues exactly from here."""
        lst, jb = self.listener, self.listener.jb
        jb.rxcore = -self.ts0
        jb.next_at = jb.size + self.ptime * self.served
        jb.frames = [[jb.size + self.ptime * m, frame_ms, self.ts0 + self.ptime * m, (s, t, b, self.ts_step)]
                     for m, s, t, b in zip(*(w.tolist() for w in self.waiting), strict=True)]  # fmt: skip
        lst.started = True
        lst.next_at = jb.next_at


class StreamPlayout:
    """Feed a stream's packets in arrival order (in chunks); read the sniffer's figures at the end."""

    def __init__(self, clock_rate=8000):
        self.listeners = (
            Listener(FixedBuffer(F1_MS, F1_RESYNC)),
            Listener(FixedBuffer(F2_MS, F2_RESYNC)),
            Listener(AdaptiveBuffer()),
        )
        self.clock_khz = max(1, clock_rate // 1000)
        self.ptime = None
        self.fast = []  # FixedFastPath of the fixed buffers while their stream is regular
        self.slow = self.listeners  # the listeners simulated packet by packet
        self.bookings = []  # (packet position in the chunk, burst, listener) from the fast path
        # sequence validation
        self.max_seq = None
        self.probation = MIN_SEQUENTIAL
        self.received = 0
        self.base = self.cycles = self.reordered = 0
        self.sl = [0] * 10  # gaps of 1..9 and 10+ packets closed after probation (sl1..sl10)
        self.bad_seq = SEQ_MOD + 1
        # playout clock (µs) and intervals
        self.clock_us = self.timebase_us = None
        self.first_ms = self.trigger_ms = self.last_eval_ms = self.last_ms = None
        self.eval_in = -1
        self.received_mark = 0

    # ------------------------------------------------------------------ feeding
    def feed(self, arrival, seq, ts, b1, voice, ptime_hint=None):
        """One chunk: arrival times (s), sequence numbers, RTP timestamps, second header byte and a
        voice mask (False for telephone-event packets), as numpy arrays of equal length."""
        if not len(arrival):
            return
        if self.ptime is None:
            self.ptime = ptime_hint or 20
            self.fast = [FixedFastPath(lst, self.ptime, self.clock_khz) for lst in self.listeners[:2]]
            self.slow = self.listeners[2:]
        ptime, ptime_us = self.ptime, self.ptime * 1000
        ts_step = ptime * self.clock_khz
        khz = self.clock_khz
        arrival_us = np.rint(np.asarray(arrival, dtype=np.float64) * 1e6).astype(np.int64)
        self.bookings = self._fast_chunk(arrival_us, seq, ts, b1, voice)
        listeners = self.slow
        for i, (us, s, t, b, v) in enumerate(zip(arrival_us.tolist(), seq.tolist(), ts.tolist(), b1.tolist(),
                                                 voice.tolist(), strict=True)):  # fmt: skip
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
            self._interval_step(us // 1000, i)
        self._apply_bookings(len(arrival_us))

    def _fast_chunk(self, arrival_us, seq, ts, b1, voice):
        """Run the fixed buffers that are still regular over the chunk with numpy (FixedFastPath);
        a buffer whose chunk is not regular joins the packet-by-packet ones. Returns the bookings."""
        if not self.fast:
            return []
        ptime = self.ptime
        if self.timebase_us is None:
            first = np.flatnonzero(voice)
            if not len(first):
                return []
            base, done = int(arrival_us[first[0]]), 0
            for fp in self.fast:
                fp.ts0 = int(ts[first[0]]) // self.clock_khz
        else:
            base, done = self.timebase_us, (self.clock_us - self.timebase_us) // (ptime * 1000)
        due = np.where(voice, (arrival_us - base) // 1000 // ptime - 1, -1)
        ticks_before = np.maximum(np.maximum.accumulate(due), done)
        bookings = []
        for fp in list(self.fast):
            found = fp.chunk(seq, ts, b1, voice, ticks_before, int(ticks_before[-1]))
            if found is None:
                self.fast.remove(fp)
                self.slow = (*self.slow, fp.listener)
                if self.timebase_us is not None:  # the buffer has run: continue from its state
                    fp.to_slow(ptime)
            else:
                bookings.extend((pos, n, fp.listener) for pos, n in found)
        bookings.sort(key=lambda b: b[0])
        return bookings

    def _apply_bookings(self, upto):
        """Book the fast buffers' bursts whose tick ran before packet `upto` of the chunk."""
        bookings = self.bookings
        while bookings and bookings[0][0] < upto:
            _pos, n, lst = bookings.pop(0)
            lst.book(n)

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

    def _interval_step(self, now_ms, i):
        if self.first_ms is None:
            self.first_ms = self.trigger_ms = self.last_eval_ms = now_ms
        self.last_ms = now_ms
        if self.eval_in > 0:
            self.eval_in -= 1
            if not self.eval_in:
                self._apply_bookings(i + 1)
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
